"""Every app's menu entries point at real pages that the entry's role may open."""

import pytest
from django.urls import reverse

from portal.context_processors import _menu_entries
from portal.roles import PERMISSIONS, Role


def test_every_menu_entry_names_a_tenant_page_and_a_known_permission():
    # given the menu entries all apps offer
    entries = _menu_entries()

    # then each resolves for a tenant and its permission exists
    assert len(entries) > 10
    for entry in entries:
        assert entry.permission in PERMISSIONS, entry
        assert reverse(entry.url_name, kwargs={"tenant_slug": "verband-a"}).startswith(
            "/verband-a/"
        )


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_a_member_can_open_every_page_of_their_menu(tenant_a, client_for, role):
    # given a member in a role
    membership = tenant_a.member(role)
    client = client_for(membership)

    # when they open every page of their menu
    response = client.get(reverse("tenant_dashboard", args=[tenant_a.tenant.slug]))
    menu = response.context["tenant_menu"]
    statuses = {item["url"]: client.get(item["url"]).status_code for item in menu}

    # then each one opens
    assert menu, role
    assert statuses == dict.fromkeys(statuses, 200)
