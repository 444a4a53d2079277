"""Benchmark data: approved comments written in bulk, as the forum itself would have stored them.

    .venv/bin/python -m tests.bench.seed DATABASE_URL TOTAL [--slug SLUG] [--seed N]

The database must be upgraded and hold the article (`flask db upgrade`,
`flask forum import-article`, `flask forum ensure-moderator`). Afterwards the article
has exactly TOTAL approved comments (its bundled ones count). Each row is what
posting through the form and a moderator's approval leave: the text as typed, its
HTML from forum.sanitize.render_comment, its digest, root and depth, the sender's IP
and browser, an "approve" event, and, for some, a shared IVIG experience. Threads
are mostly top-level comments; about three in ten are replies, up to five levels.

Rendering is the slow part (about 2 ms a comment), so at most POOL different texts
are rendered and larger discussions reuse them, each time from another person (the
duplicate rule only stops one person saying the same thing twice).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from forum import create_app
from forum.experiences import CONDITIONS, HELPED, ONSETS, ROUTES, SIDE_EFFECTS, TREATMENTS
from forum.extensions import db
from forum.models import (
    MAX_DEPTH,
    Article,
    AuthorRole,
    Comment,
    CommentStatus,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
    ModerationEvent,
    Moderator,
)
from forum.moderation.submission import body_digest
from forum.sanitize import render_comment

POOL = 1000
BATCH = 5000
REPLY_SHARE = 0.3
EXPERIENCE_SHARE = 0.2
ROLES = [AuthorRole.PATIENT, AuthorRole.CAREGIVER, AuthorRole.PROFESSIONAL, None]
ROLE_WEIGHTS = [30, 10, 5, 55]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

OPENINGS = [
    "Thank you for this article.",
    "This was so helpful to read.",
    "I have had lupus for eleven years.",
    "My rheumatologist brought up IVIG last month.",
    "I am a caregiver for my daughter, who has SLE.",
    "Reading everyone's stories here helped me a lot.",
    "I was diagnosed two years ago and I am still learning.",
    "Our clinic started offering IVIG this spring.",
]
MIDDLES = [
    "The infusions take about four hours and I bring a book.",
    "Headaches were the worst part for me, but *drinking plenty of water* helped.",
    "Insurance took weeks to approve it, so start the paperwork early.",
    "My energy came back slowly over the first few months.",
    "I get mine at home now, which is **much** easier with two kids.",
    "The nurse ran it slower the second time and I had no chills.",
    "Fatigue after each infusion lasted a day or two.",
    "It did nothing for my joints but my skin cleared up.",
    "I asked about the risk of clots and my doctor explained it well.",
    "My blood counts are finally back in the normal range.",
    "Does anyone else feel achy the day after?",
    "The article's table of side effects matched my experience.",
    "I keep a diary of every infusion:\n\n- how I slept\n- headaches\n- energy",
    "> Serious side effects are rare\n\nThat was true for me as well.",
    "The support group at https://www.lupus.org/ was a great help too.",
    "I switched to the subcutaneous kind and like it better.",
    "It took a while to find a vein each time, which was stressful.",
    "I was nervous before the first one, but the staff were kind.",
]
CLOSINGS = [
    "Wishing everyone here well.",
    "I hope this helps someone.",
    "Happy to answer questions about my experience.",
    "I will post an update after my next round.",
    "Thanks to everyone who shares here.",
    "",
]
FIRST_NAMES = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farah", "Grace", "Hugo", "Ines", "Jamal",
    "Keiko", "Liam", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara",
]  # fmt: skip


def comment_texts(count: int, rng: random.Random) -> list[str]:
    """`count` different comments of one to five paragraphs, some with lists, quotes, links."""
    texts: list[str] = []
    seen: set[str] = set()
    while len(texts) < count:
        middle = rng.sample(MIDDLES, rng.randint(1, 4))
        parts = [rng.choice(OPENINGS), *middle, rng.choice(CLOSINGS)]
        # Several short sentences to a paragraph, as people write.
        paragraphs, current = [], []
        for part in filter(None, parts):
            current.append(part)
            if "\n" in part or rng.random() < 0.5:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        text = "\n\n".join(paragraphs)
        if text in seen:
            text += f"\n\nEdit: {rng.choice(CLOSINGS) or 'Thanks again.'} ({len(texts)})"
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def seed(database_url: str, total: int, slug: str = "ivig-for-lupus", seed: int = 7) -> int:
    """Add approved comments until the article has `total`; returns how many were added."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-seed"})
    rng = random.Random(seed)
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        if article is None:
            raise SystemExit(f"no article {slug!r}: run `flask forum import-article` first")
        existing = db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED
            )
        )
        to_add = total - existing
        if to_add < 0:
            raise SystemExit(f"the article already has {existing} approved comments")
        moderator_id = db.session.scalar(select(Moderator.id).order_by(Moderator.id))
        texts = comment_texts(min(to_add, POOL), rng)
        rendered = [(t, str(render_comment(t)), body_digest(t)) for t in texts]

        now = datetime.now(UTC).replace(microsecond=0)
        span = timedelta(days=20)
        start = now - span
        step = span / max(to_add, 1)
        next_id = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        next_experience = (db.session.scalar(select(func.max(Experience.id))) or 0) + 1
        authors = max(1, to_add // 3)
        first = next_id
        depth: list[int] = []
        root: list[int] = []
        comments, events, experiences, conditions, side_effects = [], [], [], [], []

        def flush() -> None:
            for table, rows in (
                (Comment.__table__, comments),
                (Experience.__table__, experiences),
                (ExperienceCondition.__table__, conditions),
                (ExperienceSideEffect.__table__, side_effects),
                (ModerationEvent.__table__, events),
            ):
                if rows:
                    db.session.execute(insert(table), rows)
                    rows.clear()

        for n in range(to_add):
            comment_id = first + n
            parent_id = None
            if n >= 10 and rng.random() < REPLY_SHARE:
                # People mostly answer something recent.
                parent_id = first + rng.randint(max(0, n - 30), n - 1)
            level = min(depth[parent_id - first] + 1, MAX_DEPTH) if parent_id else 1
            depth.append(level)
            root.append(root[parent_id - first] if parent_id else comment_id)
            author = rng.randrange(authors)
            name = f"{FIRST_NAMES[author % len(FIRST_NAMES)]} {chr(65 + author // 20 % 26)}."
            body, body_html, digest = rendered[n % len(rendered)]
            created = start + step * n
            approved = min(created + timedelta(hours=2), now)
            comments.append(
                {
                    "id": comment_id,
                    "article_id": article.id,
                    "parent_id": parent_id,
                    "root_id": root[-1],
                    "depth": level,
                    "author_name": name,
                    "author_email": f"reader{author}@example.org",
                    "website": f"https://example.org/~reader{author}" if author % 10 == 0 else None,
                    "body": body,
                    "body_html": body_html,
                    "body_digest": digest,
                    "status": CommentStatus.APPROVED,
                    "screening_reasons": "",
                    "created_at": created,
                    "updated_at": approved,
                    "approved_at": approved,
                    "decided_at": approved,
                    "ip": f"198.51.100.{author % 250 + 1}",
                    "user_agent": USER_AGENT,
                    "author_role": rng.choices(ROLES, ROLE_WEIGHTS)[0],
                }
            )
            events.append(
                {
                    "comment_id": comment_id,
                    "moderator_id": moderator_id,
                    "action": "approve",
                    "from_status": CommentStatus.PENDING,
                    "to_status": CommentStatus.APPROVED,
                    "reason": "",
                    "created_at": approved,
                }
            )
            if rng.random() < EXPERIENCE_SHARE:
                experience_id = next_experience
                next_experience += 1
                experiences.append(
                    {
                        "id": experience_id,
                        "comment_id": comment_id,
                        "treatment": rng.choice(list(TREATMENTS)),
                        "route": rng.choice([None, *ROUTES]),
                        "helped": rng.choice([None, *HELPED]),
                        "onset": rng.choice([None, *ONSETS]),
                    }
                )
                conditions.extend(
                    {"experience_id": experience_id, "code": code}
                    for code in rng.sample(list(CONDITIONS), rng.randint(1, 2))
                )
                side_effects.extend(
                    {"experience_id": experience_id, "code": code}
                    for code in rng.sample(list(SIDE_EFFECTS), rng.randint(0, 3))
                )
            if len(comments) >= BATCH:
                flush()
        flush()
        # The article has been up for as long as people have commented on it.
        db.session.execute(
            update(Article)
            .where(Article.id == article.id)
            .values(
                approved_comment_count=total,
                comments_changed_at=now,
                published_at=min(article.published_at, start - timedelta(days=1)),
            )
        )
        db.session.commit()
    return to_add


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("total", type=int, help="approved comments the article ends with")
    parser.add_argument("--slug", default="ivig-for-lupus")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    added = seed(args.database_url, args.total, args.slug, args.seed)
    print(f"seeded {added:,} approved comments in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
