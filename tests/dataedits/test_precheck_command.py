"""`manage.py dataedit_precheck`: one JSON case on stdin, the decision as JSON on stdout."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db

EXAMPLE_SERVICES = [
    {"id": "ia", "type": "initial_assessment", "start": "2020-06-03", "end": "2020-06-03"},
    {"id": "cg", "type": "career_guidance", "start": "2020-06-03", "end": "2020-06-03"},
    {
        "id": "ost",
        "type": "occupational_skills_training",
        "start": "2020-06-14",
        "end": "2020-09-18",
    },
    {"id": "wpa", "type": "workforce_preparation", "start": "2020-10-20", "end": "2020-10-20"},
]


def run(case) -> dict:
    out = io.StringIO()
    text = case if isinstance(case, str) else json.dumps(case)
    call_command("dataedit_precheck", stdin=io.StringIO(text), stdout=out)
    return json.loads(out.getvalue())


def test_seed_example_3_is_approved():
    result = run(
        {
            "filed_on": "2021-01-09",
            "services": EXAMPLE_SERVICES,
            "change": {"action": "delete", "service": "wpa"},
        }
    )
    assert result == {
        "decision": "approve",
        "reasons": [],
        "deadline": "2021-01-20",
        "periods_before": [
            {
                "participation": "2020-06-03",
                "last_end": "2020-10-20",
                "exit": None,
                "services": ["cg", "ia", "ost", "wpa"],
            }
        ],
        "periods_after": [
            {
                "participation": "2020-06-03",
                "last_end": "2020-09-18",
                "exit": "2020-09-18",
                "services": ["cg", "ia", "ost"],
            }
        ],
        "paperwork_checked": False,  # no justification or support given: decided on the dates alone
    }


def test_seed_example_1_is_denied_with_every_reason():
    result = run(
        {
            "filed_on": "2021-05-30",
            "services": EXAMPLE_SERVICES,
            "change": {"action": "delete", "service": "wpa"},
        }
    )
    assert result["decision"] == "deny"
    assert result["reasons"] == ["past_deadline", "exit_quarter_changed"]


def test_seed_example_2_is_denied():
    services = EXAMPLE_SERVICES + [
        {"id": "cg2", "type": "career_guidance", "start": "2021-01-20", "end": "2021-01-20"},
        {"id": "we", "type": "work_experience", "start": "2021-02-03", "end": "2021-04-21"},
        {"id": "wpa2", "type": "workforce_preparation", "start": "2021-05-27", "end": "2021-05-27"},
    ]
    result = run(
        {
            "filed_on": "2021-05-30",
            "services": services,
            "change": {"action": "delete", "service": "wpa"},
        }
    )
    assert result["reasons"] == ["past_deadline", "exit_quarter_changed"]
    assert [p["participation"] for p in result["periods_before"]] == ["2020-06-03", "2021-01-20"]


def test_add_and_modify_with_uncounted_types_from_the_catalog():
    follow_up = {"id": "f", "type": "follow_up", "start": "2021-01-05", "end": "2021-01-05"}
    added = run(
        {
            "filed_on": "2021-01-09",
            "services": EXAMPLE_SERVICES,
            "change": {"action": "add", "service": follow_up},
        }
    )
    assert added["decision"] == "approve"
    assert added["periods_after"] == added["periods_before"]
    modified = run(
        {
            "filed_on": "2021-01-09",
            "services": EXAMPLE_SERVICES,
            "change": {"action": "modify", "service": "wpa", "set": {"type": "self_service"}},
        }
    )
    # The last counted service stops counting: the exit moves to 9/18/20 but was not determined.
    assert modified["decision"] == "approve"
    assert modified["periods_after"][0]["last_end"] == "2020-09-18"
    moved = run(
        {
            "filed_on": "2021-01-09",
            "services": EXAMPLE_SERVICES,
            "change": {
                "action": "modify",
                "service": "ia",
                "set": {"start": "2020-07-01", "end": "2020-07-01"},
            },
        }
    )
    assert moved["reasons"] == ["past_deadline"]  # 6/3/20 is in Q4 of PY2019: closed on 7/20/20


@pytest.mark.parametrize(
    "case,message",
    [
        ("not json", "The input is not JSON"),
        ([], "the case: expected an object"),
        ({"services": [], "change": {}}, "the case: missing 'filed_on'"),
        (
            {
                "filed_on": "2021-13-01",
                "services": [],
                "change": {"action": "delete", "service": "x"},
            },
            "filed_on: '2021-13-01' is not a date on the calendar",
        ),
        (
            {
                "filed_on": "01/09/2021",
                "services": [],
                "change": {"action": "delete", "service": "x"},
            },
            "filed_on: '01/09/2021' is not a date written YYYY-MM-DD",
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": [
                    {"id": "a", "type": "juggling", "start": "2021-01-01", "end": "2021-01-01"}
                ],
                "change": {"action": "delete", "service": "a"},
            },
            "services[0].type: unknown service type 'juggling'",
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": [
                    {
                        "id": "a",
                        "type": "career_guidance",
                        "start": "2021-01-02",
                        "end": "2021-01-01",
                    }
                ],
                "change": {"action": "delete", "service": "a"},
            },
            "services[0]: the end date 2021-01-01 is before the start date 2021-01-02",
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": EXAMPLE_SERVICES,
                "change": {"action": "delete", "service": "nope"},
            },
            "change: There is no service with id 'nope'",
        ),
        (
            {"filed_on": "2021-01-09", "services": EXAMPLE_SERVICES, "change": {"action": "merge"}},
            'change.action: expected "delete", "add" or "modify"',
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": EXAMPLE_SERVICES,
                "change": {"action": "modify", "service": "ost", "set": {"end": "2020-06-01"}},
            },
            "change: Service ost: the end date 2020-06-01 is before the start date 2020-06-14",
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": EXAMPLE_SERVICES,
                "change": {"action": "modify", "service": "ost", "set": {}},
            },
            "change.set: name at least one",
        ),
        (
            {
                "filed_on": "2021-01-09",
                "services": EXAMPLE_SERVICES + EXAMPLE_SERVICES[:1],
                "change": {"action": "delete", "service": "ia"},
            },
            "services[4].id: the id 'ia' is used twice",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(case, message):
    with pytest.raises(CommandError) as refused:
        run(case)
    assert message in str(refused.value)


def test_from_a_shell_bad_input_exits_non_zero_with_the_message_on_stderr():
    root = Path(__file__).resolve().parents[2]
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    case = {
        "filed_on": "2021-01-09",
        "services": EXAMPLE_SERVICES,
        "change": {"action": "delete", "service": "nope"},
    }
    bad = subprocess.run(
        [sys.executable, "manage.py", "dataedit_precheck"],
        input=json.dumps(case),
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0
    assert "There is no service with id 'nope'" in bad.stderr
    assert bad.stdout == ""
    case["change"]["service"] = "wpa"
    good = subprocess.run(
        [sys.executable, "manage.py", "dataedit_precheck"],
        input=json.dumps(case),
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["decision"] == "approve"
