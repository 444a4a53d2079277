"""Error pages: a clear message for people, JSON for the API, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.extensions import db

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


def error_response(code: int, message: str | None = None) -> tuple[Response | str, int]:
    title, default_message = MESSAGES.get(code, (f"Error {code}", "Something went wrong."))
    message = message or default_message
    if request.path.startswith("/api/"):
        return {"error": title, "message": message}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


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


def _handle_server_error(error: Exception) -> tuple[Response | str, int]:
    db.session.rollback()
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(InternalServerError, _handle_server_error)
