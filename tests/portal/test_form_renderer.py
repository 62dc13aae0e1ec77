"""The portal's form renderer writes select boxes exactly as Django's templates do."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from access.models import Office
from portal.forms import FormRenderer

CHOICES = [
    ("", "Any office"),
    ("1", 'WorkSource "Annex" & <East>'),
    (2, "Two"),
    ("Grouped", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))]),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flagged = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(
            attrs={"class": "usa-select", "disabled": True, "data-x": 'a"b', "off": False}
        ),
    )
    yes_no = forms.NullBooleanField()
    dated = forms.ChoiceField(
        choices=[(1, date(2026, 12, 1)), (2, datetime(2026, 12, 1, 17, 5, tzinfo=UTC)), (3, 1.5)]
    )


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "1", "many": ["2", "g2"], "flagged": "g1", "yes_no": "true"}, {"plain": "x"}],
    ids=["unbound", "chosen", "invalid choice"],
)
@pytest.mark.parametrize("name", ["plain", "many", "flagged", "yes_no", "dated"])
def test_each_select_is_the_html_of_djangos_templates(data, name):
    ours = Sample(data, renderer=FormRenderer())[name].as_widget()
    djangos = Sample(data, renderer=DjangoTemplates())[name].as_widget()
    assert "<option" in ours
    assert ours == djangos


@pytest.mark.django_db
def test_a_model_choice_select_too(world):
    class Offices(forms.Form):
        office = forms.ModelChoiceField(queryset=Office.objects.order_by("name"), empty_label="Any")

    data = {"office": str(world.office_b.pk)}
    ours = Offices(data, renderer=FormRenderer())["office"].as_widget()
    assert ours == Offices(data, renderer=DjangoTemplates())["office"].as_widget()
    assert f'<option value="{world.office_b.pk}" selected>WorkSource Beta</option>' in ours


def test_the_portal_uses_it(settings):
    assert settings.FORM_RENDERER == "portal.forms.FormRenderer"
