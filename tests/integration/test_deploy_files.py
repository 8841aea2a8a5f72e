"""The files of the deployment recipe (deploy/, README "In productie") stay valid: systemd
accepts the units, nginx the site, the shell and systemd the environment file."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VENV = "/srv/praktijkbank/venv"


def test_the_systemd_units_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    units = sorted(DEPLOY.glob("praktijkbank*.service")) + sorted(DEPLOY.glob("*.timer"))
    assert len(units) == 5
    for unit in units:  # the programs from this virtualenv instead of the server's
        text = unit.read_text().replace(VENV, str(Path(sys.executable).parent.parent))
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in units)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "praktijkbank" not in done.stderr, done.stderr


def test_the_nginx_site_is_accepted(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not nginx:
        pytest.skip("nginx is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=praktijkbank.example.nl", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx-praktijkbank.conf").read_text()
    live = "/etc/letsencrypt/live/praktijkbank.example.nl"
    site = site.replace(f"{live}/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace(f"{live}/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ {temp} include {tmp_path}/site.conf; }}\n")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_environment_file_reads_the_same_in_the_shell():
    example = DEPLOY / "praktijkbank.env.example"
    done = subprocess.run(["sh", "-c", f'set -a; . "{example}"; env'], capture_output=True,
                          text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    read = dict(line.split("=", 1) for line in done.stdout.splitlines() if line.startswith("KB_"))
    assert read["KB_TRUSTED_PROXIES"] == "1" and read["KB_LOG_FORMAT"] == "json"
    assert read["KB_MAIL_DEFAULT_SENDER"] == "Praktijkbank <praktijkbank@example.nl>"
    assert read["KB_RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert "KB_SECRET_KEY" not in read  # generated into the instance folder, never shipped
    assert all(value == "CHANGE-ME" for name, value in read.items() if name.endswith("PASSWORD"))
