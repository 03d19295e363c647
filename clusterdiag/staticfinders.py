"""Serve plotly.js from the installed plotly package, so the browser always gets the
plotly.js that matches the Python plotly that builds the figures (and no CDN is needed)."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly/plotly.min.js"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=Path(plotly.__file__).parent / "package_data")
        self.storage.prefix = str(Path(PLOTLY_STATIC_PATH).parent)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        found = self.storage.path(Path(PLOTLY_STATIC_PATH).name)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield Path(PLOTLY_STATIC_PATH).name, self.storage
