"""Load a playbook version from its JSON file, and read a stored version back as the plain
dict that plans.rules works on.

Used by migrations with their historical models, so the loader takes the app registry as a
parameter and calls no model method. A version already stored is never edited in place."""

import json
from pathlib import Path

from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from clusterdiag.language import refresh_texts, save_texts, text_columns, texts_attribute

DATA_DIR = Path(__file__).resolve().parent


def read_version_file(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


# The texts of each kind of item, and the key the file gives each item by.
KINDS = {"phases": ("Phase", "key", ("title", "description")),
         "instruments": ("Instrument", "key", ("title", "description")),
         "barrier_measures": ("BarrierMeasure", "barrier", ("title", "description")),
         "funding_options": ("FundingOption", "key", ("title", "description")),
         "action_templates": ("ActionTemplate", "key", ("title", "description", "owner_role",
                                                        "milestone", "indicator"))}


def _texts(model, item: dict, *names: str) -> dict:
    fields = {}
    for name in names:
        fields.update(text_columns(model, name, item.get(name)))
    return fields


def playbook_load(*, data: dict, apps=global_apps, publish: bool = True):
    models = {name: apps.get_model("plans", name) for name in (
        "PlaybookVersion", "Phase", "Instrument", "BarrierMeasure", "FundingOption",
        "ActionTemplate")}
    existing = models["PlaybookVersion"].objects.filter(code=data["version"]).first()
    if existing is not None:
        return existing
    version = models["PlaybookVersion"].objects.create(
        code=data["version"], is_published=publish,
        published_at=timezone.now() if publish else None)
    phases = {}
    for position, item in enumerate(data["phases"], start=1):
        phases[item["key"]] = models["Phase"].objects.create(
            version=version, key=item["key"], position=position,
            **_texts(models["Phase"], item, "title", "description"))
    instruments = {}
    for position, item in enumerate(data["instruments"], start=1):
        instrument = models["Instrument"].objects.create(
            version=version, key=item["key"], position=position,
            **_texts(models["Instrument"], item, "title", "description"))
        instrument.phases.set([phases[key] for key in item["phases"]])
        instruments[item["key"]] = instrument
    for position, item in enumerate(data["barrier_measures"], start=1):
        measure = models["BarrierMeasure"].objects.create(
            version=version, key=item["barrier"], position=position,
            **_texts(models["BarrierMeasure"], item, "title", "description"))
        measure.instruments.set([instruments[key] for key in item.get("instruments", [])])
    for position, item in enumerate(data["funding_options"], start=1):
        models["FundingOption"].objects.create(
            version=version, key=item["key"], position=position,
            study_options=item.get("study_options", []),
            **_texts(models["FundingOption"], item, "title", "description"))
    for position, item in enumerate(data["action_templates"], start=1):
        models["ActionTemplate"].objects.create(
            version=version, key=item["key"], position=position, phase=phases[item["phase"]],
            instrument=instruments.get(item.get("instrument")),
            duration_months=item["duration_months"],
            **_texts(models["ActionTemplate"], item, "title", "description", "owner_role",
                     "milestone", "indicator"))
    return version


@transaction.atomic
def playbook_texts_refresh(*, data: dict, apps=global_apps, overwrite: bool = False) -> int:
    """Store the texts of a playbook file in every language it has, on the version already
    in the database (items matched by key): a language added to the file reaches the
    database without a new version. Only texts change, and a language already stored is
    kept unless `overwrite`. Returns how many rows changed."""
    version = apps.get_model("plans", "PlaybookVersion").objects.filter(
        code=data["version"]).first()
    if version is None:
        return 0
    changed = []
    for kind, (model_name, key, names) in KINDS.items():
        stored = {obj.key: obj for obj in apps.get_model("plans", model_name).objects.filter(
            version=version)}
        for item in data.get(kind, []):
            obj = stored.get(item[key])
            if obj is not None and refresh_texts(obj, item, names, overwrite=overwrite):
                changed.append(obj)
    save_texts(changed)
    return len(changed)


def _localized(obj, *names: str) -> dict:
    return {name: dict(getattr(obj, texts_attribute(name))) for name in names}


def playbook_as_dict(version) -> dict:
    """The stored version in the shape of playbook/v1.json (for the strategy rules).
    Five queries, whatever the size of the playbook."""
    phases = list(version.phases.order_by("position"))
    instruments = list(version.instruments.order_by("position").prefetch_related("phases"))
    measures = list(version.barriermeasures.order_by("position")
                    .prefetch_related("instruments"))
    funding = list(version.fundingoptions.order_by("position"))
    templates = list(version.actiontemplates.order_by("position")
                     .select_related("phase", "instrument"))
    return {
        "version": version.code,
        "phases": [{"key": p.key, **_localized(p, "title", "description")} for p in phases],
        "instruments": [
            {"key": i.key, "phases": [p.key for p in i.phases.all()],
             **_localized(i, "title", "description")} for i in instruments],
        "barrier_measures": [
            {"barrier": m.key, "instruments": [i.key for i in m.instruments.all()],
             **_localized(m, "title", "description")} for m in measures],
        "funding_options": [
            {"key": f.key, "study_options": list(f.study_options), "id": f.pk,
             **_localized(f, "title", "description")} for f in funding],
        "action_templates": [
            {"key": t.key, "phase": t.phase.key,
             "instrument": t.instrument.key if t.instrument_id else None,
             "duration_months": t.duration_months,
             **_localized(t, "title", "description", "owner_role", "milestone", "indicator")}
            for t in templates],
    }


def version_files() -> list[str]:
    """The names of the shipped playbook files (v1.json, ...)."""
    return sorted(path.name for path in DATA_DIR.glob("v*.json"))


def playbook_files_refresh(*, apps=global_apps, overwrite: bool = False) -> int:
    """playbook_texts_refresh for every shipped playbook file."""
    return sum(playbook_texts_refresh(data=read_version_file(name), apps=apps,
                                      overwrite=overwrite) for name in version_files())
def playbook_read(version, *, in_use: bool | None = None) -> dict:
    """playbook_as_dict, read once per process for a version plans were generated from: such
    a version is frozen (the admin refuses to edit it, a copy is edited instead), so its dict
    never changes and every process may keep it. The strategy and plan pages read it on
    every request; its seven queries were a third of theirs. A version no plan uses yet may
    still be edited, by any host: it is read every time. `in_use` spares the check when the
    caller knows (a plan's own version)."""
    if not (version.is_in_use if in_use is None else in_use):
        return playbook_as_dict(version)
    key = f"plans.playbook:{version.pk}:{version.code}"
    data = cache.get(key)  # a fresh copy each time (the cache pickles): callers may change it
    if data is None:
        data = playbook_as_dict(version)
        cache.set(key, data, None)
    return data
