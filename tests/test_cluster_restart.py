"""`make cluster` run twice on one CLUSTER_DIR: the second run keeps the comments and prints
no new admin account (issue 15)."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa

from tests.cluster import ARTICLE_PATH, new_cluster_folder, started_cluster
from tests.helpers import form_fields
from tests.loadgen import browser, fetch

pytestmark = pytest.mark.system
SETTINGS = {"APP_SERVERS": "1", "FORUM_MIN_FORM_SECONDS": "0", "FORUM_FLOOD_SECONDS": "0"}


def test_a_second_make_cluster_keeps_the_comments_and_the_account(tmp_path):
    folder = new_cluster_folder()
    try:
        with started_cluster(tmp_path / "first.log", SETTINGS, folder) as first:
            reader = browser()
            form = form_fields(
                fetch(reader, first.url + ARTICLE_PATH)[2], f"{ARTICLE_PATH}/comments"
            )
            form.update(
                author_name="Kept Reader",
                author_email="kept@patients.test",
                body="Written before the cluster was restarted.",
            )
            status, headers, _ = fetch(reader, first.url + ARTICLE_PATH + "/comments", form)
            assert status == 302, status
            comment_id = int(re.search(r"#comment-(\d+)$", headers["Location"])[1])
            assert re.search(r"password:\s+\S+", first.log.read_text())
        with started_cluster(tmp_path / "second.log", SETTINGS, folder) as second:
            assert "password:" not in second.log.read_text()
            engine = sa.create_engine(second.database_url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                body = conn.scalar(
                    sa.text("SELECT body FROM comment WHERE id = :id"), {"id": comment_id}
                )
            engine.dispose()
            assert body == "Written before the cluster was restarted."
    finally:
        shutil.rmtree(folder, ignore_errors=True)
