"""Real processes for the fault and load probes (and their short versions in the tests): the
kb command line, gunicorn, and a small HTTP client that fills in forms like a browser
(cookies and CSRF token included)."""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def kb(env: dict, *args: str, stdin: str | None = None) -> str:
    """Run the kb command line as a separate process; its output (it must succeed)."""
    done = subprocess.run([str(BIN / "kb"), *args], env=env, input=stdin, text=True,
                          capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# The authenticator app of the probes' moderators and admins (they must have one).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def create_accounts(env: dict, accounts: list[tuple[str, str, str]], password: str) -> None:
    """Create (email, name, role) accounts with one password, in one process (a `kb users
    create` each costs a Python start); moderators and admins enrol TOTP_SECRET."""
    script = ("import json, sys, time, pyotp\nfrom kb import create_app\n"
              "from kb.services.accounts import create_user\n"
              "from kb.services.permissions import SYSTEM\n"
              "from kb.services.second_factor import enrol\n"
              "accounts, password, secret = json.loads(sys.stdin.read())\n"
              "with create_app().app_context():\n"
              "    for email, name, role in accounts:\n"
              "        user = create_user(SYSTEM, email, name, role, password)\n"
              "        if user.is_moderator:\n"
              "            now = time.time()\n"
              "            enrol(user, secret, pyotp.TOTP(secret).at(now - 30), at=now)\n")
    done = subprocess.run([sys.executable, "-c", script], env=env, text=True,
                          input=json.dumps([accounts, password, TOTP_SECRET]),
                          capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def start_kb(env: dict, *args: str) -> subprocess.Popen:
    """Start the kb command line in the background."""
    return subprocess.Popen([str(BIN / "kb"), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def instance_env(folder: Path, database_url: str | None = None, **settings) -> dict:
    """The environment of a kb process on an instance folder (and maybe another database)."""
    env = {**os.environ, "KB_INSTANCE_PATH": str(folder)}
    env.pop("KB_DATABASE_URL", None)
    if database_url:
        env["KB_DATABASE_URL"] = database_url
    env.update({f"KB_{name}": str(value) for name, value in settings.items()})
    return env


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving an instance, with the configuration a deployment starts from."""

    def __init__(self, env: dict, workers: int = 2, *extra: str):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        # Open as long as the server runs; stop() closes it.
        self.log = open(Path(env["KB_INSTANCE_PATH"]) / "gunicorn.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", *extra,
             "kb:create_app()"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until_up(60)

    def wait_until_up(self, seconds: float) -> None:
        """Poll the home page until the server answers (or fail with its output)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.output())
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(self.base)

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        return self.process.pid

    def output(self) -> str:
        """Everything gunicorn and the app wrote."""
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Visitor:
    """One person's browser: cookies kept, forms sent with their CSRF token."""

    def __init__(self, base: str, address: str | None = None):
        self.base = base
        self.headers = {"X-Forwarded-For": address} if address else {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def get(self, path: str, timeout: float = 60) -> tuple[int, str]:
        """GET a page: (status, text)."""
        return self._open(urllib.request.Request(self.base + path, headers=self.headers),
                          timeout)

    def api(self, path: str) -> dict:
        """GET a JSON answer (must be a 200)."""
        status, text = self.get(path)
        assert status == 200, (status, text[:300])
        return json.loads(text)

    def post(self, path: str, fields: dict, page: str | None = None,
             timeout: float = 60) -> tuple[int, str, str]:
        """POST a form with the token from the page showing it: (status, text, location)."""
        status, html = self.get(page or path)
        match = TOKEN.search(html)
        assert match, (status, html[:300])
        data = urllib.parse.urlencode({**fields, "csrf_token": next(g for g in match.groups()
                                                                    if g)}, doseq=True)
        request = urllib.request.Request(self.base + path, data=data.encode(),
                                         headers=self.headers)
        status, text = self._open(request, timeout)
        return status, text, self.last_location

    def log_in(self, email: str, password: str) -> int:
        """Log in through the login form, and the code form when the account has a second
        factor (TOTP_SECRET, as create_accounts enrols it); the last answer's status."""
        import pyotp
        status, _text, location = self.post("/inloggen", {"email": email,
                                                          "password": password})
        if status == 302 and location.startswith("/inloggen/code"):
            status, _text, _location = self.post(location,
                                                 {"code": pyotp.TOTP(TOTP_SECRET).now()})
        return status

    def _open(self, request, timeout: float) -> tuple[int, str]:
        """Send a request; any status is an answer."""
        self.last_location = ""
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            self.last_location = error.headers.get("Location", "")
            return error.code, error.read().decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep redirects as answers (the Location tells where a form led)."""

    def redirect_request(self, *args, **kwargs):
        """Do not follow."""
        return None


def children(pid: int) -> list[int]:
    """The ids of a process's child processes."""
    done = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                          text=True)
    return [int(line) for line in done.stdout.split()]


def alive(pid: int) -> bool:
    """True while a process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition, seconds: float, every: float = 0.5):
    """Until condition() is truthy (its value), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(every)
