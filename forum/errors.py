"""Error pages: a clear message for people, JSON for the API, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
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


def _handle_http_exception(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    response, code = error_response(error.code, getattr(error, "public_message", None))
    if isinstance(response, str) and error.code in (405, 429):
        # Keep Allow (405) and Retry-After (429) from the original response.
        return _with_original_headers(response, error)
    return response, code


def _with_original_headers(body: str, error: HTTPException) -> Response:
    original = error.get_response()
    response = Response(body, status=error.code, mimetype="text/html")
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
