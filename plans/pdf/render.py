"""HTML (a Django template, autoescaped) to PDF with WeasyPrint, fetching only app files."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .content import pdf_context, plan_for_pdf
from .fetcher import STATIC_BASE, AppOnlyFetcher

TEMPLATE = "plans/pdf/plan.html"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def plan_html(*, plan_id: int, language: str, with_images: bool = True) -> str:
    with translation.override(language):
        context = pdf_context(plan_for_pdf(plan_id), with_images=with_images)
        return render_to_string(TEMPLATE, {**context, "static_base": STATIC_BASE,
                                           "LANGUAGE_CODE": language})


def html_to_pdf(html: str) -> RenderedPdf:
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=AppOnlyFetcher()).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


def plan_pdf(*, plan_id: int, language: str, with_images: bool = True) -> RenderedPdf:
    return html_to_pdf(plan_html(plan_id=plan_id, language=language, with_images=with_images))
