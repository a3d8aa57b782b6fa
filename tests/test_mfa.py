"""Logging in with a second factor: TOTP codes (once each) and recovery codes (once each)."""

from __future__ import annotations

import time

import pyotp
import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from portal.tests.factories import TEST_PASSWORD, UserFactory

# allauth's message for a code it does not accept (wrong, expired or already used)
INCORRECT_CODE = "Incorrect code."
# Codes are computed this many seconds before their period ends at the latest, so a test
# never straddles two periods.
SAFETY_MARGIN = 3


@pytest.fixture
def user_with_totp(db):
    user = UserFactory(email="twee-staps@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def current_code(secret: str) -> str:
    """The TOTP code of now, waiting for the next period if this one is about to end."""
    period = mfa_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < SAFETY_MARGIN:
        time.sleep(remaining + 0.1)
    return pyotp.TOTP(secret, interval=period, digits=mfa_settings.TOTP_DIGITS).now()


def allauth_message(message: str) -> str:
    with translation.override("nl"):
        return escape(gettext(message))


def log_in_with_password(client: Client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def enter_code(client: Client, code: str):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def is_logged_in(client: Client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def test_password_alone_leads_to_the_code_page(user_with_totp):
    # given a user with TOTP
    user, _secret = user_with_totp
    client = Client()

    # when they log in with their password
    response = log_in_with_password(client, user)

    # then they are asked for a code, and not logged in yet
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get(response.url).status_code == 200
    assert not is_logged_in(client, user)


def test_wrong_code_is_refused_and_right_code_logs_in(user_with_totp):
    # given a user with TOTP who has entered their password
    user, secret = user_with_totp
    client = Client()
    log_in_with_password(client, user)
    right = current_code(secret)
    wrong = f"{(int(right) + 1) % 10**mfa_settings.TOTP_DIGITS:0{mfa_settings.TOTP_DIGITS}d}"

    # when they enter a wrong code, then the right one
    refused = enter_code(client, wrong)
    logged_in_after_wrong = is_logged_in(client, user)
    accepted = enter_code(client, right)

    # then the wrong code gives a clear error and no login; the right one logs in
    assert refused.status_code == 200
    assert allauth_message(INCORRECT_CODE) in refused.content.decode()
    assert not logged_in_after_wrong
    assert accepted.status_code == 302
    assert is_logged_in(client, user)


def test_a_code_cannot_be_used_twice(user_with_totp):
    # given a user who has just logged in with a TOTP code
    user, secret = user_with_totp
    first = Client()
    log_in_with_password(first, user)
    code = current_code(secret)
    assert enter_code(first, code).status_code == 302
    assert is_logged_in(first, user)

    # when the same code is entered again in a fresh login, while it is still current
    second = Client()
    log_in_with_password(second, user)
    reused = enter_code(second, code)

    # then allauth refuses it (the code is still valid in time: it is refused for its reuse)
    assert validate_totp_code(secret, code)
    assert reused.status_code == 200
    assert allauth_message(INCORRECT_CODE) in reused.content.decode()
    assert not is_logged_in(second, user)


def test_recovery_code_works_once(user_with_totp):
    # given a user with TOTP and recovery codes
    user, _secret = user_with_totp
    codes = RecoveryCodes.activate(user).generate_codes()
    first = Client()
    log_in_with_password(first, user)

    # when they log in with a recovery code, and later try that code again, then another one
    used = enter_code(first, codes[0])
    second = Client()
    log_in_with_password(second, user)
    reused = enter_code(second, codes[0])
    refused_second_time = not is_logged_in(second, user)
    fresh = enter_code(second, codes[1])

    # then the first use logs in, the second is refused, and an unused code still works
    assert used.status_code == 302
    assert is_logged_in(first, user)
    assert reused.status_code == 200
    assert allauth_message(INCORRECT_CODE) in reused.content.decode()
    assert refused_second_time
    assert fresh.status_code == 302
    assert is_logged_in(second, user)
    assert codes[0] not in RecoveryCodes.activate(user).get_unused_codes()
