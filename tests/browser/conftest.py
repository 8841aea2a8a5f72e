"""A real server with the demo data, and headless Chromium from Debian's packages."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
KB = str(Path(sys.executable).with_name("kb"))


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    """Poll url until the server answers (or fail with what it wrote to its log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="session")
def live_inbox():
    """The SMTP server the live server sends its mail to."""
    from tests.mailbox import start_smtp
    handler, controller, port = start_smtp()
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def live_env(tmp_path_factory, live_inbox) -> dict:
    """The environment of the live server: its own instance folder, SQLite, mail."""
    instance = tmp_path_factory.mktemp("browser-instance")
    env = {**os.environ, "KB_INSTANCE_PATH": str(instance), "KB_MAIL_SERVER": "127.0.0.1",
           "KB_MAIL_PORT": str(live_inbox.port)}
    env.pop("KB_DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def live_server(live_env, tmp_path_factory):
    """`kb init`, `kb demo` and `kb run` on a temporary instance; yields the base URL."""
    env = live_env
    for command in (["init"], ["demo"]):
        subprocess.run([KB, *command], env=env, check=True, capture_output=True)
    port = free_port()
    # Its log goes to a file: a pipe nobody reads fills up and then blocks the server.
    log = tmp_path_factory.mktemp("live-server") / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([KB, "run", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", server, log=log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh browser page; axe is injected by evaluate, so the page's CSP is bypassed."""
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    tab = context.new_page()
    yield tab
    context.close()
