"""Milestone reminders: each open action's owner is emailed, in their language, a few days
before its milestone and once it is late. A ReminderSent row per (action, milestone date,
step) is both the record and the guard: its unique constraint makes a second run of the
daily task, even one running at the same time, send nothing twice."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from clusterdiag.mail import send_each_on_commit

from .models import Action, ReminderSent
from .texts import ACTION_TEXTS, localize

Step = ReminderSent.Step


def step_for(milestone_date: date, today: date) -> str | None:
    """Which reminder a milestone calls for today, if any."""
    if milestone_date < today:
        return Step.LATE
    if milestone_date <= today + timedelta(days=settings.MILESTONE_REMINDER_DAYS):
        return Step.DUE_SOON
    return None


def actions_to_remind(today: date):
    """Open actions with a milestone due soon or past, owned by a team member of the
    cluster who takes reminders. Optimised for the daily run: one query, whatever the
    number of plans."""
    horizon = today + timedelta(days=settings.MILESTONE_REMINDER_DAYS)
    return (Action.objects.exclude(status__in=[Action.Status.DONE, Action.Status.DROPPED])
            .filter(milestone_date__isnull=False, milestone_date__lte=horizon,
                    owner__reminders=True, owner__is_active=True,
                    owner__memberships__cluster_id=F("plan__cluster_id"))
            .select_related("owner", "plan__cluster").order_by("pk"))


def reminder_send(*, action: Action, step: str) -> bool:
    """Record and email one reminder; False when it was already sent (by this or another
    run of the task)."""
    # Generated texts in the owner's language, in memory only (as on the plan page).
    localize(action, ACTION_TEXTS, action.owner.language or settings.LANGUAGE_CODE)
    try:
        with transaction.atomic():
            ReminderSent.objects.create(action=action, milestone_date=action.milestone_date,
                                        step=step, recipient=action.owner)
            send_each_on_commit(
                [(action.owner.email, action.owner.language)],
                subject_template=f"plans/emails/reminder-{step}-subject.txt",
                body_template=f"plans/emails/reminder-{step}-body.txt",
                context={"action": action, "cluster": action.plan.cluster,
                         "site_url": settings.SITE_URL,
                         "path": action.plan.get_absolute_url(),
                         "profile_path": reverse("profile")})
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: date) -> int:
    """Every reminder due today that was not sent yet; how many were sent."""
    sent = 0
    for action in actions_to_remind(today):
        step = step_for(action.milestone_date, today)
        if step is not None and reminder_send(action=action, step=step):
            sent += 1
    return sent
