"""Flask-Limiter's limits, with the in-memory store and with a real Redis server."""

from __future__ import annotations

import pytest

from tests.helpers import post_comment, sign_in


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
