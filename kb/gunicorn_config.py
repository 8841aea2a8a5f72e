"""gunicorn's configuration for Praktijkbank (`make serve`, and the systemd unit in deploy/):

    gunicorn -c python:kb.gunicorn_config 'kb:create_app()'

Shipped inside the package, so an installed wheel serves the same way as a checkout. Every
value can be changed from the environment (the unit's environment file):

    KB_BIND            where to listen (default 127.0.0.1:${PORT:-8000}; "unix:/run/…" works)
    KB_WORKERS         worker processes (default: cores + 1; WEB_CONCURRENCY also works)
    KB_THREADS         threads per worker (default 2)
    KB_TIMEOUT         seconds a worker may stay silent before it is restarted (default 60)
    KB_LOG_FORMAT      "json": every log line, gunicorn's and the app's, one JSON object
    KB_ACCESS_LOG      where the access log goes (default "-", standard output; "" for none)
    KB_ERROR_LOG       where the error log goes (default "-", standard error)

Searching is work for the processor, and each worker keeps its own open index with its
caches in memory: one worker per core plus one, each with a second thread so that a quick
request (the health check, a page) need not wait for a slow one.
"""
import os

from gunicorn.glogging import Logger

from kb import logs


def _number(name: str, default: int) -> int:
    """A whole number from the environment, or the default when unset or empty."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = [os.environ.get("KB_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
workers = _number("KB_WORKERS", _number("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = _number("KB_THREADS", 2)
timeout = _number("KB_TIMEOUT", 60)
# A restart (SIGHUP: `systemctl reload`) or stop lets requests under way finish first.
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then (not all at once), which bounds any slow leak.
max_requests = 2000
max_requests_jitter = 200
# Forwarded headers are believed by the app alone, as KB_TRUSTED_PROXIES says (one setting
# for the client's address, HTTPS, Secure cookies and HSTS), never by gunicorn on its own.
forwarded_allow_ips = ""
proc_name = "praktijkbank"
# No control socket in the home folder (gunicornc): systemd and signals manage the server,
# and two servers on one machine would fight over its path.
control_socket_disable = True

accesslog = os.environ.get("KB_ACCESS_LOG", "-") or None
errorlog = os.environ.get("KB_ERROR_LOG", "-")
loglevel = "info"
# What the privacy statement names: when, which page (no query string, secrets of mailed
# links masked), from which address; then status, size, duration and the request id.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'


class MaskingLogger(Logger):
    """gunicorn's logger, with masked paths in the access log and, under KB_LOG_FORMAT=json,
    JSON lines for the access and error logs alike."""

    def setup(self, cfg):
        """gunicorn's handlers, with masked error lines, and JSON lines when asked."""
        super().setup(cfg)
        json_lines = os.environ.get("KB_LOG_FORMAT", "").lower() == "json"
        for handler in self.error_log.handlers:
            handler.setFormatter(logs.JsonFormatter() if json_lines else
                                 logs.PlainFormatter(self.error_fmt, self.datefmt))
        for handler in self.access_log.handlers if json_lines else ():
            handler.setFormatter(logs.JsonFormatter())

    def atoms(self, resp, req, environ, request_time):
        """The access line's values: the path masked, the query string left out."""
        atoms = super().atoms(resp, req, environ, request_time)
        path = logs.mask(atoms.get("U") or "")
        atoms.update({"U": path, "q": "", "f": "-", "a": "-",
                      "r": f"{atoms.get('m')} {path} {atoms.get('H')}"})
        return atoms

    def access(self, resp, req, environ, request_time):
        """One access line; its fields also travel with the record for JSON lines."""
        if not getattr(self, "access_log_enabled", True):  # gunicorn < 27 has no such flag
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = str(atoms.get("s") or "")
        fields = {"request_id": environ.get(logs.ENVIRON_KEY), "method": atoms.get("m"),
                  "path": atoms.get("U"), "status": int(status) if status.isdigit() else status,
                  "duration_ms": atoms.get("M"), "bytes": atoms.get("B"),
                  "remote_addr": atoms.get("h")}
        try:
            self.access_log.info(self.cfg.access_log_format, self.atoms_wrapper_class(atoms),
                                 extra={"access": fields})
        except Exception:  # noqa: BLE001 - as gunicorn's own: a log line never fails a request
            self.error("access log line failed", exc_info=True)


logger_class = MaskingLogger
