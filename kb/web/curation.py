"""Curation: taxonomy terms, organisations, synonyms (moderators) and users (admins)."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from kb.services import permissions as perm

bp = Blueprint("curation", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def _guard():
    """Every page here is for moderators; user management checks admin on top."""
    perm.require(perm.can_curate_taxonomy(current_user))


@bp.get("/")
def index():
    """The curation overview (placeholder until curation is built)."""
    return render_template("curation/index.html")
