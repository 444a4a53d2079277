"""Patients' structured experiences, readers' reactions and the safety prompts, over HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, Experience, Report, utcnow
from tests.helpers import (
    comment_form,
    comment_id,
    csrf_token,
    form_fields,
    moderate,
    newcomer_email,
    post_comment,
)

ARTICLE = "/articles/ivig-for-lupus"


def share(client, **fields):
    email = newcomer_email()
    data = {"author_email": email, "body": f"My IVIG story, from {email.split('@')[0]}.", **fields}
    return post_comment(client, **data)


def test_the_experience_section_is_optional_and_works_without_javascript(client):
    html = client.get(ARTICLE).text
    assert '<details class="experience-form">' in html
    assert "<summary>Share your IVIG experience" in html
    for name in (
        "treatment",
        "conditions",
        "route",
        "side_effects",
        "helped",
        "onset",
        "author_role",
    ):
        assert f'name="{name}"' in html
    assert "Lupus nephritis" in html and "Low IgG with recurrent infections" in html
    assert "Severe headache or meningitis" in html


def test_an_experience_is_stored_with_its_comment(app, client):
    cid = comment_id(
        share(
            client,
            treatment="receiving",
            conditions=["lupus-nephritis", "arthritis"],
            route="home",
            side_effects=["headache", "fever"],
            helped="4",
            onset="weeks",
            author_role="patient",
        )
    )
    with app.app_context():
        comment = db.session.get(Comment, cid)
        experience = comment.experience
        assert experience.treatment == "receiving" and experience.helped == "4"
        assert sorted(c.code for c in experience.conditions) == ["arthritis", "lupus-nephritis"]
        assert sorted(s.code for s in experience.side_effects) == ["fever", "headache"]
        assert comment.author_role.value == "patient"


def test_a_comment_without_an_experience_stores_none(app, client):
    cid = comment_id(share(client))
    with app.app_context():
        assert db.session.get(Comment, cid).experience is None


@pytest.mark.parametrize(
    "fields",
    [
        {"treatment": "sometimes"},
        {"conditions": ["lupus-nephritis", "made-up"]},
        {"helped": "6"},
        {"side_effects": ["none", "headache"]},
        {"author_role": "doctor-of-everything"},
    ],
)
def test_invalid_choices_are_refused_with_everything_kept(app, client, fields):
    response = share(client, body="Kept words here.", **fields)
    assert response.status_code == 422
    assert "Kept words here." in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Experience.id))) == 0


def test_summary_counts_only_published_experiences(app, client, mod_client):
    shown = comment_id(
        share(
            client,
            treatment="past",
            conditions=["lupus-nephritis"],
            side_effects=["blood-clots"],
            helped="5",
        )
    )
    hidden = comment_id(
        share(
            client,
            treatment="past",
            conditions=["arthritis"],
            side_effects=["headache"],
            helped="1",
        )
    )
    moderate(mod_client, shown, "approve")
    moderate(mod_client, hidden, "reject")
    html = app.test_client().get(ARTICLE).text
    assert "Experiences shared by 1 patient<" in html
    assert "self-reported experiences" in html
    summary = html[
        html.index('class="experience-summary"') : html.index("Download the experiences")
    ]
    assert '<th scope="row">Lupus nephritis</th><td>1</td>' in summary
    assert "Arthritis</th>" not in summary  # only conditions someone reported are charted
    assert (
        '<th scope="row">Blood clots</th><td>1</td><td>100%</td><td>rare (less than 1%)</td>'
        in summary
    )
    assert '<th scope="row">Headache</th><td>0</td>' in summary
    # The chart's words are HTML text (readable on a phone), its bars drawn to scale.
    nephritis = summary[summary.index('<span class="bar-label">Lupus nephritis</span>') :]
    assert '<rect class="bar-fill" width="100.0"' in nephritis.split("</li>")[0]
    headache = summary[summary.index('<span class="bar-label">Headache</span>') :]
    assert '<rect class="bar-fill" width="0.0"' in headache.split("</li>")[0]


def test_no_summary_before_anyone_shares(client):
    assert "Experiences shared by" not in client.get(ARTICLE).text


def test_each_comment_shows_its_experience_compactly(app, client, mod_client):
    cid = comment_id(
        share(
            client,
            treatment="past",
            conditions=["lupus-nephritis", "low-igg"],
            side_effects=["headache", "fever"],
            helped="4",
        )
    )
    moderate(mod_client, cid, "approve")
    html = app.test_client().get(ARTICLE).text
    line = "Received IVIG · lupus nephritis, low IgG with recurrent infections · headache, fever"
    assert line + " · helped 4/5" in html, re.findall(r"Shared experience: </span>([^<]*)", html)


def test_filter_by_condition_and_side_effect(app, client, mod_client):
    a = comment_id(
        share(
            client,
            body="nephritis and headache",
            conditions=["lupus-nephritis"],
            side_effects=["headache"],
        )
    )
    b = comment_id(
        share(
            client,
            body="nephritis and fever",
            conditions=["lupus-nephritis"],
            side_effects=["fever"],
        )
    )
    c = comment_id(
        share(
            client,
            body="arthritis and headache",
            conditions=["arthritis"],
            side_effects=["headache"],
        )
    )
    for cid in (a, b, c):
        moderate(mod_client, cid, "approve")
    public = app.test_client()
    html = public.get(f"{ARTICLE}?condition=lupus-nephritis").text
    assert "nephritis and headache" in html and "nephritis and fever" in html
    assert "arthritis and headache" not in html
    assert "2 comments shared an experience like that." in html
    both = public.get(f"{ARTICLE}?condition=lupus-nephritis&side_effect=headache").text
    assert "nephritis and headache" in both and "nephritis and fever" not in both
    assert "GI tract dysfunction" not in both
    # Unknown values are ignored rather than failing.
    assert public.get(f"{ARTICLE}?condition=%27%3B--&side_effect=x").status_code == 200


def test_csv_download_has_experiences_of_published_comments_only(app, client, mod_client):
    shown = comment_id(
        share(
            client,
            author_email="csv-secret@example.org",
            conditions=["myocarditis"],
            helped="early",
        )
    )
    hidden = comment_id(share(client, conditions=["arthritis"]))
    moderate(mod_client, shown, "approve")
    response = app.test_client().get(f"{ARTICLE}/experiences.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["comment_id"]) for r in rows] == [shown]
    assert rows[0]["conditions"] == "myocarditis" and rows[0]["helped"] == "early"
    assert "csv-secret" not in response.text and "Ann Example" not in response.text
    assert str(hidden) not in [r["comment_id"] for r in rows]


def test_api_carries_the_experience(app, client, mod_client):
    cid = comment_id(
        share(client, treatment="considering", side_effects=["none"], author_role="caregiver")
    )
    moderate(mod_client, cid, "approve")
    data = app.test_client().get("/api/articles/ivig-for-lupus/comments").get_json()
    (item,) = [c for c in data["comments"] if c["id"] == cid]
    assert item["experience"]["treatment"] == "considering"
    assert item["experience"]["side_effects"] == ["none"]
    assert item["author_role"] == "caregiver" and item["role_verified"] is False


def test_role_badge_is_labelled_self_declared(app, client, mod_client):
    cid = comment_id(share(client, author_role="professional"))
    moderate(mod_client, cid, "approve")
    html = app.test_client().get(ARTICLE).text
    assert 'Healthcare professional <span class="self-declared">(self-declared)</span>' in html


def _approved(client, mod_client, **fields) -> int:
    cid = comment_id(share(client, **fields))
    moderate(mod_client, cid, "approve")
    return cid


def test_helped_me_counts_once_per_browser_and_sorts(app, client, mod_client):
    first = _approved(client, mod_client, body="older, less helpful")
    second = _approved(client, mod_client, body="newer, more helpful")
    for _ in range(2):
        reader = app.test_client()
        token = csrf_token(reader, ARTICLE)
        assert (
            reader.post(f"/comments/{second}/helpful", data={"csrf_token": token}).status_code
            == 302
        )
        again = reader.post(
            f"/comments/{second}/helpful", data={"csrf_token": token}, follow_redirects=True
        )
        assert "You already marked this comment as helpful." in again.text
    with app.app_context():
        assert db.session.get(Comment, second).helpful_count == 2
    html = app.test_client().get(f"{ARTICLE}?sort=helpful").text
    assert html.index(f'id="comment-{second}"') < html.index(f'id="comment-{first}"')
    oldest = app.test_client().get(ARTICLE).text
    assert oldest.index(f'id="comment-{first}"') < oldest.index(f'id="comment-{second}"')
    newest = app.test_client().get(f"{ARTICLE}?sort=newest").text
    assert newest.index(f'id="comment-{second}"') < newest.index(f'id="comment-{first}"')


def test_helped_me_needs_csrf_and_a_published_comment(app, client):
    pending = comment_id(share(client))
    assert client.post(f"/comments/{pending}/helpful").status_code == 400
    token = csrf_token(client, ARTICLE)
    assert (
        client.post(f"/comments/{pending}/helpful", data={"csrf_token": token}).status_code == 404
    )


def _report(app, cid: int, ip: str, reason: str = "misinformation"):
    reader = app.test_client()
    page = reader.get(f"/comments/{cid}/report")
    assert page.status_code == 200
    data = form_fields(page.text, f"/comments/{cid}/report")
    data.update(reason=reason, note="Says to stop steroids")
    return reader.post(f"/comments/{cid}/report", data=data, environ_base={"REMOTE_ADDR": ip})


def test_three_reports_from_different_people_hide_a_comment_until_a_moderator_decides(
    app, client, mod_client
):
    cid = _approved(client, mod_client, body="Questionable claim")
    assert _report(app, cid, "192.0.2.1").status_code == 302
    assert _report(app, cid, "192.0.2.1").status_code == 302  # same person again: not counted
    assert _report(app, cid, "192.0.2.2", "spam").status_code == 302
    assert "Questionable claim" in app.test_client().get(ARTICLE).text
    assert _report(app, cid, "192.0.2.3").status_code == 302
    assert "Questionable claim" not in app.test_client().get(ARTICLE).text
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is CommentStatus.PENDING
        assert comment.open_report_count == 3
        reasons = sorted(r.reason for r in db.session.scalars(select(Report)))
        assert reasons == ["misinformation", "misinformation", "spam"]


def test_report_form_needs_a_reason_and_a_published_comment(app, client, mod_client):
    cid = _approved(client, mod_client)
    reader = app.test_client()
    data = form_fields(reader.get(f"/comments/{cid}/report").text, f"/comments/{cid}/report")
    response = reader.post(f"/comments/{cid}/report", data=data)
    assert response.status_code == 422 and "Choose a reason." in response.text
    pending = comment_id(share(client))
    assert reader.get(f"/comments/{pending}/report").status_code == 404


def test_awaiting_message_says_when_to_expect_a_decision(client):
    response = share(client)
    page = client.get(response.headers["Location"]).text
    assert "Comments are usually reviewed within 2 days." in page


@pytest.mark.parametrize("closing", [{"comments_closed": True}, {"close_comments_after_days": 30}])
def test_closed_articles_refuse_comments_with_403_and_keep_the_text(app, client, closing):
    data = comment_form(client)
    with app.app_context():
        article = db.session.scalar(select(Article))
        for key, value in closing.items():
            setattr(article, key, value)
        article.published_at = utcnow() - timedelta(days=31)
        db.session.commit()
    html = client.get(ARTICLE).text
    assert "Comments on this article are closed." in html
    assert 'action="/articles/ivig-for-lupus/comments' not in html
    data.update(author_name="Ann", author_email=newcomer_email(), body="Too late, sadly")
    response = client.post(f"{ARTICLE}/comments", data=data)
    assert response.status_code == 403
    assert "Comments on this article are closed." in response.text
    assert "Too late, sadly" in response.text


def test_urgent_symptoms_get_a_calm_clear_message_and_the_urgent_flag(app, client, mod_client):
    response = share(
        client, body="I have chest pains since my infusion this morning and I cant breathe well"
    )
    cid = comment_id(response)
    page = client.get(response.headers["Location"]).text
    assert "need medical attention now" in page
    assert "call your local emergency number" in page
    assert page.index("need medical attention now") < page.index("<h1>")
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.urgent is True
        assert comment.status is CommentStatus.PENDING
        assert "Urgent" in comment.screening_reasons and comment.highlights


def test_a_past_resolved_event_is_not_urgent(app, client):
    cid = comment_id(
        share(client, body="Years ago I had a clot in my leg, but IVIG has been fine for me.")
    )
    with app.app_context():
        assert db.session.get(Comment, cid).urgent is False


def test_private_details_ask_first_and_posting_anyway_holds_with_a_flag(app, client, mod_client):
    first = _approved(client, mod_client, body="Hello all")  # a returning author from now on
    text = "Call me on 07700 900123 if you want to talk about home infusions."
    asked = post_comment(client, body=text, author_email=_author_email(app, first))
    assert asked.status_code == 422
    assert (
        "Your comment seems to include a phone number. Everything you post here is public."
        in asked.text
    )
    assert "07700 900123" in asked.text
    assert 'name="post_anyway"' in asked.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Comment.id)).where(Comment.body == text)) == 0
    data = form_fields(asked.text, f"{ARTICLE}/comments")
    data.update(
        author_name="Ann Example",
        author_email=_author_email(app, first),
        body=text,
        post_anyway="Post anyway",
    )
    cid = comment_id(client.post(f"{ARTICLE}/comments", data=data))
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is CommentStatus.PENDING  # held, although a returning author
        assert "Private details: a phone number" in comment.screening_reasons


def _author_email(app, cid: int) -> str:
    with app.app_context():
        return db.session.get(Comment, cid).author_email


def test_telling_others_what_to_do_is_questioned_but_can_be_posted(app, client):
    text = "You should stop your prednisone once IVIG starts working, it is poison."
    asked = share(client, body=text)
    assert asked.status_code == 422
    assert "tell others what to do with their treatment" in asked.text
    data = form_fields(asked.text, f"{ARTICLE}/comments")
    data.update(
        author_name="Ann", author_email=newcomer_email(), body=text, post_anyway="Post anyway"
    )
    cid = comment_id(client.post(f"{ARTICLE}/comments", data=data))
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is CommentStatus.PENDING
        assert "treatment" in comment.screening_reasons


def test_own_experience_is_not_questioned(client):
    response = share(client, body="I stopped my prednisone after my doctor said IVIG was working.")
    assert response.status_code == 302


def test_the_disclaimer_is_above_the_form_and_the_discussion(client):
    html = client.get(ARTICLE).text
    discussion = html.index('id="comments"')
    form = html.index('id="respond"')
    disclaimers = [i for i in range(len(html)) if html.startswith("are not medical advice", i)]
    assert any(discussion < i < discussion + 600 for i in disclaimers)
    assert any(form < i < form + 800 for i in disclaimers)
