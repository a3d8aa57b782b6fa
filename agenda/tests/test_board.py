"""The agenda board: themes > action lines > actions with status, health (as text), owner and
priority; filters in the query string; themes and action lines; constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.models import Action, ActionLine, Theme
from agenda.selectors.board import BOARD_PAGE_SIZE
from agenda.tests.factories import ActionFactory, ActionLineFactory, ThemeFactory
from portal.models import AuditEvent
from portal.roles import Role


def english(client: Client) -> Client:
    client.cookies["portal_language"] = "en"
    return client


def board_url(tenant, **params) -> str:
    url = reverse("agenda_board", args=[tenant.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


@pytest.fixture
def agenda_a(tenant_a):
    """Two themes; the first with two lines, the second with one; actions with owners."""
    tenant = tenant_a.tenant
    talent = ThemeFactory(tenant=tenant, title="Talentontwikkeling", position=1)
    innovation = ThemeFactory(tenant=tenant, title="Innovatie", position=2)
    schools = ActionLineFactory(tenant=tenant, theme=talent, title="Scholen", position=1)
    lifelong = ActionLineFactory(tenant=tenant, theme=talent, title="Leven lang", position=2)
    labs = ActionLineFactory(tenant=tenant, theme=innovation, title="Praktijklabs")
    lead = tenant_a.member(Role.LEAD).user
    relations = tenant_a.member(Role.RELATIONS).user
    actions = {
        "gastlessen": ActionFactory(
            tenant=tenant,
            action_line=schools,
            title="Gastlessen techniek",
            owner=lead,
            owner_organisation=tenant_a.school,
            priority=Action.Priority.HIGH,
        ),
        "bètapunt": ActionFactory(
            tenant=tenant,
            action_line=schools,
            title="Bètapunt uitbreiden",
            owner=relations,
            health=Action.Health.AT_RISK,
            health_reason="Te weinig docenten",
        ),
        "omscholing": ActionFactory(
            tenant=tenant,
            action_line=lifelong,
            title="Omscholing operators",
            status=Action.Status.PLANNED,
            health=Action.Health.OFF_TRACK,
            health_reason="Geen budget",
        ),
        "lab": ActionFactory(
            tenant=tenant, action_line=labs, title="Smart Industry lab", owner=lead
        ),
    }
    return {"themes": [talent, innovation], "lines": [schools, lifelong, labs], **actions}


def test_board_shows_themes_lines_and_actions_with_health_as_text(tenant_a, agenda_a, client_for):
    # given the agenda of A and one action of another tenant
    ActionFactory(title="Actie van een ander verband")
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead opens the board
    response = client.get(board_url(tenant_a.tenant))

    # then themes, lines and actions appear in agenda order, health in words, owners named
    assert response.status_code == 200
    html = response.content.decode()
    actions_part = html[html.index('id="board-actions-heading"') :]
    order = [
        actions_part.index("Talentontwikkeling"),
        actions_part.index("Scholen"),
        actions_part.index("Gastlessen techniek"),
        actions_part.index("Omscholing operators"),
        actions_part.index("Innovatie"),
        actions_part.index("Smart Industry lab"),
    ]
    assert order == sorted(order)
    assert "At risk" in html and "Off track" in html and "On track" in html
    assert 'portal-health--at_risk"' in html
    assert tenant_a.member(Role.LEAD).user.get_full_name() in html
    assert "Actie van een ander verband" not in html
    assert "4 actions" in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"health": "at_risk"}, ["Bètapunt uitbreiden"], ["Gastlessen techniek", "Omscholing"]),
        ({"status": "planned"}, ["Omscholing operators"], ["Gastlessen techniek", "Bètapunt"]),
    ],
)
def test_board_filters_by_status_and_health(tenant_a, agenda_a, client_for, params, shown, hidden):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.get(board_url(tenant_a.tenant, **params))

    html = response.content.decode()
    actions_part = html[html.index('id="board-actions-heading"') :]
    assert all(title in actions_part for title in shown)
    assert not any(title in actions_part for title in hidden)


def test_board_filters_by_owner_and_the_link_is_shareable(tenant_a, agenda_a, client_for):
    # given a board link filtered on the lead's actions
    lead = tenant_a.member(Role.LEAD).user
    url = board_url(tenant_a.tenant, owner=lead.pk)

    # when another member (a company contact) opens that link
    response = english(client_for(tenant_a.member(Role.COMPANY))).get(url)

    # then they see the same filtered board, the owner chosen in the filter form
    html = response.content.decode()
    actions_part = html[html.index('id="board-actions-heading"') :]
    assert "Gastlessen techniek" in actions_part and "Smart Industry lab" in actions_part
    assert "Bètapunt uitbreiden" not in actions_part
    assert f'<option value="{lead.pk}" selected>' in html
    assert "2 actions" in html


def test_board_filter_with_another_tenants_owner_is_a_form_error(
    tenant_a, tenant_b, agenda_a, client_for
):
    outsider = ActionFactory(
        tenant=tenant_b.tenant,
        action_line=ActionLineFactory(tenant=tenant_b.tenant, theme__tenant=tenant_b.tenant),
        owner=tenant_b.member(Role.LEAD).user,
    )

    response = english(client_for(tenant_a.member(Role.LEAD))).get(
        board_url(tenant_a.tenant, owner=outsider.owner_id)
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_htmx_filter_request_gets_only_the_results(tenant_a, agenda_a, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.get(
        board_url(tenant_a.tenant, health="off_track"),
        headers={"HX-Request": "true", "HX-Target": "board-results"},
    )

    html = response.content.decode()
    assert "<html" not in html
    assert "Omscholing operators" in html
    assert "1 action" in html


def test_outline_counts_matching_actions_per_line_and_lists_empty_lines(
    tenant_a, agenda_a, client_for
):
    empty = ActionLineFactory(tenant=tenant_a.tenant, theme=agenda_a["themes"][1], title="Leeg")

    response = english(client_for(tenant_a.member(Role.ADMIN))).get(board_url(tenant_a.tenant))

    outline = response.context["board"].outline
    counts = {entry.line.title: entry.matching for theme in outline for entry in theme.lines}
    assert counts == {"Scholen": 2, "Leven lang": 1, "Praktijklabs": 1, "Leeg": 0}
    assert reverse("actionline_edit", args=[tenant_a.tenant.slug, empty.pk]) in (
        response.content.decode()
    )


def test_board_pages_a_very_large_agenda(tenant_a, client_for):
    line = ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant)
    ActionFactory.create_batch(BOARD_PAGE_SIZE + 3, tenant=tenant_a.tenant, action_line=line)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    first = client.get(board_url(tenant_a.tenant))
    second = client.get(board_url(tenant_a.tenant, page=2))

    assert sum(len(g.actions) for g in first.context["board"].groups[0].lines) == BOARD_PAGE_SIZE
    assert sum(len(g.actions) for g in second.context["board"].groups[0].lines) == 3
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.LEAD, 200),
        (Role.RELATIONS, 200),
        (Role.COMPANY, 200),
        (Role.FUNDER, 403),
    ],
)
def test_board_is_for_agenda_viewers(tenant_a, client_for, role, status):
    assert client_for(tenant_a.member(role)).get(board_url(tenant_a.tenant)).status_code == status


def board_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_board_query_count_does_not_grow_with_actions(tenant_a, client_for):
    # given N actions, with owners and owner organisations, then 3N
    tenant = tenant_a.tenant
    owners = [tenant_a.member(Role.LEAD).user, tenant_a.member(Role.RELATIONS).user]
    theme = ThemeFactory(tenant=tenant)

    def add(count):
        for _n in range(count):
            line = ActionLineFactory(tenant=tenant, theme=theme)
            ActionFactory.create_batch(
                2,
                tenant=tenant,
                action_line=line,
                owner=owners[0],
                owner_organisation=tenant_a.school,
            )
            ActionFactory(tenant=tenant, action_line=line, owner=owners[1])

    client = client_for(tenant_a.member(Role.LEAD))
    url = board_url(tenant, owner=owners[0].pk, health="on_track")
    add(2)
    few = board_queries(client, url)
    plain_few = board_queries(client, board_url(tenant))

    add(4)
    many = board_queries(client, url)
    plain_many = board_queries(client, board_url(tenant))

    assert Action.objects.for_tenant(tenant).count() == 18
    assert many == few
    assert plain_many == plain_few


# --- themes and action lines ------------------------------------------------------------------


def test_lead_adds_a_theme_and_an_action_line_to_it(tenant_a, client_for):
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = client.post(
        reverse("theme_create", args=[tenant_a.tenant.slug]),
        {"title": "Leven lang ontwikkelen", "description": "", "position": 3},
    )
    theme = Theme.objects.for_tenant(tenant_a.tenant).get()
    line_response = client.post(
        reverse("actionline_create", args=[tenant_a.tenant.slug]),
        {"theme": theme.pk, "title": "Omscholing", "description": "", "position": 1},
    )

    assert response.status_code == 302 and line_response.status_code == 302
    line = ActionLine.objects.for_tenant(tenant_a.tenant).get()
    assert (line.theme, line.title) == (theme, "Omscholing")
    assert (
        AuditEvent.objects.for_tenant(tenant_a.tenant)
        .filter(action__in=["theme.create", "action_line.create"])
        .count()
        == 2
    )


def test_action_line_under_another_tenants_theme_is_refused(tenant_a, tenant_b, client_for):
    foreign = ThemeFactory(tenant=tenant_b.tenant)

    response = english(client_for(tenant_a.member(Role.LEAD))).post(
        reverse("actionline_create", args=[tenant_a.tenant.slug]),
        {"theme": foreign.pk, "title": "Sluiproute", "position": 0},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ActionLine.objects.filter(title="Sluiproute").exists()


def test_theme_with_lines_cannot_be_deleted(tenant_a, agenda_a, client_for):
    theme = agenda_a["themes"][0]
    client = english(client_for(tenant_a.member(Role.ADMIN)))

    response = client.post(
        reverse("theme_delete", args=[tenant_a.tenant.slug, theme.pk]), follow=True
    )

    assert Theme.objects.filter(pk=theme.pk).exists()
    assert "still has action lines" in response.content.decode()


def test_empty_line_and_theme_are_deleted(tenant_a, client_for):
    theme = ThemeFactory(tenant=tenant_a.tenant)
    line = ActionLineFactory(tenant=tenant_a.tenant, theme=theme)
    client = client_for(tenant_a.member(Role.ADMIN))

    client.post(reverse("actionline_delete", args=[tenant_a.tenant.slug, line.pk]))
    client.post(reverse("theme_delete", args=[tenant_a.tenant.slug, theme.pk]))

    assert not ActionLine.objects.filter(pk=line.pk).exists()
    assert not Theme.objects.filter(pk=theme.pk).exists()


@pytest.mark.parametrize("role", [Role.RELATIONS, Role.COMPANY])
def test_only_editors_change_themes(tenant_a, client_for, role):
    theme = ThemeFactory(tenant=tenant_a.tenant, title="Blijft")

    response = client_for(tenant_a.member(role)).post(
        reverse("theme_edit", args=[tenant_a.tenant.slug, theme.pk]),
        {"title": "Gewijzigd", "position": 0},
    )

    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.title == "Blijft"
