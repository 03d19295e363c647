"""The 2007 study for German readers: its German words are glossed for English and French
readers and shown as they are to German readers (whose gloss in the data file is the
original wording itself); its ranks read as German ordinals."""

import json
from pathlib import Path
from types import SimpleNamespace

from django.utils import translation

from benchmark.results import ordinal, quoted_original

DATA = Path(__file__).resolve().parents[2] / "benchmark" / "data" / "study_2007.json"


def test_a_gloss_in_another_language_follows_the_original():
    figure = SimpleNamespace(original_wording="ein knappes Drittel", gloss="just under a third")
    with translation.override("en"):
        assert quoted_original(figure) == "“ein knappes Drittel”: just under a third"


def test_a_gloss_equal_to_the_original_is_not_repeated():
    figure = SimpleNamespace(original_wording="ein knappes Drittel", gloss="ein knappes Drittel")
    with translation.override("en"):
        assert quoted_original(figure) == "“ein knappes Drittel”"


def test_the_data_file_gives_german_readers_the_original_and_others_a_gloss():
    figures = json.loads(DATA.read_text(encoding="utf-8"))["figures"]
    glossed = [f for f in figures if f.get("original_wording")]
    assert glossed
    for f in glossed:
        assert f["gloss"]["de"] == f["original_wording"], f["option_key"]
        assert f["gloss"]["en"] != f["original_wording"], f["option_key"]
        assert f["gloss"]["fr"] != f["original_wording"], f["option_key"]


def test_ranks_read_as_german_ordinals():
    with translation.override("de"):
        assert [ordinal(n) for n in (1, 2, 3, 4)] == ["1.", "2.", "3.", "4."]
    with translation.override("en"):
        assert ordinal(2) == "2nd"
