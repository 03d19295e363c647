"""What a render costs (issue 16): the print stylesheet is parsed once per process and
reused, with the same document as a linked one; the charts are linked, not inlined."""

import re

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from plans.pdf import fetcher, render
from tests.factories import plan_for

from .pdf_support import (  # noqa: F401 - warm_browser is used through usefixtures
    pdf_images,
    pdf_page_sizes,
    pdf_page_texts,
    warm_browser,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_browser")]

STYLESHEET = fetcher.STATIC_BASE + "css/pdf.css"


def test_after_the_first_render_the_stylesheet_is_not_fetched_again(team, monkeypatch):
    plan = plan_for(team)
    render.plan_pdf(plan_id=plan.pk, language="en", with_images=False)
    fetched = []
    fetch = fetcher.AppOnlyFetcher.fetch

    def counted(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(fetcher.AppOnlyFetcher, "fetch", counted)

    again = render.plan_pdf(plan_id=plan.pk, language="en", with_images=False)
    german = render.plan_pdf(plan_id=plan.pk, language="de", with_images=False)

    assert [url for url in fetched if url.endswith(".css")] == []
    assert again.pages >= 5 and german.pages >= 5


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_reused_stylesheet_gives_the_same_pages_as_a_linked_one(team, language):
    """Same page count, page sizes (the landscape action table) and text on every page
    (running title and page numbers included), on a second render with the kept
    stylesheet as with the stylesheet linked from the page and parsed for it."""
    plan = plan_for(team)
    html = render.plan_html(plan_id=plan.pk, language=language)
    linked = HTML(string=html.replace(
        "</head>", f'<link rel="stylesheet" href="{STYLESHEET}"></head>', 1),
        base_url=fetcher.STATIC_BASE, url_fetcher=fetcher.AppOnlyFetcher()).write_pdf()

    render.html_to_pdf(html)
    reused = render.html_to_pdf(html)

    assert reused.pages == len(pdf_page_texts(linked)) >= 5
    assert pdf_page_sizes(reused.content) == pdf_page_sizes(linked)
    assert len(set(pdf_page_sizes(linked))) == 2  # A4 upright and landscape
    assert pdf_page_texts(reused.content) == pdf_page_texts(linked)


def _tables(box):
    if isinstance(box, boxes.TableBox):
        yield box
    for child in getattr(box, "children", []):
        yield from _tables(child)


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_table_takes_the_widths_of_its_columns(team, language):
    """Fixed table layout (issue 16): every table of the PDF names its columns (<col>), as
    many as its rows have cells, and WeasyPrint takes their widths instead of measuring
    the text of every cell. A table added without them would cost that measure again."""
    plan = plan_for(team)
    html = render.plan_html(plan_id=plan.pk, language=language, with_images=False)
    stylesheet, fonts = render.stylesheet_and_fonts()
    document = HTML(string=html, base_url=fetcher.STATIC_BASE,
                    url_fetcher=fetcher.AppOnlyFetcher()).render(
        stylesheets=[stylesheet], font_config=fonts)

    tables = [table for page in document.pages for table in _tables(page._page_box)]
    assert len({table.element for table in tables}) >= 10  # cover to milestones
    for table in tables:
        columns = [column for group in table.column_groups for column in group.children]
        assert table.style["table_layout"] == "fixed", table.element.get("class")
        assert table.style["width"] != "auto", table.element.get("class")
        assert len(columns) == len(table.column_widths), table.element.get("class")


def test_the_charts_are_linked_and_served_from_memory_not_inlined(team):
    """A chart as a data: URI was read character by character by WeasyPrint's HTML
    parser (a few hundredths of a second a render); the fetcher now serves it from the
    images the render exported."""
    plan = plan_for(team)
    html = render.plan_html(plan_id=plan.pk, language="en")

    urls = re.findall(re.escape(fetcher.CHARTS_BASE) + r"[0-9a-f]{64}\.jpeg", html)
    assert len(urls) >= 2 and "data:" not in html
    served = fetcher.AppOnlyFetcher().fetch(urls[0])
    assert served.content_type == "image/jpeg" and served.read().startswith(b"\xff\xd8")
    assert len(pdf_images(render.html_to_pdf(html).content)) == len(set(urls))


@pytest.mark.parametrize("url", [
    fetcher.CHARTS_BASE + "0" * 64 + ".jpeg", fetcher.CHARTS_BASE + "../css/pdf.css",
    fetcher.CHARTS_BASE, "https://clusterdiag.invalid/pdf-charts-x/" + "0" * 64 + ".jpeg",
])
def test_the_fetcher_refuses_a_chart_that_this_process_did_not_export(url):
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.AppOnlyFetcher().fetch(url)
