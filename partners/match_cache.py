"""What the match list keeps between requests, in the process's cache, while nothing it
depends on changes: the ranking of each viewer and filter, and each page's rows, rendered.

Every key holds data_version(), read with the viewer's profile at every request (the same
query), which changes with any saved, published, withdrawn, suspended or deleted profile,
any block, and any interest sent or received by the viewer's cluster. So a withdrawn or
suspended profile leaves every list at once, in every process, and nothing kept outlives
what it shows."""

import hashlib
import json

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import matching
from .models import Block, Interest, PartnerProfile

CACHE_SECONDS = 600
# Where the rendered rows get the reader's CSRF token: the rows are kept for the whole team
# of the viewer's cluster, the token is each reader's own. Escaped text cannot hold it (its
# "<" would read "&lt;"), so only the template's marks are replaced.
CSRF_MARK = SafeString("<!--csrf-->")


def _version_sql() -> dict[str, str]:
    """The SQL of each part of the version, as scalar subqueries of a query on the viewer's
    profile. Plain || and CAST: PostgreSQL and SQLite (which may lack concat()) alike. The
    profiles' latest change and their count are two subqueries, so that the first reads the
    last entry of the updated_at index and the second counts rows without reading their
    columns (in one, every row's texts were read up to updated_at: 6 times slower at 10,000
    profiles)."""
    profiles, blocks, interests = (PartnerProfile._meta.db_table, Block._meta.db_table,
                                   Interest._meta.db_table)
    viewer = f'"{profiles}"."cluster_id"'
    # Only the fixed table and column names are written into the SQL.
    return {
        "profiles_version": f"SELECT COALESCE((SELECT CAST(max(updated_at) AS TEXT) FROM"  # noqa: S608
                            f" {profiles}), '') || '/' || (SELECT CAST(count(*) AS TEXT)"
                            f" FROM {profiles})",
        "blocks_version": "SELECT COALESCE(CAST(max(id) AS TEXT), '') || '/'"  # noqa: S608
                          f" || CAST(count(*) AS TEXT) FROM {blocks}",
        "interests_version": "SELECT COALESCE(CAST(max(id) AS TEXT), '') || '/'"  # noqa: S608
                             f" || CAST(count(*) AS TEXT) FROM {interests}"
                             f" WHERE from_cluster_id = {viewer}"
                             f" OR to_cluster_id = {viewer}",
    }


def version_annotations() -> dict:
    """Annotations of the viewer's own profile that data_version() reads, so that the
    access check (access.get_acting_profile) and the version are one query; and whether
    an interest received waits for an answer (the list above the rows is read only then)."""
    annotations = {name: RawSQL(sql, []) for name, sql in _version_sql().items()}  # noqa: S611
    annotations["interest_pending"] = Exists(Interest.objects.filter(
        to_cluster_id=OuterRef("cluster_id"), status=Interest.Status.PENDING))
    return annotations


def data_version(viewer: PartnerProfile) -> tuple[str, str]:
    """What every ranking depends on besides the viewer, and what the viewer's rows show
    besides, from a viewer read with version_annotations()."""
    return (f"{viewer.profiles_version}|{viewer.blocks_version}", viewer.interests_version)


def _key(kind: str, *parts) -> str:
    raw = json.dumps(parts, sort_keys=True, default=str)
    return f"partners:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


def ranked_ids(viewer: PartnerProfile, *, version: tuple[str, str], **filters) -> list[int]:
    """matching.ranked() as a list, kept while no profile or block changes."""
    key = _key("ranked", viewer.pk, viewer.updated_at.isoformat(), filters, version[0],
               matching.full_text_search())
    ids = cache.get(key)
    if ids is None:
        ids = list(matching.ranked(viewer, **filters))
        cache.set(key, ids, timeout=CACHE_SECONDS)
    return ids


def page_rows(viewer: PartnerProfile, ids: list[int], *,
              version: tuple[str, str]) -> tuple[list, str]:
    """The page's rows (each profile with its factors and percentage) and their HTML,
    kept per viewer, page, filters and language while neither the profiles, the blocks
    nor the viewer's interests change. Looking the words up in each text, wording every
    factor and drawing the rows through the template language were most of the match
    list's time once its ranking was kept. The HTML has CSRF_MARK where each form's token
    goes: with_csrf() puts the reader's in."""
    key = _key("rows", viewer.pk, viewer.updated_at.isoformat(), ids, version,
               matching.full_text_search(), get_language())
    kept = cache.get(key)
    if kept is None:
        maximum = matching.max_points()
        rows = []
        for row in matching.details(viewer, ids):
            factors = matching.explain(viewer, row)
            rows.append({"profile": row, "factors": factors,
                         "percent": matching.percent(sum(f.points for f in factors), maximum)})
        html = render_to_string("partners/_match_rows.html", {
            "rows": rows, "cluster_id": viewer.cluster_id, "csrf_mark": CSRF_MARK})
        kept = (rows, str(html))
        cache.set(key, kept, timeout=CACHE_SECONDS)
    return kept


def with_csrf(html: str, request) -> SafeString:
    """The kept rows with the reader's CSRF token in each form."""
    # The HTML was rendered with autoescaping, and the token input is built by Django.
    return mark_safe(html.replace(CSRF_MARK, csrf_input(request)))  # noqa: S308
