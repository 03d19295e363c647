"""Milestone reminders (plans/reminders.py, plans/tasks.py): before the milestone and once
it is late, once per milestone and step, in the owner's language, none for closed actions
or for people who turned them off."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError

from plans import reminders
from plans.models import Action, ReminderSent
from plans.tasks import send_milestone_reminders
from tests.factories import plan_for

pytestmark = pytest.mark.django_db
MILESTONE = datetime.date(2027, 3, 1)
TO = ["member@example.org"]


@pytest.fixture
def owned(team):
    """One action of the plan with a milestone, owned by the team member; the others have
    no owner, so they are nobody's to be reminded of."""
    plan = plan_for(team)
    plan.actions.update(owner=None)
    action = plan.actions.order_by("position").first()
    Action.objects.filter(pk=action.pk).update(owner=team.member, milestone_date=MILESTONE,
                                               milestone="First meeting held")
    return Action.objects.get(pk=action.pk)


def _send(day):
    mail.outbox.clear()
    return reminders.reminders_send(today=day)


def test_a_reminder_before_the_milestone_and_one_when_late_each_once(
        owned, django_capture_on_commit_callbacks):
    days = [datetime.date(2027, 2, 1), datetime.date(2027, 2, 22), datetime.date(2027, 2, 23),
            datetime.date(2027, 3, 1), datetime.date(2027, 3, 2), datetime.date(2027, 3, 3)]
    sent = []
    for day in days:
        with django_capture_on_commit_callbacks(execute=True):
            count = _send(day)
        sent.append((day.isoformat(), count, [(m.subject, m.to) for m in mail.outbox]))

    assert sent == [
        ("2027-02-01", 0, []),
        ("2027-02-22", 1, [("Milestone due on March 1, 2027: First meeting held", TO)]),
        ("2027-02-23", 0, []),
        ("2027-03-01", 0, []),
        ("2027-03-02", 1, [("Milestone late: First meeting held", TO)]),
        ("2027-03-03", 0, []),
    ]
    assert list(ReminderSent.objects.values_list("step", flat=True).order_by("pk")) == [
        "due_soon", "late"]


def test_the_task_run_twice_sends_once(owned, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 5, 8, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        first = send_milestone_reminders.delay().get()
        second = send_milestone_reminders.delay().get()

    assert (first, second, len(mail.outbox)) == (1, 0, 1)


def test_the_unique_row_refuses_a_second_reminder_of_a_concurrent_run(owned):
    ReminderSent.objects.create(action=owned, milestone_date=MILESTONE, step="late")

    assert reminders.reminder_send(action=owned, step="late") is False
    with pytest.raises(IntegrityError):
        ReminderSent.objects.create(action=owned, milestone_date=MILESTONE, step="late")


def test_a_moved_milestone_is_reminded_again(owned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(datetime.date(2027, 3, 2))
        Action.objects.filter(pk=owned.pk).update(milestone_date=datetime.date(2027, 4, 1))
        count = _send(datetime.date(2027, 4, 2))

    assert count == 1


@pytest.mark.parametrize("change", [{"status": "done"}, {"status": "dropped"}])
def test_no_reminder_for_a_done_or_cancelled_action(owned, change):
    Action.objects.filter(pk=owned.pk).update(**change)

    assert _send(datetime.date(2027, 3, 2)) == 0


def test_no_reminder_for_someone_who_turned_them_off(owned, team, client):
    client.force_login(team.member)
    client.post("/accounts/profile/", {"first_name": "Ada", "last_name": "M", "language": "en"})
    team.member.refresh_from_db()

    assert team.member.reminders is False
    assert _send(datetime.date(2027, 3, 2)) == 0


def test_no_reminder_for_an_owner_who_left_the_team(owned, team):
    team.cluster.memberships.filter(user=team.member).delete()

    assert _send(datetime.date(2027, 3, 2)) == 0


def test_the_reminder_is_in_the_owners_language(owned, team,
                                                django_capture_on_commit_callbacks):
    team.member.language = "fr"
    team.member.save()

    with django_capture_on_commit_callbacks(execute=True):
        _send(datetime.date(2027, 3, 2))

    assert mail.outbox[0].subject == "Jalon en retard : First meeting held"
    assert "Ouvrir le plan" in mail.outbox[0].body


def test_a_generated_action_title_reaches_the_owner_in_the_owners_language(
        team, django_capture_on_commit_callbacks):
    """The plan was generated in English; its generated title and milestone are read in
    the French owner's language, as on every page."""
    plan = plan_for(team)
    plan.actions.update(owner=None)
    action = plan.actions.exclude(generated_texts={}).order_by("position").first()
    Action.objects.filter(pk=action.pk).update(owner=team.member, milestone_date=MILESTONE)
    team.member.language = "fr"
    team.member.save()
    texts = action.generated_texts

    with django_capture_on_commit_callbacks(execute=True):
        _send(datetime.date(2027, 3, 2))

    message = mail.outbox[0]
    assert texts["title"]["fr"] != texts["title"]["en"]
    assert texts["title"]["fr"] in message.body
    assert texts["milestone"]["fr"] in message.body
    assert message.subject == f"Jalon en retard : {texts['milestone']['fr']}"
    assert texts["title"]["en"] not in message.body
