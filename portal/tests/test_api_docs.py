"""The OpenAPI schema and its documentation page."""

from __future__ import annotations

import re

import yaml
from django.core.management import call_command
from django.test import Client

PROBLEM = "application/problem+json"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_schema_validates_without_warnings(tmp_path):
    # given every app's API endpoints
    target = tmp_path / "schema.yaml"

    # when the schema is generated as CI does, failing on any warning
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    # then it was written
    assert target.read_text().startswith("openapi: 3")


def _schema(client: Client) -> dict:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_every_operation_documents_its_problem_responses(db):
    # given the served schema
    schema = _schema(Client())
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]

    # then there are operations, each with problem documents for the errors it can give
    assert any(path.endswith("/organisations/") for path, _m, _o in operations)
    for path, method, operation in operations:
        public = operation.get("security") in (None, [{}])
        expected = {"400", "404", "405", "429"} | (set() if public else {"401", "403"})
        missing = expected - set(operation["responses"])
        assert not missing, f"{method.upper()} {path} lacks {missing}"
        for code in expected:
            assert PROBLEM in operation["responses"][code]["content"], (path, method, code)
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_schema_declares_the_personal_token_and_strict_bodies(db):
    # given the served schema
    schema = _schema(Client())
    components = schema["components"]

    # then the bearer token is a security scheme of the member operations
    assert components["securitySchemes"]["personalToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": components["securitySchemes"]["personalToken"]["description"],
    }
    organisations = schema["paths"]["/api/v1/{tenant_slug}/organisations/"]["get"]
    assert {"personalToken": []} in organisations["security"]
    # and request bodies refuse unknown fields
    assert components["schemas"]["OrganisationRequest"]["additionalProperties"] is False
    assert components["schemas"]["ValidationProblem"]["properties"]["errors"]["type"] == "array"


def test_docs_page_works_under_the_csp_with_self_hosted_assets(db):
    # given an anonymous visitor
    client = Client()

    # when they open the documentation page
    response = client.get("/api/v1/docs/")

    # then it is served with the portal's CSP, and loads only files from this site
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "the page loads Swagger UI"
    assert all("src=" in attributes for attributes in scripts), "no inline scripts"
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    # the inline style carries the request's nonce
    nonce = re.search(r"'nonce-([^']+)'", csp)[1]
    assert f'<style nonce="{nonce}">' in html
    # and every asset answers, the start-up script included
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
    script_url = next(url for url in urls if "script" in url and "static" not in url)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
