"""The RSS feeds: valid RSS 2.0, only published comments, newest first, conditional GET."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus
from forum.moderation.actions import change_status
from forum.sanitize import render_comment
from tests.helpers import ARTICLE, approved, comment_id, moderate, post_as_newcomer

TITLE = "IVIG for Systemic Lupus Erythematosus"
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
FEEDS = ["/feed.rss", "/comments.rss", f"/articles/{ARTICLE}/comments.rss"]
# The page each feed's channel <link> names (relative to the site's root).
CHANNEL_PAGES = {
    "/feed.rss": "/",
    "/comments.rss": "/",
    f"/articles/{ARTICLE}/comments.rss": f"/articles/{ARTICLE}",
}


# --- helpers -------------------------------------------------------------------------------


def get_feed(client, path: str, **kwargs):
    """The response, feedparser's view and the XML tree of a feed that must answer 200."""
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "application/rss+xml"
    body = response.get_data()
    return response, feedparser.parse(body), xml_root(body)


def xml_root(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - the forum's own output, parsed in a test


def xml_items(root: ET.Element) -> list[dict]:
    """Every <item> of a feed as a dict of the elements the tests look at."""
    items = []
    for item in root.iter("item"):
        guid = item.find("guid")
        items.append(
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "guid": guid.text if guid is not None else None,
                "description": item.findtext("description"),
                "creator": item.findtext(DC_CREATOR),
                "pubDate": item.findtext("pubDate"),
            }
        )
    return items


def item_ids(root: ET.Element) -> list[int]:
    """The comment ids of a feed's items, in feed order, read from the links' #comment-N."""
    ids = []
    for item in xml_items(root):
        fragment = urlsplit(item["link"]).fragment
        assert fragment.startswith("comment-"), item["link"]
        ids.append(int(fragment.removeprefix("comment-")))
    return ids


def seed_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.author_name == "A reader"))


def add_approved_comments(
    app, count: int, parent_id: int | None = None, *, newest: bool = False
) -> list[int]:
    """`count` approved comments made straight in the database, returned oldest first.

    They are a second apart and older than every comment so far (so that comments posted
    later through the form are newer), or with `newest`, newer than every comment so far.
    """
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLE))
        parent = db.session.get(Comment, parent_id) if parent_id else None
        if newest:
            start = db.session.scalar(select(func.max(Comment.created_at))) + timedelta(seconds=1)
        else:
            start = db.session.scalar(select(func.min(Comment.created_at))) - timedelta(
                seconds=count
            )
        ids = []
        for number in range(count):
            body = f"Bulk comment number {number}."
            comment = Comment(
                article=article,
                parent_id=parent_id,
                depth=parent.depth + 1 if parent else 1,
                author_name=f"Bulk {number}",
                author_email=f"bulk{number}@example.test",
                body=body,
                body_html=str(render_comment(body)),
                created_at=start + timedelta(seconds=number),
            )
            db.session.add(comment)
            db.session.flush()
            comment.root_id = parent.root_id if parent else comment.id
            change_status(comment, CommentStatus.APPROVED)
            ids.append(comment.id)
        db.session.commit()
        return ids


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "alternate" and a.get("type") == RSS_MIME:
            self.hrefs.append(a.get("href", ""))


RSS_MIME = "application/rss+xml"


def feed_links(html: str) -> list[str]:
    parser = _FeedLinks()
    parser.feed(html)
    return parser.hrefs


# --- validity --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_feed_is_valid_rss_with_absolute_links(app, client, mod_client, path):
    top = approved(client, mod_client, body="A top-level comment.")
    approved(client, mod_client, reply_to=top, body="A reply to it.")
    _, feed, root = get_feed(app.test_client(), path)

    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert len(feed.entries) >= 2
    guids = [entry.id for entry in feed.entries]
    assert len(set(guids)) == len(guids), "every guid is unique"
    for entry in feed.entries:
        assert entry.get("id"), "every item has a guid"
        assert entry.get("published_parsed") is not None, "every item has an RFC 822 pubDate"
        link = urlsplit(entry.link)
        assert link.scheme == "http" and link.netloc == "localhost", entry.link
    for item in xml_items(root):
        assert item["guid"] and item["pubDate"] and item["link"]
        assert item["pubDate"].endswith(("+0000", "GMT")), item["pubDate"]

    channel = root.find("channel")
    self_links = [el for el in channel.findall(f"{ATOM}link") if el.get("rel") == "self"]
    assert [el.get("href") for el in self_links] == [f"http://localhost{path}"]
    assert channel.findtext("link") == f"http://localhost{CHANNEL_PAGES[path]}"
    assert feed.feed.link == f"http://localhost{CHANNEL_PAGES[path]}"
    assert channel.findtext("title") and channel.findtext("description")


def test_unknown_article_feed_is_404(client):
    response = client.get("/articles/no-such-article/comments.rss")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


# --- items -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_item_title_creator_and_sanitized_description(app, client, mod_client, path):
    body = "IVIG **really** helped.\n\n<script>alert('x')</script> <b onclick=evil()>hi</b>"
    cid = approved(client, mod_client, author_name="Ann", body=body)
    with app.app_context():
        body_html = db.session.get(Comment, cid).body_html
    _, feed, root = get_feed(app.test_client(), path)

    assert root.find(".//author") is None
    items = xml_items(root)
    newest = items[0]
    assert item_ids(root)[0] == cid
    assert newest["title"] == f"Comment on {TITLE} by Ann"
    assert newest["creator"] == "Ann"
    assert feed.entries[0].get("author") == "Ann"  # feedparser reads dc:creator as the author
    # The description is exactly the HTML the forum rendered and sanitized when it was saved.
    assert newest["description"] == body_html
    assert "<strong>really</strong>" in newest["description"]
    assert "<script" not in newest["description"]
    assert "<b " not in newest["description"]
    assert "&lt;script&gt;" in newest["description"]
    for item in items:
        assert item["title"].startswith(f"Comment on {TITLE} by ")
        assert item["creator"] and item["title"].endswith(f" by {item['creator']}")


def test_no_author_element_in_any_feed(app, client, mod_client):
    top = approved(client, mod_client, body="Top")
    approved(client, mod_client, reply_to=top, body="Reply")
    for path in FEEDS:
        body = app.test_client().get(path).get_data()
        root = xml_root(body)
        assert root.find(".//author") is None, path
        assert b"<author" not in body, path
        assert b"@patients.test" not in body, path


# --- which comments, in what order -------------------------------------------------------------


def test_feeds_list_newest_first_and_only_the_discussions_feed_leaves_out_replies(
    app, client, mod_client
):
    seed = seed_id(app)
    first = approved(client, mod_client, body="First top-level.")
    second = approved(client, mod_client, body="Second top-level.")
    reply = approved(client, mod_client, reply_to=first, body="Reply to the first.")
    deeper = approved(client, mod_client, reply_to=reply, body="Reply to the reply.")
    reader = app.test_client()

    assert item_ids(get_feed(reader, "/feed.rss")[2]) == [second, first, seed]
    everything = [deeper, reply, second, first, seed]
    assert item_ids(get_feed(reader, "/comments.rss")[2]) == everything
    assert item_ids(get_feed(reader, f"/articles/{ARTICLE}/comments.rss")[2]) == everything


def test_order_is_by_when_written_not_when_approved(app, client, mod_client):
    older = comment_id(post_as_newcomer(client, body="Written first, approved last."))
    newer = comment_id(post_as_newcomer(client, body="Written last, approved first."))
    moderate(mod_client, newer, "approve")
    moderate(mod_client, older, "approve")
    for path in FEEDS:
        ids = item_ids(get_feed(app.test_client(), path)[2])
        assert ids[:2] == [newer, older], path


def test_pub_dates_are_newest_first(app, client, mod_client):
    add_approved_comments(app, 3)
    top = approved(client, mod_client, body="Newest")
    approved(client, mod_client, reply_to=top, body="Newest reply")
    for path in FEEDS:
        feed = get_feed(app.test_client(), path)[1]
        dates = [entry.published_parsed for entry in feed.entries]
        assert len(dates) >= 4
        assert dates == sorted(dates, reverse=True), path


def test_at_most_20_items_the_newest(app):
    ids = add_approved_comments(app, 25, newest=True)
    replies = add_approved_comments(app, 3, parent_id=ids[0], newest=True)
    reader = app.test_client()
    assert item_ids(get_feed(reader, "/feed.rss")[2]) == ids[::-1][:20]
    newest_all = (ids + replies)[::-1][:20]
    assert item_ids(get_feed(reader, "/comments.rss")[2]) == newest_all
    assert item_ids(get_feed(reader, f"/articles/{ARTICLE}/comments.rss")[2]) == newest_all


def test_unpublished_comments_never_appear(app, client, mod_client):
    top = approved(client, mod_client, body="Published parent.")
    hidden = {}
    hidden["pending"] = comment_id(post_as_newcomer(client, body="Body-pending-xyzzy"))
    hidden["pending reply"] = comment_id(
        post_as_newcomer(client, reply_to=top, body="Body-pending-reply-xyzzy")
    )
    for action in ("reject", "spam", "delete"):
        hidden[action] = comment_id(post_as_newcomer(client, body=f"Body-{action}-xyzzy"))
        assert moderate(mod_client, hidden[action], action).status_code == 302
    # Published once, then taken down.
    hidden["unpublished"] = approved(client, mod_client, body="Body-unpublished-xyzzy")
    moderate(mod_client, hidden["unpublished"], "delete")
    with app.app_context():
        statuses = {db.session.get(Comment, cid).status for cid in hidden.values()}
    assert statuses == {
        CommentStatus.PENDING,
        CommentStatus.REJECTED,
        CommentStatus.SPAM,
        CommentStatus.DELETED,
    }

    for reader in (app.test_client(), client):  # not even for the comments' own author
        for path in FEEDS:
            response, _, root = get_feed(reader, path)
            ids = item_ids(root)
            assert top in ids, path
            assert not set(hidden.values()) & set(ids), path
            assert b"xyzzy" not in response.get_data(), path
            assert f"#comment-{top}".encode() in response.get_data()


def test_approval_shows_at_once_even_to_a_client_holding_the_old_etag(app, client, mod_client):
    reader = app.test_client()
    before = {path: get_feed(reader, path)[0] for path in FEEDS}
    cid = comment_id(post_as_newcomer(client, body="Just approved."))
    moderate(mod_client, cid, "approve")
    for path, old in before.items():
        response = reader.get(
            path,
            headers={
                "If-None-Match": old.headers["ETag"],
                "If-Modified-Since": old.headers["Last-Modified"],
            },
        )
        assert response.status_code == 200, path
        assert response.headers["ETag"] != old.headers["ETag"]
        assert item_ids(xml_root(response.get_data()))[0] == cid, path


def test_taking_a_comment_down_changes_the_etag_and_removes_it(app, client, mod_client):
    cid = approved(client, mod_client, body="Soon gone.")
    reader = app.test_client()
    before = {path: get_feed(reader, path)[0] for path in FEEDS}
    moderate(mod_client, cid, "reject")
    for path, old in before.items():
        assert cid in item_ids(xml_root(old.get_data()))
        response = reader.get(path, headers={"If-None-Match": old.headers["ETag"]})
        assert response.status_code == 200, path
        assert cid not in item_ids(xml_root(response.get_data()))


# --- conditional GET -----------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_conditional_get_answers_304(app, client, mod_client, path):
    approved(client, mod_client, body="Something to syndicate.")
    reader = app.test_client()
    first, _, _ = get_feed(reader, path)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and last_modified
    # Browsers check back each time; shared caches may keep it a few seconds.
    assert first.cache_control.public and first.cache_control.max_age == 0

    again = reader.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag

    since = reader.get(path, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    assert since.get_data() == b""

    assert reader.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert reader.get(path, headers={"If-Modified-Since": older}).status_code == 200


def test_each_feed_has_its_own_etag(app):
    etags = {app.test_client().get(path).headers["ETag"] for path in FEEDS}
    assert len(etags) == len(FEEDS)


# --- links ---------------------------------------------------------------------------------


def test_item_links_lead_to_the_page_that_shows_the_comment(app, client, mod_client):
    """With more threads than fit on one page, a link must still land on its comment."""
    per_page = app.config["FORUM_THREADS_PER_PAGE"]
    # Threads oldest first: bulk 0..per_page-1 on page 1; the last two bulk and the seed after.
    tops = add_approved_comments(app, per_page + 2)
    on_two = approved(client, mod_client, reply_to=tops[-1], body="A reply on page two.")
    on_one = approved(client, mod_client, reply_to=tops[0], body="A reply on page one.")
    reader = app.test_client()
    assert f'id="comment-{tops[-1]}"' not in reader.get(f"/articles/{ARTICLE}").get_data(
        as_text=True
    )
    checked = set()
    for path in FEEDS:
        for item in xml_items(get_feed(reader, path)[2]):
            link = urlsplit(item["link"])
            # A permalink redirects to the page that holds the thread.
            page = reader.get(
                f"{link.path}?{link.query}" if link.query else link.path, follow_redirects=True
            )
            assert page.status_code == 200, item["link"]
            assert f'id="{link.fragment}"' in page.get_data(as_text=True), item["link"]
            checked.add(int(link.fragment.removeprefix("comment-")))
    assert {seed_id(app), tops[-1], tops[per_page - 1], on_two, on_one} <= checked


def test_guid_stays_the_same_when_a_thread_moves_to_another_page(app, mod_client):
    per_page = app.config["FORUM_THREADS_PER_PAGE"]
    tops = add_approved_comments(app, per_page)  # older than the seed: the seed is on page 2
    seed = seed_id(app)
    reader = app.test_client()

    def guids() -> dict[int, str]:
        root = get_feed(reader, "/feed.rss")[2]
        return dict(zip(item_ids(root), [i["guid"] for i in xml_items(root)], strict=True))

    before = guids()
    moderate(mod_client, tops[0], "delete")  # one thread fewer: the seed moves to page 1
    after = guids()
    assert after[seed] == before[seed]
    assert tops[0] not in after


class TestBaseUrl:
    """With FORUM_BASE_URL set, every absolute link in a feed is built from it."""

    BASE = "https://forum.example.org"

    @pytest.fixture
    def app_config(self) -> dict:
        return {"FORUM_BASE_URL": self.BASE}

    @pytest.mark.parametrize("path", FEEDS)
    def test_every_link_starts_with_the_base_url(self, app, client, mod_client, path):
        top = approved(client, mod_client, body="Base URL comment.")
        approved(client, mod_client, reply_to=top, body="Base URL reply.")
        _, feed, root = get_feed(app.test_client(), path)
        assert feed.bozo == 0
        channel = root.find("channel")
        assert channel.findtext("link") == self.BASE + CHANNEL_PAGES[path]
        self_link = [e for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
        assert [e.get("href") for e in self_link] == [self.BASE + path]
        items = xml_items(root)
        assert items
        for item in items:
            assert item["link"].startswith(self.BASE + "/"), item["link"]
            assert item["guid"].startswith(self.BASE + "/"), item["guid"]
        assert b"localhost" not in app.test_client().get(path).get_data()


# --- every page links its feeds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        (f"/articles/{ARTICLE}", 200),
        ("/login", 200),
        ("/no/such/page", 404),
        ("/articles/no-such-article", 404),
        (f"/articles/{ARTICLE}?replytocom=abc", 400),
        (f"/articles/{ARTICLE}/comments", 405),
    ],
)
def test_every_page_links_its_feeds(app, path, status):
    reader = app.test_client()
    response = reader.get(path)
    assert response.status_code == status
    hrefs = feed_links(response.get_data(as_text=True))
    assert "/feed.rss" in hrefs
    assert "/comments.rss" in hrefs
    if path == f"/articles/{ARTICLE}":
        assert f"/articles/{ARTICLE}/comments.rss" in hrefs
    for href in hrefs:
        feed = reader.get(href)
        assert feed.status_code == 200, href
        assert feedparser.parse(feed.get_data()).version == "rss20", href
