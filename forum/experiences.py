"""Structured IVIG experiences: the choices offered, and the summary of what patients shared.

The lists follow the article: the conditions it names, the side effects it lists,
and, where it gives one, the article's own incidence band for each side effect.
Only experiences attached to published comments are ever counted or shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Select, String, distinct, func, literal, select, union_all

from forum.extensions import cache, db
from forum.models import (
    Article,
    Comment,
    CommentStatus,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
)

TREATMENTS = {
    "receiving": "Receiving IVIG now",
    "past": "Received it in the past",
    "considering": "Considering it",
    "declined": "Decided against it",
}
TREATMENT_SHORT = {
    "receiving": "Receiving IVIG",
    "past": "Received IVIG",
    "considering": "Considering IVIG",
    "declined": "Decided against IVIG",
}
CONDITIONS = {
    "cutaneous-lupus": "Cutaneous lupus",
    "lupus-nephritis": "Lupus nephritis",
    "muscle-inflammation": "Muscle inflammation",
    "low-blood-counts": "Low blood counts",
    "lung-inflammation": "Lung inflammation",
    "myocarditis": "Myocarditis",
    "arthritis": "Arthritis",
    "antiphospholipid": "Antiphospholipid syndrome",
    "neuropsychiatric": "Neuropsychiatric lupus",
    "low-igg": "Low IgG with recurrent infections",
    "pregnancy": "Pregnancy / congenital heart block",
    "other": "Other",
}
ROUTES = {
    "clinic": "Infusion at a clinic or hospital",
    "home": "Infusion at home",
    "subcutaneous": "Self-injected under the skin",
}
SIDE_EFFECTS = {
    "headache": "Headache",
    "aches": "Muscle or joint aches",
    "fever": "Fever",
    "chills": "Chills",
    "hives-rash": "Hives or rash",
    "nausea": "Nausea or stomach upset",
    "abdominal-pain": "Abdominal pain",
    "high-blood-pressure": "High blood pressure",
    "severe-allergic-reaction": "Severe allergic reaction",
    "severe-headache-meningitis": "Severe headache or meningitis",
    "kidney-problems": "Kidney problems",
    "lupus-flare": "Lupus flare",
    "blood-clots": "Blood clots",
    "none": "None",
}
# The article's "Side effect incidence key", for the side effects it gives a band for.
INCIDENCE = {
    "high-blood-pressure": "common (more than 5%)",
    "severe-allergic-reaction": "uncommon (1–5%)",
    "severe-headache-meningitis": "uncommon (1–5%)",
    "kidney-problems": "rare (less than 1%)",
    "lupus-flare": "rare (less than 1%)",
    "blood-clots": "rare (less than 1%)",
}
HELPED = {
    "1": "1 – not at all",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5 – a great deal",
    "early": "Too early to tell",
}
ONSETS = {
    "days": "Within days",
    "weeks": "Within weeks",
    "months": "Within months",
    "never": "It did not work",
}


@dataclass(frozen=True)
class ExperienceAnswers:
    """What a person chose in "Share your IVIG experience"; every answer is optional."""

    treatment: str | None = None
    conditions: tuple[str, ...] = ()
    route: str | None = None
    side_effects: tuple[str, ...] = ()
    helped: str | None = None
    onset: str | None = None

    def build(self) -> Experience:
        return Experience(
            treatment=self.treatment,
            route=self.route,
            helped=self.helped,
            onset=self.onset,
            conditions=[ExperienceCondition(code=c) for c in dict.fromkeys(self.conditions)],
            side_effects=[ExperienceSideEffect(code=c) for c in dict.fromkeys(self.side_effects)],
        )


def _in_sentence(label: str) -> str:
    """ "Lupus nephritis" becomes "lupus nephritis"; "IgG…" keeps its capitals."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _in_order(rows: list, labels: dict[str, str]) -> list[str]:
    """Known codes, in the order the article (and the form) lists them."""
    order = list(labels)
    return sorted((r.code for r in rows if r.code in labels), key=order.index)


def describe(experience: Experience) -> str:
    """One line for a comment, e.g. "Received IVIG · lupus nephritis · headache · helped 4/5"."""
    parts = []
    if experience.treatment:
        parts.append(TREATMENT_SHORT[experience.treatment])
    conditions = [_in_sentence(CONDITIONS[c]) for c in _in_order(experience.conditions, CONDITIONS)]
    if conditions:
        parts.append(", ".join(conditions))
    if experience.route:
        parts.append(_in_sentence(ROUTES[experience.route]))
    effects = [
        _in_sentence(SIDE_EFFECTS[e]) for e in _in_order(experience.side_effects, SIDE_EFFECTS)
    ]
    if effects:
        parts.append(
            "no side effects"
            if effects == ["none"]
            else ", ".join(e for e in effects if e != "none")
        )
    if experience.helped == "early":
        parts.append("too early to tell")
    elif experience.helped:
        parts.append(f"helped {experience.helped}/5")
    if experience.onset:
        parts.append(_in_sentence(ONSETS[experience.onset]))
    return " · ".join(parts)


@dataclass
class Bar:
    code: str
    label: str
    count: int
    share: float  # of the people who answered this question, 0..1
    incidence: str = ""


@dataclass
class Summary:
    people: int
    conditions: list[Bar]
    helped: list[Bar]
    side_effects: list[Bar]
    answered_conditions: int
    answered_helped: int
    answered_side_effects: int


def _published(article: Article) -> Select[tuple[int]]:
    return (
        select(Experience.id)
        .join(Comment, Comment.id == Experience.comment_id)
        .where(Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED)
    )


def _bars(
    labels: dict[str, str],
    counts: Counter[str],
    answered: int,
    incidence: dict[str, str] | None = None,
) -> list[Bar]:
    return [
        Bar(
            code,
            label,
            counts[code],
            counts[code] / answered if answered else 0.0,
            (incidence or {}).get(code, ""),
        )
        for code, label in labels.items()
    ]


def summarize(article: Article) -> Summary:
    """What patients shared under this article, from published comments only.

    Cached under the article's change stamp: any change of a comment makes a new key.
    """
    key = f"experience-summary:{article.id}:{article.comments_changed_at.isoformat()}"
    summary = cache.get(key)
    if summary is None:
        summary = _summarize(article)
        cache.set(key, summary)
    return summary


def _summarize(article: Article) -> Summary:
    """Every count the summary shows, in one query: (what, code, count) rows."""
    ids = _published(article).scalar_subquery()
    kind = partial(literal, type_=String)

    def by_code(what: str, model: type) -> tuple[Select, Select]:
        chosen = model.experience_id.in_(ids)
        return (
            select(kind(what), model.code, func.count()).where(chosen).group_by(model.code),
            select(
                kind(f"{what}-answered"), kind(""), func.count(distinct(model.experience_id))
            ).where(chosen),
        )

    rows = db.session.execute(
        union_all(
            select(kind("people"), kind(""), func.count()).where(Experience.id.in_(ids)),
            *by_code("condition", ExperienceCondition),
            *by_code("side-effect", ExperienceSideEffect),
            select(kind("helped"), Experience.helped, func.count())
            .where(Experience.id.in_(ids), Experience.helped.is_not(None))
            .group_by(Experience.helped),
        )
    ).all()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for what, code, count in rows:
        counts[what][code] += count
    helped, answered_helped = counts["helped"], counts["helped"].total()
    answered_conditions = counts["condition-answered"][""]
    answered_effects = counts["side-effect-answered"][""]
    return Summary(
        people=counts["people"][""],
        conditions=_bars(CONDITIONS, counts["condition"], answered_conditions),
        helped=_bars(HELPED, helped, answered_helped),
        side_effects=_bars(
            SIDE_EFFECTS, counts["side-effect"], answered_effects, incidence=INCIDENCE
        ),
        answered_conditions=answered_conditions,
        answered_helped=answered_helped,
        answered_side_effects=answered_effects,
    )


def published_experiences(article: Article) -> list[Comment]:
    """Published comments of the article that carry an experience, oldest first."""
    return list(
        db.session.scalars(
            select(Comment)
            .join(Experience)
            .where(Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def experience_json(experience: Experience | None) -> dict | None:
    if experience is None:
        return None
    return {
        "treatment": experience.treatment,
        "conditions": [c.code for c in experience.conditions],
        "route": experience.route,
        "side_effects": [s.code for s in experience.side_effects],
        "helped": experience.helped,
        "onset": experience.onset,
    }


EXPERIENCE_CSV_COLUMNS = [
    "comment_id",
    "created_at",
    "author_role",
    "treatment",
    "conditions",
    "route",
    "side_effects",
    "helped",
    "onset",
]


def experience_row(comment: Comment) -> list[str | int]:
    """One CSV row: codes only, so no cell can start a spreadsheet formula."""
    data = experience_json(comment.experience) or {}
    return [
        comment.id,
        comment.created_at.isoformat(),
        comment.author_role.value if comment.author_role else "",
        data.get("treatment") or "",
        ";".join(data.get("conditions", [])),
        data.get("route") or "",
        ";".join(data.get("side_effects", [])),
        data.get("helped") or "",
        data.get("onset") or "",
    ]
