"""The plan's charts as PNG images, exported from the same plotly figures the site draws.

kaleido drives Debian's Chromium. A Celery worker keeps one browser warm per pool process
(started in tasks.py on worker_process_init): about 0.15 s a chart instead of about 2 s.
Rendering without that server (no broker: inline in the web process) opens one browser for
all the charts of the document. Any failure leaves the chart out: the PDF always has the
same figures in a table, so a missing browser costs a picture, never the document."""

import asyncio
import base64
import hashlib
import json
import logging
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import kaleido

logger = logging.getLogger(__name__)

SCALE = 2  # sharp when printed
_warm = False  # this process started kaleido's server (a Celery pool process)


def _opts(width: int, height: int) -> dict:
    return {"format": "png", "width": width, "height": height, "scale": SCALE}


async def _all_in_one_browser(figures: list[tuple[dict, int, int]]) -> list[bytes]:
    async with kaleido.Kaleido(n=1) as browser:
        return [await browser.calc_fig(figure, opts=_opts(width, height))
                for figure, width, height in figures]


def _key(figure: dict, width: int, height: int) -> str:
    text = json.dumps([figure, width, height, SCALE], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# The PNGs last exported in this process, by figure: a plan asked for again after an edit
# keeps its results charts (radar, position), which are most of a render's time.
_exported: OrderedDict[str, bytes] = OrderedDict()
KEPT = 48


def export_png(figures: list[tuple[dict, int, int]]) -> list[bytes | None]:
    """PNG bytes for each (figure, width, height), None where the export failed."""
    keys = [_key(*figure) for figure in figures]
    missing = [(key, figure) for key, figure in zip(keys, figures, strict=True)
               if key not in _exported]
    for (key, _figure), png in zip(missing, _export([f for _k, f in missing]), strict=True):
        if png is not None:
            _exported[key] = png
    found = [_exported.get(key) for key in keys]
    for key in keys:
        if key in _exported:
            _exported.move_to_end(key)
    while len(_exported) > KEPT:
        _exported.popitem(last=False)
    return found


def _export(figures: list[tuple[dict, int, int]]) -> list[bytes | None]:
    if not figures:
        return []
    try:
        if _warm:  # the worker's warm browser
            return [kaleido.calc_fig_sync(figure, opts=_opts(width, height))
                    for figure, width, height in figures]
        # A thread of its own: the caller may already run an event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _all_in_one_browser(figures)).result(timeout=120)
    except Exception:  # any failure of the browser costs the pictures only
        logger.exception("chart export failed; the PDF is made without chart images")
        return [None] * len(figures)


def data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else ""


def start_warm_browser() -> None:
    global _warm
    try:
        kaleido.start_sync_server(silence_warnings=True)
        _warm = True
    except Exception:
        logger.exception("could not start kaleido; charts will open a browser each time")


def stop_warm_browser() -> None:
    global _warm
    _warm = False
    try:
        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:
        logger.exception("could not stop kaleido")
