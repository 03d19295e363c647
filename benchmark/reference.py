"""The 2007 reference study: the product's own copy of its figures, and how it is loaded.

The loader runs inside a migration with historical models, so it takes the app registry
as a parameter and calls no model method. It only ever adds what is missing: a figure
already in the database may have been corrected by an administrator and is left alone.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from clusterdiag.language import refresh_texts, save_texts, text_columns

from .models import ReferenceFigure, ReferenceStudy

DATA_DIR = Path(__file__).resolve().parent / "data"
LOADED_REASON = "loaded from the reference data file"


def read_reference_file(name: str = "study_2007.json") -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


STUDY_TEXTS = ("selection", "respondents")
FIGURE_TEXTS = ("label", "source_kind", "statement", "caveat", "gloss")


def study_fields(study: dict, model=ReferenceStudy) -> dict:
    """The ReferenceStudy columns of the data file's "study" entry."""
    fields = {k: v for k, v in study.items() if k not in STUDY_TEXTS}
    for name in STUDY_TEXTS:
        fields.update(text_columns(model, name, study[name]))
    return fields


def figure_fields(figure: dict, model=ReferenceFigure) -> dict:
    """The ReferenceFigure columns of one entry of the data file's "figures" (for `model`,
    today's or a migration's historical one)."""
    fields = {k: v for k, v in figure.items() if k not in FIGURE_TEXTS}
    for name in set(FIGURE_TEXTS) & set(figure):
        fields.update(text_columns(model, name, figure[name]))
    fields["bound"] = fields.get("bound") or ""
    # Through str() so that a JSON float never turns into a long binary fraction.
    fields["share"] = None if figure["share"] is None else Decimal(str(figure["share"]))
    return fields


@transaction.atomic
def reference_study_load(*, data: dict, apps=global_apps) -> ReferenceStudy:
    study_model = apps.get_model("benchmark", "ReferenceStudy")
    figure_model = apps.get_model("benchmark", "ReferenceFigure")

    fields = study_fields(data["study"], study_model)
    study, _created = study_model.objects.get_or_create(key=fields.pop("key"),
                                                        defaults=fields)
    present = set(figure_model.objects.filter(study=study)
                  .values_list("question_key", "option_key"))
    columns = {f.name for f in figure_model._meta.concrete_fields}
    missing = [figure_model(study=study, **_known(figure_fields(f, figure_model), columns))
               for f in data["figures"] if (f["question_key"], f["option_key"]) not in present]
    created = figure_model.objects.bulk_create(missing)
    _record_creation(created, apps=apps)
    return study


def _known(fields: dict, columns: set[str]) -> dict:
    """Only the columns the (historical) model has: an early migration loads the file with
    the columns of its time, a later one fills the rest."""
    return {k: v for k, v in fields.items() if k in columns}


WORDS = ["bound", "rank_to", "statement", "caveat", "gloss", "original_wording", "n",
         "n_source"]


@transaction.atomic
def reference_words_load(*, data: dict, apps=global_apps) -> int:
    """Give figures loaded before the study's own words existed those words, their bound
    and the original wording without an English gloss; a figure an administrator already
    gave a statement or a bound is left alone."""
    figure_model = apps.get_model("benchmark", "ReferenceFigure")
    by_key = {(f["question_key"], f["option_key"]): figure_fields(f, figure_model)
              for f in data["figures"]}
    # The words' columns: statement_texts, or statement_en and statement_fr in migrations
    # from before the texts moved into one field.
    words = [f.name for f in figure_model._meta.concrete_fields
             if f.name in WORDS or f.name.rsplit("_", 1)[0] in WORDS]
    updated = 0
    for figure in figure_model.objects.filter(
            study__key=data["study"]["key"], bound="",
            **text_columns(figure_model, "statement", {})):
        fields = by_key.get((figure.question_key, figure.option_key))
        if fields is None:
            continue
        for name in words:
            setattr(figure, name, fields.get(name, getattr(figure, name)))
        figure.save(update_fields=words)
        updated += 1
    return updated


@transaction.atomic
def reference_texts_refresh(*, data: dict, apps=global_apps, overwrite: bool = False) -> int:
    """Store the texts of the study file in every language it has, on the study and the
    figures already in the database (matched by question and option key). A language
    already stored (perhaps corrected by an administrator) is kept unless `overwrite`.
    Returns how many rows changed."""
    study = apps.get_model("benchmark", "ReferenceStudy").objects.filter(
        key=data["study"]["key"]).first()
    if study is None:
        return 0
    changed = [study] if refresh_texts(study, data["study"], STUDY_TEXTS,
                                       overwrite=overwrite) else []
    figures = {(f.question_key, f.option_key): f for f in apps.get_model(
        "benchmark", "ReferenceFigure").objects.filter(study=study)}
    for item in data["figures"]:
        figure = figures.get((item["question_key"], item["option_key"]))
        if figure is not None and refresh_texts(figure, item, FIGURE_TEXTS,
                                                overwrite=overwrite):
            changed.append(figure)
    save_texts(changed)
    return len(changed)


def _record_creation(figures, *, apps):
    """bulk_create sends no signal, and a migration's models have no history anyway; without
    a first record an administrator's correction would hide the value it replaced."""
    history_model = apps.get_model("benchmark", "HistoricalReferenceFigure")
    copied = [f.attname for f in history_model._meta.concrete_fields
              if not f.name.startswith("history_")]
    now = timezone.now()
    history_model.objects.bulk_create(
        history_model(**{name: getattr(figure, name) for name in copied},
                      history_date=now, history_type="+",
                      history_change_reason=LOADED_REASON)
        for figure in figures
    )


def figures_by_option(study) -> dict[tuple[str, str], ReferenceFigure]:
    """{(question_key, option_key): ReferenceFigure} of a study, in one query."""
    return {(f.question_key, f.option_key): f
            for f in ReferenceFigure.objects.filter(study=study)}


def method_files() -> list[str]:
    """The names of the shipped scoring method files (method_2026_1.json, ...)."""
    return sorted(path.name for path in DATA_DIR.glob("method_*.json"))
