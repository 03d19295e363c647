"""List the messages of a language that still need a translation, and write translations
into its .po file. Run with the project's Python, after `manage.py makemessages -a
--no-location --ignore=.venv`:

    python scripts/translations.py todo de > todo.json   # what is missing, as JSON
    python scripts/translations.py fill de done.json     # write the translations back

todo.json maps each untranslated or fuzzy msgid to "" (a list of two for a plural), with
the English and the French beside it for the translator. fill reads the same shape (the
extra keys are ignored), sets the strings, clears their fuzzy flag, drops obsolete entries
and checks the file with msgfmt. A msgid with a context is written "context\\x04msgid", as
gettext does. The gettext tools write the file, so the next makemessages leaves it as it is."""

import json
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def read(language: str):
    with po_path(language).open("rb") as f:
        return read_po(f, locale=language, abort_invalid=True)


def key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def todo(language: str) -> dict:
    french = {key(m): m.string for m in read("fr") if m.id} if language != "fr" else {}
    missing = {}
    for message in read(language):
        if message.id and not translated(message):
            plural = isinstance(message.id, tuple)
            missing[key(message)] = {
                "en": list(message.id) if plural else message.id,
                "fr": list(french.get(key(message), "")) if plural else french.get(
                    key(message), ""),
                "string": ["", ""] if plural else ""}
    return missing


def _quote(text: str) -> str:
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\t", "\\t")) + '"'


def fill(language: str, translations: dict) -> int:
    """Writes the given translations over the file's, through a small .po of them that
    msgcat puts first and msgmerge lays out in the file's own order and format."""
    path = po_path(language)
    text = path.read_text(encoding="utf-8")
    lines = [text[:text.index("\n\n") + 2]]  # the file's own header
    written = 0
    for message in read(language):
        value = translations.get(key(message)) if message.id else None
        value = value["string"] if isinstance(value, dict) else value
        if not value or not all(value if isinstance(value, list) else [value]):
            continue
        if message.context:
            lines.append(f"msgctxt {_quote(message.context)}")
        if isinstance(message.id, tuple):
            lines += [f"msgid {_quote(message.id[0])}", f"msgid_plural {_quote(message.id[1])}"]
            lines += [f"msgstr[{i}] {_quote(s)}" for i, s in enumerate(value)]
        else:
            lines += [f"msgid {_quote(message.id)}", f"msgstr {_quote(value)}"]
        lines.append("")
        written += 1
    with tempfile.TemporaryDirectory() as tmp:
        new, merged = Path(tmp) / "new.po", Path(tmp) / "merged.po"
        new.write_text("\n".join(lines), encoding="utf-8")
        run = partial(subprocess.run, check=True)
        run(["msgcat", "--use-first", "--no-location", "-o", merged, new, path])
        run(["msgmerge", "-q", "--no-fuzzy-matching", "--no-location", "--previous",
             "-o", merged, merged, path])
        run(["msgattrib", "--no-obsolete", "--no-location", "-o", path, merged])
        run(["msgfmt", "--check", "-o", "/dev/null", path])
    return written


if __name__ == "__main__":
    command, language, *rest = sys.argv[1:]
    if command == "todo":
        json.dump(todo(language), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif command == "fill":
        count = fill(language, json.loads(Path(rest[0]).read_text(encoding="utf-8")))
        print(f"{count} messages written to {po_path(language)}", file=sys.stderr)
    else:
        sys.exit(__doc__)
