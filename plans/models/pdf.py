"""The PDF of an action plan: one job row per (plan, revision, language).

The row is also the outbox: it is written in the request's transaction, the Celery task is
sent after the commit, and a sweeper sends again any job that stayed queued or running too
long (a broker that was down, a worker that died)."""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from clusterdiag.storage import private_storage

from .action_plans import ActionPlan


class PdfJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("being prepared")
        RUNNING = "running", _("being rendered")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="pdf_jobs",
                             verbose_name=_("action plan"))
    revision = models.PositiveIntegerField(_("plan revision"))
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    # A name in the private storage (clusterdiag/storage.py); never under a public URL.
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    # The Celery task that holds the job while it renders: a redelivery of the same task
    # (its worker died) may take the job over, another task may not.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        db_table = "diagnostic_pdfjob"  # the table of the first release
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["plan", "revision", "language"],
                                               name="pdfjob_one_per_version")]
        indexes = [models.Index(fields=["status", "sent_at"], name="pdfjob_sweep")]

    def __str__(self):
        return f"{self.plan_id} r{self.revision} {self.language} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file_name)

    @property
    def storage_name(self) -> str:
        return self.name_for(self.plan_id, self.revision, self.language)

    @staticmethod
    def name_for(plan_id: int, revision: int, language: str) -> str:
        """One name per plan version and language: a second render replaces, never adds."""
        return f"pdf/plan-{plan_id}/r{revision}-{language}.pdf"


@receiver(post_delete, sender=PdfJob)
def _remove_file(sender, instance, **kwargs):
    # Also sent for the jobs a deleted plan takes with it (on_delete=CASCADE). The name,
    # not file_name: a job deleted while it renders has no file_name yet, and its worker
    # may still write the file (it removes it when it finds the row gone). Once committed,
    # so that a rolled-back deletion keeps its file.
    name = instance.storage_name
    transaction.on_commit(lambda: private_storage().delete(name))
