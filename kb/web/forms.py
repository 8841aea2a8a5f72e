"""What every blueprint does with a form: run the service it stands for, show the
service's refusal beside the fields, and post/redirect/get after a success. CSRFProtect
checks every POST app-wide, so these do not check the token again."""
from flask import flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from kb.services.errors import Invalid


class Form(FlaskForm):
    """Every form of the site: Flask-WTF's, with a token field that has no id (a page of
    several forms would otherwise have the id csrf_token more than once)."""

    class Meta:
        def render_field(self, field, render_kw):
            """Render a field as WTForms does; the CSRF token without its id."""
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Fill the fields as WTForms does; a text field missing from the post reads as
        empty, as a browser sends it, so services get text and never None."""
        super().process(formdata, obj, data, extra_filters, **kwargs)
        for field in self:
            if isinstance(field, StringField) and field.data is None:
                field.data = ""


def required(message=None) -> InputRequired:
    """A field that must be filled in, refused in the words the services use."""
    return InputRequired(message or _l("is verplicht"))


def at_most(characters: int) -> Length:
    """A text field's longest length, refused in the words the services use."""
    return Length(max=characters, message=_l("mag hoogstens %(max)d tekens lang zijn"))


class ActionForm(Form):
    """A form that is only a button: it carries the CSRF token."""


def show_errors(form, exc) -> None:
    """Put a service's Invalid errors next to the form's fields (others at the top)."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) \
                else [message]
        else:
            form.form_errors.append(message)


def submitted(form, action) -> bool:
    """Run the service behind a posted form; False (errors on the form) when refused."""
    try:
        action()
    except Invalid as exc:
        show_errors(form, exc)
        return False
    return True


def done(message: str, endpoint: str, **values):
    """Post/redirect/get after a success, with a short flash."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def attempt(action, message: str) -> bool:
    """Run a one-click service; flash what happened, or why it was refused."""
    try:
        action()
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
        return False
    flash(message, "success")
    return True


def button(action, message: str, endpoint: str, **values):
    """A one-click action with post/redirect/get, whether it succeeded or was refused."""
    attempt(action, message)
    return redirect(url_for(endpoint, **values))
