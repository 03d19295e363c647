import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusterdiag.language import localized_attribute


class Localized:
    """Texts stored in every language in <name>_texts; `localized("label")` picks the
    active language and falls back to English."""

    def localized(self, name: str) -> str:
        return localized_attribute(self, name)


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


# The three types are the 2007 study's, which cites Markusen (1996); the one-line
# explanations are ours, and say so wherever they are shown.
GOVERNANCE_SOURCE = _(
    "The three types are those of the 2007 study, which adapts the typology of industrial "
    "districts of A. Markusen, “Sticky Places in Slippery Space”, Economic Geography 72(3), "
    "1996. The short explanations are ClusterDiag's own, not the study's.")
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


class ClusterScopedQuerySet(models.QuerySet):
    """Access rules for rows of a cluster (the cluster itself, its diagnostics, its plans),
    written as small id subqueries of the user's own memberships, so that a lookup costs the
    same however many clusters are stored."""

    cluster_field = "cluster_id"

    def visible_to(self, user):
        """Rows the user may read: team members, following facilitators, administrators.
        Used for every page that shows a cluster's data."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(**{f"{self.cluster_field}__in": _team_cluster_ids(user)})
                           | Q(**{f"{self.cluster_field}__in": _followed_cluster_ids(user)}))

    def editable_by(self, user):
        """Rows the user may change: the cluster's team only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(**{f"{self.cluster_field}__in": _team_cluster_ids(user)})

    def reviewable_by(self, user):
        """Rows a facilitator who follows the cluster (or an administrator) reviews."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{self.cluster_field}__in": _followed_cluster_ids(user)})


class ClusterQuerySet(ClusterScopedQuerySet):
    cluster_field = "pk"


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


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations that can still be accepted: neither accepted, revoked nor expired."""
        return self.filter(accepted_at=None, revoked_at=None,
                           created_at__gt=timezone.now() - Invitation.lifetime())


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.cluster}"

    def get_absolute_url(self):
        return reverse("diagnostic:invitation_accept", args=[self.token])

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(days=settings.INVITATION_EXPIRY_DAYS)

    @property
    def expires_at(self):
        return self.created_at + self.lifetime()

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if timezone.now() >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label


