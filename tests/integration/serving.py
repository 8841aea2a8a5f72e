"""The probes' real processes (bench/harness.py), for the tests: gunicorn is a test extra."""
import pytest

from bench import harness
from bench.harness import BIN, Visitor, create_accounts, instance_env, kb, start_kb, wait_for

__all__ = ["BIN", "Server", "Visitor", "create_accounts", "instance_env", "kb", "start_kb",
           "wait_for"]


def Server(env: dict, workers: int = 2, *extra: str) -> harness.Server:  # noqa: N802
    """gunicorn on an instance; the test is skipped where gunicorn is not installed."""
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed (test extra)")
    return harness.Server(env, workers, *extra)
