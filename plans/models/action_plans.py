"""The action plan a team derives from a submitted diagnostic, and its review."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from diagnostic.models import ClusterScopedQuerySet, Diagnostic

from ..texts import generated_text
from .playbook import FundingOption, PlaybookVersion


class GeneratedTexts(models.Model):
    """The texts of a plan or an action as generated, in every language, and the language
    of those a person edited (plans/texts.py)."""

    generated_texts = models.JSONField(
        _("generated texts in every language"), default=dict, blank=True,
        help_text=_("The texts as generated, in every language; a text leaves it when a "
                    "person edits it."))
    typed_languages = models.JSONField(
        _("languages of edited texts"), default=dict, blank=True,
        help_text=_("For each text a person edited, the language it was typed in."))

    class Meta:
        abstract = True


class ActionPlan(GeneratedTexts):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        FINAL = "final", _("final, without review")

    cluster = models.ForeignKey("diagnostic.Cluster", on_delete=models.CASCADE,
                                related_name="plans", verbose_name=_("cluster"))
    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE, related_name="plan",
                                      verbose_name=_("diagnostic"))
    playbook = models.ForeignKey(PlaybookVersion, on_delete=models.PROTECT, related_name="plans",
                                 verbose_name=_("playbook version"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices,
                              default=Status.DRAFT)
    phase = models.CharField(_("starting phase"), max_length=64)
    strategy = models.JSONField(
        _("strategy when generated"), default=dict,
        help_text=_("The recommendations and what triggered them, as generated."))
    statement = models.TextField(_("strategy statement"), max_length=4000)
    objectives = models.JSONField(
        _("objectives"), default=list, blank=True,
        help_text=_("The team's objectives, each with its indicator, as generated."))
    profile = models.JSONField(
        _("cooperation profile"), default=dict, blank=True,
        help_text=_("Themes, members taking part, target markets in order, known countries "
                    "and the funding amounts the plan was generated from."))
    start_date = models.DateField(_("plan start"))
    end_date = models.DateField(_("plan end"))
    # Optimistic concurrency: every save of the plan's own fields, or of its list of actions,
    # bumps the revision; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"],
                                table_name="diagnostic_historicalactionplan")
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        db_table = "diagnostic_actionplan"  # the table of the first release
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-updated_at"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")),
                                              name="plan_end_after_start")]
        permissions = [("review_actionplan", _("Can comment on, approve or return plans"))]

    def __str__(self):
        return f"{self.cluster} – {_('action plan')} ({self.diagnostic.run})"

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)

    @property
    def period_days(self) -> int:
        return (self.end_date - self.start_date).days


class Action(GeneratedTexts):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(_("position"))
    template_key = models.SlugField(_("from template"), max_length=64, blank=True)
    recommendation = models.CharField(_("recommendation it serves"), max_length=140, blank=True)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="owned_actions",
                              verbose_name=_("owner (team member)"))
    owner_role = models.CharField(_("owner (role)"), max_length=200, blank=True)
    start_date = models.DateField(_("start"))
    due_date = models.DateField(_("due"))
    target_countries = CountryField(_("target countries"), multiple=True, blank=True,
                                    max_length=2 * 250)
    target_markets = models.CharField(_("target markets"), max_length=500, blank=True)
    milestone = models.CharField(_("milestone"), max_length=300, blank=True)
    milestone_date = models.DateField(_("milestone date"), null=True, blank=True)
    funding = models.ForeignKey(FundingOption, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("funding source"))
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    # What the indicator should move, read from the next run: "index", "dimension:<key>" or
    # "question:<key>" (that question's score in the index, 0-100); see plans/outcomes.py.
    indicator_target = models.CharField(_("what it should move"), max_length=80, blank=True)
    target_value = models.DecimalField(
        _("target value (0-100)"), max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"],
                                table_name="diagnostic_historicalaction")

    class Meta:
        db_table = "diagnostic_action"  # the table of the first release
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("start_date")),
                                   name="action_due_after_start"),
        ]

    def __str__(self):
        # In the reader's language while the title is as generated (plans/texts.py).
        text = generated_text(self, "title")
        return self.title if text is None else text

    @property
    def is_closed(self) -> bool:
        """Done or dropped (cancelled): no milestone of it is followed up any more."""
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    @property
    def owner_display(self) -> str:
        if self.owner_id and self.owner_role:
            return f"{self.owner!s} ({self.owner_role})"
        if self.owner_id:
            return str(self.owner)
        return self.owner_role


class MarketShortlist(models.Model):
    """The team's order of its target markets (dropped ones left out), used when the plan
    is generated: the first actions go to the first markets."""

    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE,
                                      related_name="market_shortlist",
                                      verbose_name=_("diagnostic"))
    countries = models.JSONField(_("countries in order"), default=list, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("target-market shortlist")
        verbose_name_plural = _("target-market shortlists")

    def __str__(self):
        return ", ".join(self.countries)


class PlanComment(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="comments", verbose_name=_("on action"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        db_table = "diagnostic_plancomment"  # the table of the first release
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["plan", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class PlanTransition(models.Model):
    """One step of the review, shown on the plan page and sent by email to the team."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=24, choices=ActionPlan.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=ActionPlan.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.ForeignKey(PlanComment, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    class Meta:
        db_table = "diagnostic_plantransition"  # the table of the first release
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReminderSent(models.Model):
    """One reminder emailed to an action's owner. The unique constraint is what makes the
    daily task send each (milestone date, step) once, even when two runs of it overlap."""

    class Step(models.TextChoices):
        DUE_SOON = "due_soon", _("milestone due soon")
        LATE = "late", _("milestone late")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    milestone_date = models.DateField(_("milestone date"))
    step = models.CharField(_("reminder"), max_length=16, choices=Step.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["action", "milestone_date", "step"],
                                               name="reminder_once_per_milestone_step")]

    def __str__(self):
        return f"{self.action_id} {self.step} {self.milestone_date}"
