"""Error pages: a clear message for people, JSON for the API, never a stack trace."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.extensions import db
from forum.forgery import CROSS_SITE, CrossSiteRequest

FORM_NOT_VERIFIED = "This form could not be verified. Please reload the page."
ErrorPage = tuple[Response | str, int]
# Forms that come back with everything typed kept when refused before their view ran (a
# bad token, a cross-site POST), by endpoint: see refused_form_page.
RefusedForm = Callable[[int, Exception], ErrorPage]  # (status, refusal) -> the form again
_refused_forms: dict[str, RefusedForm] = {}

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "You are not allowed to do that."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: (
        "Too much text",
        "What you sent is larger than this forum accepts. Please shorten it and try again.",
    ),
    429: (
        "Please slow down",
        "You have sent too many requests in a short time. Please wait a minute and try again.",
    ),
    500: ("Something went wrong", "Sorry, something went wrong on our side. Please try again."),
}


def error_response(code: int, message: str | None = None) -> ErrorPage:
    title, default_message = MESSAGES.get(code, (f"Error {code}", "Something went wrong."))
    message = message or default_message
    if request.path.startswith("/api/"):
        return {"error": title, "message": message}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def invalid_link(*, used: bool = False, manage: bool = False) -> ErrorPage:
    """The page for an e-mailed single-use link: spent (410), or unknown or expired (404)."""
    html = render_template("account/link_invalid.html", used=used, manage=manage)
    return html, 410 if used else 404


def _handle_http_exception(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    # A message given to abort() is for the person; werkzeug's stock texts (and the
    # limit that Flask-Limiter puts in a 429's description) are not.
    custom = error.description if error.description != type(error).description else None
    if error.code == 429:
        custom = None
    body, code = error_response(error.code, custom)
    response = body if isinstance(body, Response) else make_response(body, code)
    response.status_code = code
    # Keep Allow (405) and Retry-After (429) from the original response.
    original = error.get_response()
    for name in ("Allow", "Retry-After"):
        if name in original.headers:
            response.headers[name] = original.headers[name]
    return response


def _handle_server_error(error: Exception) -> ErrorPage:
    db.session.rollback()
    return error_response(500)


def refused_form_page(endpoint: str) -> Callable[[RefusedForm], RefusedForm]:
    """Register how the form of `endpoint` is shown again, text kept, when a forgery check
    refuses it before the view runs."""

    def register(render: RefusedForm) -> RefusedForm:
        _refused_forms[endpoint] = render
        return render

    return register


def _refused(status: int, error: Exception, message: str) -> ErrorPage:
    """Nothing is stored; a form registered for it comes back with what was typed."""
    render = _refused_forms.get(request.endpoint or "")
    return render(status, error) if render else error_response(status, message)


def _handle_csrf_error(error: CSRFError) -> ErrorPage:
    return _refused(400, error, FORM_NOT_VERIFIED)


def _handle_cross_site(error: CrossSiteRequest) -> ErrorPage:
    """Sent from another site (forum.forgery)."""
    return _refused(403, error, CROSS_SITE)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(InternalServerError, _handle_server_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(CrossSiteRequest, _handle_cross_site)
