"""Every text the site shows exists in every language of settings.LANGUAGES: the
interface's messages, the questionnaire, the playbook, the study and the scoring method,
in their data files and in the database after migrate. A language added to LANGUAGES
without its translations and data fails here."""

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings

from clusterdiag.fields import TextsField
from clusterdiag.language import FALLBACK, is_texts

ROOT = Path(settings.BASE_DIR)
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != FALLBACK]
DATA_FILES = sorted([*ROOT.glob("diagnostic/questionnaire/v*.json"),
                     *ROOT.glob("plans/playbook/v*.json"), *ROOT.glob("benchmark/data/*.json")])


def untranslated(po_file: Path) -> list[str]:
    """The msgids of a catalogue without a translation, or marked fuzzy."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle, ignore_obsolete=True)
    missing = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(str(message.id))
    return missing


def texts_lacking(value, language: str, path: str = "") -> list[str]:
    """Where, in a data file's value, a text that has English lacks `language`."""
    if is_texts(value):
        return [path] if value.get(FALLBACK) and not value.get(language) else []
    if isinstance(value, dict):
        return [p for key, item in value.items()
                for p in texts_lacking(item, language, f"{path}/{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value)
                for p in texts_lacking(item, language, f"{path}/{index}")]
    return []


def text_fields():
    """(model, field name) of every text kept in every language (history tables keep the
    texts as they were, and are left out)."""
    return [(model, field.name) for model in apps.get_models()
            if not hasattr(model, "instance_type")
            for field in model._meta.concrete_fields if isinstance(field, TextsField)]


def test_there_is_a_language_besides_english():
    assert OTHER_LANGUAGES


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_is_translated(language):
    po_file = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"

    assert po_file.exists()
    assert untranslated(po_file) == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("data_file", DATA_FILES, ids=lambda p: p.name)
def test_every_text_of_the_data_files_has_the_language(data_file, language):
    data = json.loads(data_file.read_text(encoding="utf-8"))

    assert texts_lacking(data, language) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_text_in_the_database_has_the_language(language):
    lacking = {f"{model.__name__}.{name}": list(
        model.objects.exclude(**{name: {}}).exclude(**{f"{name}__has_key": language})
        .values_list("pk", flat=True)[:5]) for model, name in text_fields()}

    assert len(lacking) >= 15
    assert {where: pks for where, pks in lacking.items() if pks} == {}
