"""`flask forum import-wordpress|import-disqus|import-isso|export|import`: moving in and out."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from forum.extensions import db
from forum.porting.archive import export_forum
from forum.porting.common import BATCH_SIZE, PortingError, Progress, Summary
from forum.porting.disqus import import_disqus
from forum.porting.isso import import_isso
from forum.porting.restore import import_forum
from forum.porting.wordpress import import_wordpress

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)
_batch_size = click.option(
    "--batch-size",
    default=BATCH_SIZE,
    show_default=True,
    type=click.IntRange(1),
    help="Comments written per transaction.",
)


class _Bar(Progress):
    """A progress bar with the counts so far, on standard error."""

    def __init__(self) -> None:
        self.bar: Any = None

    def checking(self, path: Path) -> None:
        click.echo(f"Checking {path} …", err=True)

    def start(self, total: int) -> None:
        self.bar = click.progressbar(
            length=total,
            label="Importing",
            show_pos=True,
            item_show_func=lambda counts: counts,
            update_min_steps=max(1, min(100, total // 200)),
            file=sys.stderr,  # looked up now: tests' runners swap it
        )
        self.bar.__enter__()

    def advance(self, summary: Summary) -> None:
        if self.bar is not None:
            self.bar.update(1, summary.short())

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run(import_file: Callable[[Progress], Summary]) -> None:
    try:
        summary = import_file(_Bar())
    except PortingError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except Exception:
        db.session.rollback()
        click.echo(
            "The import stopped. The batches written before this error are kept; running "
            "the same command again continues where it stopped.",
            err=True,
        )
        raise
    for line in summary.lines():
        click.echo(line)


@click.command("import-wordpress")
@click.argument("file", type=_existing_file)
@click.option(
    "--comments-only",
    metavar="SLUG",
    help="Put the comments of the file's one post on this existing article; "
    "create or change no article.",
)
@_batch_size
@with_appcontext
def import_wordpress_command(file: Path, comments_only: str | None, batch_size: int) -> None:
    """Import posts, pages and their comments from a WordPress export (WXR).

    The file is checked whole before anything is written; running it again changes
    nothing but what changed in the file.
    """
    _run(
        lambda progress: import_wordpress(
            file, comments_only=comments_only, batch_size=batch_size, progress=progress
        )
    )


@click.command("import-disqus")
@click.argument("file", type=_existing_file)
@_batch_size
@with_appcontext
def import_disqus_command(file: Path, batch_size: int) -> None:
    """Import comments from a Disqus export, onto the articles their pages' addresses name.

    The file is checked whole before anything is written; running it again changes
    nothing but what changed in the file.
    """
    _run(lambda progress: import_disqus(file, batch_size=batch_size, progress=progress))


@click.command("import-isso")
@click.argument("file", type=_existing_file)
@_batch_size
@with_appcontext
def import_isso_command(file: Path, batch_size: int) -> None:
    """Import comments from an Isso database (its SQLite file, opened read-only).

    Threads go to the article named by the last part of their address. The database is
    checked whole before anything is written; running it again changes nothing.
    """
    _run(lambda progress: import_isso(file, batch_size=batch_size, progress=progress))


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write everything the forum holds (but passwords) to a JSON file, to move elsewhere.

    The file holds commenters' e-mail and IP addresses: it is readable by its owner only.
    """
    counts = export_forum(file)
    click.echo(f"Exported to {file}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@click.command("import")
@click.argument("file", type=_existing_file)
@with_appcontext
def import_command(file: Path) -> None:
    """Restore a `flask forum export` file into an empty database, keeping every id."""
    try:
        counts = import_forum(file)
    except PortingError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"Imported {file}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    if counts.get("moderators"):
        click.echo(
            "Moderator accounts come back without passwords (an export holds none): "
            "they cannot sign in until a new password is set for them."
        )


COMMANDS = (
    import_wordpress_command,
    import_disqus_command,
    import_isso_command,
    export_command,
    import_command,
)
