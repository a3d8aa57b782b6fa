"""The report PDF: WeasyPrint loads nothing but the project's static files and the logo the
template embeds; the PDF of a known dataset holds the right figures, has the expected pages
and is tagged."""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.roles import Role
from reporting.figures import report_figures
from reporting.models import ReportRun, report_storage
from reporting.rendering import (
    BASE_URL,
    ResourceRefused,
    StaticFilesFetcher,
    report_html,
    report_pdf,
    text_colour_on,
)
from reporting.services import runs as services
from reporting.tests.factories import ReportRunFactory
from reporting.tests.known_dataset import AUTHOR_EMAIL, AUTHOR_NAME, Q1, UPDATE_TEXT, known_dataset


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#01689b").save(buffer, format="PNG")
    return buffer.getvalue()


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (poppler-utils) is not installed")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def _text(pdf: Path, *pages: int, layout: bool = True) -> str:
    argv = [_poppler("pdftotext")] + (["-layout"] if layout else [])
    if pages:
        argv += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*argv, str(pdf), "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603


def _info(pdf: Path) -> dict[str, str]:
    output = subprocess.run(  # noqa: S603
        [_poppler("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in output.splitlines() if ":" in line)
    )


# --- the URL fetcher -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/report.css",
        "ftp://example.org/x.css",
        f"{BASE_URL}static/../../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}static/reporting/..%2f..%2f..%2fetc/passwd",
        f"{BASE_URL}static/%2fetc/passwd",
        f"{BASE_URL}media/tenant-logos/logo.png",
        f"{BASE_URL}etc/passwd",
        "http://report.invalid.example.org/static/reporting/report.css",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    # given the report's URL fetcher
    fetcher = StaticFilesFetcher()

    # when WeasyPrint asks it for something outside the static files
    with pytest.raises(ResourceRefused):
        fetcher(url)

    # then it is refused and recorded as such
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_the_fetcher_serves_the_print_stylesheet_and_embedded_images():
    # given the report's URL fetcher
    fetcher = StaticFilesFetcher()

    # when it is asked for the stylesheet and a data: image
    css = fetcher(f"{BASE_URL}static/reporting/report.css")
    image = fetcher("data:image/png;base64,iVBORw0KGgo=")

    # then it serves both, the stylesheet from the project's static files
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert image.read() == bytes.fromhex("89504e470d0a1a0a")
    assert fetcher.refused == []


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        return None


def test_a_report_referring_to_forbidden_resources_renders_without_them():
    # given a web server on this machine that records every request
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_port}"
    _Recorder.requests = []
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="/static/reporting/report.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="{local}/evil.css">
    </head><body><h1>Report</h1>
      <img src="http://169.254.169.254/latest/meta-data/" alt="a">
      <img src="{local}/tracker.png" alt="b">
      <img src="/static/../../etc/passwd" alt="c">
      <img src="file:///etc/hostname" alt="d">
    </body></html>"""
    fetcher = StaticFilesFetcher()

    # when it is rendered
    try:
        rendered = report_pdf(html, url_fetcher=fetcher)
    finally:
        server.shutdown()
        server.server_close()

    # then the PDF is made, the stylesheet was loaded, and nothing else was fetched
    assert rendered.content.startswith(b"%PDF-")
    assert fetcher.served == [f"{BASE_URL}static/reporting/report.css"]
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://169.254.169.254/latest/meta-data/" in fetcher.refused
    assert f"{local}/tracker.png" in fetcher.refused
    assert _Recorder.requests == []
    assert b"root:x:0:0" not in rendered.content


# --- the PDF of a known dataset --------------------------------------------------------------


@pytest.fixture
def done_run(tenant_a) -> ReportRun:
    data = known_dataset(tenant_a.tenant, language="en")
    run = ReportRunFactory(
        tenant=data.tenant,
        definition=data.definition,
        period_start=Q1.start,
        period_end=Q1.end,
        requested_by=tenant_a.member(Role.ADMIN).user,
    )
    services.report_run_generate(tenant_id=data.tenant.pk, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


@pytest.mark.django_db
def test_the_pdf_holds_the_figures_of_the_dataset(done_run):
    # given the report of a known dataset
    pdf = Path(report_storage.path(done_run.pdf.name))

    # when its text is read
    text = " ".join(_text(pdf).split())
    reading_order = " ".join(_text(pdf, layout=False).split())

    # then it shows the known figures, the narrative, and no person
    assert "Leerlingen bereikt" in reading_order
    assert "380" in text  # the latest measurement in the quarter
    assert "999" not in text  # measured after it
    assert "€ 7,500.00" in text  # spent in Q1
    assert "€ 160,000.00" in text  # planned
    assert "Co-financing ratio of the planned budget: 25%" in text
    assert "Milestones reached 2 1 +1" in text
    assert "Phone call <5" in text
    assert "Meeting x" in text  # hidden too: 9 contacts minus 7 meetings would give 2 calls
    assert "9 contacts were logged" in text
    assert "Leerlingen bereikt (leerlingen)" in text  # the chart's caption
    assert "end of period" in text  # the chart's marker
    assert UPDATE_TEXT in reading_order
    assert AUTHOR_NAME not in text
    assert AUTHOR_EMAIL not in text
    assert "Concepttekst" not in text


@pytest.mark.django_db
def test_the_pdf_is_tagged_a4_with_contents_and_page_numbers(done_run):
    # given the report of a known dataset with all sections
    pdf = Path(report_storage.path(done_run.pdf.name))

    # when the PDF is inspected
    info = _info(pdf)

    # then it is tagged, A4, titled, and has the pages the run recorded:
    # cover, contents, and one page per section
    assert info["Tagged"] == "yes"
    assert "(A4)" in info["Page size"]
    assert info["Title"] == "Voortgang Q1 – Q1 2026"
    assert int(info["Pages"]) == done_run.pages == 2 + len(done_run.definition.sections)
    # the contents lists the sections with the page each starts on
    contents = " ".join(_text(pdf, 2).split())
    assert "Contents" in contents
    assert re.search(r"Summary[ .]+ 3 Indicators[ .]+ 4 Action lines[ .]+ 5", contents)
    assert re.search(r"Data tables[ .]+ 11$", contents.split(" Verband A")[0])
    summary_page = " ".join(_text(pdf, 3).split())
    assert summary_page.startswith("Voortgang Q1 · Q1 2026 Summary")
    assert f"page 3 of {done_run.pages}" in summary_page
    assert "Verband A · generated on" in summary_page
    # the cover has no running header or page number
    cover = " ".join(_text(pdf, 1).split())
    assert "page 1 of" not in cover
    assert cover.startswith("Verband A Voortgang Q1 Q1 2026")


@pytest.mark.django_db
def test_the_cover_embeds_the_tenants_logo(tenant_a):
    # given a tenant with a PNG logo
    tenant = tenant_a.tenant
    tenant.logo.name = default_storage.save("tenant-logos/logo.png", ContentFile(_png()))
    tenant.save()
    data = known_dataset(tenant)
    run = ReportRunFactory(
        tenant=tenant, definition=data.definition, period_start=Q1.start, period_end=Q1.end
    )

    # when the report is generated
    services.report_run_generate(tenant_id=tenant.pk, run_id=run.pk)

    # then it is done and the PDF holds an image
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    content = Path(report_storage.path(run.pdf.name)).read_bytes()
    assert b"/Subtype /Image" in content


@pytest.mark.django_db
def test_a_broken_logo_is_left_out_and_the_report_still_made(tenant_a):
    tenant = tenant_a.tenant
    tenant.logo.name = default_storage.save(
        "tenant-logos/kapot.png", ContentFile(b"\x89PNG broken")
    )
    tenant.save()
    data = known_dataset(tenant)
    run = ReportRunFactory(
        tenant=tenant, definition=data.definition, period_start=Q1.start, period_end=Q1.end
    )

    services.report_run_generate(tenant_id=tenant.pk, run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert b"/Subtype /Image" not in Path(report_storage.path(run.pdf.name)).read_bytes()


def test_header_text_is_readable_on_any_brand_colour():
    assert text_colour_on("#01689b") == "#ffffff"
    assert text_colour_on("#ffdd00") == "#1a1a1a"


@pytest.mark.django_db
def test_each_chart_is_a_figure_captioned_with_its_indicator(tenant_a):
    # given the figures of the known dataset, in English
    data = known_dataset(tenant_a.tenant, language="en")
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    run = ReportRunFactory(tenant=data.tenant, definition=data.definition, figures=figures)

    # when the report's HTML is made
    html = report_html(tenant=data.tenant, run=run, figures=figures)

    # then the chart is a figure whose caption, above it, names the indicator and its unit,
    # and its marker is the end of the period, not "today"
    assert figures["indicators"]["charts"][0]["unit"] == "leerlingen"
    assert re.search(
        r'<figure class="chart">\s*<figcaption class="chart__caption">'
        r"Leerlingen bereikt \(leerlingen\)</figcaption>\s*<svg",
        html,
    )
    svg = figures["indicators"]["charts"][0]["svg"]
    assert ">end of period</text>" in svg
    assert ">today</text>" not in svg


@pytest.mark.django_db
def test_the_html_has_the_sections_its_figures_were_built_with(tenant_a):
    # given figures of a summary-only report, after which the definition gained the updates
    # and changed language
    data = known_dataset(tenant_a.tenant, language="en", sections=["summary"])
    figures = report_figures(tenant=data.tenant, definition=data.definition, period=data.period)
    data.definition.sections = ["summary", "updates"]
    data.definition.language = "nl"
    data.definition.save()
    run = ReportRunFactory(tenant=data.tenant, definition=data.definition, figures=figures)

    # when the HTML is made from the stored figures
    html = report_html(tenant=data.tenant, run=run, figures=figures)

    # then it has the summary only, in English
    assert re.findall(r'id="section-([a-z_]+)"', html) == ["summary"]
    assert '<html lang="en">' in html
    assert "Key figures" in html
    assert UPDATE_TEXT not in html
