"""A report's figures as HTML (templates/reporting/pdf/report.html with the print stylesheet
static/reporting/report.css) and that HTML as a tagged PDF (WeasyPrint, PDF/UA-1).

WeasyPrint fetches what the HTML refers to (stylesheets, images) through
:class:`StaticFilesFetcher`, which serves the project's own static files and the ``data:``
URIs the template embeds itself (the tenant's logo), and nothing else: no ``file://``
outside the static files, no network, no path traversal. The HTML has a base URL on a
host that does not exist (``http://report.invalid/``), so relative URLs such as
``/static/reporting/report.css`` resolve to something only this fetcher understands.
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils._os import safe_join
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.models import Tenant

logger = logging.getLogger(__name__)

BASE_URL = "http://report.invalid/"
PDF_VARIANT = "pdf/ua-1"
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
LOGO_MAX_BYTES = 2 * 1024 * 1024
BRAND_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND_COLOUR = "#01689b"


class ResourceRefused(ValueError):
    """The report referred to something it may not load."""


def _weasyprint():
    import weasyprint

    return weasyprint


def static_file_path(url: str) -> Path | None:
    """The file of the project's static files that ``url`` names, or None.

    ``url`` must be ``http://report.invalid/<STATIC_URL><path>`` with a relative path
    without ``..``; the file is looked up as ``collectstatic`` would (the static finders),
    then in ``STATIC_ROOT``."""
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != ("http", "report.invalid") or parts.query:
        return None
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix) or "\\" in path or "\x00" in path:
        return None
    relative = path[len(static_prefix) :]
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        return None
    if posixpath.normpath(relative) != relative:
        return None
    try:
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            candidate = safe_join(str(settings.STATIC_ROOT), relative)
            found = candidate if Path(candidate).is_file() else None
    except SuspiciousFileOperation:
        return None
    if not found:
        return None
    return Path(found if isinstance(found, str) else found[0])


def StaticFilesFetcher(*args, **kwargs):  # noqa: N802 - a class made on first use
    """A WeasyPrint URL fetcher for reports (see the module docstring). The class is
    built on first use so that importing this module does not load WeasyPrint."""
    return _fetcher_class()(*args, **kwargs)


_FETCHER_CLASS = None


def _fetcher_class():
    global _FETCHER_CLASS  # noqa: PLW0603
    if _FETCHER_CLASS is not None:
        return _FETCHER_CLASS
    weasyprint = _weasyprint()

    class _StaticFilesFetcher(weasyprint.URLFetcher):
        def __init__(self, **kwargs):
            kwargs.setdefault("timeout", 1)
            super().__init__(allowed_protocols=("data", "http"), allow_redirects=False, **kwargs)
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                media_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
                if media_type not in LOGO_TYPES:
                    return self._refuse(url)
                self.served.append(url[:40])
                # urllib's data: handler decodes it; data: URIs never touch the network.
                return super().fetch(url, headers)
            path = static_file_path(url)
            if path is None:
                return self._refuse(url)
            self.served.append(url)
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": media_type}
            )

        def _refuse(self, url: str):
            self.refused.append(url)
            logger.warning("A report referred to %s; it was not loaded", url[:200])
            raise ResourceRefused(f"Not allowed in a report: {url[:200]}")

    _FETCHER_CLASS = _StaticFilesFetcher
    return _FETCHER_CLASS


# --- HTML ---------------------------------------------------------------------------------------


def logo_data_uri(tenant: Tenant) -> str:
    """The tenant's logo as a ``data:`` URI, or "" (no logo, an unknown type, too big, or
    the file is missing)."""
    if not tenant.logo:
        return ""
    media_type = mimetypes.guess_type(tenant.logo.name)[0]
    if media_type not in LOGO_TYPES:
        return ""
    try:
        with default_storage.open(tenant.logo.name, "rb") as logo:
            content = logo.read(LOGO_MAX_BYTES + 1)
    except OSError:
        logger.warning("Logo of tenant %s could not be read", tenant.pk)
        return ""
    if len(content) > LOGO_MAX_BYTES or not _image_is_readable(content, media_type):
        return ""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (WCAG contrast)."""
    luminance = _luminance(background)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / (_luminance("#1a1a1a") + 0.05)
    return "#ffffff" if on_white >= on_black else "#1a1a1a"


def _image_is_readable(content: bytes, media_type: str) -> bool:
    """A broken raster logo would make WeasyPrint fail the whole report: leave it out."""
    if media_type == "image/svg+xml":
        return True
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is left out
        logger.warning("A tenant's logo could not be read as an image; left out of the report")
        return False
    return True


def css_string(text: str) -> str:
    """``text`` as the body of a CSS string in double quotes."""
    return "".join(
        character
        if character.isalnum() or character in " .,:;-_()/%"
        else f"\\{ord(character):06x} "
        for character in str(text)
    )


def report_html(*, tenant: Tenant, run, figures: dict, generated_at=None) -> str:
    """The report of ``run`` as HTML, with the sections and in the language its ``figures``
    were built with."""
    from reporting.figures import stored_language, stored_sections
    from reporting.models import ReportDefinition

    definition = run.definition
    generated_at = generated_at or timezone.now()
    brand = tenant.brand_colour if BRAND_COLOUR.match(tenant.brand_colour or "") else None
    language = stored_language(figures, definition)
    with translation.override(language):
        sections = stored_sections(figures, definition)
        context = {
            "tenant": tenant,
            "definition": definition,
            "audience": definition.get_audience_display(),
            "figures": figures,
            "sections": sections,
            "section_titles": {
                code: str(label) for code, label in ReportDefinition.Section.choices
            },
            "brand_colour": brand or DEFAULT_BRAND_COLOUR,
            "brand_text_colour": text_colour_on(brand or DEFAULT_BRAND_COLOUR),
            "logo": logo_data_uri(tenant),
            "generated_at": timezone.localtime(generated_at),
            "language": language,
        }
        generated_on = date_format(context["generated_at"], "j F Y")
        # The running header and footer are drawn by the print stylesheet (@page margin
        # boxes), which takes its words from CSS strings.
        context["running"] = {
            "title": css_string(f"{definition.title} · {figures['period']['label']}"),
            "footer": css_string(
                _("%(tenant)s · generated on %(date)s")
                % {"tenant": tenant.name, "date": generated_on}
            ),
            "page": css_string(_("page")),
            "of": css_string(_("of")),
        }
        context["generated_on"] = generated_on
        return render_to_string("reporting/pdf/report.html", context)


# --- PDF ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


def report_pdf(html: str, *, url_fetcher=None) -> RenderedPDF:
    """``html`` as a tagged PDF (PDF/UA-1), A4, and its number of pages."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=url_fetcher or StaticFilesFetcher()
    ).render(pdf_variant=PDF_VARIANT)
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPDF(content=content, pages=len(document.pages))
