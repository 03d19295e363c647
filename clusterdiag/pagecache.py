"""Whole pages of a manager's journey kept between two writes to the database.

A page is kept per reader, host and address, language and day, under the database's write
generation: PostgreSQL's current snapshot (pg_current_snapshot()), whose text changes
whenever any transaction that wrote anything commits, on any host. So a kept page is
served only while nothing at all was written since it was drawn; the first request after
any change draws it anew, access check included. Per-page lists of what each page reads
would keep pages longer on a busy site, but one forgotten table would show stale data:
this rule cannot forget one. The snapshot is the whole PostgreSQL server's: writes to its
other databases count too, so pages stay kept longest on a server of ClusterDiag's own.

What is not kept: anything but a GET of a logged-in reader answered 200 with HTML and no
cookie of its own; a request with messages waiting (they are shown once); a request inside
a transaction (its own writes, not yet committed, do not change the snapshot); any
database but PostgreSQL (SQLite, the development default, has no such counter).

The reader's CSRF token is the one part of a page that is each request's own: the kept
HTML has a mark in its place, and each request gets its own token there, as a page drawn
for it would (which also sets the CSRF cookie as usual)."""

import functools
import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.template.backends.utils import csrf_input
from django.utils import timezone

from .language import active_language

# Django's {% csrf_token %} (and crispy-forms, which calls it) writes exactly this.
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
CSRF_MARK = "<!--csrf-input-->"
# Headers a kept page is served with again; the middleware adds the rest to each response.
KEPT_HEADERS = ("Content-Type", "Content-Language")


def write_generation() -> str | None:
    """The database's write generation, or None when it has none (not PostgreSQL, or in a
    transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(messages.get_messages(request)) > 0


def _key(request, generation: str) -> str:
    user = request.user
    parts = [user.pk, request.get_host(), request.get_full_path(), active_language(),
             timezone.localdate().isoformat(), generation]
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _keepable(request, response) -> bool:
    storage = getattr(request, "_messages", None)
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and response.get("Content-Type", "").startswith("text/html")
            # Messages added while drawing the page were shown in it, once.
            and not (storage is not None and storage.used))


def kept_page(view):
    """Serve the view's page from the page cache while nothing was written since it was
    drawn (see the module's text); otherwise call the view, and keep what it drew."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (not settings.PAGE_CACHE or request.method != "GET"
                or not request.user.is_authenticated or _messages_waiting(request)):
            return view(request, *args, **kwargs)
        generation = write_generation()
        if generation is None:
            return view(request, *args, **kwargs)
        cache = caches["pages"]
        key = _key(request, generation)
        kept = cache.get(key)
        if kept is not None:
            html, headers = kept
            response = HttpResponse(html.replace(CSRF_MARK, csrf_input(request)))
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            html = CSRF_INPUT.sub(CSRF_MARK, response.content.decode(response.charset))
            cache.set(key, (html, {name: response[name] for name in KEPT_HEADERS
                                   if name in response}))
        return response
    return wrapper
