"""Every listing pages the same way: sizes from configuration, one answer for a bad page."""

from __future__ import annotations

import pytest

from tests.helpers import ARTICLE, approved, comment_id, post_as_newcomer

API = f"/api/articles/{ARTICLE}/comments"
BAD_PAGES = ["", "0", "-1", "x", "1.5", "2e3", "99999999", "１"]


@pytest.fixture
def app_config() -> dict:
    return {"FORUM_QUEUE_PER_PAGE": 2, "FORUM_LOG_PER_PAGE": 2, "FORUM_API_PER_PAGE": 2}


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("path", ["/moderation/", "/moderation/log", API])
def test_a_page_that_is_not_a_whole_number_from_1_is_404_everywhere(mod_client, path, page):
    assert mod_client.get(path, query_string={"page": page}).status_code == 404


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
