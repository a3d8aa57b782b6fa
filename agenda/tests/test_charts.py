"""The indicator chart: plain, accessible, deterministic SVG that a CSP allows inline and
WeasyPrint renders into a PDF."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from agenda.charts import MAX_DOTS, date_ticks, indicator_chart_svg, value_ticks
from agenda.selectors.indicators import indicator_summaries
from agenda.tests.factories import MeasurementFactory
from agenda.tests.figures_data import betapunt

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2019, 6, 30)


def parse(svg: str) -> ET.Element:
    """The chart as an element tree (the SVG is the portal's own output, made in the test)."""
    return ET.fromstring(svg)  # noqa: S314


def chart_of(tenant, indicator, today=TODAY) -> str:
    summary = indicator_summaries(tenant=tenant, indicators=[indicator], today=today, series=True)[
        indicator.pk
    ]
    with translation.override("en"):
        return str(indicator_chart_svg(summary))


@pytest.fixture
def chart(tenant_a):
    indicator = betapunt(tenant_a.tenant)
    return indicator, chart_of(tenant_a.tenant, indicator)


def test_value_ticks_are_round_and_cover_the_values():
    assert value_ticks(0, 77) == [0, 20, 40, 60, 80]
    assert value_ticks(0, 0.37) == [0, 0.1, 0.2, 0.3, 0.4]
    assert value_ticks(-15, 12) == [-20, -10, 0, 10, 20]
    assert value_ticks(5, 5) == [4, 4.5, 5, 5.5, 6]


def test_date_ticks_are_years_or_months():
    years = date_ticks(datetime.date(2014, 1, 1), datetime.date(2020, 12, 31))
    assert [label for _day, label in years] == [str(y) for y in range(2014, 2021)]
    with translation.override("en"):
        months = date_ticks(datetime.date(2025, 1, 15), datetime.date(2025, 6, 30))
    assert [label for _day, label in months] == [
        "Feb 2025",
        "Mar 2025",
        "Apr 2025",
        "May 2025",
        "Jun 2025",
    ]


def test_the_chart_is_an_accessible_image_with_title_and_description(chart):
    indicator, svg = chart
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text == f"{indicator.name} (schoolbesturen)"
    # the description says the figures in words
    assert "Latest value 55 schoolbesturen" in desc.text
    assert "Target 77 schoolbesturen by 31 December 2020" in desc.text
    assert "Status: On track (green)." in desc.text
    assert "reached on 17 January 2021" in desc.text


def test_the_chart_has_no_styles_scripts_or_external_references(chart):
    _indicator, svg = chart
    root = parse(svg)
    tags = {element.tag for element in root.iter()}
    attributes = {name for element in root.iter() for name in element.attrib}

    assert f"{SVG}style" not in tags and f"{SVG}script" not in tags
    assert "style" not in attributes
    assert not [name for name in attributes if name.startswith("on")]
    assert "href" not in svg and "url(" not in svg


def test_the_chart_draws_the_measurements_and_the_target_path(chart):
    _indicator, svg = chart
    root = parse(svg)

    def with_class(name):
        return [e for e in root.iter() if name in (e.get("class") or "").split()]

    # a dot per measurement (3), a diamond per target (2), the baseline as a square
    assert len(with_class("indicator-chart__measurement")) == 3
    targets = with_class("indicator-chart__target")
    assert len(targets) == 2
    assert len(with_class("indicator-chart__baseline")) == 1
    # the latest measurement is ringed in its status
    assert with_class("indicator-chart__latest--green")

    # the dashed path line runs through the diamonds' centres
    path_line = root.find(f"{SVG}g[@class='indicator-chart__target-path']/{SVG}polyline")
    vertices = path_line.get("points").split()
    for diamond in targets:
        top, right, _bottom, _left = diamond.get("points").split()
        centre_x, centre_y = top.split(",")[0], right.split(",")[1]
        assert f"{centre_x},{centre_y}" in vertices

    # axis labels: the years and round values
    labels = [e.text for e in with_class("indicator-chart__label")]
    assert {"2014", "2016", "2020", "0", "40", "80"} <= set(labels)


def test_higher_values_are_drawn_higher(chart):
    _indicator, svg = chart
    root = parse(svg)
    dots = [
        e for e in root.iter() if e.get("class") == "indicator-chart__measurement"
    ]  # 12, 31, 55 in date order
    heights = [float(dot.get("cy")) for dot in dots]
    assert heights == sorted(heights, reverse=True)


def test_text_is_escaped(tenant_a):
    indicator = betapunt(tenant_a.tenant, name='<script>alert("x")</script> & co')
    svg = chart_of(tenant_a.tenant, indicator)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg
    assert parse(svg).find(f"{SVG}title").text.startswith('<script>alert("x")')


def test_the_same_figures_give_the_same_bytes(tenant_a):
    indicator = betapunt(tenant_a.tenant)
    assert chart_of(tenant_a.tenant, indicator) == chart_of(tenant_a.tenant, indicator)


def test_a_long_series_is_drawn_as_a_line_without_dots(tenant_a):
    indicator = betapunt(tenant_a.tenant)
    for n in range(MAX_DOTS + 10):
        MeasurementFactory(
            indicator=indicator,
            measured_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n),
            value=Decimal(n % 30),
        )
    svg = chart_of(tenant_a.tenant, indicator)
    assert 'class="indicator-chart__measurement"' not in svg
    line = re.search(r'<g class="indicator-chart__measurements"><polyline points="([^"]+)"', svg)
    assert len(line.group(1).split()) == 1 + 3 + MAX_DOTS + 10  # baseline + all measurements


def test_a_chart_without_measurements_or_targets_still_renders(tenant_a):
    indicator = betapunt(tenant_a.tenant)
    indicator.measurements.all().delete()
    indicator.targets.all().delete()
    root = parse(chart_of(tenant_a.tenant, indicator))
    assert "No measurements yet." in root.find(f"{SVG}desc").text
    assert "No targets set." in root.find(f"{SVG}desc").text


def test_weasyprint_renders_the_chart_into_a_pdf(chart, tmp_path):
    # given the chart inline in an HTML page, as a report would have it
    from weasyprint import HTML

    _indicator, svg = chart
    html = f"<html><body><h1>Rapportage</h1>{svg}</body></html>"

    # when WeasyPrint makes a PDF of it
    pdf = HTML(string=html).write_pdf()

    # then there is a PDF, and where poppler is at hand, the chart's legend is in it
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "chart.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
            ["pdftotext", str(path), "-"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Target path" in text and "Measurements" in text and "2016" in text
