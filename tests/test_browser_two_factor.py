"""Two-factor sign-in in a real headless Chromium: set it up, sign out, sign in with a code
from the "app" (pyotp standing in for the phone), then with a recovery code."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.helpers import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.live import watch

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=live_url)
    context.set_default_timeout(10_000)
    problems = watch(context)
    yield context.new_page()
    context.close()
    assert problems.unexpected() == []


def sign_in_with_password(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(MODERATOR_EMAIL)
    page.get_by_label("Password").fill(MODERATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_set_up_sign_out_sign_in_with_a_code_then_a_recovery_code(
    page: Page, moderator: int
) -> None:
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Current password").fill(MODERATOR_PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_text("10 unused recovery code(s) left")).to_be_visible()
    sign_out(page)

    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/login/code$"))
    # The set-up spent this 30-second step's code: the app shows the next one soon.
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(next_code)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    sign_out(page)

    sign_in_with_password(page)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    page.get_by_role("link", name="My account").click()
    expect(page.get_by_text("9 unused recovery code(s) left")).to_be_visible()
