"""The ranked list of candidate partners for a published profile, computed in one database
query whatever the number of profiles: every factor is an annotation, the score is their
sum, the database sorts and pages.

On PostgreSQL the themes and the offers/seeks texts are matched with full-text search, each
profile's texts in the text search configuration of their language (its words and their
variants). SQLite has no full-text search: there the texts are left out and the page says
so; every other factor is the same."""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django_countries import countries

from .models import Block, Interest, PartnerProfile, PartnerType, Phase, SectorWish

# The text search configuration of each language the texts may be written in. German is
# not a language of the site yet: its profiles will be matched with "german" as soon as
# settings.LANGUAGES offers it. Any other language falls back to "simple" (no stemming).
TEXT_SEARCH_CONFIGS = {"en": "english", "fr": "french", "de": "german"}
FALLBACK_CONFIG = "simple"
# Points of each factor; they add up to 100.
WEIGHTS = {"themes": 20, "offers_seeks": 20, "countries": 20, "partner_types": 16,
           "languages": 12, "phase": 6, "sector": 6}
TEXT_FACTORS = ("themes", "offers_seeks")
# A text's words that are matched: the first ones of at least 3 letters.
MAX_WORDS = 12
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
PHASE_ORDER = list(Phase.values)


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


def max_points() -> int:
    return sum(v for k, v in WEIGHTS.items() if full_text_search() or k not in TEXT_FACTORS)


# Words that say nothing of a theme, in the languages of the site.
STOP_WORDS = {"and", "the", "for", "with", "our", "new", "from", "des", "les", "pour", "avec",
              "une", "dans", "nos", "sur", "aux", "und", "der", "die", "das", "mit", "für"}


def words(text: str) -> list[str]:
    """The distinct words of a text that are matched against other profiles."""
    found = dict.fromkeys(w.lower() for w in WORD.findall(text or "")
                          if w.lower() not in STOP_WORDS)
    return list(found)[:MAX_WORDS]


def _config_case(vector: str, term_sql) -> tuple[str, list]:
    """CASE over the candidate's text language: the SQL that `term_sql(column, config)`
    returns, with the configuration of that language (its parameters in order)."""
    table = PartnerProfile._meta.db_table
    column = f'"{table}"."{vector}"'
    branches, params = [], []
    for code, config in TEXT_SEARCH_CONFIGS.items():
        sql, more = term_sql(column, config)
        branches.append(f"WHEN '{code}' THEN {sql}")
        params += [*more]
    sql, more = term_sql(column, FALLBACK_CONFIG)
    return (f'CASE "{table}"."text_language" {" ".join(branches)} ELSE {sql} END',
            [*params, *more])


def _any_of(terms, config) -> tuple[str, list]:
    """One query matching any of the terms (tsquery's "or"), folded into a constant."""
    return " || ".join(f"plainto_tsquery('{config}', %s)" for _term in terms), list(terms)


def _matched_count(vector: str, terms: list[str]) -> RawSQL:
    """How many of the terms the candidate's text holds, each term a query in the
    configuration of the candidate's language. Rows that hold none are settled by one
    match against all the terms at once."""
    def term_sql(column, config):
        any_sql, params = _any_of(terms, config)
        each = " + ".join(f"({column} @@ plainto_tsquery('{config}', %s))::int"
                          for _term in terms)
        return f"CASE WHEN {column} @@ ({any_sql}) THEN {each} ELSE 0 END", params + terms

    sql, params = _config_case(vector, term_sql)
    # Only the fixed configuration and column names are written into the SQL; every term
    # is a parameter.
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611


def _matched_words(vector: str, terms: list[str]) -> RawSQL:
    """The terms the candidate's text holds, as an array (for the page's rows only)."""
    def term_sql(column, config):
        items = [f"CASE WHEN {column} @@ plainto_tsquery('{config}', %s) THEN %s END"
                 for _term in terms]
        return (f"array_remove(ARRAY[{', '.join(items)}]::text[], NULL)",
                [x for term in terms for x in (term, term)])

    sql, params = _config_case(vector, term_sql)
    return RawSQL(sql, params)  # noqa: S611


def _contains_key(field_name: str, key: str) -> Q:
    return Q(**{f"{field_name}__contains": f",{key},"})


def _count_of(conditions: list[Q]) -> object:
    """How many of the conditions hold, as an SQL sum."""
    total = Value(0)
    for condition in conditions:
        total = total + Case(When(condition, then=Value(1)), default=Value(0),
                             output_field=IntegerField())
    return total


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0),
                output_field=IntegerField())


def _sector_ok(viewer: PartnerProfile) -> Q:
    """The candidate's sector is what the viewer asked, and the viewer's what it asked."""
    mine = {SectorWish.SAME: Q(sector=viewer.sector),
            SectorWish.COMPLEMENTARY: ~Q(sector=viewer.sector)}.get(viewer.sector_wish, Q())
    theirs = (Q(sector_wish=SectorWish.ANY)
              | Q(sector_wish=SectorWish.SAME, sector=viewer.sector)
              | (Q(sector_wish=SectorWish.COMPLEMENTARY) & ~Q(sector=viewer.sector)))
    return mine & theirs


def _visible(viewer: PartnerProfile, *, country="", sector="", phase=""):
    """The published profiles the viewer may see. Blocks work both ways: neither side sees
    the other."""
    queryset = (PartnerProfile.objects.published().exclude(cluster_id=viewer.cluster_id)
                .exclude(cluster__in=Block.objects.filter(blocked_id=viewer.cluster_id)
                         .values("cluster_id"))
                .exclude(cluster__in=Block.objects.filter(cluster_id=viewer.cluster_id)
                         .values("blocked_id")))
    if country:
        queryset = queryset.filter(country=country)
    if sector:
        queryset = queryset.filter(sector=sector)
    if phase:
        queryset = queryset.filter(phase=phase)
    return queryset


def _terms(viewer: PartnerProfile) -> dict:
    """Per text factor: the candidate's vector and the viewer's words matched against it."""
    return {"themes": ("themes_vector", words(viewer.themes)),
            "offers": ("offers_vector", words(viewer.seeks)),  # what they offer, we seek
            "seeks": ("seeks_vector", words(viewer.offers))}  # what they seek, we offer


def _factors(viewer: PartnerProfile) -> dict:
    """The annotations of every factor but the texts."""
    sought, offered = viewer.sought_types(), viewer.offered_types()
    position = PHASE_ORDER.index(viewer.phase) if viewer.phase in PHASE_ORDER else 0
    near = [p for i, p in enumerate(PHASE_ORDER) if abs(i - position) == 1]
    return {
        "they_offer": _count_of([_contains_key("partner_types_offered", k) for k in sought]),
        "they_seek": _count_of([_contains_key("partner_types_sought", k) for k in offered]),
        "shared_languages": _count_of([_contains_key("working_languages", k)
                                       for k in viewer.languages()]),
        "we_target_them": Case(When(country__in=viewer.countries_targeted() or [""],
                                    then=Value(True)), default=Value(False),
                               output_field=BooleanField()),
        "they_target_us": Case(When(_contains_key("target_countries", str(viewer.country)),
                                    then=Value(True)), default=Value(False),
                               output_field=BooleanField()),
        "phase_points": Case(When(phase=viewer.phase, then=Value(WEIGHTS["phase"])),
                             When(phase__in=near or [""], then=Value(WEIGHTS["phase"] // 2)),
                             default=Value(0), output_field=IntegerField()),
        "sector_ok": Case(When(_sector_ok(viewer), then=Value(True)), default=Value(False),
                          output_field=BooleanField()),
    }


TEXT_WEIGHTS = {"themes": WEIGHTS["themes"], "offers": WEIGHTS["offers_seeks"] // 2,
                "seeks": WEIGHTS["offers_seeks"] // 2}


def ranked(viewer: PartnerProfile, *, country="", sector="", phase=""):
    """The ids of the profiles the viewer may see, best first, ranked in one query: every
    factor and the score are computed by the database, which sorts (and the caller
    pages)."""
    annotations = _factors(viewer)
    score = (_points(Q(we_target_them=True), WEIGHTS["countries"] // 2)
             + _points(Q(they_target_us=True), WEIGHTS["countries"] // 2)
             + _points(Q(they_offer__gt=0), WEIGHTS["partner_types"] // 2)
             + _points(Q(they_seek__gt=0), WEIGHTS["partner_types"] // 2)
             + _points(Q(shared_languages__gt=0), WEIGHTS["languages"])
             + _points(Q(sector_ok=True), WEIGHTS["sector"])
             + F("phase_points"))
    if full_text_search():
        for name, (vector, terms) in _terms(viewer).items():
            if terms:
                annotations[f"{name}_count"] = _matched_count(vector, terms)
                score = score + (Cast(F(f"{name}_count"), FloatField())
                                 * Value(TEXT_WEIGHTS[name] / len(terms)))
    return (_visible(viewer, country=country, sector=sector, phase=phase)
            .annotate(**annotations).annotate(score=score)
            .order_by("-score", "name", "pk").values_list("pk", flat=True))


def details(viewer: PartnerProfile, ids: list[int]) -> list[PartnerProfile]:
    """The profiles of one page, in the order of `ids`, with what each factor rests on
    (the words found, whether an interest was sent or received): one query."""
    annotations = {
        **_factors(viewer),
        "interest_sent": Exists(Interest.objects.filter(from_cluster_id=viewer.cluster_id,
                                                        to_cluster_id=OuterRef("cluster_id"))),
        "interest_received": Exists(Interest.objects.filter(
            from_cluster_id=OuterRef("cluster_id"), to_cluster_id=viewer.cluster_id)),
    }
    text = full_text_search()
    for name, (vector, terms) in _terms(viewer).items():
        annotations[f"{name}_found"] = (_matched_words(vector, terms) if text and terms
                                        else Value(0))
    rows = {row.pk: row for row in PartnerProfile.objects.filter(pk__in=ids)
            .defer("themes_vector", "offers_vector", "seeks_vector").annotate(**annotations)}
    return [rows[pk] for pk in ids if pk in rows]


# --- Reasons, for the page ------------------------------------------------------------------

@dataclass
class Factor:
    key: str
    label: str
    points: float
    weight: int
    detail: str
    fits: bool = field(init=False)

    def __post_init__(self):
        self.fits = self.points > 0


def _names(keys, labels) -> str:
    return ", ".join(str(labels.get(k, k)) for k in keys)


def explain(viewer: PartnerProfile, row: PartnerProfile) -> list[Factor]:
    """Every factor of a candidate's score, with what it rests on, in the reader's
    language. Pure: reads the annotations of the row."""
    types = dict(PartnerType.choices)
    factors = []
    text = full_text_search()
    if text:
        themes = list(row.themes_found or []) if isinstance(row.themes_found, list) else []
        offers = list(row.offers_found or []) if isinstance(row.offers_found, list) else []
        seeks = list(row.seeks_found or []) if isinstance(row.seeks_found, list) else []
        n_themes, n_seek, n_offer = (len(words(viewer.themes)), len(words(viewer.seeks)),
                                     len(words(viewer.offers)))
        factors.append(Factor(
            "themes", _("Themes"),
            WEIGHTS["themes"] * len(themes) / n_themes if n_themes else 0, WEIGHTS["themes"],
            _("Your theme words found in theirs: %(words)s") % {"words": ", ".join(themes)}
            if themes else _("None of your theme words is in their themes.")))
        half = WEIGHTS["offers_seeks"] // 2
        points = ((half * len(offers) / n_seek if n_seek else 0)
                  + (half * len(seeks) / n_offer if n_offer else 0))
        parts = []
        if offers:
            parts.append(_("what you seek, in what they offer: %(words)s")
                         % {"words": ", ".join(offers)})
        if seeks:
            parts.append(_("what you offer, in what they seek: %(words)s")
                         % {"words": ", ".join(seeks)})
        factors.append(Factor("offers_seeks", _("Offers and needs"), points,
                              WEIGHTS["offers_seeks"], "; ".join(parts) if parts else
                              _("Their offers and needs share no word with yours.")))
    half = WEIGHTS["countries"] // 2
    country_parts = []
    if row.we_target_them:
        country_parts.append(_("you target %(country)s") % {"country": row.country.name})
    if row.they_target_us:
        country_parts.append(_("they target %(country)s")
                             % {"country": countries.name(viewer.country)})
    factors.append(Factor("countries", _("Target countries"),
                          half * (row.we_target_them + row.they_target_us), WEIGHTS["countries"],
                          "; ".join(country_parts) if country_parts
                          else _("Neither of you targets the other's country.")))
    half = WEIGHTS["partner_types"] // 2
    offered_to_us = [k for k in viewer.sought_types() if k in row.offered_types()]
    sought_of_us = [k for k in viewer.offered_types() if k in row.sought_types()]
    type_parts = []
    if offered_to_us:
        type_parts.append(_("they offer what you seek: %(types)s")
                          % {"types": _names(offered_to_us, types)})
    if sought_of_us:
        type_parts.append(_("they seek what you offer: %(types)s")
                          % {"types": _names(sought_of_us, types)})
    factors.append(Factor("partner_types", _("Partner types"),
                          half * (bool(offered_to_us) + bool(sought_of_us)),
                          WEIGHTS["partner_types"], "; ".join(type_parts) if type_parts
                          else _("No partner type sought by one is offered by the other.")))
    shared = [k for k in viewer.languages() if k in row.languages()]
    names = dict(zip(row.languages(), row.languages_display(), strict=True))
    factors.append(Factor("languages", _("Working languages"),
                          WEIGHTS["languages"] if shared else 0, WEIGHTS["languages"],
                          _("Shared: %(languages)s") % {"languages": _names(shared, names)}
                          if shared else _("No shared working language.")))
    factors.append(Factor("phase", _("Cooperation phase"), row.phase_points, WEIGHTS["phase"],
                          _("Same phase: %(phase)s") % {"phase": row.get_phase_display()}
                          if row.phase == viewer.phase else
                          _("Next to yours: %(phase)s") % {"phase": row.get_phase_display()}
                          if row.phase_points else
                          _("Far from yours: %(phase)s") % {"phase": row.get_phase_display()}))
    factors.append(Factor("sector", _("Sector"), WEIGHTS["sector"] if row.sector_ok else 0,
                          WEIGHTS["sector"],
                          _("%(sector)s: as both of you asked (you: %(mine)s; they: %(theirs)s)")
                          % {"sector": row.get_sector_display(),
                             "mine": viewer.get_sector_wish_display(),
                             "theirs": row.get_sector_wish_display()} if row.sector_ok else
                          _("%(sector)s: not what one of you asked (you: %(mine)s; they: "
                            "%(theirs)s)") % {"sector": row.get_sector_display(),
                                              "mine": viewer.get_sector_wish_display(),
                                              "theirs": row.get_sector_wish_display()}))
    return factors


def percent(score, maximum: int | None = None) -> int:
    return round(float(score) * 100 / (maximum or max_points()))
