"""The target-market shortlist: shipped data, pure scoring, and the disclosure rule."""

import pytest

from benchmark import markets
from benchmark.models import SegmentShare
from benchmark.segments import segment_key


@pytest.mark.parametrize(("text", "codes"), [
    ("English, German", {"en", "de"}),
    ("anglais et français", {"en", "fr"}),
    ("en/de", {"en", "de"}),
    ("Deutsch und Englisch", {"de", "en"}),
    ("Französisch; Niederländisch", {"fr", "nl"}),
    ("Hausdeutsch", set()),
    ("Deutsch, Englisch", {"de", "en"}),  # names in every language of the site
    ("Deutsch", {"de"}),
    ("", set()),
])
def test_working_languages_are_read_from_the_free_text(text, codes):
    assert markets.parse_languages(text) == codes


def test_official_languages_and_capital_distances_come_from_shipped_data():
    assert "fr" in markets.official_languages("BE") and "de" in markets.official_languages("AT")
    assert 850 <= markets.capital_distance_km("FR", "DE") <= 900  # Paris – Berlin
    assert markets.capital_distance_km("FR", "XX") is None


def _market(**kw):
    base = {"country": "AT", "named": True, "languages": ["de"], "shared_languages": [],
            "eu_eea": False, "distance_km": None, "member_activities": 0, "peer_share": None,
            "peer_n": None}
    return markets.Market(**{**base, **kw})


@pytest.mark.parametrize(("fields", "factors", "score"), [
    ({}, {"language": 0, "eu_eea": 0, "distance": 0, "members": 0, "peers": 0}, 0),
    ({"shared_languages": ["de"]}, {"language": 1.0}, 25),
    ({"eu_eea": True}, {"eu_eea": 1.0}, 15),
    ({"distance_km": 2500}, {"distance": 0.5}, 10),
    ({"distance_km": 9000}, {"distance": 0.0}, 0),
    ({"member_activities": 1}, {"members": 0.5}, 12),
    ({"member_activities": 5}, {"members": 1.0}, 25),
    ({"peer_share": 0.4}, {"peers": 0.4}, 6),
    ({"shared_languages": ["de"], "eu_eea": True, "distance_km": 0, "member_activities": 2,
      "peer_share": 1.0}, {"language": 1, "eu_eea": 1, "distance": 1, "members": 1, "peers": 1},
     100),
])
def test_each_factor_and_the_score(fields, factors, score):
    market = markets.score_market(_market(**fields))
    assert {k: market.factors[k] for k in factors} == factors
    assert market.score == score
    assert sum(markets.WEIGHTS.values()) == pytest.approx(1)


def test_ranking_puts_the_best_first_and_named_countries_first_on_a_tie():
    ranked = markets.rank_markets([_market(country="PL"), _market(country="SE", named=False),
                                   _market(country="DK", eu_eea=True)])
    assert [m.country for m in ranked] == ["DK", "PL", "SE"]


@pytest.mark.django_db
def test_peer_targets_are_used_only_when_published_for_enough_peers(settings):
    settings.PEER_MIN_GROUP = 5
    all_peers = segment_key()
    SegmentShare.objects.bulk_create([
        SegmentShare(cohort="live", segment=all_peers, question_key="target_countries",
                     option_key="AT", n=20, count=8),
        SegmentShare(cohort="live", segment=all_peers, question_key="target_countries",
                     option_key="PL", n=20, count=3),  # fewer than the minimum
        SegmentShare(cohort="live", segment=segment_key(sector="ict"),
                     question_key="target_countries", option_key="SE", n=6, count=6),
    ])

    shares = markets.peer_target_shares("live", ["AT", "PL", "SE"])

    assert shares == {"AT": (0.4, 20)}


@pytest.mark.django_db
def test_the_shortlist_of_a_team():
    answers = {"target_countries": ["AT", "FR", "DE"], "working_languages": "German, English",
               "past_activities": [{"actor": "x", "country": "PL", "kind": "b2b_meeting"},
                                   {"actor": "y", "country": "PL"}]}

    shortlist = markets.market_facts(home="DE", answers=answers, cohort="live")

    by_code = {m.country: m for m in shortlist}
    assert set(by_code) == {"AT", "FR", "PL"}  # the home country is not a target
    assert by_code["AT"].shared_languages == ["de"] and by_code["FR"].shared_languages == []
    assert by_code["PL"].member_activities == 2 and by_code["PL"].named is False
    assert shortlist[0].country == "AT"
