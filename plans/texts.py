"""The texts of a generated plan in the reader's language.

A plan is generated in every language of the site at once (generation is pure and cheap):
each generated text is kept in `generated_texts` as {"en": ..., "fr": ...} and shown in
the reader's language, with no query more. When a person edits a text it leaves
`generated_texts`, is kept as typed in its column, and `typed_languages` records the
language it was typed in, which readers of another language are told.
The column always holds a text too (the generating or typing language), for the admin,
the history and the exports."""

from django.conf import settings
from django.utils.translation import gettext as _

from clusterdiag.language import active_language, pick_text

PLAN_TEXTS = ("statement", "objectives")
ACTION_TEXTS = ("title", "description", "owner_role", "milestone", "indicator")


def texts_by_language(drafts: dict[str, dict], names) -> dict:
    """{name: {language: text}} of one generated item drafted in each language, leaving
    out a text that is empty in every language."""
    return {name: {language: draft[name] for language, draft in drafts.items()}
            for name in names if any(draft[name] for draft in drafts.values())}


def generated_text(obj, name: str, language: str | None = None) -> str | None:
    """The generated text `name` of `obj` in the language, or None once a person changed
    it. A column that no longer holds one of its generated texts was written some other
    way (the admin, a script) and counts as typed too."""
    texts = (obj.generated_texts or {}).get(name)
    if texts is None or getattr(obj, name) not in texts.values():
        return None
    return pick_text(texts, language)


def localize(obj, names, language: str | None = None):
    """Put the reader's language into `obj`'s generated texts, in memory (for display and
    for the initial values of an edit form; a service reloads before it saves), and set
    `obj.typed_note` when a person typed some of its texts in another language."""
    language = language or active_language()
    for name in names:
        text = generated_text(obj, name, language)
        if text is not None:
            setattr(obj, name, text)
    others = sorted({typed for name, typed in (obj.typed_languages or {}).items()
                     if name in names and typed != language})
    names_of = dict(settings.LANGUAGES)
    obj.typed_note = _("Typed in: %(languages)s") % {"languages": ", ".join(
        str(names_of.get(code, code)) for code in others)} if others else ""
    return obj


def record_edit(obj, name: str, value, language: str | None = None) -> None:
    """Set an edited text on `obj` (fresh from the database): a value equal to the
    generated text in the editor's language leaves it generated; any other value is kept
    as typed, in the editor's language."""
    language = language or active_language()
    generated = dict(obj.generated_texts or {})
    if name in generated:
        if value == pick_text(generated[name], language):
            return
        del generated[name]
        obj.generated_texts = generated
    elif value == getattr(obj, name):
        return
    setattr(obj, name, value)
    obj.typed_languages = {**(obj.typed_languages or {}), name: language}


def shown_text(obj, name: str, language: str | None = None, *, mark: bool = True):
    """A text as the pages outside the plan show it (the admin, the history): generated,
    in the reader's language; typed, as typed and followed by the language it was typed
    in (`mark`). `obj` may be a historical record of a plan or an action."""
    text = generated_text(obj, name, language)
    if text is not None:
        return text
    value = getattr(obj, name)
    typed = (obj.typed_languages or {}).get(name)
    if not (mark and value and typed):
        return value
    return _("%(text)s [typed in %(language)s]") % {
        "text": value, "language": dict(settings.LANGUAGES).get(typed, typed)}
