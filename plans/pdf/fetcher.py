"""What WeasyPrint may read while it renders a plan: the app's own static files, the charts
exported for it (kept in memory by charts.py) and data: URIs, nothing else. A plan holds
text its team typed; even if some of it ever reached the HTML unescaped, no address in it
could make the renderer open a file or the network."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import charts

# The document's base URL. ".invalid" is reserved (RFC 2606): it never resolves, and the
# fetcher below maps it to files found by the static finders, never to the network.
ORIGIN = "https://clusterdiag.invalid"
STATIC_BASE = ORIGIN + settings.STATIC_URL
# A chart's address: the key of an image exported in this process (charts.export_images).
CHARTS_BASE = ORIGIN + "/pdf-charts/"

CONTENT_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
                 ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


class RefusedURL(ValueError):
    """WeasyPrint logs it and leaves the resource out."""


def chart_url(key: str) -> str:
    return f"{CHARTS_BASE}{key}.{charts.FORMAT}"


def chart_image(url: str) -> bytes:
    """The exported chart behind one of our chart addresses, or RefusedURL. charts.py
    keeps the last KEPT images: one pushed out between the HTML and its render (only
    if dozens of other figures were exported meanwhile) is left out: WeasyPrint prints
    its alt text, which says the figures are in the table below."""
    key = url[len(CHARTS_BASE):].removesuffix(f".{charts.FORMAT}")
    image = charts.exported_image(key) if url.startswith(CHARTS_BASE) else None
    if image is None:
        raise RefusedURL(f"not fetched (no such chart): {url[:200]}")
    return image


def static_path(url: str) -> Path:
    """The file behind one of our static URLs, or RefusedURL."""
    if not url.startswith(STATIC_BASE):
        raise RefusedURL(f"not fetched (outside the app): {url[:200]}")
    relative = url[len(STATIC_BASE):].split("?", 1)[0].split("#", 1)[0]
    normalised = posixpath.normpath(relative)
    if normalised.startswith(("..", "/")) or "\\" in relative or "\x00" in relative:
        raise RefusedURL(f"not fetched (bad path): {url[:200]}")
    if Path(normalised).suffix.lower() not in CONTENT_TYPES:
        raise RefusedURL(f"not fetched (file type): {url[:200]}")
    found = finders.find(normalised)
    if not isinstance(found, str):  # None, or an empty list from some finders
        raise RefusedURL(f"not fetched (no such static file): {url[:200]}")
    return Path(found)


class AppOnlyFetcher(URLFetcher):
    def __init__(self):
        # data: is the only scheme the parent handles for us; nothing is ever redirected.
        super().__init__(allowed_protocols=["data"], allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(CHARTS_BASE):
            return URLFetcherResponse(url, chart_image(url), {"Content-Type": charts.MEDIA_TYPE})
        path = static_path(url)
        return URLFetcherResponse(url, path.read_bytes(),
                                  {"Content-Type": CONTENT_TYPES[path.suffix.lower()]})
