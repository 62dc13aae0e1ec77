from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

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


class FormRenderer(DjangoTemplates):
    """Django's form renderer (FORM_RENDERER), with select boxes written in Python.

    Django renders a select box through a template that includes another for each option, and
    that one a third for each option's attributes: the office list of WorkSource results (fifty
    offices) took ten milliseconds, longer than the search it narrows. The same HTML, written
    here, takes a fraction of one. Every other widget is Django's template, as it ships.
    """

    def render(self, template_name, context, request=None):
        if template_name == "django/forms/widgets/select.html":
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def _attributes(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: `name="value"` for each, the name alone for True, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _shown(value: object) -> object:
    """A label as `{{ label }}` shows it: a date or a number in the portal's formats, a time in the state's."""
    return localize(template_localtime(value))


def select_html(widget: dict) -> SafeString:
    """django/forms/widgets/select.html and select_option.html, to the character."""
    parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', _shown(group_name)))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',  # the option's template ends a line
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    _shown(option["label"]),
                )
            )
        if group_name:
            parts.append(mark_safe("\n  </optgroup>"))
    parts.append(mark_safe("\n</select>"))
    return mark_safe("".join(conditional_escape(part) for part in parts))
