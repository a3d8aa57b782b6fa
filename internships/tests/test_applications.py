"""The application page, the same for both sides: facts, decisions, and the message thread,
to which a posted message is appended in place (htmx) or after a redirect (without)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from internships.models import Application, ApplicationMessage
from internships.tests.factories import ApplicationMessageFactory
from internships.tests.stage_world import company_member, english, published, school_member, submit
from portal.tests.factories import UserFactory


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug, **kwargs})


@pytest.fixture
def application(tenant_a):
    return submit(tenant_a, published(tenant_a, title="Stage koudetechniek"))


@pytest.fixture
def company_client(tenant_a, client_for):
    return english(client_for(company_member(tenant_a)))


@pytest.fixture
def school_client(tenant_a, client_for):
    return english(client_for(school_member(tenant_a)))


def test_both_sides_see_the_same_thread(tenant_a, application, company_client, school_client):
    # given a message from each side
    ApplicationMessageFactory(
        application=application, author_organisation=tenant_a.school, body="Vraag van school"
    )
    ApplicationMessageFactory(
        application=application, author_organisation=tenant_a.company, body="Antwoord van bedrijf"
    )

    # when each side opens the application
    company_page = company_client.get(
        url("company_application_detail", tenant_a, application_id=application.pk)
    )
    school_page = school_client.get(
        url("school_application_detail", tenant_a, application_id=application.pk)
    )

    # then both see both messages in order; only the company sees the decision buttons
    for page in (company_page, school_page):
        content = page.content.decode()
        assert content.index("Vraag van school") < content.index("Antwoord van bedrijf")
    assert "Your decision" in company_page.content.decode()
    assert "Your decision" not in school_page.content.decode()
    assert (
        url("company_application_accept", tenant_a, application_id=application.pk)
        in company_page.content.decode()
    )


def test_a_message_posted_with_htmx_comes_back_as_the_new_thread_item(
    tenant_a, application, company_client
):
    # when the company replies through htmx
    response = company_client.post(
        url("company_application_message", tenant_a, application_id=application.pk),
        {"body": "Kom maandag langs."},
        headers={"HX-Request": "true", "HX-Target": "message-thread"},
    )

    # then the answer is the new list item (not a page), plus a fresh form and the new
    # status out of band
    content = response.content.decode()
    message = ApplicationMessage.objects.get()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="message-{message.pk}"' in content
    assert "Kom maandag langs." in content
    assert 'id="message-form"' in content and 'hx-swap-oob="true"' in content
    assert 'id="application-status" hx-swap-oob="true">In conversation' in content
    assert 'hx-swap-oob="delete"' in content  # the "no messages yet" line goes
    assert message.author_organisation == tenant_a.company


def test_an_empty_message_with_htmx_returns_the_form_with_its_error(
    tenant_a, application, school_client
):
    response = school_client.post(
        url("school_application_message", tenant_a, application_id=application.pk),
        {"body": ""},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200  # htmx swaps no 4xx
    assert "Write a message first." in content
    assert "<li" not in content
    assert not ApplicationMessage.objects.exists()


def test_without_javascript_a_message_redirects_back_and_an_empty_one_is_a_400(
    tenant_a, application, school_client
):
    sent = school_client.post(
        url("school_application_message", tenant_a, application_id=application.pk),
        {"body": "Hij heeft zijn VCA."},
    )
    empty = school_client.post(
        url("school_application_message", tenant_a, application_id=application.pk), {"body": " "}
    )
    assert sent.status_code == 302
    assert sent.url == url("school_application_detail", tenant_a, application_id=application.pk)
    assert empty.status_code == 400
    assert "Write a message first." in empty.content.decode()
    assert list(ApplicationMessage.objects.values_list("body", flat=True)) == [
        "Hij heeft zijn VCA."
    ]


@pytest.mark.parametrize("side", ["company", "school"])
def test_the_application_page_needs_the_same_queries_for_three_times_the_messages(
    tenant_a, application, company_client, school_client, side
):
    client = company_client if side == "company" else school_client
    page = url(f"{side}_application_detail", tenant_a, application_id=application.pk)

    def make(count: int) -> None:
        for n in range(count):
            organisation = tenant_a.school if n % 2 else tenant_a.company
            ApplicationMessageFactory(
                application=application,
                author_organisation=organisation,
                author=UserFactory(),
                body=f"Bericht {n}",
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.status_code == 200
        return len(captured)

    make(4)
    few = queries()
    make(8)
    many = queries()
    assert client.get(page).content.decode().count('<li class="portal-stage-message') == 12
    assert few == many


def test_an_anonymised_application_shows_no_student_and_takes_no_messages(
    tenant_a, application, company_client
):
    ApplicationMessageFactory(application=application, body="")
    Application.objects.filter(pk=application.pk).update(
        student_first_name="", student_last_initial="", anonymised_at=timezone.now()
    )
    page = company_client.get(
        url("company_application_detail", tenant_a, application_id=application.pk)
    )
    content = page.content.decode()
    assert "Anonymised student" in content
    assert "Removed at the end of the retention period." in content
    assert 'id="message-form"' not in content
    assert "Your decision" not in content
