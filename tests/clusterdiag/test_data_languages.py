"""Every text kept as data carries every language of the site (issue 14, section 4).

A text is a dict whose keys are language codes ({"en": ..., "fr": ..., "de": ...}); the
walk finds them at any depth of the data files. A text is either written in every
language or deliberately empty in every language (a figure without a caveat): a text
written in some languages only is a missing translation.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "fr", "de")
KNOWN_CODES = {"en", "fr", "de", "it", "es", "nl", "pl"}

# Every file of the data folders, so that a new questionnaire, playbook or method version
# is checked without being listed here.
DATA_DIRS = ["diagnostic/questionnaire", "plans/playbook", "benchmark/data"]
DATA_FILES = sorted(str(p.relative_to(ROOT)) for d in DATA_DIRS for p in (ROOT / d).glob("*.json"))


def test_the_data_files_are_found():
    assert {"diagnostic/questionnaire/v1.json", "diagnostic/questionnaire/v2.json",
            "plans/playbook/v1.json", "benchmark/data/study_2007.json",
            "benchmark/data/method_2026_1.json"} <= set(DATA_FILES)


def language_dicts(node, path="$"):
    """(path, dict) of every language dict in a JSON tree."""
    if isinstance(node, dict):
        if node and set(node) <= KNOWN_CODES and "en" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from language_dicts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from language_dicts(value, f"{path}[{index}]")


def missing_languages(texts: dict) -> list[str]:
    written = [code for code in LANGUAGES
               if isinstance(texts.get(code), str) and texts[code].strip()]
    if not written:  # deliberately empty in every language
        return [code for code in LANGUAGES if code not in texts]
    return [code for code in LANGUAGES if code not in written]


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_text_of_a_data_file_has_every_language(name):
    data = json.loads((ROOT / name).read_text(encoding="utf-8"))
    texts = list(language_dicts(data))
    assert texts, f"{name}: no language dict found"
    gaps = [f"{path}: {', '.join(missing)}" for path, t in texts
            if (missing := missing_languages(t))]
    assert not gaps, f"{name}: {len(gaps)} texts lack a language:\n" + "\n".join(gaps[:40])


@pytest.mark.parametrize("name", DATA_FILES)
def test_languages_are_in_the_order_en_fr_de(name):
    """The files stay diffable: each text lists its languages in one order."""
    data = json.loads((ROOT / name).read_text(encoding="utf-8"))
    wrong = [path for path, t in language_dicts(data)
             if [c for c in t if c in LANGUAGES] != [c for c in LANGUAGES if c in t]]
    assert not wrong, f"{name}: languages out of order at {wrong[:10]}"


def test_the_walk_finds_nested_texts_and_reports_a_missing_language():
    data = {"a": [{"label": {"en": "Yes", "fr": "Oui"}},
                  {"x": {"y": {"en": "", "fr": "", "de": ""}}}]}
    found = dict(language_dicts(data))
    assert set(found) == {"$.a[0].label", "$.a[1].x.y"}
    assert missing_languages(found["$.a[0].label"]) == ["de"]
    assert missing_languages(found["$.a[1].x.y"]) == []
    assert missing_languages({"en": "Yes", "fr": "", "de": "Ja"}) == ["fr"]
