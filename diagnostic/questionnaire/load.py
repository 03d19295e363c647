"""Load a questionnaire version from its JSON file.

Used by migrations with their historical models, so it takes the app registry as a
parameter and calls no model method. A version already in the database is never edited
in place: loading it again does nothing, and a changed questionnaire needs a new code.
"""

import json
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from clusterdiag.language import refresh_texts, save_texts, text_columns

DATA_DIR = Path(__file__).resolve().parent


def read_version_file(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def questionnaire_load(*, data: dict, apps=global_apps, publish: bool = True):
    version_model = apps.get_model("diagnostic", "QuestionnaireVersion")
    section_model = apps.get_model("diagnostic", "Section")
    question_model = apps.get_model("diagnostic", "Question")
    option_model = apps.get_model("diagnostic", "Option")

    existing = version_model.objects.filter(code=data["version"]).first()
    if existing is not None:
        return existing

    version = version_model.objects.create(
        code=data["version"], **text_columns(version_model, "title", data["title"]),
        is_published=publish, published_at=timezone.now() if publish else None,
    )
    for s_pos, s in enumerate(data["sections"], start=1):
        section = section_model.objects.create(
            version=version, key=s["key"], position=s_pos, kind=s.get("kind", "questions"),
            **text_columns(section_model, "title", s["title"]),
            **text_columns(section_model, "intro", s.get("intro")),
        )
        for q_pos, q in enumerate(s["questions"], start=1):
            question = question_model.objects.create(
                section=section, key=q["key"], study_key=q.get("study_key") or "",
                position=q_pos, kind=q["kind"], required=q.get("required", False),
                **text_columns(question_model, "label", q["label"]),
                **text_columns(question_model, "help", q.get("help")),
                min_choices=q.get("min_choices"), max_choices=q.get("max_choices"),
                min_value=q.get("min_value"), max_value=q.get("max_value"),
                max_length=q.get("max_length"), max_rows=q.get("max_rows"),
                columns=q.get("columns", []),
                # Only in versions from 2026.2 on (older migrations' models lack them).
                **{name: q[name] for name in ("show_if", "drives") if name in q},
            )
            option_model.objects.bulk_create(
                option_model(question=question, key=o["key"], position=o_pos,
                             **text_columns(option_model, "label", o["label"]),
                             exclusive=o.get("exclusive", False))
                for o_pos, o in enumerate(q.get("options", []), start=1)
            )
    return version


@transaction.atomic
def questionnaire_texts_refresh(*, data: dict, apps=global_apps, overwrite: bool = False
                                ) -> int:
    """Store the texts of a version file in every language it has, on the version already
    in the database (matched by section, question and option key): a language added to
    the file reaches the database without a new version. Only texts change, never the
    questions, and a language already stored is kept unless `overwrite`. Returns how many
    rows changed; a version not in the database is left to questionnaire_load."""
    version = apps.get_model("diagnostic", "QuestionnaireVersion").objects.filter(
        code=data["version"]).first()
    if version is None:
        return 0
    sections = {s.key: s for s in apps.get_model("diagnostic", "Section").objects.filter(
        version=version)}
    questions = {(q.section_id, q.key): q for q in apps.get_model(
        "diagnostic", "Question").objects.filter(section__version=version)}
    options = {(o.question_id, o.key): o for o in apps.get_model(
        "diagnostic", "Option").objects.filter(question__section__version=version)}
    changed = [version] if refresh_texts(version, data, ("title",), overwrite=overwrite) else []
    for s in data["sections"]:
        section = sections.get(s["key"])
        if section is None:
            continue
        if refresh_texts(section, s, ("title", "intro"), overwrite=overwrite):
            changed.append(section)
        for q in s["questions"]:
            question = questions.get((section.pk, q["key"]))
            if question is None:
                continue
            if refresh_texts(question, q, ("label", "help"), overwrite=overwrite):
                changed.append(question)
            for o in q.get("options", []):
                option = options.get((question.pk, o["key"]))
                if option is not None and refresh_texts(option, o, ("label",), overwrite=overwrite):
                    changed.append(option)
    save_texts(changed)
    return len(changed)


def version_files() -> list[str]:
    """The names of the shipped version files (v1.json, v2.json, ...)."""
    return sorted(path.name for path in DATA_DIR.glob("v*.json"))


def questionnaire_files_refresh(*, apps=global_apps, overwrite: bool = False) -> int:
    """questionnaire_texts_refresh for every shipped version file."""
    return sum(questionnaire_texts_refresh(data=read_version_file(name), apps=apps,
                                           overwrite=overwrite) for name in version_files())
