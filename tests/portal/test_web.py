"""The base views (portal/web.py), on small pages of their own over real services and the gate."""

import re

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import path

from participants.access import access_participant
from participants.models import Enrollment, Participant
from participants.services import enrollment_create, participant_update
from portal.urls import urlpatterns as portal_urlpatterns
from portal.web import ActionView, ConfirmedActionView, FormView, refusal

TEMPLATES = {
    "web/form.html": "{{ form.non_field_errors }}|{{ form.first_name.errors }}|{{ object }}",
    "web/confirm.html": "Enroll {{ object.first_name }}?",
}


class NameForm(forms.Form):
    first_name = forms.CharField(max_length=20)


class RenameView(FormView):
    capability = "can_edit_seekers"
    template_name = "web/form.html"
    form_class = NameForm

    def get_object(self) -> Participant:
        return access_participant(self.request.user, self.kwargs["pk"])

    def get_context_data(self, form: forms.BaseForm) -> dict:
        return {"form": form, "object": self.object}

    def perform(self, form: NameForm) -> Participant:
        return participant_update(
            actor=self.request.user,
            participant=self.object,
            changes={"first_name": form.cleaned_data["first_name"]},
        )

    def success_url(self, participant: Participant) -> str:
        return f"/web/renamed/{participant.pk}/"


class EnrollView(ActionView):
    capability = "can_edit_seekers"

    def get_object(self) -> Participant:
        return access_participant(self.request.user, self.kwargs["pk"])

    def perform(self, form: None) -> object:
        return enrollment_create(actor=self.request.user, participants=[self.object])

    def success_message(self, result: object) -> str:
        return f"Enrolled {self.object.first_name}."

    def redirect_url(self) -> str:
        return "/web/back/"


class RoleFirstEnrollView(EnrollView):
    role_before_method = True


class ConfirmedEnrollView(ConfirmedActionView, EnrollView):
    confirm_template_name = "web/confirm.html"


urlpatterns = [
    path("web/rename/<int:pk>/", RenameView.as_view()),
    path("web/enroll/<int:pk>/", EnrollView.as_view()),
    path("web/enroll-role-first/<int:pk>/", RoleFirstEnrollView.as_view()),
    path("web/enroll-confirmed/<int:pk>/", ConfirmedEnrollView.as_view()),
    *portal_urlpatterns,
]


@pytest.fixture
def templates(settings):
    engine = dict(settings.TEMPLATES[0])
    engine["OPTIONS"] = dict(engine["OPTIONS"])
    engine["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", TEMPLATES),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    engine["APP_DIRS"] = False
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> str:
    """The page without what differs on every response: the CSP nonce, the CSRF token, and the
    address it was asked at (the office switcher returns there)."""
    page = response.content.decode().replace(response.wsgi_request.path, "")
    page = re.sub(r'nonce="[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(__name__),
    pytest.mark.usefixtures("templates"),
]


class TestFormView:
    def test_a_valid_form_calls_the_service_and_redirects(self, world):
        seeker = world.seekers["own"]
        response = signed_in(world.partner_case_manager).post(
            f"/web/rename/{seeker.pk}/", {"first_name": "Olive"}
        )
        assert response.status_code == 302 and response["Location"] == f"/web/renamed/{seeker.pk}/"
        assert Participant.objects.get(pk=seeker.pk).first_name == "Olive"

    def test_a_refusal_becomes_a_form_error_and_changes_nothing(self, world):
        # "other" is visible to the partner but not enrolled in their office: the service refuses.
        seeker = world.seekers["other"]
        response = signed_in(world.partner_case_manager).post(
            f"/web/rename/{seeker.pk}/", {"first_name": "Otto"}
        )
        assert response.status_code == 400
        assert "Add this seeker to your office to edit." in response.content.decode()
        assert Participant.objects.get(pk=seeker.pk).first_name == "Oscar"
        assert told(response) == []

    def test_an_invalid_form_is_drawn_again_without_calling_the_service(self, world):
        seeker = world.seekers["own"]
        response = signed_in(world.partner_case_manager).post(
            f"/web/rename/{seeker.pk}/", {"first_name": "x" * 21}
        )
        assert response.status_code == 400
        assert "at most 20 characters" in response.content.decode()
        assert Participant.objects.get(pk=seeker.pk).first_name == "Olivia"

    def test_get_draws_the_form_about_the_object(self, world):
        seeker = world.seekers["own"]
        response = signed_in(world.partner_case_manager).get(f"/web/rename/{seeker.pk}/")
        assert response.status_code == 200 and str(seeker) in response.content.decode()

    def test_a_role_without_the_capability_is_refused_before_anything_is_fetched(self, world):
        client = signed_in(world.auditor)
        assert client.get(f"/web/rename/{world.seekers['own'].pk}/").status_code == 403
        assert client.get("/web/rename/999999/").status_code == 403

    def test_missing_and_hidden_answer_the_same_404(self, world):
        client = signed_in(world.partner_case_manager)
        hidden = client.post(f"/web/rename/{world.seekers['opted_out'].pk}/", {"first_name": "A"})
        missing = client.post("/web/rename/999999/", {"first_name": "A"})
        assert hidden.status_code == missing.status_code == 404
        assert body(hidden) == body(missing)
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).first_name == "Ophelia"


class TestActionView:
    def test_post_calls_the_service_and_says_so(self, world):
        seeker = world.seekers["other"]
        response = signed_in(world.partner_case_manager).post(f"/web/enroll/{seeker.pk}/")
        assert response.status_code == 302 and response["Location"] == "/web/back/"
        assert told(response) == ["Enrolled Oscar."]
        assert Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()

    def test_a_refusal_becomes_a_message_and_changes_nothing(self, world):
        person = world.partner_case_manager
        person.current_office = None
        person.save(update_fields=["current_office"])
        seeker = world.seekers["other"]
        response = signed_in(person).post(f"/web/enroll/{seeker.pk}/")
        assert response.status_code == 302 and response["Location"] == "/web/back/"
        assert told(response) == [
            "Choose the office you are working in before adding seekers to it."
        ]
        assert list(seeker.enrollments.values_list("office", flat=True)) == [world.office_b.pk]

    def test_a_get_is_405_for_everyone_and_does_nothing(self, world):
        seeker = world.seekers["other"]
        for person in (world.partner_case_manager, world.auditor):
            assert signed_in(person).get(f"/web/enroll/{seeker.pk}/").status_code == 405
        assert not Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()

    def test_a_role_first_action_refuses_the_role_before_the_method(self, world):
        url = f"/web/enroll-role-first/{world.seekers['other'].pk}/"
        assert signed_in(world.auditor).get(url).status_code == 403
        assert signed_in(world.partner_case_manager).get(url).status_code == 405

    def test_a_role_without_the_capability_is_refused(self, world):
        seeker = world.seekers["other"]
        assert signed_in(world.auditor).post(f"/web/enroll/{seeker.pk}/").status_code == 403
        assert not Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()

    def test_missing_and_hidden_answer_the_same_404(self, world):
        client = signed_in(world.partner_case_manager)
        hidden = client.post(f"/web/enroll/{world.seekers['opted_out'].pk}/")
        missing = client.post("/web/enroll/999999/")
        assert hidden.status_code == missing.status_code == 404
        assert body(hidden) == body(missing)

    def test_a_destructive_action_asks_first(self, world):
        seeker = world.seekers["other"]
        client = signed_in(world.partner_case_manager)
        asked = client.get(f"/web/enroll-confirmed/{seeker.pk}/")
        assert asked.status_code == 200 and asked.content.decode() == "Enroll Oscar?"
        assert not Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()
        assert client.post(f"/web/enroll-confirmed/{seeker.pk}/").status_code == 302
        assert Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()


def test_refusal_gives_the_message_of_a_refused_check_or_none(world):
    from participants.services import ensure_can_edit

    person = world.partner_case_manager
    assert refusal(ensure_can_edit, actor=person, participant=world.seekers["own"]) is None
    assert (
        refusal(ensure_can_edit, actor=person, participant=world.seekers["other"])
        == "Add this seeker to your office to edit."
    )


def test_an_address_reversed_once_is_the_address_reverse_gives():
    from django.urls import reverse

    from portal.web import address_of_each

    record = address_of_each("participants:detail")
    for pk in (1, 7, 90, 123_456_789, 9_081_726_354):
        assert record(pk) == reverse("participants:detail", args=[pk])
    assert address_of_each("dataedits:seeker")(42) == reverse("dataedits:seeker", args=[42])


def test_an_address_that_takes_no_id_is_refused():
    from django.urls import NoReverseMatch

    from portal.web import address_of_each

    with pytest.raises(NoReverseMatch):
        address_of_each("portal:dashboard")(1)
