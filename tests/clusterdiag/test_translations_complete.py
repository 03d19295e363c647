"""Every message of the interface is translated into every language of the site: a msgid
left empty or fuzzy would show English on a French or German page. After makemessages,
`python scripts/translations.py todo <language>` lists what is missing."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def test_the_site_has_languages_to_check():
    assert {"fr", "de"} <= set(TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as f:
        catalog = read_po(f, locale=language)

    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)

    assert not missing, f"{len(missing)} messages not translated into {language}: {missing[:10]}"
