"""Real-browser tests: Debian's chromium driven by Playwright against ``streamlit run app.py``.

Locally they skip, saying why, when chromium or Playwright is missing. In CI (``CI=true`` or
``PIM_SIM_REQUIRE_BROWSER=1``) a missing browser fails them instead. Screenshots go to
``artifacts/screenshots`` (ignored by git)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

try:  # a loaded CI machine can take seconds per rerun: wait for what a test expects up to 30 s
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
except ImportError:  # reported by the chromium_path fixture
    pass

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")  # the real binary first: the wrapper prints noise
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser_required() -> bool:
    return os.environ.get("PIM_SIM_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    if browser_required():
        pytest.fail(f"browser tests are required here (CI or PIM_SIM_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = next((p for p in CHROMIUM if Path(p).exists()), None) or shutil.which("chromium")
    if found is None:
        unavailable("chromium is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Streamlit scrolls an inner container, so full-page screenshots need a tall viewport.
    return {**browser_context_args, "viewport": {"width": 1400, "height": 2000}}


@pytest.fixture(scope="session")
def progress_path(tmp_path_factory) -> Path:
    """The server's progress store (its own, never the user's ~/.pim-sim): tests read what it recorded."""
    return tmp_path_factory.mktemp("progress") / "progress.sqlite3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def running(args: list[str], ready: str, what: str, *, cwd: Path = ROOT, env: dict | None = None, seconds: float = 60):
    """Start ``args``, wait until ``ready`` (a URL) answers, yield, and stop the process after."""
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + seconds
    while True:
        try:
            body = urllib.request.urlopen(ready, timeout=1).read()
            if body:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"{what} did not start:\n" + proc.stdout.read().decode())
        time.sleep(0.2)
    yield
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def serve(env: dict, cwd: Path = ROOT, port: int | None = None):
    """``streamlit run app.py`` on a free port with ``env`` (from ``cwd``, where it reads
    ``.streamlit/secrets.toml``); yields its URL, stops it after."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]
    for _ in running(args, url + "/_stcore/health", "streamlit", cwd=cwd, env=env):
        yield url


@pytest.fixture(scope="session")
def app_url(chromium_path, progress_path):
    """Personal mode (the default)."""
    yield from serve({"PIM_SIM_PROGRESS": str(progress_path), "PIM_SIM_MODE": "personal",
                      "PIM_SIM_GRADINGS": str(progress_path.parent / "gradings")})


@pytest.fixture(scope="session")
def roster_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("roster") / "roster.json"


@pytest.fixture(scope="session")
def classroom_progress(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("class-progress") / "progress.sqlite3"


@pytest.fixture(scope="session")
def classroom_url(chromium_path, roster_file, classroom_progress):
    """Classroom mode with a roster (codes issued by the tests through quizzes.roster)."""
    yield from serve({"PIM_SIM_PROGRESS": str(classroom_progress), "PIM_SIM_MODE": "classroom",
                      "PIM_SIM_ROSTER": str(roster_file)})


IDP_USERS = ({"sub": "ann", "email": "ann@example.edu", "name": "Ann"},
             {"sub": "teacher", "email": "teacher@example.edu", "name": "The teacher"})


@pytest.fixture(scope="session")
def idp_url(chromium_path):
    """A local OpenID Connect provider for the tests (the oidc-provider-mock package), on 127.0.0.1."""
    try:
        import authlib  # noqa: F401 - Streamlit's st.login needs it
        import oidc_provider_mock  # noqa: F401
    except ImportError:
        unavailable("Authlib and oidc-provider-mock are not installed (pip install -e '.[test]')")
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--host", "127.0.0.1"]
    for user in IDP_USERS:
        args += ["--user-claims", json.dumps(user)]
    url = f"http://127.0.0.1:{port}"
    for _ in running(args, url + "/.well-known/openid-configuration", "the test identity provider", seconds=30):
        yield url


@pytest.fixture(scope="session")
def oidc_url(idp_url, tmp_path_factory):
    """Classroom mode signing in with OpenID Connect against the test provider; teacher@example.edu instructs."""
    home = tmp_path_factory.mktemp("oidc-app")
    port = free_port()
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{uuid.uuid4().hex}"\n'
        'client_id = "pim-sim-tests"\n'
        'client_secret = "not-a-secret"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n', encoding="utf-8")
    yield from serve({"PIM_SIM_PROGRESS": str(home / "progress.sqlite3"), "PIM_SIM_MODE": "classroom",
                      "PIM_SIM_INSTRUCTORS": "teacher@example.edu", "PIM_SIM_ROSTER": ""}, cwd=home, port=port)


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
