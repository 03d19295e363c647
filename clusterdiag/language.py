"""The reader's language: the one place that answers "which language?" and "this text in
it". Texts kept as data (the questionnaire, the playbook, the study) carry every language
of the site; English is the fallback."""

from django.conf import settings
from django.utils.translation import get_language

FALLBACK = "en"


def active_language() -> str:
    """The active language's code without region ("fr" for "fr-ca"), English outside a
    request or a translation.override()."""
    return (get_language() or FALLBACK)[:2]


def pick_text(texts: dict, language: str | None = None) -> str:
    """The text of a {"en": ..., "fr": ...} dict in the language (by default the active
    one), else in English, else empty."""
    return texts.get(language or active_language()) or texts.get(FALLBACK, "")


def localized_attribute(obj, name: str) -> str:
    """The text of a model that keeps one column per language (<name>_en, <name>_fr) in
    the active language, else in English."""
    return getattr(obj, f"{name}_{active_language()}", "") or getattr(obj, f"{name}_{FALLBACK}")


def language_choices() -> list[tuple[str, str]]:
    """The site's languages as model-field choices. A callable, so that a language added to
    settings.LANGUAGES needs a translation file and data, never a migration."""
    return settings.LANGUAGES
