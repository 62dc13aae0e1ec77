"""The sweep on real Celery workers against Redis, including one killed in the middle of it."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from access.models import Contract, Staff
from access.tasks import sweep_access
from audit.models import AuditEntry
from portal.celery import app
from tests.factories import OrganizationFactory, StaffFactory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def access_events(staff_ids):
    """How many audit entries turned each person inactive."""
    staff_type = ContentType.objects.get_for_model(Staff)
    counts = dict.fromkeys(staff_ids, 0)
    entries = AuditEntry.objects.filter(
        content_type=staff_type,
        action=AuditEntry.Action.UPDATE,
        object_pk__in=[str(i) for i in staff_ids],
    )
    for entry in entries:
        if entry.changes_dict.get("is_active") == [True, False]:
            counts[int(entry.object_pk)] += 1
    return counts


def organization_whose_contract_expired(office, people):
    organization = OrganizationFactory()
    staff = [StaffFactory(organization=organization, current_office=office) for _ in range(people)]
    Contract.objects.filter(organization=organization, kind=Contract.Kind.DATA_SHARING).update(
        expiry_date=timezone.localdate()
    )
    return sorted(person.pk for person in staff)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep(world, real_workers):
    staff_ids = organization_whose_contract_expired(world.office_a, 3)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_access.delay()
        wait_for(
            lambda: not Staff.objects.filter(pk__in=staff_ids, is_active=True).exists(), "the sweep"
        )
    assert set(access_events(staff_ids).values()) == {1}
    assert Staff.objects.filter(pk=world.partner_case_manager.pk, is_active=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_nothing_and_the_next_run_finishes_once_per_person(
    world, settings, real_workers
):
    settings.ACCESS_SWEEP_BATCH = 10
    staff_ids = organization_whose_contract_expired(world.office_a, 40)
    blocked_at = staff_ids[20]  # the first of the third batch
    db = connection.settings_dict
    dsn = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "ACCESS_SWEEP_BATCH": str(settings.ACCESS_SWEEP_BATCH),
    }
    # Hold one person's row, so the worker stops right there in the middle of the sweep.
    with psycopg.connect(dsn) as holder:
        holder.execute("SELECT id FROM access_staff WHERE id = %s FOR UPDATE", [blocked_at])
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            sweep_access.delay()
            before = [i for i in staff_ids if i < blocked_at]
            wait_for(
                lambda: not Staff.objects.filter(pk__in=before, is_active=True).exists(),
                "the first half",
            )

            def worker_waits_on_the_lock():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                        " AND query LIKE %s",
                        [db["NAME"], '%FROM "access_staff"%FOR UPDATE%'],
                    )
                    return cursor.fetchone()[0] == 1

            wait_for(worker_waits_on_the_lock, "the worker to reach the held row")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=30)
        holder.rollback()

    half_done = set(
        Staff.objects.filter(pk__in=staff_ids, is_active=False).values_list("pk", flat=True)
    )
    assert half_done == set(before), (
        "the batches the killed worker finished are kept, and nothing after them"
    )

    # The next run (as the beat starts one every 5 minutes) finishes the job.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_access.delay()
        wait_for(
            lambda: not Staff.objects.filter(pk__in=staff_ids, is_active=True).exists(),
            "the next run",
        )
    assert access_events(staff_ids) == dict.fromkeys(staff_ids, 1)
