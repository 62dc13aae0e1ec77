from django import forms

from .dates import refuse_senseless_date
from .text import refuse_control_characters, refuse_control_characters_in_text, refuse_ssn

TOO_LONG = "Keep this to %(limit_value)d characters: it has %(show_value)d."


class USWDSFormMixin:
    """Gives each widget its U.S. Web Design System class, marks fields with errors, and guards text.

    Every text field refuses an SSN-shaped number and control characters (line breaks only where
    the widget is a text area); every date field, a date outside 1900-2099 (portal.dates). A form added later is guarded without anyone remembering to.
    The fields named in `FORMATTED_FIELDS` are not free text: they take a value of a format the
    form checks itself (the SSN box of the Opt-Out Lookup, a ZIP code), and skip the SSN check.

    No text field carries the HTML `maxlength`: a browser would cut longer text, typed or
    pasted, without a word ("Washington" into a two-letter state box would be saved as "Wa").
    Longer text is refused here with the limit and the length; text areas show the count as
    the person types (USWDS's character count, portal/_field.html).
    """

    FORMATTED_FIELDS: tuple[str, ...] = ()

    WIDGET_CLASSES = {
        forms.Select: "usa-select",
        forms.SelectMultiple: "usa-select",
        forms.Textarea: "usa-textarea",
        forms.CheckboxInput: "usa-checkbox__input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (c for w, c in self.WIDGET_CLASSES.items() if isinstance(field.widget, w)),
                "usa-input",
            )
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.validators.append(refuse_senseless_date)
            if isinstance(field, forms.CharField):
                field.widget.attrs.pop("maxlength", None)
                field.error_messages["max_length"] = TOO_LONG
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(
                    refuse_control_characters_in_text if multiline else refuse_control_characters
                )
                if name not in self.FORMATTED_FIELDS:
                    field.validators.append(refuse_ssn)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " usa-input--error"
                widget.attrs["aria-invalid"] = "true"
