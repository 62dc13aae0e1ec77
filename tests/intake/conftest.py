import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from intake.models import Scope, SendingSystem
from intake.services import credential_create, sending_system_create

REGISTRATION = "intake_api:registration"
OPT_OUT_SELECTION = "intake_api:opt_out_selection"


@pytest.fixture
def system(world) -> SendingSystem:
    return sending_system_create(actor=world.mis_admin, name="Job Match")


@pytest.fixture
def token(world, system) -> str:
    return credential_create(
        actor=world.mis_admin, system=system, scopes=[Scope.REGISTRATION, Scope.OPT_OUT_SELECTION]
    ).token


class Sender:
    """A sending system's client: bearer token, a fresh Idempotency-Key unless one is given."""

    def __init__(self, token: str):
        self.token, self.client, self.calls = token, Client(), 0

    def post(self, name: str, body: dict[str, Any], *, key: str | None = None, token=None):
        self.calls += 1
        return self.client.post(
            reverse(name),
            json.dumps(body),
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {token or self.token}",
                "Idempotency-Key": key or f"call-{self.calls}",
            },
        )

    def register(self, **fields: Any):
        body = {"registration_id": "R-1", "first_name": "Rosa", "last_name": "Reyes"} | fields
        return self.post(REGISTRATION, body)

    def select(self, **fields: Any):
        body = {"claim_id": "1234", "opted_out": True, "when": "2026-11-30T10:00:00-08:00"}
        return self.post(OPT_OUT_SELECTION, body | fields)


@pytest.fixture
def sender(token) -> Sender:
    return Sender(token)
