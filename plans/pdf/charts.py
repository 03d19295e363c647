"""The plan's charts as JPEG images, exported from the same plotly figures the site draws.

kaleido drives Debian's Chromium. A Celery worker keeps one browser warm per pool process
(started in tasks.py on worker_process_init), with plotly.js loaded once in its page.
Rendering without that browser (no broker: inline in the web process) opens one browser
for all the charts of the document. Any failure leaves the chart out: the PDF always has
the same figures in a table, so a missing browser costs a picture, never the document."""

import asyncio
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import kaleido

logger = logging.getLogger(__name__)

SCALE = 2  # sharp when printed
# JPEG, not PNG: WeasyPrint embeds a JPEG as it is, while it decodes every PNG and encodes
# it again, its alpha channel apart (about a tenth of a render's CPU). The charts have a
# white background (benchmark/charts.py), so nothing is lost with the transparency.
FORMAT, MEDIA_TYPE = "jpeg", "image/jpeg"
TIMEOUT = 120  # seconds for a document's charts, browser start included
# kaleido reloads its page after every figure, and with it its 4.6 MB plotly.js: about
# 0.3 s of Chromium CPU a chart, most of what a plan's five charts cost under load (issue
# 16). The page is kept for this many figures, then reloaded so that it cannot only grow.
RELOAD_EVERY = 50


class PageKeepingKaleido(kaleido.Kaleido):
    """kaleido (pinned: this overrides the hook its 1.5 release calls after each figure)
    that reloads its page every RELOAD_EVERY figures instead of after each one."""

    figures_since_reload = 0

    async def _return_kaleido_tab(self, tab) -> None:
        self.figures_since_reload += 1
        if self.figures_since_reload >= RELOAD_EVERY:
            self.figures_since_reload = 0
            await tab.reload()
        await self.tabs_ready.put(tab)


def _opts(width: int, height: int) -> dict:
    return {"format": FORMAT, "width": width, "height": height, "scale": SCALE}


async def _export_all(browser: kaleido.Kaleido, figures: list[tuple[dict, int, int]]
                      ) -> list[bytes]:
    return [await browser.calc_fig(figure, opts=_opts(width, height))
            for figure, width, height in figures]


async def _all_in_one_browser(figures: list[tuple[dict, int, int]]) -> list[bytes]:
    async with PageKeepingKaleido(n=1) as browser:
        return await _export_all(browser, figures)


class WarmBrowser:
    """One Chromium page kept open by an event loop in a thread of its own, for a
    process that renders many documents (a Celery pool process). Opening returns at once
    (the pool gives a new process only seconds to start): the first export waits for it."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="pdf-charts")
        self.thread.start()
        self.browser: Future = asyncio.run_coroutine_threadsafe(self._open(), self.loop)

    @staticmethod
    async def _open() -> kaleido.Kaleido:
        browser = PageKeepingKaleido(n=1)
        await browser.open()
        return browser

    def export(self, figures: list[tuple[dict, int, int]]) -> list[bytes]:
        browser = self.browser.result(timeout=TIMEOUT)
        return asyncio.run_coroutine_threadsafe(_export_all(browser, figures),
                                                self.loop).result(timeout=TIMEOUT)

    def close(self) -> None:
        try:  # a process that stops waits half a minute at most for its browser
            browser = self.browser.result(timeout=30)
            asyncio.run_coroutine_threadsafe(browser.close(), self.loop).result(timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


_warm: WarmBrowser | None = None  # this process keeps a browser (a Celery pool process)


def _key(figure: dict, width: int, height: int) -> str:
    text = json.dumps([figure, width, height, SCALE, FORMAT], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# The images last exported in this process, by figure: a plan asked for again after an edit
# keeps its results charts (radar, position), which are most of a render's time.
_exported: OrderedDict[str, bytes] = OrderedDict()
KEPT = 48


def export_images(figures: list[tuple[dict, int, int]]) -> list[str | None]:
    """The key of each (figure, width, height)'s image, kept in this process for the
    render that asked (exported_image), or None where the export failed."""
    keys = [_key(*figure) for figure in figures]
    missing = [(key, figure) for key, figure in zip(keys, figures, strict=True)
               if key not in _exported]
    for (key, _figure), image in zip(missing, _export([f for _k, f in missing]), strict=True):
        if image is not None:
            _exported[key] = image
    found = [key if key in _exported else None for key in keys]
    for key in keys:
        if key in _exported:
            _exported.move_to_end(key)
    while len(_exported) > KEPT:
        _exported.popitem(last=False)
    return found


def exported_image(key: str) -> bytes | None:
    """An image exported in this process (the document's fetcher asks for it by key)."""
    return _exported.get(key)


def _export(figures: list[tuple[dict, int, int]]) -> list[bytes | None]:
    if not figures:
        return []
    try:
        if _warm is not None:
            return _warm.export(figures)
        # A thread of its own: the caller may already run an event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _all_in_one_browser(figures)).result(TIMEOUT)
    except Exception:  # any failure of the browser costs the pictures only
        logger.exception("chart export failed; the PDF is made without chart images")
        if _warm is not None:  # its page may be in any state: the next render gets a new one
            stop_warm_browser()
            start_warm_browser()
        return [None] * len(figures)


def start_warm_browser() -> None:
    global _warm
    try:
        _warm = WarmBrowser()
    except Exception:
        logger.exception("could not start the charts' browser; each render opens one")


def stop_warm_browser() -> None:
    global _warm
    warm, _warm = _warm, None
    if warm is None:
        return
    try:
        warm.close()
    except Exception:
        logger.exception("could not stop the charts' browser")
