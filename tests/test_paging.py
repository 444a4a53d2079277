"""Every listing pages the same way: sizes from configuration, one answer for a bad page."""

from __future__ import annotations

import pytest

from tests.helpers import ARTICLE, approved, comment_id, post_as_newcomer

API = f"/api/articles/{ARTICLE}/comments"
PAGE = f"/articles/{ARTICLE}"
FILTERED = f"/articles/{ARTICLE}?condition=lupus-nephritis"
BAD_PAGES = ["", "0", "-1", "x", "abc", "1.5", "2e3", "99999999", "１"]
PUBLIC_LISTINGS = [PAGE, FILTERED, f"{PAGE}?sort=newest", API]


@pytest.fixture
def app_config() -> dict:
    return {
        "FORUM_QUEUE_PER_PAGE": 2,
        "FORUM_LOG_PER_PAGE": 2,
        "FORUM_API_PER_PAGE": 2,
        "FORUM_THREADS_PER_PAGE": 2,
    }


def _with_page(path: str, page: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}page={page}"


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("path", ["/moderation/", "/moderation/log", *PUBLIC_LISTINGS])
def test_a_page_that_is_not_a_whole_number_from_1_is_404_everywhere(mod_client, path, page):
    assert mod_client.get(_with_page(path, page)).status_code == 404


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("path", PUBLIC_LISTINGS)
def test_a_reader_without_a_session_gets_the_same_404(client, path, page):
    """The shared (cached) article page answers a bad page number as the personal one does."""
    response = client.get(_with_page(path, page))
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/log", *PUBLIC_LISTINGS])
def test_a_page_past_the_end_is_404_and_page_1_of_nothing_is_not(mod_client, path):
    assert mod_client.get(_with_page(path, "99999")).status_code == 404
    assert mod_client.get(_with_page(path, "1")).status_code == 200


def test_the_article_pages_its_threads_by_configuration(app, client, mod_client):
    ids = [approved(client, mod_client, body=f"Thread {n}") for n in range(3)]
    reader = app.test_client()  # no session: the shared page
    pages = [reader.get(_with_page(PAGE, str(n))).text for n in (1, 2)]
    # The bundled article brings one published comment of its own: 4 threads, 2 a page.
    shown = [sum(f'id="comment-{i}"' in html for i in ids) for html in pages[:2]]
    assert sum(shown) == 3 and max(shown) == 2
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    assert reader.get(_with_page(PAGE, "3")).status_code == 404


def test_page_sizes_come_from_configuration_and_past_the_end_is_404(client, mod_client):
    ids = [comment_id(post_as_newcomer(client, body=f"Waiting {n}")) for n in range(3)]
    first = mod_client.get("/moderation/")
    second = mod_client.get("/moderation/?page=2")
    assert sum(f'id="comment-{i}"' in first.text for i in ids) == 2
    assert sum(f'id="comment-{i}"' in second.text for i in ids) == 1
    assert mod_client.get("/moderation/?page=3").status_code == 404

    for n in range(2):
        approved(client, mod_client, body=f"Published {n}")
    body = mod_client.get(API).get_json()
    assert body["per_page"] == 2 and len(body["comments"]) == 2
    assert mod_client.get("/moderation/log?page=2").status_code == 200  # 4 approvals, 2 a page
