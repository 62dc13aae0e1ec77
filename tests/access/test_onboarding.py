"""First sign-in (password, authenticator app, confidentiality agreement) and the code at every sign-in."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access import mfa
from access.models import AuthenticatorApp, ConfidentialityAgreement, RecoveryCodes, Staff
from access.roles import Role
from access.services import access_request_add, access_request_approve, nda_sign
from participants.models import Participant
from portal.errors import PortalError
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Puget-Sound-ferry-2031"


def approved_new_user(world, django_capture_on_commit_callbacks, mailoutbox):
    from access.services import requester_designate

    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    request = access_request_add(
        actor=world.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="pat.newhire@example.org",
        organization=world.partner,
        role=Role.CASE_MANAGER,
        offices=[world.office_a],
        logs_into=world.office_a,
        training_completed_on=timezone.localdate(),
        supervisor_certified=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        access_request_approve(actor=world.access_management, request_id=request.pk)
    mail = next(m for m in mailoutbox if m.to == ["pat.newhire@example.org"])
    link = re.search(r"https?://\S+(/access/welcome/\S+)", mail.body).group(1)
    return Staff.objects.get(username="pnewhire"), link


def test_first_sign_in_sets_a_password_enrols_the_app_and_signs_the_agreement(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    person, link = approved_new_user(world, django_capture_on_commit_callbacks, mailoutbox)
    client = Client()
    form_page = client.get(link, follow=True)
    assert "Welcome: set your password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("access:mfa_enrol")
    # The link worked once.
    assert "no longer valid" in Client().get(link, follow=True).content.decode()

    # Nothing else opens before the app is set up.
    assert client.get(reverse("participants:search"))["Location"] == reverse("access:mfa_enrol")
    enrol = client.get(reverse("access:mfa_enrol")).content.decode()
    app = AuthenticatorApp.objects.get(user=person)
    secret = app.bin_key
    assert "<svg" in enrol and app.secret_base32[:4] in enrol and not app.confirmed
    wrong = client.post(
        reverse("access:mfa_enrol"),
        {"code": "000000" if mfa.code_at(secret, time.time()) != "000000" else "111111"},
    )
    assert "does not match" in wrong.content.decode()
    AuthenticatorApp.objects.filter(pk=app.pk).update(
        throttling_failure_timestamp=None
    )  # past django-otp's wait
    codes_page = client.post(
        reverse("access:mfa_enrol"), {"code": mfa.code_at(secret, time.time())}
    ).content.decode()
    assert (
        "Your recovery codes" in codes_page
        and RecoveryCodes.objects.get(user=person).left == mfa.RECOVERY_CODES
    )
    person.refresh_from_db()
    assert person.last_login is not None  # the first complete sign-in: password and code

    # Then the agreement: no seeker before it is signed.
    assert client.get(reverse("participants:search"))["Location"] == reverse("access:nda")
    page = client.get(reverse("access:nda")).content.decode()
    assert (
        "Until you sign, the portal shows you no seeker" in page
        and world.office_a.area.name in page
    )
    mismatch = client.post(reverse("access:nda"), {"typed_name": "Somebody Else"}).content.decode()
    assert "Type your name as your account has it: Pat Newhire." in mismatch
    assert client.post(reverse("access:nda"), {"typed_name": " pat  NEWHIRE "})[
        "Location"
    ] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert client.get(reverse("participants:search")).status_code == 200
    agreement = ConfidentialityAgreement.objects.get(staff=person)
    person.refresh_from_db()
    assert agreement.typed_name == "pat NEWHIRE" and person.nda_signed_at == agreement.signed_at


def test_no_seeker_is_visible_until_the_agreement_is_signed(world):
    person = StaffFactory(
        organization=world.partner, current_office=world.office_a, nda_signed_at=None
    )
    assert not Participant.objects.visible_to(person).exists()
    nda_sign(actor=person, typed_name=person.get_full_name())
    assert set(Participant.objects.visible_to(person)) == {
        world.seekers["own"],
        world.seekers["other"],
    }


def test_requesters_see_which_of_their_users_have_not_signed(world):
    from access.services import requester_designate

    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    unsigned = StaffFactory(
        organization=world.partner,
        current_office=world.office_a,
        nda_signed_at=None,
        last_name="Unsigned",
    )
    elsewhere = StaffFactory(
        organization=world.partner,
        current_office=world.office_b,
        nda_signed_at=None,
        last_name="Elsewhere",
    )
    client = Client()
    client.force_login(world.access_requester)
    page = client.get(reverse("access:requests")).content.decode()
    assert unsigned.username in page and elsewhere.username not in page
    assert world.partner_case_manager.username not in page.split("Your requests")[0]
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "1 of your users have not signed" in dashboard


def test_every_page_waits_for_the_code(world, settings):
    settings.ACCESS_MFA_AT_SIGN_IN = True
    person = world.partner_case_manager
    client = Client()
    assert (
        client.post(
            reverse("login"), {"username": person.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("access:mfa_verify")
    assert client.get(reverse("participants:search"))["Location"] == reverse("access:mfa_verify")
    wrong = client.post(reverse("access:mfa_verify"), {"code": "12345"}).content.decode()
    assert "does not match" in wrong
    AuthenticatorApp.objects.filter(user=person).update(throttling_failure_timestamp=None)
    code = mfa.code_at(AuthenticatorApp.objects.get(user=person).bin_key, time.time())
    assert client.post(reverse("access:mfa_verify"), {"code": code})["Location"] == reverse(
        "portal:dashboard"
    )
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_an_app_is_enrolled_once(world):
    from access.services import mfa_enrolment_start

    with pytest.raises(PortalError, match="already set up"):
        mfa_enrolment_start(actor=world.partner_case_manager)


def test_the_agreement_keeps_attachment_is_fields_as_they_were_when_signed(world):
    person = StaffFactory(
        organization=world.partner,
        current_office=world.office_a,
        nda_signed_at=None,
        first_name="Pat",
        last_name="Newhire",
        username="pnewhire",
    )
    agreement = nda_sign(actor=person, typed_name="Pat Newhire")
    person.role = Role.ACCESS_REQUESTER
    person.save()
    person.offices.set([world.office_b])
    agreement.refresh_from_db()
    assert (agreement.first_name, agreement.last_name, agreement.role, agreement.user_id) == (
        "Pat",
        "Newhire",
        "Case manager",
        "pnewhire",
    )
    assert world.office_a.area.name in agreement.area and agreement.offices == world.office_a.name
    client = Client()
    client.force_login(person)
    page = client.get(reverse("access:nda")).content.decode()
    assert "Staff user ID" in page and "pnewhire" in page and world.office_a.name in page
