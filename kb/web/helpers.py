"""Helpers shared by the blueprints."""
from urllib.parse import urlsplit

from flask import abort, request, url_for
from flask_wtf import FlaskForm

MAX_PAGE = 100_000


def page_arg() -> int:
    """The `page` query parameter: a whole number from 1, else a 400."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400)
    return int(raw)


def safe_next(target: str | None) -> str:
    """A local path to go to next; anything pointing off-site becomes the home page."""
    if not target:
        return url_for("public.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("public.home")
    return target


def show_errors(form, exc) -> None:
    """Put a service's Invalid errors next to the form's fields (others at the top)."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) \
                else [message]
        else:
            form.form_errors.append(message)


class ActionForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token."""
