"""Celery tasks of the plans app: thin, the work is in services."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task
def send_milestone_reminders() -> int:
    return reminders.reminders_send(today=timezone.localdate())
