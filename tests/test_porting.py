"""Moving in and out: WordPress, Disqus and Isso imports; the JSON export and its restore."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    Article,
    Base,
    Block,
    BlockKind,
    Comment,
    CommentStatus,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
    HelpfulVote,
    MailOptOut,
    ModerationEvent,
    Moderator,
    OutboxMessage,
    Report,
    Subscription,
    UsedToken,
)
from forum.moderation.actions import moderate
from forum.moderation.submission import body_digest
from forum.porting.archive import TABLES_EXPORTED, export_forum
from forum.porting.common import Progress
from forum.porting.markup import html_to_markdown, markdown_with_html
from forum.porting.wordpress import import_wordpress
from forum.sanitize import render_comment
from forum.settings import save_settings
from tests.bench.import_wxr import write_wxr
from tests.helpers import ARTICLE, MODERATOR_PASSWORD, comment_id, post_comment, sign_in

DATA = Path(__file__).parent / "data" / "porting"
HCQ = "hydroxychloroquine-and-your-eyes"


def forum(app, *args: str):
    return app.test_cli_runner().invoke(args=["forum", *map(str, args)])


def snapshot(app, tmp_path: Path) -> str:
    """Everything the database holds, as the export writes it."""
    path = tmp_path / f"snapshot-{time.monotonic_ns()}.json"
    with app.app_context():
        export_forum(path)
    return path.read_text(encoding="utf-8")


def by_external_id(app, prefix: str = "") -> dict[str, dict]:
    """The imported comments (by external id) as plain values, with their parents' ids."""
    with app.app_context():
        comments = db.session.scalars(select(Comment)).all()
        external = {c.id: c.external_id for c in comments}
        return {
            c.external_id: {
                "id": c.id,
                "article": c.article.slug,
                "parent": external.get(c.parent_id),
                "root": external.get(c.root_id),
                "depth": c.depth,
                "status": c.status,
                "name": c.author_name,
                "email": c.author_email,
                "website": c.website,
                "ip": c.ip,
                "created_at": c.created_at,
                "body": c.body,
                "body_html": c.body_html,
                "digest": c.body_digest,
            }
            for c in comments
            if c.external_id and c.external_id.startswith(prefix)
        }


def assert_counters_true(app) -> None:
    with app.app_context():
        for article in db.session.scalars(select(Article)):
            approved = db.session.scalar(
                select(func.count(Comment.id)).where(
                    Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED
                )
            )
            assert article.approved_comment_count == approved, article.slug


def assert_sanitized(html: str) -> None:
    """No script, and no link or attribute that runs one (harmless text may mention it)."""
    lowered = html.lower()
    for bad in ("<script", 'href="javascript', "onerror=", "<img"):
        assert bad not in lowered, (bad, html)


def empty_database() -> None:
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- WordPress -----------------------------------------------------------------------------


def test_wordpress_import_brings_articles_threads_and_every_status(app):
    result = forum(app, "import-wordpress", DATA / "wordpress.xml")
    assert result.exit_code == 0, result.output
    output = result.output
    assert "articles: 3 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "skipped 1: items of type attachment" in output
    assert "comments: 24 imported, 0 updated, 0 unchanged, 2 skipped" in output
    for reason in ("pingbacks", "trackbacks"):
        assert f"skipped 1: {reason}" in output
    assert (
        "note, 1: articles kept unpublished, for moderators only: "
        "draft-about-belimumab (a draft on WordPress)"
    ) in output
    assert "note, 4: replies nested deeper than 5 levels" in output
    assert "note, 1: replies to a comment that is not in the file" in output

    c = by_external_id(app, "wp:")
    assert c.pop("wp:60")["article"] == "draft-about-belimumab"  # kept, not public
    assert len(c) == 23 and {x["article"] for x in c.values()} == {HCQ}
    statuses = {key: x["status"] for key, x in c.items()}
    assert statuses.pop("wp:4") is CommentStatus.PENDING
    assert statuses.pop("wp:5") is CommentStatus.SPAM
    assert statuses.pop("wp:6") is statuses.pop("wp:52") is CommentStatus.DELETED
    assert set(statuses.values()) == {CommentStatus.APPROVED}

    zoe = c["wp:1"]
    assert (zoe["name"], zoe["email"], zoe["website"], zoe["ip"]) == (
        "Zoë Ångström",
        "zoe@example.se",
        "https://zoe.example.se",
        "192.0.2.10",
    )
    assert zoe["created_at"] == utc(2023, 5, 2, 14)  # the GMT date, not the local one
    assert zoe["body"] == (
        "My eye exam was **normal** after 5 years.\nStill going yearly.\n\nThanks for the article!"
    )
    assert c["wp:2"]["name"] == "李小龙" and c["wp:2"]["ip"] == "2001:db8::1"
    assert c["wp:3"]["name"] == "محمد الأحمد" and c["wp:3"]["website"] is None  # javascript:
    assert c["wp:51"]["created_at"] == utc(2023, 6, 1, 8)  # no GMT date: the local one
    assert c["wp:51"]["ip"] is None  # "not an ip"
    for x in c.values():
        assert x["body_html"] == str(render_comment(x["body"]))
        assert x["digest"] == body_digest(x["body"])
        assert_sanitized(x["body_html"])

    # Threads: replies under their parents, at most five levels deep.
    assert (c["wp:2"]["parent"], c["wp:2"]["depth"], c["wp:2"]["root"]) == ("wp:1", 2, "wp:1")
    chain = [c[f"wp:{n}"] for n in range(10, 17)]
    assert [x["depth"] for x in chain] == [1, 2, 3, 4, 5, 5, 5]
    assert [x["parent"] for x in chain] == [None, *(f"wp:{n}" for n in range(10, 16))]
    assert {x["root"] for x in chain} == {"wp:10"}
    # Listed before the comment it answers.
    assert (c["wp:21"]["parent"], c["wp:21"]["depth"], c["wp:21"]["root"]) == ("wp:20", 2, "wp:20")
    assert (c["wp:30"]["parent"], c["wp:30"]["depth"]) == ("wp:16", 5)
    assert (c["wp:31"]["parent"], c["wp:31"]["depth"], c["wp:31"]["root"]) == ("wp:30", 5, "wp:10")
    # A reply attached while its own parent waited for its parent: moved along with it.
    assert (c["wp:41"]["parent"], c["wp:41"]["depth"], c["wp:41"]["root"]) == ("wp:40", 3, "wp:1")
    assert (c["wp:42"]["parent"], c["wp:42"]["depth"], c["wp:42"]["root"]) == ("wp:41", 4, "wp:1")
    assert (c["wp:50"]["parent"], c["wp:50"]["depth"], c["wp:50"]["root"]) == (None, 1, "wp:50")

    with app.app_context():
        hcq = db.session.scalar(select(Article).where(Article.slug == HCQ))
        assert hcq.title == "Hydroxychloroquine & your eyes"
        assert hcq.author == "Don Thomas, MD"  # the login's display name
        assert hcq.published_at == utc(2023, 5, 1, 13)
        assert hcq.summary == "Why yearly eye exams matter."
        assert hcq.source == f"https://www.lupusencyclopedia.com/{HCQ}/"
        assert hcq.approved_comment_count == 19
        events = db.session.scalars(
            select(ModerationEvent).where(
                ModerationEvent.reason == "Imported from wordpress.xml (WordPress)"
            )
        ).all()
        assert len(events) == 23  # every comment that is not pending, logged
        assert {(e.action, e.moderator_id) for e in events} == {("imported", None)}
    assert_counters_true(app)


def test_imported_wordpress_pages_are_safe_and_threaded(app, client):
    assert forum(app, "import-wordpress", DATA / "wordpress.xml").exit_code == 0
    html = client.get(f"/articles/{HCQ}").text
    # The article: converted to Markdown and rendered like our own articles.
    assert "<h2>What the exam looks for</h2>" in html
    assert "<strong>yearly eye exams</strong>" in html
    assert "<li>OCT scans</li>" in html
    assert "Classic paragraph one<br />\nwith a line break." in html
    assert 'href="https://www.aao.org/">the AAO</a>' in html
    assert "Image: An eye exam</a>" in html
    assert "tracking" not in html and "javascript:" not in html and "alert(" not in html
    # The comments: published ones only, sanitized, with reader names intact.
    for shown in (
        "Zoë Ångström",
        "李小龙",
        "محمد الأحمد",
        "Reply at level 7.",
        "<strong>normal</strong>",
    ):
        assert shown in html, shown
    assert 'href="https://www.aao.org/eye-health" rel="nofollow ugc noopener">the AAO page' in html
    for hidden in ("Is 400 mg", "Buy cheap pills", "Deleted by the author", "a good summary"):
        assert hidden not in html, hidden
    assert "1. Not a list" in html and "<em>not emphasis</em>" not in html
    assert client.get("/articles/about").status_code == 200
    api = client.get(f"/api/articles/{HCQ}/comments").get_json()
    assert "zoe@example.se" not in str(api) and "192.0.2.10" not in str(api)


def test_a_second_wordpress_import_changes_nothing(app, tmp_path):
    assert forum(app, "import-wordpress", DATA / "wordpress.xml").exit_code == 0
    before = snapshot(app, tmp_path)
    again = forum(app, "import-wordpress", DATA / "wordpress.xml")
    assert again.exit_code == 0, again.output
    assert "articles: 0 created, 0 updated, 3 unchanged" in again.output
    assert "comments: 0 imported, 0 updated, 24 unchanged, 2 skipped" in again.output
    assert snapshot(app, tmp_path) == before


def test_a_changed_export_updates_comments_but_keeps_moderators_decisions(app, moderator, tmp_path):
    assert forum(app, "import-wordpress", DATA / "wordpress.xml").exit_code == 0
    ids = {key: x["id"] for key, x in by_external_id(app).items()}
    with app.app_context():
        moderate(
            db.session.get(Comment, ids["wp:1"]), "reject", db.session.get(Moderator, moderator)
        )
        db.session.commit()
    changed = tmp_path / "wordpress.xml"
    text = (DATA / "wordpress.xml").read_text(encoding="utf-8")
    text = text.replace("谢谢！我也每年检查眼睛。", "谢谢！我每年检查两次。")
    text = text.replace("Hydroxychloroquine & your eyes", "Hydroxychloroquine and your eyes")
    text = text.replace(  # wp:4 approved on WordPress since; wp:1 approved there still
        "Is 400 mg too much for my weight?]]></wp:comment_content>\n"
        "\t\t\t<wp:comment_approved><![CDATA[0]]>",
        "Is 400 mg too much for my weight?]]></wp:comment_content>\n"
        "\t\t\t<wp:comment_approved><![CDATA[1]]>",
    )
    changed.write_text(text, encoding="utf-8")
    result = forum(app, "import-wordpress", changed)
    assert result.exit_code == 0, result.output
    assert "articles: 0 created, 1 updated, 2 unchanged" in result.output
    assert "comments: 0 imported, 2 updated, 22 unchanged" in result.output
    assert "note, 1: comments whose status a moderator changed here" in result.output
    c = by_external_id(app)
    assert c["wp:1"]["status"] is CommentStatus.REJECTED
    assert c["wp:2"]["body"] == "谢谢！我每年检查两次。" and "两次" in c["wp:2"]["body_html"]
    assert c["wp:4"]["status"] is CommentStatus.APPROVED
    assert_counters_true(app)


def test_comments_only_puts_one_posts_comments_on_an_existing_article(app, tmp_path):
    result = forum(
        app, "import-wordpress", DATA / "wordpress-one-post.xml", "--comments-only", ARTICLE
    )
    assert result.exit_code == 0, result.output
    assert "articles: 0 created, 0 updated, 0 unchanged" in result.output
    c = by_external_id(app, "wp:")
    assert {x["article"] for x in c.values()} == {ARTICLE} and len(c) == 3
    assert c["wp:8801"]["name"] == "Ingrid Sjöberg"
    assert (c["wp:8802"]["parent"], c["wp:8802"]["depth"]) == ("wp:8801", 2)
    assert c["wp:8803"]["status"] is CommentStatus.PENDING
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 1
        ivig = db.session.scalar(select(Article))
        assert ivig.approved_comment_count == 3  # the bundled comment and two more
        assert "The article as it was on WordPress" not in ivig.body_markdown
    before = snapshot(app, tmp_path)
    again = forum(
        app, "import-wordpress", DATA / "wordpress-one-post.xml", "--comments-only", ARTICLE
    )
    assert "0 imported, 0 updated, 3 unchanged" in again.output
    assert snapshot(app, tmp_path) == before


def test_an_article_from_elsewhere_keeps_its_text_and_no_one_is_emailed(app, tmp_path):
    """The post has our bundled article's slug; the article's readers subscribe to it."""
    with app.app_context():
        article = db.session.scalar(select(Article))
        text_before = article.body_html
        db.session.add(
            Subscription(
                article_id=article.id, email="fan@example.com", confirmed_at=utc(2024, 1, 1)
            )
        )
        db.session.commit()
    same_slug = tmp_path / "post.xml"
    source = (DATA / "wordpress-one-post.xml").read_text(encoding="utf-8")
    same_slug.write_text(source.replace("intravenous-immunoglobulin</wp", f"{ARTICLE}</wp"))
    result = forum(app, "import-wordpress", same_slug)
    assert result.exit_code == 0, result.output
    assert "articles: 0 created, 0 updated, 1 unchanged" in result.output
    assert (
        "note, 1: articles already here from elsewhere: comments added, text kept" in result.output
    )
    assert {x["article"] for x in by_external_id(app, "wp:").values()} == {ARTICLE}
    with app.app_context():
        assert db.session.scalar(select(Article)).body_html == text_before
        # History is not news: no e-mail to subscribers, authors or parents' authors.
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert_counters_true(app)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--comments-only", "no-such-article"], "There is no article with the slug"),
        (["--comments-only", ARTICLE], "comments on 2 posts (ids 101, 104)"),
    ],
)
def test_comments_only_refuses_what_it_cannot_do(app, tmp_path, args, message):
    before = snapshot(app, tmp_path)
    result = forum(app, "import-wordpress", DATA / "wordpress.xml", *args)
    assert result.exit_code == 1 and message in result.output
    assert snapshot(app, tmp_path) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "wordpress-truncated.xml",
            "line 26, column 51: not well-formed XML: unclosed CDATA section; "
            "the file ends before the document does (was it cut short?)",
        ),
        (
            "rss-feed.xml",
            "line 8: not a WordPress export: no <wp:wxr_version> before the first <item>",
        ),
        ("disqus.xml", "line 3: not a WordPress export: it is <disqus>, not <rss>"),
        # Not WXR: its <channel> is misspelt.
        (
            "wordpress-bad-channel.xml",
            "line 9: expected <channel> in <rss>, found <chanel>",
        ),
    ],
)
def test_a_bad_wordpress_file_is_refused_with_its_line_and_changes_nothing(
    app, tmp_path, name, message
):
    before = snapshot(app, tmp_path)
    result = forum(app, "import-wordpress", DATA / name, "--batch-size", "1")
    assert result.exit_code == 1
    assert f"Error: {DATA / name}: {message}" in result.output
    assert snapshot(app, tmp_path) == before


# --- Disqus ----------------------------------------------------------------------------------


def test_disqus_import_maps_threads_onto_articles_by_their_address(app, tmp_path):
    result = forum(app, "import-disqus", DATA / "disqus.xml")
    assert result.exit_code == 0, result.output
    assert "articles: 1 created, 0 updated, 1 unchanged" in result.output
    assert "comments: 12 imported" in result.output
    c = by_external_id(app, "disqus:")
    assert {k for k, x in c.items() if x["article"] == ARTICLE} == {
        f"disqus:{n}" for n in range(9001, 9006)
    }
    assert c["disqus:9001"]["name"] == "Zoë Ångström"
    assert c["disqus:9001"]["body"] == (
        "IVIG helped my **platelets**.\n\nSecond paragraph, with spaces."
    )
    assert (c["disqus:9002"]["name"], c["disqus:9002"]["parent"]) == ("محمد الأحمد", "disqus:9001")
    # Listed before its parent.
    assert (c["disqus:9003"]["parent"], c["disqus:9003"]["depth"]) == ("disqus:9002", 3)
    assert (c["disqus:9003"]["name"], c["disqus:9003"]["root"]) == ("李小龙", "disqus:9001")
    assert c["disqus:9004"]["status"] is CommentStatus.DELETED
    assert c["disqus:9005"]["status"] is CommentStatus.SPAM
    assert c["disqus:9001"]["created_at"] == utc(2021, 3, 2, 10)
    assert c["disqus:9001"]["ip"] == "192.0.2.10" and c["disqus:9001"]["email"] == "zoe@example.se"
    deep = [c[f"disqus:{n}"]["depth"] for n in range(9010, 9016)]
    assert deep == [1, 2, 3, 4, 5, 5]
    reply = c["disqus:9002"]["body_html"]
    assert_sanitized(reply)
    assert '<a href="https://www.lupus.org/" rel="nofollow ugc noopener">good one</a>' in reply
    assert "bad link" in reply
    with app.app_context():
        new = db.session.scalar(select(Article).where(Article.slug == "belimumab-benlysta"))
        assert new.title == "Belimumab (Benlysta) for lupus"
        assert new.source == "https://www.lupusencyclopedia.com/2019/05/belimumab-benlysta.html"
        assert new.published_at == utc(2019, 5, 20, 8)
        slugs = set(db.session.scalars(select(Article.slug)))
        assert "no-comments-here" not in slugs  # a thread without posts makes no article
    assert_counters_true(app)
    before = snapshot(app, tmp_path)
    again = forum(app, "import-disqus", DATA / "disqus.xml")
    assert "comments: 0 imported, 0 updated, 12 unchanged" in again.output
    assert snapshot(app, tmp_path) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("disqus-broken.xml", "line 21, column 3: not well-formed XML: mismatched tag"),
        ("wordpress.xml", "line 9: not a Disqus export: it is <rss>, not <disqus>"),
    ],
)
def test_a_bad_disqus_file_is_refused_with_its_line(app, tmp_path, name, message):
    before = snapshot(app, tmp_path)
    result = forum(app, "import-disqus", DATA / name)
    assert result.exit_code == 1
    assert f"Error: {DATA / name}: {message}" in result.output
    assert snapshot(app, tmp_path) == before


# --- Isso ------------------------------------------------------------------------------------


def isso_database(tmp_path: Path, *changes: str) -> Path:
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((DATA / "isso.sql").read_text(encoding="utf-8"))
        for change in changes:
            connection.execute(change)
    connection.close()
    return path


def test_isso_import_brings_threads_statuses_and_markdown(app, tmp_path):
    path = isso_database(tmp_path)
    result = forum(app, "import-isso", path)
    assert result.exit_code == 0, result.output
    assert "articles: 1 created, 0 updated, 1 unchanged" in result.output
    assert "comments: 13 imported" in result.output
    c = by_external_id(app, "isso:")
    assert {k for k, x in c.items() if x["article"] == ARTICLE} == {
        f"isso:{n}" for n in range(1, 8)
    }
    assert c["isso:1"]["name"] == "Zoë Ångström"
    assert "<em>helped</em>" in c["isso:1"]["body_html"]
    assert c["isso:1"]["created_at"] == datetime.fromtimestamp(1600000000, UTC)
    assert c["isso:2"]["created_at"] == utc(2020, 9, 13, 12, 28, 20, 250000)
    assert (c["isso:2"]["name"], c["isso:2"]["parent"], c["isso:2"]["depth"]) == (
        "李小龙",
        "isso:1",
        2,
    )
    assert c["isso:3"]["status"] is CommentStatus.PENDING and c["isso:3"]["website"] is None
    assert c["isso:4"]["status"] is CommentStatus.DELETED and c["isso:4"]["name"] == "Anonymous"
    assert (c["isso:5"]["parent"], c["isso:5"]["depth"]) == ("isso:7", 3)  # parent listed later
    assert (c["isso:6"]["parent"], c["isso:6"]["status"]) == ("isso:4", CommentStatus.APPROVED)
    assert_sanitized(c["isso:6"]["body_html"])
    assert "<strong>bold</strong>" in c["isso:6"]["body_html"]
    assert [c[f"isso:{n}"]["depth"] for n in range(10, 16)] == [1, 2, 3, 4, 5, 5]
    with app.app_context():
        new = db.session.scalar(select(Article).where(Article.slug == "steroid-tapering"))
        assert new.title == "Tapering steroids slowly"
        assert "nobody-here" not in set(db.session.scalars(select(Article.slug)))
    assert_counters_true(app)
    before = snapshot(app, tmp_path)
    again = forum(app, "import-isso", path)
    assert "comments: 0 imported, 0 updated, 13 unchanged" in again.output
    assert snapshot(app, tmp_path) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (None, "not an Isso database: file is not a database"),
        (["DROP TABLE threads"], "not an Isso database: there is no 'threads' table"),
        (["UPDATE comments SET mode = 3 WHERE id = 7"], "comment 7: mode is 3; expected 1, 2 or 4"),
        (["UPDATE comments SET created = 'soon' WHERE id = 12"], "comment 12: created is 'soon'"),
    ],
)
def test_a_bad_isso_database_is_refused_and_changes_nothing(app, tmp_path, changes, message):
    path = DATA / "not-a-database.db" if changes is None else isso_database(tmp_path, *changes)
    before = snapshot(app, tmp_path)
    result = forum(app, "import-isso", path, "--batch-size", "1")
    assert result.exit_code == 1
    assert f"Error: {path}: {message}" in result.output
    assert snapshot(app, tmp_path) == before


# --- Export and restore ----------------------------------------------------------------------


def fill_the_forum(app, moderator_id: int, tmp_path: Path) -> None:
    """A forum with something in every table."""
    assert forum(app, "import-wordpress", DATA / "wordpress.xml").exit_code == 0
    assert forum(app, "import-isso", isso_database(tmp_path)).exit_code == 0
    c = by_external_id(app)
    with app.app_context():
        mod = db.session.get(Moderator, moderator_id)
        zoe = db.session.get(Comment, c["wp:1"]["id"])
        moderate(db.session.get(Comment, c["wp:4"]["id"]), "reject", mod, "off-topic")
        zoe.experience = Experience(
            treatment="receiving",
            route="clinic",
            helped="4",
            onset="weeks",
            conditions=[ExperienceCondition(code="arthritis"), ExperienceCondition(code="other")],
            side_effects=[ExperienceSideEffect(code="headache")],
        )
        db.session.add_all(
            [
                Report(
                    comment_id=zoe.id, reason="spam", note="Looks like an ad", reporter_key="r1"
                ),
                HelpfulVote(comment_id=zoe.id, voter_key="v1"),
                Block(kind=BlockKind.EMAIL, value="pills@spam.example", moderator_id=mod.id),
                Subscription(article_id=zoe.article_id, email="reader@example.com"),
                MailOptOut(email="quiet@example.com"),
                UsedToken(token_id="t" * 40),
                OutboxMessage(
                    recipient="zoe@example.se", subject="Reply", body="Hej Zoë", kind="reply"
                ),
            ]
        )
        save_settings(hold_words=("miracle", "cure-all"), flood_seconds=30)
        db.session.commit()


def test_export_then_import_then_export_gives_the_same_file(app, moderator, client, tmp_path):
    fill_the_forum(app, moderator, tmp_path)
    first = tmp_path / "first.json"
    result = forum(app, "export", first)
    assert result.exit_code == 0, result.output
    text = first.read_text(encoding="utf-8")
    for section in ("experiences", "reports", "helpful_votes", "blocks", "settings"):
        assert f'"{section}": [\n  {{' in text, section  # not empty
    assert '"conditions": ["arthritis", "other"], "side_effects": ["headache"]' in text
    assert re.search(r'"created_at": "2023-05-02T14:00:00Z"', text)

    with app.app_context():
        empty_database()
    restored = forum(app, "import", first)
    assert restored.exit_code == 0, restored.output
    assert "1 moderators" in restored.output and "cannot sign in" in restored.output
    second = tmp_path / "second.json"
    assert forum(app, "export", second).exit_code == 0
    assert second.read_bytes() == first.read_bytes()

    # The forum works on: ids continue after the restored ones (PostgreSQL's sequences).
    with app.app_context():
        max_id = db.session.scalar(select(func.max(Comment.id)))
    new_id = comment_id(post_comment(client, body="After the move, still here."))
    assert new_id > max_id
    assert client.get(f"/articles/{HCQ}").status_code == 200
    # No password travelled: the moderator needs a new one.
    assert sign_in(client, password=MODERATOR_PASSWORD).status_code != 302


def test_the_export_holds_every_table_and_no_password(app, moderator, tmp_path):
    path = tmp_path / "forum.json"
    assert forum(app, "export", path).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "password" not in text and "scrypt:" not in text and "pbkdf2:" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # e-mail and IP addresses inside
    assert {t.name for t in Base.metadata.sorted_tables} <= TABLES_EXPORTED


def test_import_refuses_a_database_that_is_not_empty(app, tmp_path):
    path = tmp_path / "forum.json"
    assert forum(app, "export", path).exit_code == 0
    before = snapshot(app, tmp_path)
    result = forum(app, "import", path)
    assert result.exit_code == 1
    assert "The database is not empty (1 articles, 1 comments, " in result.output
    assert snapshot(app, tmp_path) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("archive-bad-syntax.json", "line 7, column 2: not valid JSON: Expecting ',' delimiter"),
        ("archive-not-an-export.json", 'line 1: not a forum export (no "format"'),
        (
            "archive-bad-field.json",
            "line 11: comments[1]: status 'maybe' is not one of pending, approved",
        ),
    ],
)
def test_a_bad_export_file_is_refused_with_its_line_and_changes_nothing(
    app, tmp_path, name, message
):
    with app.app_context():
        empty_database()
    result = forum(app, "import", DATA / name)
    assert result.exit_code == 1
    assert f"Error: {DATA / name}: {message}" in result.output
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name


# --- Memory ----------------------------------------------------------------------------------


def test_memory_stays_flat_on_a_large_export(app, tmp_path):
    """A 34 MB export: 4,000 entries (250 comments in 10 batches, the rest pingbacks)."""
    path = tmp_path / "large.xml"
    size = write_wxr(path, 4_000, posts=4, padding=8_000, pingbacks=16)

    class Measure(Progress):
        # From the second pass on, which reads the whole file again and writes it.
        def start(self, total: int) -> None:
            tracemalloc.start()

    with app.app_context():
        try:
            summary = import_wordpress(path, batch_size=25, progress=Measure())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert summary.comments["imported"] == 250
    assert summary.skipped["pingbacks"] == 3_750
    assert size > 30 * 2**20
    assert peak < size / 5, (peak, size)  # about 2 MB in fact
    assert_counters_true(app)


# --- HTML to Markdown ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("Plain text\nnext line\n\nnew paragraph", "Plain text\nnext line\n\nnew paragraph"),
        ("<b>bold</b> <i>it</i> <em> spaced </em>", "**bold** *it* *spaced*"),
        ("*stars* _under_ [x](y) `tick` \\", r"\*stars\* \_under\_ \[x\](y) \`tick\` \\"),
        (
            "1. no list\n- no bullet\n> no quote\n# no heading",
            "1\\. no list\n\\- no bullet\n\\> no quote\n\\# no heading",
        ),
        ('<a href="https://a.example/x">site</a>', "[site](<https://a.example/x>)"),
        ('<a href="https://a.example/x">https://a.example/x</a>', "https://a.example/x"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<blockquote>quoted\nline</blockquote>reply", "> quoted\n> line\n\nreply"),
        ("<p>a &amp; b &lt;tag&gt;</p>", "a & b <tag>"),
        ("<code>x*y</code>", "`x*y`"),
        ('<img src="x.png" alt="wink">', "wink"),
        ("<b>unclosed <i>tags", "**unclosed *tags***"),
    ],
)
def test_comment_html_becomes_markdown_showing_the_same(html, markdown):
    assert html_to_markdown(html) == markdown


def test_isso_markdown_keeps_its_marks_and_loses_its_tags():
    assert markdown_with_html("*kept* 5 < 6 and a<b") == "*kept* 5 < 6 and a<b"
    assert markdown_with_html("*kept* <b>bold</b>\n\n> quote") == "*kept* **bold**\n\n> quote"


def _set(field: str, value: object):
    def change(export: dict) -> None:
        export["comments"][0][field] = value

    return change


def _drop(field: str):
    return lambda export: export["comments"][0].pop(field)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("depth", None), "comments[0]: depth may not be null"),
        (_set("created_at", "last Tuesday"), "created_at 'last Tuesday' is not an ISO 8601 date"),
        (_set("created_at", 20261205), "created_at 20261205 is not an ISO 8601 date"),
        (_set("urgent", "no"), "comments[0]: urgent 'no' is not true or false"),
        (_set("depth", "1"), "comments[0]: depth '1' is not a whole number"),
        (_set("depth", True), "comments[0]: depth True is not a whole number"),
        (_set("author_name", 42), "comments[0]: author_name 42 is not text"),
        (_set("author_name", "x" * 81), "author_name is 81 characters long, more than 80"),
        (_drop("body"), "comments[0]: body is missing"),
        (_set("colour", "blue"), "comments[0]: unknown field colour"),
        (
            lambda export: export["comments"].__setitem__(0, "a comment"),
            "comments[0] is not an object",
        ),
        (lambda export: export.__setitem__("blocks", {}), "'blocks' is not a list"),
    ],
)
def test_each_wrong_value_in_an_export_is_named_and_changes_nothing(app, tmp_path, change, message):
    """Every field is checked against its column before anything is written."""
    with app.app_context():
        export_forum(tmp_path / "forum.json")
        empty_database()
    export = json.loads((tmp_path / "forum.json").read_text(encoding="utf-8"))
    change(export)
    (tmp_path / "forum.json").write_text(json.dumps(export, indent=1), encoding="utf-8")
    result = forum(app, "import", tmp_path / "forum.json")
    assert result.exit_code == 1 and message in result.output, result.output
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name


def test_a_section_written_twice_is_refused(app, tmp_path):
    with app.app_context():
        export_forum(tmp_path / "forum.json")
        empty_database()
    text = (tmp_path / "forum.json").read_text(encoding="utf-8")
    twice = text.replace('\n "blocks": [', '\n "blocks": [],\n "blocks": [', 1)
    assert twice != text
    (tmp_path / "forum.json").write_text(twice, encoding="utf-8")
    result = forum(app, "import", tmp_path / "forum.json")
    assert result.exit_code == 1 and "'blocks' comes twice" in result.output, result.output
