"""Contributing: writing, editing and following one's own examples."""
from flask import Blueprint

bp = Blueprint("contribute", __name__)


@bp.get("/voorbeelden/nieuw")
def new():
    """Placeholder."""
    return ""


@bp.get("/mijn-voorbeelden")
def mine():
    """Placeholder."""
    return ""
