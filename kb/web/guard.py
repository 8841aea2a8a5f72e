"""The edge of the app: what no view should ever have to handle.

Control characters in parameters are refused with a 400 naming the parameter (PostgreSQL
refuses NUL in text, so they would otherwise fail deep inside a query), and ids in paths
beyond what the database's integer keys hold match no route, so they are a 404.
"""
import re

from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from kb.util import MAX_ID

# Tab, line feed and carriage return are ordinary text (a textarea sends them).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: 1 to MAX_ID, in ASCII digits; anything else matches nothing."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def field_with_control_characters() -> str | None:
    """The name of the first parameter carrying a control character, else None."""
    if CONTROL_IN_PATH.search(request.path):
        return "path"
    pairs = list(request.args.items(multi=True))
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                         "multipart/form-data"):
        pairs += list(request.form.items(multi=True))
    for name, value in pairs:
        if CONTROL.search(name) or CONTROL.search(value):
            return CONTROL.sub("?", name)[:60]
    return None


def install(app) -> None:
    """Bounded ids in every route, and the control-character check before every view."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_control_characters():
        name = field_with_control_characters()
        if name is None:
            return None
        from kb.web.errors import render_error
        message = _("bevat stuurtekens (zoals een nul-byte), die hier niet kunnen staan")
        return render_error(400, f"{name}: {message}", fields={name: message})
