from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task(ignore_result=False)
def task_ping(*, note: str) -> dict:
    """Round trip through broker, worker and database: used by tests and operators."""
    return {"note": note, "users": get_user_model().objects.count()}
