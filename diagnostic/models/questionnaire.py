import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterdiag.fields import TextsField

from .clusters import Cluster, ClusterScopedQuerySet, Localized

# --- The questionnaire: versioned data ----------------------------------------------------

class QuestionnaireVersionQuerySet(models.QuerySet):
    def current(self):
        """The version new diagnostics are started on: the newest published one."""
        return self.filter(is_published=True).order_by("-published_at", "-pk").first()


class QuestionnaireVersion(Localized, models.Model):
    code = models.CharField(_("version"), max_length=32, unique=True)
    title_texts = TextsField(_("title"), max_length=200)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A new random value at every save or deletion of one of its sections, questions or
    # options (receivers.py): a process keeps the questionnaire it loaded only while this
    # is unchanged (steps.load_sections). Random, not a counter: a change rolled back could
    # otherwise give its number to a different change later.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.code

    @property
    def title(self):
        return self.localized("title")

    @property
    def is_in_use(self) -> bool:
        """A version with diagnostics is frozen: changing it would change old answers."""
        return self.diagnostics.exists()


class Section(Localized, models.Model):
    class Kind(models.TextChoices):
        PROFILE = "profile", _("cluster profile form")
        QUESTIONS = "questions", _("questions")

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE,
                                related_name="sections")
    key = models.SlugField(_("key"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.QUESTIONS)
    title_texts = TextsField(_("title"), max_length=200)
    intro_texts = TextsField(_("introduction"), long=True, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="section_unique_key")]

    def __str__(self):
        return f"{self.version.code} · {self.position}. {self.localized('title')}"

    @property
    def title(self):
        return self.localized("title")

    @property
    def intro(self):
        return self.localized("intro")


class Question(Localized, models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        NUMBER = "number", _("number")
        PERCENT = "percent", _("percentage")
        TEXT = "text", _("free text")
        COUNTRIES = "countries", _("countries")
        ROWS = "rows", _("repeatable rows")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=64,
                           help_text=_("Stable name used by scoring and the benchmark."))
    study_key = models.CharField(
        _("2007 study question"), max_length=64, blank=True,
        help_text=_("The survey question of the 2007 study this item mirrors, if any."))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    label_texts = TextsField(_("label"), max_length=500)
    help_texts = TextsField(_("help"), long=True, blank=True)
    min_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    max_rows = models.PositiveSmallIntegerField(null=True, blank=True)
    columns = models.JSONField(_("columns of repeatable rows"), default=list, blank=True)
    show_if = models.JSONField(
        _("shown only if"), default=list, blank=True,
        help_text=_("Conditions on earlier answers, any of which shows the question; none: "
                    "always shown. A hidden question is neither required nor kept."))
    drives = models.JSONField(
        _("what the answer drives"), default=list, blank=True,
        help_text=_("Index dimension, strategy rule, plan field, target-market score, or "
                    "context only with the reason; shown on the method page."))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "key"],
                                               name="question_unique_key")]

    def __str__(self):
        return f"{self.key}: {self.localized('label')}"

    @property
    def label(self):
        return self.localized("label")

    @property
    def help(self):
        return self.localized("help")


class Option(Localized, models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(_("key"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"))
    label_texts = TextsField(_("label"), max_length=300)
    exclusive = models.BooleanField(
        _("exclusive"), default=False,
        help_text=_("Cannot be combined with other answers (e.g. 'none of these')."))

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"],
                                               name="option_unique_key")]

    def __str__(self):
        return f"{self.key}: {self.localized('label')}"

    @property
    def label(self):
        return self.localized("label")


# --- Diagnostics and answers ----------------------------------------------------------------

class DiagnosticQuerySet(ClusterScopedQuerySet):
    def submitted(self):
        return self.filter(status=Diagnostic.Status.SUBMITTED)


class Diagnostic(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="diagnostics")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT,
                                related_name="diagnostics", verbose_name=_("questionnaire"))
    run = models.PositiveIntegerField(_("run"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    current_section = models.SlugField(_("where the team left off"), max_length=64, blank=True)
    profile = models.JSONField(_("cluster profile when submitted"), default=dict, blank=True)
    benchmark_consent = models.BooleanField(
        _("part of the peer benchmark"), default=False,
        help_text=_("The team agreed that this diagnostic is counted, anonymously, in the "
                    "statistics that peer clusters see."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["cluster", "-run"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "run"], name="diagnostic_unique_run"),
            # One draft at a time: the team always knows which run it is filling in.
            models.UniqueConstraint(fields=["cluster"], condition=Q(status="draft"),
                                    name="diagnostic_one_draft_per_cluster"),
        ]
        indexes = [models.Index(fields=["status", "benchmark_consent"])]

    def __str__(self):
        return f"{self.cluster} – {_('run')} {self.run}"

    def get_absolute_url(self):
        return reverse("diagnostic:diagnostic_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One question's answer in one diagnostic. An empty value (null) means unanswered."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["diagnostic", "question__section__position", "question__position"]
        constraints = [models.UniqueConstraint(fields=["diagnostic", "question"],
                                               name="answer_unique_question")]

    def __str__(self):
        return f"{self.diagnostic} · {self.question.key}"

    @property
    def is_answered(self) -> bool:
        return self.value not in (None, "", [])
