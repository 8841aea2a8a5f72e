"""Moderation: the queue, decisions, featuring, archiving, history and reports."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from kb.services import permissions as perm

bp = Blueprint("moderation", __name__)


@bp.before_request
@login_required
def _guard():
    """Every page here is for moderators."""
    perm.require(perm.can_moderate_example(current_user))


@bp.get("/moderatie")
def queue():
    """The moderation queue (placeholder until the queue is built)."""
    return render_template("moderation/queue.html")
