"""Who changed what in a plan, and when: read from django-simple-history's records of the
plan and of its actions (deleted actions included), compared record by record."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clusterdiag.language import active_language

from .models import Action, ActionPlan
from .texts import ACTION_TEXTS, PLAN_TEXTS, shown_text

PLAN_FIELDS = ["status", "statement", "start_date", "end_date"]
ACTION_FIELDS = ["title", "description", "owner", "owner_role", "start_date", "due_date",
                 "target_countries", "target_markets", "milestone", "milestone_date", "funding",
                 "indicator", "status", "position"]
MAX_RECORDS = 500


@dataclass
class Change:
    when: object
    who: object
    subject: str
    kind: str  # "created", "changed", "deleted"
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _value(record, name: str) -> str:
    if name in ACTION_TEXTS or name in PLAN_TEXTS:
        # Generated texts in the reader's language; typed ones as typed, with their language
        # when it is not the reader's (as on the plan page).
        typed = (record.typed_languages or {}).get(name)
        return str(shown_text(record, name, mark=typed != active_language()) or "")
    if name in ("owner", "funding"):
        related = getattr(record, name) if getattr(record, f"{name}_id") else None
        return "" if related is None else str(getattr(related, "title", related))
    value = getattr(record, name)
    if name == "status":
        return str(dict(record._meta.get_field(name).flatchoices).get(value, value))
    if name == "target_countries":
        return ", ".join(str(c.name) for c in value) if value else ""
    if value is None:
        return ""
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _changes(records, model, fields, subject) -> list[Change]:
    changes, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        kind = {"+": "created", "-": "deleted"}.get(record.history_type, "changed")
        change = Change(when=record.history_date, who=record.history_user,
                        subject=subject(record), kind=kind)
        if before is not None and kind == "changed":
            change.fields = [(_label(model, name), _value(before, name), _value(record, name))
                             for name in fields if _value(before, name) != _value(record, name)]
            if not change.fields:
                previous[record.id] = record
                continue
        changes.append(change)
        previous[record.id] = record
    return changes


def plan_changes(plan: ActionPlan) -> list[Change]:
    """Newest first, in two queries (owners and funding options come with the records)."""
    plan_records = list(ActionPlan.history.filter(id=plan.pk).select_related("history_user")
                        .order_by("history_date", "history_id")[:MAX_RECORDS])
    action_records = list(Action.history.filter(plan_id=plan.pk)
                          .select_related("history_user", "owner", "funding")
                          .order_by("history_date", "history_id")[:MAX_RECORDS])
    changes = _changes(plan_records, ActionPlan, PLAN_FIELDS, lambda r: _("The plan"))
    changes += _changes(action_records, Action, ACTION_FIELDS,
                        lambda r: _("Action “%(title)s”") % {
                            "title": shown_text(r, "title", mark=False)})
    return sorted(changes, key=lambda c: c.when, reverse=True)
