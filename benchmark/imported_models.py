"""Benchmark sets that administrators import (aggregated figures of a programme or another
study), shown beside the 2007 study as a further labelled reference. Kept out of models.py,
which holds the study and the live cohort; models.py imports these so Django finds them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterdiag.language import pick_text


class ImportedReferenceQuerySet(models.QuerySet):
    def published(self):
        """The sets the results page and the PDF show, oldest first (a stable order)."""
        return self.filter(status=ImportedReference.Status.PUBLISHED).order_by("published_at",
                                                                               "pk")


class ImportedReference(models.Model):
    """One imported file: a draft until an administrator has read its preview and
    publishes it; withdrawn sets stay for the record but are shown nowhere."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft (preview)")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    title = models.JSONField(_("title"), help_text=_("In every language of the site."))
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ImportedReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported benchmark set")
        verbose_name_plural = _("imported benchmark sets")
        ordering = ["-created_at"]

    def __str__(self):
        return pick_text(self.title)


class ImportedFigure(models.Model):
    """One row of an imported set: a share of clusters for a questionnaire option, or a
    score of an index dimension, each with its own source, year, n and exactness."""

    class Kind(models.TextChoices):
        OPTION = "option", _("share of clusters choosing an answer")
        DIMENSION = "dimension", _("median score of an index dimension")

    class Exactness(models.TextChoices):
        # The same readings as the 2007 study's figures (ReferenceFigure.Bound).
        EXACT = "exact", _("exact")
        ABOUT = "about", _("approximate")
        AT_MOST = "at_most", _("upper bound")
        AT_LEAST = "at_least", _("lower bound")

    reference = models.ForeignKey(ImportedReference, on_delete=models.CASCADE,
                                  related_name="figures")
    row = models.PositiveIntegerField(_("row of the file"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    question_key = models.CharField(_("question"), max_length=64, blank=True)
    option_key = models.CharField(_("option"), max_length=64, blank=True)
    dimension_key = models.CharField(_("dimension"), max_length=32, blank=True)
    value = models.DecimalField(_("value"), max_digits=5, decimal_places=1)
    exactness = models.CharField(_("exactness"), max_length=8, choices=Exactness.choices)
    n = models.PositiveIntegerField(_("clusters (n)"))
    source = models.CharField(_("source"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("imported figure")
        verbose_name_plural = _("imported figures")
        ordering = ["reference", "row"]

    def __str__(self):
        return f"{self.question_key}/{self.option_key}" if self.kind == self.Kind.OPTION \
            else self.dimension_key
