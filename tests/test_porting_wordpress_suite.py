"""The WordPress importer's own test exports, WordPress.com's https namespace, and files
with odd comments: what WordPress imports, we import; what it refuses, we refuse."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.discussion import published_comments
from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, OutboxMessage
from tests.helpers import csrf_token, moderate, sign_in
from tests.test_porting import DATA, assert_counters_true, by_external_id, forum, snapshot

SUITE = DATA / "wordpress-importer"
# File: (comments imported, comments skipped, articles kept unpublished), or the refusal.
EXPECTED: dict[str, tuple[int, int, int] | str] = {
    "e2e/fixtures/wxr-base-url-rewriting.xml": (0, 0, 0),
    "e2e/fixtures/wxr-comprehensive.xml": (1, 0, 0),
    "e2e/fixtures/wxr-css-urls.xml": (0, 0, 0),
    "e2e/fixtures/wxr-simple.xml": (0, 0, 0),
    "phpunit/data/a11y-unit-test-data.xml": (25, 4, 4),
    "phpunit/data/authors-multiline.xml": (0, 0, 0),
    "phpunit/data/backslashes.xml": (0, 0, 0),
    "phpunit/data/blank-lines.xml": (0, 0, 0),
    "phpunit/data/cdata-edge.xml": (0, 0, 0),
    "phpunit/data/chunked-meta.xml": (0, 0, 0),
    "phpunit/data/crazy-cdata-escaped.xml": (0, 0, 0),
    # WordPress takes it only through its last-resort regex parser; it is not XML.
    "phpunit/data/crazy-cdata.xml": "line 18, column 72: not well-formed XML",
    "phpunit/data/invalid-version-tag.xml": "line 33: not a WordPress export: "
    "<wp:wxr_version> is 'abc', not a version such as 1.2",
    "phpunit/data/large-authors.xml": (0, 0, 0),
    "phpunit/data/malformed-simple.xml": "line 14, column 1: not well-formed XML",
    "phpunit/data/malformed.xml": "line 27: expected <channel> in <rss>, found <notachanneltag>",
    "phpunit/data/missing-tags.xml": (0, 0, 0),
    "phpunit/data/missing-version-tag.xml": "not a WordPress export: there is no <wp:wxr_version>",
    "phpunit/data/multiple-cdata.xml": (0, 0, 0),
    "phpunit/data/namespace-edge-cases.xml": (0, 0, 0),
    "phpunit/data/post-content-blank-lines.xml": (0, 0, 0),
    "phpunit/data/slashes.xml": (1, 0, 0),
    "phpunit/data/small-export.xml": (1, 0, 2),
    "phpunit/data/term-formats.xml": (0, 0, 0),
    "phpunit/data/term-meta.xml": (0, 0, 0),
    "phpunit/data/test-serialized-comment-meta.xml": (1, 0, 1),
    "phpunit/data/test-serialized-postmeta-no-cdata.xml": (0, 0, 1),
    "phpunit/data/test-serialized-postmeta-with-cdata.xml": (0, 0, 1),
    "phpunit/data/test-serialized-term-meta.xml": (0, 0, 1),
    "phpunit/data/test-utw-post-meta-import.xml": (0, 0, 1),
    "phpunit/data/theme-unit-test-data.xml": (29, 4, 3),
    "phpunit/data/valid-wxr-1.0.xml": (1, 0, 0),
    "phpunit/data/valid-wxr-1.1.xml": (1, 0, 0),
    "phpunit/data/wxr-flat-attachment-different-site.xml": (0, 0, 0),
    "phpunit/data/wxr-flat-attachment-same-site.xml": (0, 0, 0),
    "phpunit/data/wxr-simple.xml": (0, 0, 0),
    "phpunit/data/wxr-utf-8-challenges.xml": (0, 0, 0),
    "phpunit/data/wxr-with-sub-data.xml": (1, 0, 0),
}


def test_every_file_of_the_suite_is_listed():
    assert {str(p.relative_to(SUITE)) for p in SUITE.rglob("*.xml")} == set(EXPECTED)


def public_comment_count(app) -> int:
    """Imported comments the public sees (the bundled article's own are left out)."""
    query = published_comments().where(Comment.external_id.like("wp:%"))
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(query.subquery()))


def assert_nothing_unpublished_is_public(app, client) -> None:
    with app.app_context():
        hidden = db.session.scalars(
            select(Article).where(Article.unpublished_reason.is_not(None))
        ).all()
        hidden_comments = db.session.scalars(
            select(Comment).where(Comment.article_id.in_([a.id for a in hidden]))
        ).all()
        slugs = [a.slug for a in hidden]
    index = client.get("/").text
    feed = client.get("/comments.rss").text
    for slug in slugs:
        assert client.get(f"/articles/{slug}").status_code == 404, slug
        assert client.get(f"/articles/{slug}/comments.rss").status_code == 404, slug
        assert client.get(f"/api/articles/{slug}/comments").status_code == 404, slug
        assert f'/articles/{slug}"' not in index, slug
    for comment in hidden_comments:
        assert f"#comment-{comment.id}<" not in feed and f'comment-{comment.id}"' not in feed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_wordpress_importers_test_exports(app, client, tmp_path, name):
    path = SUITE / name
    expected = EXPECTED[name]
    before = snapshot(app, tmp_path)
    result = forum(app, "import-wordpress", path)
    if isinstance(expected, str):
        assert result.exit_code == 1, result.output
        assert f"Error: {path}: {expected}" in result.output
        assert snapshot(app, tmp_path) == before
        return
    assert result.exit_code == 0, result.output
    imported, skipped, unpublished = expected
    assert f"comments: {imported} imported, 0 updated, 0 unchanged, {skipped} skipped" in (
        result.output
    )
    with app.app_context():
        hidden = db.session.scalar(
            select(func.count(Article.id)).where(Article.unpublished_reason.is_not(None))
        )
    assert hidden == unpublished
    assert_counters_true(app)
    assert_nothing_unpublished_is_public(app, client)
    first = snapshot(app, tmp_path)
    again = forum(app, "import-wordpress", path)
    assert f"{imported} unchanged, {skipped} skipped" in again.output
    assert snapshot(app, tmp_path) == first


def test_theme_unit_test_data_keeps_every_comment_and_its_protected_post_private(app, client):
    result = forum(app, "import-wordpress", SUITE / "phpunit/data/theme-unit-test-data.xml")
    assert result.exit_code == 0, result.output
    assert "skipped 2: pingbacks" in result.output and "skipped 2: trackbacks" in result.output
    c = by_external_id(app, "wp:")
    assert len(c) == 29
    protected = "template-password-protected"
    assert [x["article"] for x in c.values()].count(protected) == 1
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == protected))
        assert article.unpublished_reason == "password-protected on WordPress"
    page = client.get(f"/articles/{protected}")
    assert page.status_code == 404
    assert "should not be visible until the password is entered" not in page.text
    assert "should not be visible" not in client.get("/").text
    # Every published comment on a public post is public; none on the protected one.
    approved = [x for x in c.values() if x["status"] is CommentStatus.APPROVED]
    assert len(approved) == 26 and public_comment_count(app) == 25
    assert_nothing_unpublished_is_public(app, client)


def test_accessibility_test_data_keeps_its_25_comments(app, client):
    result = forum(app, "import-wordpress", SUITE / "phpunit/data/a11y-unit-test-data.xml")
    assert result.exit_code == 0, result.output
    assert "skipped 4: pingbacks" in result.output
    assert "repaired, 1: comments with no <wp:comment_approved>, held as pending: wp:167" in (
        result.output
    )
    c = by_external_id(app, "wp:")
    assert len(c) == 25
    with app.app_context():
        reasons = dict(db.session.execute(select(Article.slug, Article.unpublished_reason)).all())
    by_article: dict[str, list[str]] = {}
    for key, x in c.items():
        by_article.setdefault(x["article"], []).append(key)
    # 22 on posts WordPress publishes (one of them password-protected, kept from view) …
    published = [k for a, keys in by_article.items() if reasons[a] is None for k in keys]
    assert len(published) == 21
    assert len(by_article["template-password-protected"]) == 1
    # … and 3 on a page with no status: a draft, kept unpublished.
    assert sorted(by_article["page-with-comments"]) == ["wp:167", "wp:168", "wp:169"]
    assert reasons["page-with-comments"] == "no status on WordPress (a draft)"
    assert client.get("/articles/page-with-comments").status_code == 404
    # The one comment with no status is pending, and the only one.
    assert [k for k, x in c.items() if x["status"] is CommentStatus.PENDING] == ["wp:167"]
    assert c["wp:167"]["email"] is None and c["wp:167"]["name"] == "Anon"
    assert public_comment_count(app) == 21
    assert_nothing_unpublished_is_public(app, client)


HTTPS_EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
<channel xmlns:wp="https://wordpress.org/export/{version}/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<wp:wxr_version>{version}</wp:wxr_version>
<item>
 <title>IVIG at home</title>
 <wp:post_id>7</wp:post_id>
 <wp:post_name>ivig-at-home</wp:post_name>
 <wp:status>publish</wp:status>
 <wp:post_type>post</wp:post_type>
 <wp:comment>
  <wp:comment_id>70</wp:comment_id>
  <wp:comment_author>Ana</wp:comment_author>
  <wp:comment_date_gmt>2024-02-01 10:00:00</wp:comment_date_gmt>
  <wp:comment_content>Home infusions work for me.</wp:comment_content>
  <wp:comment_approved>1</wp:comment_approved>
 </wp:comment>
</item>
</channel>
</rss>
"""


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_an_https_namespace_declared_on_the_channel_is_wxr(app, tmp_path, version):
    path = tmp_path / "wordpress-com.xml"
    path.write_text(HTTPS_EXPORT.format(version=version), encoding="utf-8")
    result = forum(app, "import-wordpress", path)
    assert result.exit_code == 0, result.output
    assert "comments: 1 imported" in result.output
    assert by_external_id(app, "wp:")["wp:70"]["article"] == "ivig-at-home"


ODD_COMMENTS = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<item>
 <title>No id</title>
 <wp:status>publish</wp:status>
 <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_approved>1</wp:comment_approved>
 </wp:comment>
</item>
<item>
 <title>Odd comments</title>
 <wp:post_id>9</wp:post_id>
 <wp:post_date_gmt>2020-05-05 05:05:05</wp:post_date_gmt>
 <wp:status>publish</wp:status>
 <wp:post_type>post</wp:post_type>
 <wp:comment><wp:comment_content>No id at all.</wp:comment_content></wp:comment>
 <wp:comment><wp:comment_id>91</wp:comment_id><wp:comment_content>No status, no date, no
  e-mail.</wp:comment_content></wp:comment>
 <wp:comment><wp:comment_id>92</wp:comment_id><wp:comment_approved>maybe</wp:comment_approved>
  <wp:comment_date_gmt>last Tuesday</wp:comment_date_gmt>
  <wp:comment_date>2021-01-02 03:04:05</wp:comment_date>
  <wp:comment_parent>x</wp:comment_parent><wp:comment_content>Odd.</wp:comment_content>
 </wp:comment>
 <wp:comment><wp:comment_id>93</wp:comment_id><wp:comment_approved>1</wp:comment_approved>
  <wp:comment_type>pingback</wp:comment_type></wp:comment>
</item>
<item>
 <title>Undated</title>
 <wp:post_id>10</wp:post_id>
 <wp:post_date_gmt>someday</wp:post_date_gmt>
 <wp:status>publish</wp:status>
 <wp:comment><wp:comment_id>101</wp:comment_id><wp:comment_approved>1</wp:comment_approved>
  <wp:comment_content>Nobody knows when.</wp:comment_content></wp:comment>
</item>
</channel>
</rss>
"""


def test_odd_comments_are_repaired_or_skipped_and_named_never_refusing_the_file(app, tmp_path):
    path = tmp_path / "odd.xml"
    path.write_text(ODD_COMMENTS, encoding="utf-8")
    result = forum(app, "import-wordpress", path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "comments: 3 imported, 0 updated, 0 unchanged, 3 skipped" in out
    for line in (
        "skipped 1: items without a usable <wp:post_id>: the item at line 5",
        "skipped 1: comments on items without a usable <wp:post_id>: wp:1",
        "skipped 1: comments without a usable <wp:comment_id>: line 17",
        "skipped 1: pingbacks",
        "repaired, 1: comments with no <wp:comment_approved>, held as pending: wp:91",
        "repaired, 1: comments with an unknown <wp:comment_approved>, held as pending: wp:92",
        "repaired, 1: comments with no date, given their post's date: wp:91",
        "repaired, 1: comments whose date is not a date (YYYY-MM-DD HH:MM:SS), dated "
        "otherwise: wp:92",
        "repaired, 1: comments whose <wp:comment_parent> is not a number, shown as "
        "top-level: wp:92",
        "repaired, 1: posts whose date is not a date (YYYY-MM-DD HH:MM:SS), dated "
        "otherwise: post 10",
        "repaired, 1: comments with no date, nor their post: given the date of the import: wp:101",
    ):
        assert line in out, line
    c = by_external_id(app, "wp:")
    assert {k: x["status"] for k, x in c.items()} == {
        "wp:91": CommentStatus.PENDING,
        "wp:92": CommentStatus.PENDING,
        "wp:101": CommentStatus.APPROVED,
    }
    assert c["wp:91"]["created_at"].year == 2020 and c["wp:91"]["email"] is None
    assert c["wp:92"]["created_at"].isoformat() == "2021-01-02T03:04:05+00:00"
    first = snapshot(app, tmp_path)
    again = forum(app, "import-wordpress", path).output
    assert "articles: 0 created, 0 updated, 2 unchanged" in again
    assert "3 unchanged, 3 skipped" in again  # the import's date given the first time stays
    assert snapshot(app, tmp_path) == first


def test_a_bad_date_no_longer_refuses_the_file(app):
    result = forum(app, "import-wordpress", DATA / "wordpress-bad-date.xml")
    assert result.exit_code == 0, result.output
    assert "comments: 3 imported" in result.output
    assert "dated otherwise: wp:8803" in result.output


def test_comments_only_takes_no_comment_of_a_protected_post(app, tmp_path):
    source = (DATA / "wordpress-one-post.xml").read_text(encoding="utf-8")
    protected = source.replace(
        "<wp:status>publish</wp:status>",
        "<wp:status>publish</wp:status><wp:post_password>secret</wp:post_password>",
    )
    assert protected != source
    path = tmp_path / "protected.xml"
    path.write_text(protected, encoding="utf-8")
    result = forum(app, "import-wordpress", path, "--comments-only", "ivig-for-lupus")
    assert result.exit_code == 0, result.output
    assert "0 imported" in result.output
    assert "comments on posts that are not public (password-protected on WordPress)" in (
        result.output
    )
    assert by_external_id(app, "wp:") == {}


def test_moderators_see_what_is_kept_unpublished_and_approving_it_tells_no_one(
    app, client, moderator
):
    assert (
        forum(app, "import-wordpress", SUITE / "phpunit/data/a11y-unit-test-data.xml").exit_code
        == 0
    )
    pending = by_external_id(app, "wp:")["wp:167"]["id"]
    with app.app_context():
        queued = db.session.get(Comment, pending)
        queued.author_email = "anon@example.com"  # someone who could be e-mailed
        queued.notify_on_publish = True
        db.session.commit()
    assert client.get("/articles/page-with-comments").status_code == 404
    assert sign_in(client).status_code == 302
    page = client.get("/articles/page-with-comments")
    assert page.status_code == 200
    assert "Not public:</strong> no status on WordPress (a draft)" in page.text
    assert "Contributor comment." in page.text
    assert (
        "(not public: no status on WordPress (a draft))"
        in client.get(f"/moderation/comments/{pending}").text
    )
    assert moderate(client, pending, "approve").status_code == 302
    with app.app_context():
        assert db.session.get(Comment, pending).status is CommentStatus.APPROVED
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/moderation/")})
    assert client.get("/articles/page-with-comments").status_code == 404
    assert "Anonymous comment." not in client.get("/comments.rss").text
    assert_nothing_unpublished_is_public(app, client)
