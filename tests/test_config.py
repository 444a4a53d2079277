"""The contract's configuration table: environment variables and their defaults."""

from __future__ import annotations

import stat

from forum.config import PAGE_SIZES, PER_PAGE, from_environment

VARIABLES = [
    "DATABASE_URL",
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_ENABLED",
    "FORUM_FLOOD_SECONDS",
    "FORUM_MIN_FORM_SECONDS",
    "FORUM_BASE_URL",
]


def clean_env(monkeypatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    config = from_environment(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'forum.db'}"
    assert config["MAIL_SERVER"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["RATELIMIT_ENABLED"] is True
    assert (config["FORUM_FLOOD_SECONDS"], config["FORUM_MIN_FORM_SECONDS"]) == (15, 3)
    assert config["FORUM_BASE_URL"] is None
    assert config["SESSION_COOKIE_SECURE"] is False


def test_secret_key_is_generated_once_into_the_instance_folder(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    first = from_environment(tmp_path, {})["SECRET_KEY"]
    second = from_environment(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) >= 40
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert from_environment(tmp_path, {})["SECRET_KEY"] == "from-the-environment"


def test_environment_overrides(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "postgresql://forum:pw@127.0.0.1/forum")
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORUM_FLOOD_SECONDS", "0")
    monkeypatch.setenv("FORUM_MIN_FORM_SECONDS", "0")
    monkeypatch.setenv("FORUM_BASE_URL", "https://forum.example.org/")
    config = from_environment(tmp_path, {})
    # psycopg 3 is the driver for a plain postgresql:// URL
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://forum:pw@127.0.0.1/forum"
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == (
        "127.0.0.1",
        2525,
        True,
    )
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["RATELIMIT_ENABLED"] is False
    assert (config["FORUM_FLOOD_SECONDS"], config["FORUM_MIN_FORM_SECONDS"]) == (0, 0)
    assert config["FORUM_BASE_URL"] == "https://forum.example.org"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_each_listing_has_its_own_page_size_setting(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    config = from_environment(tmp_path, {})
    assert {key: config[key] for key in PAGE_SIZES} == dict.fromkeys(PAGE_SIZES, PER_PAGE)
    assert len(set(PAGE_SIZES)) == 4
