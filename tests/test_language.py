"""Dutch by default, English on request, and a tenant's own default language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import Tenant
from portal.tests.factories import TenantFactory


def html_lang(response) -> str:
    content = response.content.decode()
    start = content.index("<html lang=") + len('<html lang="')
    return content[start : content.index('"', start)]


def choose_language(client: Client, language: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.django_db
def test_dutch_by_default_whatever_the_browser_asks():
    # given a visitor whose browser prefers English
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    # when they open the start page
    response = client.get("/")

    # then it is in Dutch
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "nl"
    assert html_lang(response) == "nl"


@pytest.mark.django_db
def test_choosing_english_switches_the_pages():
    # given a visitor on the Dutch start page
    client = Client()
    assert html_lang(client.get("/")) == "nl"

    # when they choose English with the language switch
    switched = choose_language(client, "en")
    response = client.get("/")

    # then the choice is kept in a cookie and the pages are English
    assert switched.status_code == 302
    assert switched.url == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.headers["Content-Language"] == "en"
    assert html_lang(response) == "en"


@pytest.mark.django_db
def test_choosing_dutch_again_switches_back():
    # given a visitor who chose English
    client = Client()
    choose_language(client, "en")

    # when they choose Dutch
    choose_language(client, "nl")
    response = client.get("/")

    # then the pages are Dutch again
    assert html_lang(response) == "nl"


@pytest.mark.django_db
def test_tenant_default_language_applies_without_a_choice():
    # given a tenant that speaks English by default, and one that speaks Dutch
    english = TenantFactory(default_language=Tenant.Language.ENGLISH)
    dutch = TenantFactory(default_language=Tenant.Language.DUTCH)
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")

    # when a visitor without a language choice opens their public pages
    english_page = client.get(reverse("tenant_public", args=[english.slug]))
    dutch_page = client.get(reverse("tenant_public", args=[dutch.slug]))

    # then each page speaks its tenant's language
    assert english_page.status_code == 200
    assert english_page.headers["Content-Language"] == "en"
    assert html_lang(english_page) == "en"
    assert html_lang(dutch_page) == "nl"


@pytest.mark.django_db
def test_own_choice_beats_the_tenant_default():
    # given a tenant that speaks English by default, and a visitor who chose Dutch
    tenant = TenantFactory(default_language=Tenant.Language.ENGLISH)
    client = Client()
    choose_language(client, "nl")

    # when they open the tenant's public page
    response = client.get(reverse("tenant_public", args=[tenant.slug]))

    # then their own choice wins
    assert response.headers["Content-Language"] == "nl"
    assert html_lang(response) == "nl"


@pytest.mark.django_db
def test_unsupported_cookie_value_falls_back_to_dutch():
    # given a visitor with a language cookie the portal does not speak
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    # when they open the start page
    response = client.get("/")

    # then it is in Dutch
    assert html_lang(response) == "nl"
