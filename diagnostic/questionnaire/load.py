"""Load a questionnaire version from its JSON file.

Used by migrations with their historical models, so it takes the app registry as a
parameter and calls no model method. A version already in the database is never edited
in place: loading it again does nothing, and a changed questionnaire needs a new code.
"""

import json
from pathlib import Path

from django.apps import apps as global_apps
from django.utils import timezone

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
        code=data["version"], title_en=data["title"]["en"], title_fr=data["title"]["fr"],
        is_published=publish, published_at=timezone.now() if publish else None,
    )
    for s_pos, s in enumerate(data["sections"], start=1):
        section = section_model.objects.create(
            version=version, key=s["key"], position=s_pos, kind=s.get("kind", "questions"),
            title_en=s["title"]["en"], title_fr=s["title"]["fr"],
            intro_en=s.get("intro", {}).get("en", ""), intro_fr=s.get("intro", {}).get("fr", ""),
        )
        for q_pos, q in enumerate(s["questions"], start=1):
            question = question_model.objects.create(
                section=section, key=q["key"], study_key=q.get("study_key") or "",
                position=q_pos, kind=q["kind"], required=q.get("required", False),
                label_en=q["label"]["en"], label_fr=q["label"]["fr"],
                help_en=q.get("help", {}).get("en", ""), help_fr=q.get("help", {}).get("fr", ""),
                min_choices=q.get("min_choices"), max_choices=q.get("max_choices"),
                min_value=q.get("min_value"), max_value=q.get("max_value"),
                max_length=q.get("max_length"), max_rows=q.get("max_rows"),
                columns=q.get("columns", []),
                # Only in versions from 2026.2 on (older migrations' models lack them).
                **{name: q[name] for name in ("show_if", "drives") if name in q},
            )
            option_model.objects.bulk_create(
                option_model(question=question, key=o["key"], position=o_pos,
                             label_en=o["label"]["en"], label_fr=o["label"]["fr"],
                             exclusive=o.get("exclusive", False))
                for o_pos, o in enumerate(q.get("options", []), start=1)
            )
    return version
