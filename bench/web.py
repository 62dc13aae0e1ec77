"""The portal served as in production (gunicorn), and browsers that sign in and use it like people.

A `Browser` keeps one person's session: cookies, the CSRF token of the last form it was shown, and
redirects. It signs in through the real sign-in: the password, then the authenticator code,
computed from the secret bench/fixtures.py gives the bench users' apps. An `InProcessBrowser` runs
the same requests through Django's test client in this process, counting their queries.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import ROOT, django_on_bench_database  # noqa: E402

django_on_bench_database()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from access import mfa  # noqa: E402
from access.models import AuthenticatorApp, Staff  # noqa: E402
from bench import fixtures  # noqa: E402
from bench.generate import BENCH_PASSWORD  # noqa: E402

WORKERS = 2
SERVER_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1: secure cookies would never come back
    "CACHE_URL": "redis://127.0.0.1:6379/12",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
    # The per-person hourly limit would stop a load test; its check still runs on every lookup.
    "OPTOUT_LOOKUPS_PER_HOUR": "1000000",
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Refused(Exception):
    """A response that is not what a working page answers."""


# --- a browser: a session's cookies and the forms' CSRF tokens --------------------------------


@dataclass
class Page:
    status: int
    location: str
    text: str


class Browser:
    """One person's browser on the server: cookies, the last form's CSRF token, redirects.

    A keep-alive connection (http.client), though gunicorn's sync workers close it after each
    response, as they do in production; the connection is opened again for the next request.
    """

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.queries = 0  # only counted in-process (InProcessBrowser)

    def send(self, method: str, path: str, body: str | None, headers: dict) -> Page:
        headers = headers | {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # Closed by the server between requests: once more, on a new connection.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Page(response.status, response.headers.get("Location", ""), text)

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Page:
        body = (
            None
            if form is None
            else urlencode(form | {"csrfmiddlewaretoken": self.csrf}, doseq=True)
        )
        page = self.send(method, path, body, headers or {})
        token = CSRF_INPUT.search(page.text)
        if token:
            self.csrf = token.group(1)
        return page

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, form: dict, headers: dict | None = None) -> Page:
        return self.request("POST", path, form, headers)

    def follow(self, page: Page) -> tuple[Page, str]:
        """Follows redirects; returns the page and the path it was found at."""
        path = ""
        for _ in range(5):
            if page.status not in (301, 302, 303):
                return page, path
            parts = urlsplit(page.location)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            page = self.get(path)
        raise Refused(f"too many redirects, last to {path}")


class InProcessBrowser(Browser):
    """The same operations through Django's test client in this process, counting the queries."""

    def __init__(self, username: str):
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(Staff.objects.get(username=username))
        self.csrf = ""
        self.queries = 0

    def send(self, method: str, path: str, body: str | None, headers: dict) -> Page:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            if method == "GET":
                response = self.client.get(path, **extra)
            else:
                response = self.client.post(
                    path, body, content_type="application/x-www-form-urlencoded", **extra
                )
        self.queries += len(captured)
        text = response.content.decode("utf-8", "replace")
        return Page(response.status_code, response.get("Location", ""), text)


def expect(page: Page, status: int, marker: str = "") -> Page:
    if page.status != status:
        where = f" (to {page.location})" if page.location else ""
        raise Refused(f"HTTP {page.status} where {status} was expected{where}")
    if marker and marker not in page.text:
        raise Refused(f"the page lacks {marker!r}")
    return page


# --- signing in, as a person does -------------------------------------------------------------


def authenticator_code(username: str) -> str:
    """The code the person's app shows now, or the next one if this one was already used."""
    app = AuthenticatorApp.objects.filter(user__username=username)
    last_used = app.values_list("last_t", flat=True).get()
    step = max(mfa.step_at(time.time()), last_used + 1)
    # A code is accepted up to one step ahead of the clock: wait until this one is.
    while step > mfa.step_at(time.time()) + 1:
        time.sleep(1)
    return mfa.code_at(mfa.secret_from_base32(fixtures.TOTP_SECRET), time.time(), step=step)


def sign_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    expect(browser.get("/sign-in/"), 200, "csrfmiddlewaretoken")
    credentials = {"username": username, "password": BENCH_PASSWORD}
    page, path = browser.follow(browser.post("/sign-in/", credentials))
    if not path.startswith("/access/authenticator/verify/"):
        raise Refused(
            f"{username}: sign-in did not ask for the code (at {path or 'the sign-in page'})"
        )
    page, path = browser.follow(browser.post(path, {"code": authenticator_code(username)}))
    expect(page, 200)
    if path != "/":
        raise Refused(f"{username}: the authenticator code was refused (at {path})")
    return browser


def sign_in_all(port: int, usernames: list[str]) -> dict[str, Browser]:
    """Everyone at once (each sign-in hashes a password: slow on purpose)."""
    browsers, failures = {}, []

    def one(name):
        try:
            browsers[name] = sign_in(port, name)
        except Exception as exc:  # noqa: BLE001 - reported below with the person's name
            failures.append(f"{name}: {exc}")

    threads = [threading.Thread(target=one, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise Refused("sign-in failed: " + "; ".join(failures))
    return browsers


def sign_out(browsers: dict[str, Browser]) -> None:
    for browser in browsers.values():
        try:
            browser.post("/sign-out/", {})
        except OSError:
            pass


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int) -> list[str]:
    program = Path(sys.executable).with_name("gunicorn")
    if not program.exists():
        program = ROOT / ".venv" / "bin" / "gunicorn"
    # No control socket: it sits at one path in the home directory, which another server would share.
    return [
        str(program),
        "portal.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
    ]


class Server:
    """gunicorn on the bench database, as production runs it; stopped however the run ends."""

    def __init__(self):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            gunicorn_command(self.port),
            cwd=ROOT,
            env=os.environ | SERVER_ENVIRONMENT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_answering(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log_tail()}")
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                probe.request("GET", "/sign-in/")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]

    def worker_memory_mb(self) -> dict[int, float]:
        """Each worker's resident memory (VmRSS), in MB."""
        memory = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    memory[pid] = int(line.split()[1]) / 1024
        return memory

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)
