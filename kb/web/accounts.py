"""Accounts: placeholder."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.get("/inloggen")
def login():
    """Placeholder."""
    return ""


@bp.get("/registreren")
def register():
    """Placeholder."""
    return ""


@bp.post("/uitloggen")
def logout():
    """Placeholder."""
    return ""


@bp.get("/account")
def account():
    """Placeholder."""
    return ""
