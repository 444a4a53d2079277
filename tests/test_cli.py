"""`flask forum …` commands, as `make run` and an operator use them."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum.accounts.passwords import verify_password
from forum.content import CONTENT_DIR
from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, Moderator
from tests.helpers import sign_in


def test_import_article_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["forum", "import-article"])
    second = runner.invoke(args=["forum", "import-article"])
    assert first.exit_code == second.exit_code == 0
    assert "ivig-for-lupus: unchanged, 0 bundled comment(s) added" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 1
        comments = db.session.scalars(select(Comment)).all()
        assert len(comments) == 1
        (seed,) = comments
        assert seed.status is CommentStatus.APPROVED
        assert seed.author_name == "A reader"
        assert "GI tract dysfunction" in seed.body


def test_imported_article_is_the_clients_text_without_page_chrome(client):
    html = client.get("/articles/ivig-for-lupus").text
    for phrase in (
        "A drug made from up to 100,000 healthy volunteers!",
        "hypogammaglobulinemia",
        "Gammagard S/D and Polygam",
        "rare &lt; 1% occurrence",
        "uncommon 1%\u20135% occurrence",
        "common &gt; 5% occurrence",
        "Don Thomas, MD",
        "The Lupus Encyclopedia",
        "what was your experience like?",
        "GI tract dysfunction",
    ):
        assert phrase in html, phrase
    assert "Skip to content</a>" in html  # our own skip link, not the capture's text
    assert html.count("Add a Comment") == 0
    assert "1 Comment\n" not in html


def test_import_article_updates_changed_text(app, tmp_path):
    source = (CONTENT_DIR / "ivig-for-lupus.md").read_text()
    changed = tmp_path / "ivig-for-lupus.md"
    changed.write_text(source.replace("How IVIG works", "How IVIG really works"))
    result = app.test_cli_runner().invoke(args=["forum", "import-article", str(changed)])
    assert result.exit_code == 0, result.output
    assert "ivig-for-lupus: updated" in result.output
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert "How IVIG really works" in article.body_html


def test_import_article_rejects_a_broken_file_with_its_line(app, tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text("---\nslug: x\nno colon here\n---\nbody\n")
    result = app.test_cli_runner().invoke(args=["forum", "import-article", str(broken)])
    assert result.exit_code != 0
    assert "line 3" in result.output


def test_create_moderator_reads_the_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["forum", "create-moderator", "Lee@Forum.test", "--name", "Lee"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        account = db.session.scalar(select(Moderator))
        assert account.email == "lee@forum.test"
        assert account.password_hash != "a long enough password"
        assert verify_password(account.password_hash, "a long enough password")
    again = runner.invoke(args=["forum", "create-moderator", "lee@forum.test"], input="x" * 12)
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["forum", "create-moderator", "new@forum.test"], input="short\n")
    assert short.exit_code != 0 and "at least 15" in short.output


def test_ensure_moderator_creates_one_account_once_and_it_signs_in(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["forum", "ensure-moderator"])
    assert first.exit_code == 0
    email = re.search(r"e-mail:\s+(\S+)", first.output).group(1)
    password = re.search(r"password:\s+(\S+)", first.output).group(1)
    second = runner.invoke(args=["forum", "ensure-moderator"])
    assert second.output == ""
    with app.app_context():
        assert db.session.scalar(select(func.count(Moderator.id))) == 1
    assert sign_in(client, email, password).status_code == 302


def test_set_password_gives_a_moderator_a_new_password(app, client, moderator):
    from tests.helpers import MODERATOR_EMAIL

    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["forum", "set-password", MODERATOR_EMAIL], input="a brand new password\n"
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, MODERATOR_EMAIL, "a brand new password").status_code == 302
    unknown = runner.invoke(args=["forum", "set-password", "x@forum.test"], input="y" * 12)
    assert unknown.exit_code != 0 and "No moderator" in unknown.output
