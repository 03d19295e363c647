"""HTML (a Django template, autoescaped) to PDF with WeasyPrint, fetching only app files."""

import gc
import threading
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .content import pdf_context, plan_for_pdf
from .fetcher import STATIC_BASE, AppOnlyFetcher

TEMPLATE = "plans/pdf/plan.html"
STYLESHEET = STATIC_BASE + "css/pdf.css"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


class _Prepared(threading.local):
    """The stylesheet, parsed once, and the font configuration it was parsed with, kept by
    each thread (a Celery pool process renders one PDF at a time; the web process renders
    inline, maybe on several threads, when there is no broker). Reusing them saves about a
    tenth of a render's CPU (issue 16: parsing and compiling the stylesheet's selectors,
    and setting up fontconfig, every time). A changed pdf.css is read when the process
    starts again, as a changed template or module is."""

    stylesheet: CSS | None = None
    fonts: FontConfiguration | None = None


_prepared = _Prepared()


def stylesheet_and_fonts() -> tuple[CSS, FontConfiguration]:
    if _prepared.stylesheet is None:
        fonts = FontConfiguration()
        _prepared.stylesheet = CSS(url=STYLESHEET, url_fetcher=AppOnlyFetcher(),
                                   font_config=fonts)
        _prepared.fonts = fonts
    return _prepared.stylesheet, _prepared.fonts


def freeze_long_lived_objects() -> None:
    """For a process that renders PDF after PDF (a Celery pool process): what it holds once
    started (Django, the apps, WeasyPrint's modules) lives as long as the process, so it
    is moved out of the garbage collector's sight. Each render used to end up in a full
    collection that walked all of it again: about 0.1 CPU-s of a 0.75 s render (issue 16).
    A render's own objects are collected as before."""
    gc.collect()
    gc.freeze()


def plan_html(*, plan_id: int, language: str, with_images: bool = True) -> str:
    with translation.override(language):
        context = pdf_context(plan_for_pdf(plan_id), with_images=with_images)
        return render_to_string(TEMPLATE, {**context, "LANGUAGE_CODE": language})


def html_to_pdf(html: str) -> RenderedPdf:
    """The document with the app's print stylesheet (the template links none: it is given
    here, parsed once per thread)."""
    stylesheet, fonts = stylesheet_and_fonts()
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=AppOnlyFetcher()).render(
        stylesheets=[stylesheet], font_config=fonts)
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


def plan_pdf(*, plan_id: int, language: str, with_images: bool = True) -> RenderedPdf:
    return html_to_pdf(plan_html(plan_id=plan_id, language=language, with_images=with_images))
