import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterdiag.settings")

app = Celery("clusterdiag")
# Every Celery setting lives in clusterdiag/settings.py under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The watchdog that makes a worker which stopped consuming exit (its signals connect on import).
from . import liveness  # noqa: E402, F401
