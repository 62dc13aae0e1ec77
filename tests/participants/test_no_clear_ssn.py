"""The leak scan: after a case manager's journey over the demo data, no SSN is in clear anywhere.

The demo's seekers are committed (a transactional test), a case manager searches by SSN, opens
and edits a record, and then the whole database (pg_dump), every log record at DEBUG including
the SQL, every URL and response header, and the audit trail are searched for each demo SSN, with
and without dashes. The demo's SSNs all have area numbers 900-999 (never issued).
"""

import json
import logging
import subprocess
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from demo.seed import DEMO_PASSWORD, seed_demo
from participants.crypto import blind_index, mask_ssn
from participants.models import Participant
from portal.logging import RedactSSNFilter

PG_DUMP = "/usr/bin/pg_dump"


class Recorder(logging.Handler):
    """Keeps every record as the text a handler would write: message, exception and stack."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record):
        self.names.add(record.name)
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            self.lines.append(record.stack_info)


@contextmanager
def every_log_record():
    """Records everything logged, at DEBUG, before any filter redacts it; SQL included.

    The recorder goes first on the root logger, ahead of the console handler whose
    RedactSSNFilter rewrites records: what the code hands to logging is checked, not what the
    filter makes of it. Loggers that do not propagate (django.server) get the recorder too.
    """
    recorder = Recorder()
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for name in (
        "django",
        "django.request",
        "django.server",
        "django.db.backends",
        "django.security",
    ):
        loggers.append(logging.getLogger(name))
    saved = {id(logger): (logger, logger.level) for logger in loggers}
    extra_handlers = []
    root.handlers.insert(0, recorder)
    for logger, level in saved.values():
        if level > logging.DEBUG:
            logger.setLevel(logging.DEBUG)
        if logger is not root and not logger.propagate:
            logger.addHandler(recorder)
            extra_handlers.append(logger)
    # Query logging without settings.DEBUG: what CaptureQueriesContext does.
    debug_cursor, connection.force_debug_cursor = connection.force_debug_cursor, True
    try:
        yield recorder
    finally:
        connection.force_debug_cursor = debug_cursor
        root.removeHandler(recorder)
        for logger in extra_handlers:
            logger.removeHandler(recorder)
        for logger, level in saved.values():
            logger.setLevel(level)


def both_forms(ssn: str) -> tuple[str, str]:
    return ssn, f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"


def clear_ssns_in(text: str, ssns: list[str]) -> list[str]:
    return [form for ssn in ssns for form in both_forms(ssn) if form in text]


def database_dump() -> str:
    db = connection.settings_dict
    dump = subprocess.run(
        [
            PG_DUMP,
            "--no-password",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "root",
            "-d",
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dump.returncode == 0, dump.stderr
    return dump.stdout


@pytest.mark.django_db(transaction=True)
def test_no_demo_ssn_in_clear_in_the_database_logs_urls_or_audit_trail(client):
    responses = []

    def record(response):
        responses.append(response)
        return response

    with every_log_record() as logs:
        seed_demo(seekers=40)
        ssns = [seeker.ssn for seeker in Participant.objects.all()]
        # The 40 seekers, and the three the intake demo's Job Match registers.
        assert len(set(ssns)) == len(ssns) == 43
        assert all(900 <= int(ssn[:3]) <= 999 for ssn in ssns)

        # A seeker the case manager may edit: enrolled in the office they are logged into.
        seeker = (
            Participant.objects.filter(
                enrollments__office__name="WorkSource Bremerton", opted_out=False
            )
            .order_by("pk")
            .first()
        )
        digits, dashed = both_forms(seeker.ssn)
        search_url = reverse("participants:search")
        detail_url = reverse("participants:detail", args=[seeker.pk])

        credentials = {"username": "esd.casemanager", "password": DEMO_PASSWORD}
        signed_in = record(client.post(reverse("login"), credentials))
        assert signed_in.status_code == 302 and signed_in["Location"] == reverse("portal:dashboard")
        record(client.get(signed_in["Location"]))

        for typed, scope in ((dashed, "worksource"), (digits, "office")):
            # One request: the POST is answered with the results, which name the token's address.
            searched = record(client.post(search_url, {"q": typed, "scope": scope}))
            assert searched.status_code == 200
            page = searched.content.decode()
            assert (
                "Total Participants: 1" in page and detail_url in page and mask_ssn(digits) in page
            )
            address = f"{search_url}?s={searched.context['token']}"
            assert f'data-results-address="{address}"' in page
            assert record(client.get(address)).status_code == 200

        opened = record(client.get(detail_url))
        assert opened.status_code == 200 and mask_ssn(digits) in opened.content.decode()

        form = opened.context["form"]
        edited = {name: form[name].value() or "" for name in form.fields} | {
            "date_of_birth": seeker.date_of_birth.isoformat(),
            "city": "Silverdale",
            "zip_code": "98383",
        }
        refused = record(client.post(detail_url, edited | {"zip_code": "9838"}))  # logged as a 400
        assert refused.status_code == 400
        missing = Participant.objects.order_by("-pk").first().pk + 1
        assert record(client.get(reverse("participants:detail", args=[missing]))).status_code == 404
        saved = record(client.post(detail_url, edited))
        assert saved.status_code == 302 and saved["Location"] == detail_url
        assert "Saved." in record(client.get(detail_url)).content.decode()

    seeker.refresh_from_db()
    assert (seeker.city, seeker.zip_code) == ("Silverdale", "98383")

    # The logs: the SQL (the search's blind index is in it) and the 400 and 404 were recorded; no SSN.
    log_text = "\n".join(logs.lines)
    assert {"django.db.backends", "django.request"} <= logs.names and blind_index(
        digits
    ) in log_text
    assert clear_ssns_in(log_text, ssns) == []

    # Every URL requested or redirected to, and every response header.
    urls_and_headers = "\n".join(
        [r.request["PATH_INFO"] + "?" + r.request.get("QUERY_STRING", "") for r in responses]
        + [f"{name}: {value}" for r in responses for name, value in r.headers.items()]
    )
    assert "Location: " + detail_url in urls_and_headers
    assert clear_ssns_in(urls_and_headers, ssns) == []

    # The audit trail: the record was opened and edited, and no entry holds an SSN.
    entries = list(AuditEntry.objects.values())
    trail = json.dumps(entries, default=str)
    participant_type = ContentType.objects.get_for_model(Participant).pk
    seeker_entries = [
        e
        for e in entries
        if (e["content_type_id"], e["object_pk"]) == (participant_type, str(seeker.pk))
    ]
    assert {e["action"] for e in seeker_entries} >= {
        AuditEntry.Action.CREATE,
        AuditEntry.Action.ACCESS,
        AuditEntry.Action.UPDATE,
    }
    assert "Silverdale" in trail
    assert clear_ssns_in(trail, ssns) == []

    # The database itself, as a backup would hold it.
    dump = database_dump()
    assert seeker.customer_id in dump and "Silverdale" in dump and blind_index(digits) in dump
    assert clear_ssns_in(dump, ssns) == []


def test_the_log_filter_redacts_ssns_in_messages_and_arguments():
    logger = logging.getLogger("tests.redact_ssn")
    recorder = Recorder()
    recorder.addFilter(RedactSSNFilter())
    logger.addHandler(recorder)
    logger.propagate = False
    try:
        logger.warning("lookup for 912-34-5678")
        logger.warning("lookup for %s by %s", "912345678", "esd.casemanager")
        logger.warning("customer 20000001, phone (360) 555-0100, reference 9123456789")
    finally:
        logger.removeHandler(recorder)
        logger.propagate = True
    assert recorder.lines == [
        "tests.redact_ssn WARNING lookup for [SSN REDACTED]",
        "tests.redact_ssn WARNING lookup for [SSN REDACTED] by esd.casemanager",
        # Not SSN-shaped: an 8-digit customer ID, a phone number, ten digits in a row.
        "tests.redact_ssn WARNING customer 20000001, phone (360) 555-0100, reference 9123456789",
    ]
