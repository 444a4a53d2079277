"""`flask forum …` commands: content import and moderator accounts."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from forum.accounts.passwords import hash_password, password_problem
from forum.content import ContentError, bundled_article_files, import_article
from forum.extensions import db
from forum.housekeeping import purge
from forum.links import link_context
from forum.mail import send_due
from forum.models import ModerationAction, Moderator, ModeratorRole
from forum.moderation.actions import log_event
from forum.notifications import moderator_digest, waiting_comments
from forum.porting.commands import COMMANDS as PORTING_COMMANDS

forum_cli = AppGroup("forum", help="Manage the forum's content and moderators.")

DEFAULT_MODERATOR_EMAIL = "moderator@example.com"


@forum_cli.command("import-article")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_article_command(paths: tuple[Path, ...]) -> None:
    """Create or update articles from Markdown files (the bundled ones if none are named)."""
    for path in paths or bundled_article_files():
        try:
            result = import_article(path)
        except ContentError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        state = "created" if result.created else "updated" if result.changed else "unchanged"
        added = result.comments_added
        click.echo(f"{result.article.slug}: {state}, {added} bundled comment(s) added")


def _create_moderator(
    email: str, password: str, name: str = "", role: ModeratorRole = ModeratorRole.ADMIN
) -> Moderator:
    moderator = Moderator(email=email.strip().lower(), name=name, role=role)
    moderator.password_hash = hash_password(password)
    db.session.add(moderator)
    db.session.commit()
    return moderator


@forum_cli.command("create-moderator")
@click.argument("email")
@click.option("--name", default="", help="The name shown to other moderators.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in ModeratorRole]),
    default=ModeratorRole.ADMIN.value,
    show_default=True,
    help="admin: everything; moderator: the queue only.",
)
def create_moderator_command(email: str, name: str, role: str) -> None:
    """Add an account (an admin unless --role says otherwise); the password is asked for
    (or read from standard input)."""
    if "@" not in email:
        raise click.BadParameter("expected an e-mail address", param_hint="EMAIL")
    exists = db.session.scalar(select(Moderator.id).where(Moderator.email == email.lower()))
    if exists:
        raise click.ClickException(f"A moderator with the e-mail {email} already exists.")
    _create_moderator(email, _read_new_password(), name, ModeratorRole(role))
    click.echo(f"{role.capitalize()} {email.lower()} created.")


def _read_new_password() -> str:
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    # No account made here has two-factor yet: the longer minimum applies.
    if problem := password_problem(password, two_factor=False):
        raise click.ClickException(problem)
    return password


@forum_cli.command("set-password")
@click.argument("email")
def set_password_command(email: str) -> None:
    """Give a moderator a new password (asked for, or read from standard input); after an
    import from an export, which carries no passwords."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.lower()))
    if moderator is None:
        raise click.ClickException(f"No moderator has the e-mail {email}.")
    moderator.password_hash = hash_password(_read_new_password())
    moderator.failed_logins, moderator.locked_until = 0, None
    moderator.session_version += 1  # sessions begun with the old password end
    db.session.commit()
    click.echo(f"New password set for {moderator.email}.")


@forum_cli.command("remove-two-factor")
@click.argument("email")
def remove_two_factor_command(email: str) -> None:
    """Turn two-factor off for an account whose phone and recovery codes are both lost;
    its sessions end. It signs in with its password, and sets two-factor up again."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.lower()))
    if moderator is None:
        raise click.ClickException(f"No moderator has the e-mail {email}.")
    moderator.totp_secret = moderator.totp_last_step = None
    moderator.recovery_codes = ""
    moderator.session_version += 1
    log_event(None, ModerationAction.TWO_FACTOR_OFF, target=moderator, reason="from the shell")
    db.session.commit()
    click.echo(f"Two-factor sign-in is off for {moderator.email}.")


@forum_cli.command("ensure-moderator")
def ensure_moderator_command() -> None:
    """On a forum with no moderator, create one and print its e-mail and password once."""
    if db.session.scalar(select(func.count(Moderator.id))):
        return
    password = secrets.token_urlsafe(16)  # 22 characters: over the 15 asked without two-factor
    _create_moderator(DEFAULT_MODERATOR_EMAIL, password, "Moderator", ModeratorRole.ADMIN)
    click.echo(
        "\nAn admin account was created. Sign in at /login with:\n"
        f"  e-mail:   {DEFAULT_MODERATOR_EMAIL}\n"
        f"  password: {password}\n"
        "This password is shown only once.\n"
    )


@forum_cli.command("send-mail")
def send_mail_command() -> None:
    """Send the e-mail waiting in the outbox (run it from cron every few minutes)."""
    with link_context(current_app._get_current_object()):  # held comments' notices link
        sent, failed = send_due()
    click.echo(f"{sent} sent, {failed} failed (failed ones are retried later)")


@forum_cli.command("send-digest")
def send_digest_command() -> None:
    """E-mail moderators one list of the comments that wait (run it daily from cron)."""
    listed, total = waiting_comments()  # not every waiting comment: the ones it lists
    with link_context(current_app._get_current_object()):
        queued = moderator_digest(listed, total)
        db.session.commit()
    click.echo(f"{total} comment(s) waiting; {queued} digest(s) queued")


@forum_cli.command("purge")
def purge_command() -> None:
    """Forget what the privacy page says is forgotten: old IPs, spam, sent mail."""
    counts = purge()
    db.session.commit()
    click.echo(
        f"IP addresses erased from {counts.addresses_erased} comment(s); "
        f"{counts.comments_deleted} spam or rejected comment(s) deleted; "
        f"{counts.messages_deleted} sent e-mail(s) and {counts.tokens_deleted} used link(s) "
        "forgotten"
    )


for command in PORTING_COMMANDS:  # import-wordpress, import-disqus, import-isso, export, import
    forum_cli.add_command(command)


def init_app(app: Flask) -> None:
    app.cli.add_command(forum_cli)
