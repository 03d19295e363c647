import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Localized:
    """Text fields stored as <name>_en and <name>_fr; `localized("label")` picks the
    active language and falls back to English."""

    def localized(self, name: str) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"{name}_{language}", "") or getattr(self, f"{name}_en")


class Sector(models.TextChoices):
    PRODUCTION = "production", _("Production / processes")
    ICT = "ict", _("ICT")
    ENERGY = "energy", _("Energy / environment")
    MICRO_NANO_OPTO = "micro_nano_opto", _("Micro / nano / opto")
    MATERIALS = "materials", _("New materials")
    HEALTH = "health", _("Health care / medicine")
    LIFE_SCIENCES = "life_sciences", _("Life sciences")
    MOBILITY = "mobility", _("Mobility / transportation")
    OTHER = "other", _("Other")


class Governance(models.TextChoices):
    TOP_DOWN_INTERNAL = "top_down_internal", _("Top-down, internal influence")
    TOP_DOWN_EXTERNAL = "top_down_external", _("Top-down, external influence")
    BOTTOM_UP = "bottom_up", _("Bottom-up")


GOVERNANCE_HELP = {
    Governance.TOP_DOWN_INTERNAL: _(
        "Set up and steered from above, mainly by the cluster's own leading members "
        "(for example a large company or university at its centre)."),
    Governance.TOP_DOWN_EXTERNAL: _(
        "Set up and steered from above by an outside body, such as a regional or national "
        "government programme or agency."),
    Governance.BOTTOM_UP: _(
        "Grown from the initiative of its members, who steer it together."),
}


def _team_cluster_ids(user):
    return Membership.objects.filter(user=user).values("cluster_id")


def _followed_cluster_ids(user):
    return Cluster.facilitators.through.objects.filter(user=user).values("cluster_id")


class ClusterQuerySet(models.QuerySet):
    """Access rules, written as small id subqueries (the user's own memberships), so that
    a lookup costs the same however many clusters are stored."""

    def visible_to(self, user):
        """Clusters whose data the user may read: team members, following facilitators,
        administrators. Used for every page that shows a cluster's data."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(pk__in=_team_cluster_ids(user))
                           | Q(pk__in=_followed_cluster_ids(user)))

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=_team_cluster_ids(user))


class Cluster(models.Model):
    name = models.CharField(_("cluster name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True)
    sector = models.CharField(_("main sector"), max_length=32, choices=Sector.choices)
    governance = models.CharField(
        _("governance type"), max_length=32, choices=Governance.choices,
        help_text=_("How the cluster was set up and who steers it."))
    companies = models.PositiveIntegerField(
        _("member companies"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)])
    smes = models.PositiveIntegerField(
        _("of which SMEs"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)])
    research_institutes = models.PositiveIntegerField(
        _("research institutes"), null=True, blank=True, validators=[MaxValueValidator(100_000)])
    universities = models.PositiveIntegerField(
        _("universities"), null=True, blank=True, validators=[MaxValueValidator(100_000)])
    other_members = models.PositiveIntegerField(
        _("other members"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)])
    jobs = models.PositiveIntegerField(
        _("jobs in member organisations"), null=True, blank=True,
        validators=[MaxValueValidator(50_000_000)])
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    management_fte = models.DecimalField(
        _("management staff (FTE)"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)])
    is_demo = models.BooleanField(
        _("demo data"), default=False,
        help_text=_("Generated or sample data: labelled as such and never part of the peer "
                    "benchmark."))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_clusters",
        verbose_name=_("facilitators"), limit_choices_to={"groups__name": "Facilitators"})
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(smes__isnull=True) | Q(companies__isnull=True)
                | Q(smes__lte=models.F("companies")),
                name="cluster_smes_within_companies"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("diagnostic:cluster_detail", args=[self.pk])

    @property
    def member_count(self) -> int | None:
        parts = [self.companies, self.research_institutes, self.universities, self.other_members]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None


class Membership(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("cluster manager")
        MEMBER = "member", _("team member")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["cluster", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["cluster", "user"],
                                               name="membership_unique_user")]

    def __str__(self):
        return f"{self.user} – {self.cluster} ({self.get_role_display()})"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.cluster}"

    def get_absolute_url(self):
        return reverse("diagnostic:invitation_accept", args=[self.token])


# --- The questionnaire: versioned data ----------------------------------------------------

class QuestionnaireVersionQuerySet(models.QuerySet):
    def current(self):
        """The version new diagnostics are started on: the newest published one."""
        return self.filter(is_published=True).order_by("-published_at", "-pk").first()


class QuestionnaireVersion(Localized, models.Model):
    code = models.CharField(_("version"), max_length=32, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="section_unique_key")]

    def __str__(self):
        return f"{self.version.code} · {self.position}. {self.title_en}"

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
    label_en = models.CharField(_("label (English)"), max_length=500)
    label_fr = models.CharField(_("label (French)"), max_length=500)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_fr = models.TextField(_("help (French)"), blank=True)
    min_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    max_rows = models.PositiveSmallIntegerField(null=True, blank=True)
    columns = models.JSONField(_("columns of repeatable rows"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "key"],
                                               name="question_unique_key")]

    def __str__(self):
        return f"{self.key}: {self.label_en}"

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
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_fr = models.CharField(_("label (French)"), max_length=300)
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
        return f"{self.key}: {self.label_en}"

    @property
    def label(self):
        return self.localized("label")


# --- Diagnostics and answers ----------------------------------------------------------------

class DiagnosticQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(cluster_id__in=_team_cluster_ids(user))
                           | Q(cluster_id__in=_followed_cluster_ids(user)))

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(cluster_id__in=_team_cluster_ids(user))

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
