"""Text longer than a field holds is refused with the limit and the length, never cut: no input
carries the browser's `maxlength`, and text areas count their characters as the person types."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dataedits.models import CaseNote
from participants.forms import ParticipantForm
from participants.models import Participant

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def record_form(client, seeker) -> dict:
    opened = client.get(reverse("participants:detail", args=[seeker.pk]))
    assert opened.status_code == 200
    form = opened.context["form"]
    return {name: form[name].value() or "" for name in form.fields} | {
        "date_of_birth": "1990-01-01"
    }


def test_no_text_box_of_the_record_lets_the_browser_cut_what_is_typed(world):
    page = signed_in(world.esd_case_manager).get(
        reverse("participants:detail", args=[world.seekers["own"].pk])
    )
    html = page.content.decode()
    assert 'name="state"' in html
    assert not re.findall(r"<(?:input|textarea)[^>]*maxlength", html)
    form = ParticipantForm(instance=world.seekers["own"])
    assert all("maxlength" not in field.widget.attrs for field in form.fields.values())


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("state", "Washington", "Keep this to 2 characters: it has 10."),
        ("first_name", "A" * 101, "Keep this to 100 characters: it has 101."),
    ],
)
def test_a_value_the_field_cannot_hold_is_refused_with_the_reason_and_nothing_saved(
    world, field, value, message
):
    seeker = world.seekers["own"]
    client = signed_in(world.esd_case_manager)
    before = Participant.objects.values().get(pk=seeker.pk)
    data = record_form(client, seeker) | {field: value}
    refused = client.post(reverse("participants:detail", args=[seeker.pk]), data)
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert Participant.objects.values().get(pk=seeker.pk) == before
    # The same form without that value saves: the length was the only reason.
    saved = client.post(reverse("participants:detail", args=[seeker.pk]), data | {field: "WA"})
    assert saved.status_code == 302


def test_a_text_area_with_a_limit_counts_its_characters(world):
    page = (
        signed_in(world.partner_case_manager)
        .get(reverse("dataedits:case_note_create", args=[world.seekers["own"].pk]))
        .content.decode()
    )
    assert '<div class="usa-character-count" data-maxlength="10000">' in page
    [area] = re.findall(r"<textarea[^>]*>", page)
    assert "usa-character-count__field" in area and "maxlength" not in area
    assert 'aria-describedby="id_text_helptext id_text-info"' in area
    assert '<span id="id_text-info" class="usa-character-count__message">' in page
    assert "You can enter up to 10000 characters." in page


def test_an_overlong_case_note_is_refused_with_the_reason_and_nothing_saved(world):
    response = signed_in(world.partner_case_manager).post(
        reverse("dataedits:case_note_create", args=[world.seekers["own"].pk]),
        {"contact_date": "2024-03-01", "text": "Attended. " * 1001},
    )
    assert response.status_code == 400
    assert "Keep this to 10000 characters: it has 10009." in response.content.decode()
    assert not CaseNote.objects.exists()


def test_the_agreement_keeps_every_office_and_area_of_a_person_assigned_many(world):
    from access.services import nda_sign
    from tests.factories import AreaFactory, OfficeFactory

    person = world.partner_case_manager
    offices = [
        OfficeFactory(name=f"WorkSource {'North' * 20} {n}", area=AreaFactory(name="A" * 120))
        for n in range(6)
    ]
    person.offices.add(*offices)
    agreement = nda_sign(actor=person, typed_name=person.get_full_name())
    agreement.refresh_from_db()
    assert len(agreement.offices) > 500 and all(o.name in agreement.offices for o in offices)
    assert len(agreement.area) > 200 and all(str(o.area) in agreement.area for o in offices)
