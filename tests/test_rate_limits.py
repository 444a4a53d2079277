"""Flask-Limiter's limits, with the in-memory store and with a real Redis server."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_token, post_comment, sign_in


@pytest.fixture(params=["memory", "redis"])
def app_config(request):
    storage = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    if request.param == "redis":
        import redis

        redis.Redis.from_url(storage).flushdb()
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_posting_allows_five_a_minute_per_ip(app, client):
    codes = [post_comment(client, body=f"comment number {n}").status_code for n in range(6)]
    assert codes == [302] * 5 + [429]
    page = post_comment(client, body="one more")
    assert page.status_code == 429
    assert "Please slow down" in page.text
    assert "Retry-After" in page.headers
    other_ip = app.test_client()
    assert other_ip.get("/articles/ivig-for-lupus").status_code == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sign_in_allows_five_attempts_a_minute_per_ip(app, client, moderator):
    codes = [sign_in(client, password="wrong password").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert client.get("/login").status_code == 200  # reading the form is not limited


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_password_form_has_its_own_limit(app, client, moderator):
    """The forms share one limit's definition, not one count: five sign-ins spend none of
    the forgotten-password form's five."""
    assert [sign_in(client, password="wrong password").status_code for _ in range(6)][-1] == 429

    def ask_for_reset():
        token = csrf_token(client, "/forgot-password")
        return client.post(
            "/forgot-password", data={"csrf_token": token, "email": "nobody@example.org"}
        )

    assert [ask_for_reset().status_code for _ in range(6)] == [200] * 5 + [429]
