"""`GET /healthz`: 200 with {"database": "ok", "index": "ok"} when both answer, else 503
naming what failed. For monitors and load balancers: no cookie, no form, no rate limit,
never cached, no error text."""
from flask import Blueprint, jsonify

from kb.extensions import limiter
from kb.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Each part's status; 503 unless all are "ok"."""
    parts = health.check()
    response = jsonify(parts)
    response.status_code = 200 if all(v == "ok" for v in parts.values()) else 503
    response.headers["Cache-Control"] = "no-store"
    return response
