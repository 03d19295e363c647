"""The reader's language: the one place that answers "which language?" and "this text in
it". Texts kept as data (the questionnaire, the playbook, the study) carry every language
of the site in one {"en": ..., "fr": ...} value; English is the fallback."""

from django.conf import settings
from django.utils.translation import get_language

FALLBACK = "en"
# Before the texts moved into one field each, the content models had these columns per
# text (<name>_en, <name>_fr): the loaders still meet them in the migrations of that time.
COLUMN_LANGUAGES = ("en", "fr")


def active_language() -> str:
    """The active language's code without region ("fr" for "fr-ca"), English outside a
    request or a translation.override()."""
    return (get_language() or FALLBACK)[:2]


def site_languages() -> list[str]:
    """The codes of settings.LANGUAGES, English first."""
    return [code for code, _name in settings.LANGUAGES]


def pick_text(texts: dict | None, language: str | None = None) -> str:
    """The text of a {"en": ..., "fr": ...} dict in the language (by default the active
    one), else in English, else empty."""
    texts = texts or {}
    return texts.get(language or active_language()) or texts.get(FALLBACK, "")


def texts_attribute(name: str) -> str:
    """The field that holds every language of the text `name` ("label" -> "label_texts")."""
    return f"{name}_texts"


def localized_attribute(obj, name: str) -> str:
    """The text `name` of a model (kept in its <name>_texts field) in the active language,
    else in English."""
    return pick_text(getattr(obj, texts_attribute(name)))


def text_columns(model, name: str, texts: dict | None) -> dict:
    """The field values that store `texts` on `model`: {"<name>_texts": texts}, or the old
    <name>_en/<name>_fr columns when `model` is the historical model of a migration from
    before the move (old migrations call today's loaders)."""
    texts = {lang: value for lang, value in (texts or {}).items() if value}
    names = {f.name for f in model._meta.concrete_fields}
    if texts_attribute(name) in names:
        return {texts_attribute(name): texts}
    return {f"{name}_{lang}": texts.get(lang, "") for lang in COLUMN_LANGUAGES
            if f"{name}_{lang}" in names}


def merge_texts(stored: dict | None, fresh: dict | None, *, overwrite: bool = False) -> dict:
    """`stored` with the languages of `fresh` it lacks (all of them with `overwrite`): a
    text an administrator corrected is kept unless the file is to win."""
    merged = dict(stored or {})
    for lang, value in (fresh or {}).items():
        if value and (overwrite or not merged.get(lang)):
            merged[lang] = value
    return merged


def is_texts(value) -> bool:
    """Whether a value of a data file is a text in several languages (a dict keyed by
    language codes, English among them)."""
    return isinstance(value, dict) and FALLBACK in value and all(
        isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in value.items())


def refresh_texts(obj, item: dict, names, *, overwrite: bool = False) -> bool:
    """Give `obj` the languages of the data file's `item` it lacks, for each text of
    `names`; True when it changed (the caller saves, see save_texts)."""
    changed = False
    for name in names:
        attribute = texts_attribute(name)
        merged = merge_texts(getattr(obj, attribute), item.get(name), overwrite=overwrite)
        if merged != getattr(obj, attribute):
            setattr(obj, attribute, merged)
            changed = True
    return changed


def save_texts(rows) -> None:
    """Save only the text fields of rows refresh_texts changed (a migration's historical
    models have no custom save, so this works there too)."""
    for row in rows:
        row.save(update_fields=[f.name for f in row._meta.concrete_fields
                                if f.name.endswith("_texts")])


def merge_nested_texts(stored, fresh, *, overwrite: bool = False):
    """`stored` (a JSON value such as a scoring method's definition) with the languages of
    the texts of `fresh` (the same structure, from its data file) it lacks; anything but a
    text is kept as stored. Items of lists are matched by their "key" when they have one,
    else by position."""
    if is_texts(stored) and isinstance(fresh, dict):
        return merge_texts(stored, fresh, overwrite=overwrite)
    if isinstance(stored, dict) and isinstance(fresh, dict):
        return {k: merge_nested_texts(v, fresh.get(k), overwrite=overwrite)
                for k, v in stored.items()}
    if isinstance(stored, list) and isinstance(fresh, list):
        by_key = {item.get("key"): item for item in fresh
                  if isinstance(item, dict) and item.get("key") is not None}
        return [merge_nested_texts(
            item, by_key.get(item.get("key")) if isinstance(item, dict) and "key" in item
            else (fresh[i] if i < len(fresh) else None), overwrite=overwrite)
            for i, item in enumerate(stored)]
    return stored


def language_choices() -> list[tuple[str, str]]:
    """The site's languages as model-field choices. A callable, so that a language added to
    settings.LANGUAGES needs a translation file and data, never a migration."""
    return settings.LANGUAGES
