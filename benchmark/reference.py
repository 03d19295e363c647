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

from .models import ReferenceFigure, ReferenceStudy

DATA_DIR = Path(__file__).resolve().parent / "data"
LOADED_REASON = "loaded from the reference data file"


def read_reference_file(name: str = "study_2007.json") -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def study_fields(study: dict) -> dict:
    """The ReferenceStudy columns of the data file's "study" entry."""
    bilingual = {"selection", "respondents"}
    fields = {k: v for k, v in study.items() if k not in bilingual}
    for name in bilingual:
        fields[f"{name}_en"] = study[name]["en"]
        fields[f"{name}_fr"] = study[name]["fr"]
    return fields


def figure_fields(figure: dict) -> dict:
    """The ReferenceFigure columns of one entry of the data file's "figures"."""
    bilingual = {"label", "source_kind", "statement", "caveat", "gloss"}
    fields = {k: v for k, v in figure.items() if k not in bilingual}
    for name in bilingual & set(figure):
        fields[f"{name}_en"] = figure[name]["en"]
        fields[f"{name}_fr"] = figure[name]["fr"]
    fields["bound"] = fields.get("bound") or ""
    # Through str() so that a JSON float never turns into a long binary fraction.
    fields["share"] = None if figure["share"] is None else Decimal(str(figure["share"]))
    return fields


@transaction.atomic
def reference_study_load(*, data: dict, apps=global_apps) -> ReferenceStudy:
    study_model = apps.get_model("benchmark", "ReferenceStudy")
    figure_model = apps.get_model("benchmark", "ReferenceFigure")

    fields = study_fields(data["study"])
    study, _created = study_model.objects.get_or_create(key=fields.pop("key"),
                                                        defaults=fields)
    present = set(figure_model.objects.filter(study=study)
                  .values_list("question_key", "option_key"))
    columns = {f.name for f in figure_model._meta.concrete_fields}
    missing = [figure_model(study=study, **_known(figure_fields(f), columns))
               for f in data["figures"] if (f["question_key"], f["option_key"]) not in present]
    created = figure_model.objects.bulk_create(missing)
    _record_creation(created, apps=apps)
    return study


def _known(fields: dict, columns: set[str]) -> dict:
    """Only the columns the (historical) model has: an early migration loads the file with
    the columns of its time, a later one fills the rest."""
    return {k: v for k, v in fields.items() if k in columns}


WORDS = ["bound", "rank_to", "statement_en", "statement_fr", "caveat_en", "caveat_fr",
         "gloss_en", "gloss_fr", "original_wording", "n", "n_source"]


@transaction.atomic
def reference_words_load(*, data: dict, apps=global_apps) -> int:
    """Give figures loaded before the study's own words existed those words, their bound
    and the original wording without an English gloss; a figure an administrator already
    gave a statement or a bound is left alone."""
    figure_model = apps.get_model("benchmark", "ReferenceFigure")
    by_key = {(f["question_key"], f["option_key"]): figure_fields(f) for f in data["figures"]}
    updated = 0
    for figure in figure_model.objects.filter(study__key=data["study"]["key"], bound="",
                                              statement_en=""):
        fields = by_key.get((figure.question_key, figure.option_key))
        if fields is None:
            continue
        for name in WORDS:
            setattr(figure, name, fields.get(name, getattr(figure, name)))
        figure.save(update_fields=WORDS)
        updated += 1
    return updated


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
