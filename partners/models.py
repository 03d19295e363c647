"""Partner profiles that clusters publish by choice, the interest one cluster expresses in
another, and the protections against spam (blocks, abuse reports, suspension).

Lists of keys (partner types, languages, target countries) are stored as ",a,b," strings:
"does the list hold X" is then a LIKE '%,X,%' that PostgreSQL and SQLite both run inside
the one ranking query (partners/matching.py)."""

from django.conf import global_settings, settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from clusterdiag.language import language_choices
from diagnostic.models import Cluster, Diagnostic, Governance, Sector


class PartnerType(models.TextChoices):
    """The questionnaire's partner types (question partner_types, without the prefix)."""

    CLUSTERS = "clusters", _("Other clusters")
    RESEARCH = "research", _("Research partners")
    CUSTOMERS = "customers", _("Customers and distributors")
    INVESTORS = "investors", _("Investors")


class Phase(models.TextChoices):
    """The playbook's cooperation phases (plans.rules.PHASES), in their order."""

    GET_TO_KNOW = "get_to_know", _("Get to know each other")
    BUILD_TRUST = "build_trust", _("Build trust and partnerships")
    JOINT_PROJECTS = "joint_projects", _("Joint projects")
    STRATEGIC = "strategic_partnership", _("Long-term strategic partnership")


class SectorWish(models.TextChoices):
    SAME = "same", _("the same sector as ours")
    COMPLEMENTARY = "complementary", _("another sector (complementary)")
    ANY = "any", _("any sector")


class SizeBand(models.TextChoices):
    SMALL = "small", _("fewer than 50 members")
    MEDIUM = "medium", _("50 to 149 members")
    LARGE = "large", _("150 to 499 members")
    VERY_LARGE = "very_large", _("500 members or more")
    UNKNOWN = "unknown", _("not given")


# The languages a team may work in: the EU's most used ones. Their names are Django's own,
# translated by Django.
WORKING_LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pl", "pt", "sv", "da", "fi", "cs",
                     "hu", "ro", "el"]


def keys_to_stored(keys) -> str:
    """[a, b] -> ",a,b," (empty string for no key)."""
    keys = [k for k in dict.fromkeys(keys) if k]
    return f",{','.join(keys)}," if keys else ""


def stored_to_keys(stored: str) -> list[str]:
    return [k for k in (stored or "").split(",") if k]


class PartnerProfileQuerySet(models.QuerySet):
    def published(self):
        """Profiles others may see: published, not suspended. A withdrawn or suspended
        profile leaves every list with this filter, at once."""
        return self.filter(status=PartnerProfile.Status.PUBLISHED, suspended_at__isnull=True)

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(cluster__in=Cluster.objects.editable_by(user).values("pk"))


class PartnerProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE,
                                   related_name="partner_profile", verbose_name=_("cluster"))
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("prepared from"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # What others see (and nothing else of the cluster).
    name = models.CharField(_("cluster name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True)
    sector = models.CharField(_("main sector"), max_length=32, choices=Sector.choices)
    sector_wish = models.CharField(_("partners sought in"), max_length=16,
                                   choices=SectorWish.choices, default=SectorWish.ANY)
    governance = models.CharField(_("governance type"), max_length=32,
                                  choices=Governance.choices)
    size_band = models.CharField(_("size"), max_length=16, choices=SizeBand.choices,
                                 default=SizeBand.UNKNOWN)
    phase = models.CharField(_("cooperation phase"), max_length=32, choices=Phase.choices,
                             default=Phase.GET_TO_KNOW)
    themes = models.TextField(_("themes"), max_length=2000)
    offers = models.TextField(_("what the cluster offers"), max_length=2000, blank=True)
    seeks = models.TextField(_("what the cluster seeks"), max_length=2000, blank=True)
    text_language = models.CharField(
        _("language of these texts"), max_length=8, choices=language_choices, default="en",
        help_text=_("Used to match words with their variants (plural, etc.)."))
    partner_types_sought = models.CharField(_("partner types sought"), max_length=200,
                                            blank=True)
    partner_types_offered = models.CharField(_("partner types offered"), max_length=200,
                                             blank=True)
    target_countries = models.CharField(_("target countries"), max_length=400, blank=True)
    working_languages = models.CharField(_("working languages"), max_length=200, blank=True)
    facilitator_wanted = models.BooleanField(_("a facilitator should introduce us"),
                                             default=False)
    # Shown only to a cluster both sides agreed with.
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # Kept by the services from the texts, in the configuration of text_language.
    themes_vector = SearchVectorField(null=True, editable=False)
    offers_vector = SearchVectorField(null=True, editable=False)
    seeks_vector = SearchVectorField(null=True, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_reason = models.CharField(_("reason for the suspension"), max_length=500,
                                        blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    objects = PartnerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "suspended_at"], name="partner_published"),
                   # The version every match list reads first (match_cache.data_version): the
                   # latest change is this index's last entry, not a read of every row with
                   # its texts and search vectors.
                   models.Index(fields=["updated_at"], name="partner_updated")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:profile", args=[self.cluster_id])

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.suspended_at is None

    # The stored lists, as lists.
    def sought_types(self):
        return stored_to_keys(self.partner_types_sought)

    def offered_types(self):
        return stored_to_keys(self.partner_types_offered)

    def countries_targeted(self):
        return stored_to_keys(self.target_countries)

    def languages(self):
        return stored_to_keys(self.working_languages)

    def sought_types_display(self):
        return [PartnerType(k).label for k in self.sought_types() if k in PartnerType.values]

    def offered_types_display(self):
        return [PartnerType(k).label for k in self.offered_types() if k in PartnerType.values]

    def countries_display(self):
        return [countries.name(code) for code in self.countries_targeted()]

    def languages_display(self):
        names = dict(global_settings.LANGUAGES)
        return [_(names[code]) if code in names else code for code in self.languages()]


class Interest(models.Model):
    """One cluster's interest in another. Accepted, it is a match: both see each other's
    contact details."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    from_cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE,
                                     related_name="interests_sent", verbose_name=_("from"))
    to_cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE,
                                   related_name="interests_received", verbose_name=_("to"))
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("sent by"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("answered by"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["from_cluster", "to_cluster"],
                                    name="interest_unique_pair"),
            models.CheckConstraint(condition=~Q(from_cluster=models.F("to_cluster")),
                                   name="interest_not_self"),
        ]
        indexes = [models.Index(fields=["from_cluster", "created_at"])]

    def __str__(self):
        return f"{self.from_cluster} → {self.to_cluster}"

    def get_absolute_url(self):
        return reverse("partners:interest", args=[self.pk])

    def other_cluster_id(self, cluster_id) -> int:
        return self.to_cluster_id if cluster_id == self.from_cluster_id else self.from_cluster_id


class Match(Interest):
    """Accepted interests, for the admin."""

    class Meta:
        proxy = True
        verbose_name = _("match")
        verbose_name_plural = _("matches")


class Introduction(models.Model):
    """A request that a facilitator who follows one side introduces the two clusters; the
    facilitator is copied and may add a note."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE,
                                 related_name="introductions", verbose_name=_("interest"))
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("asked by the cluster"))
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="introductions_asked",
                                    verbose_name=_("facilitator"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+", verbose_name=_("asked by"))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    note = models.TextField(_("facilitator's note"), max_length=2000, blank=True)
    noted_at = models.DateTimeField(_("note written"), null=True, blank=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["interest", "facilitator"],
                                               name="introduction_unique_facilitator")]

    def __str__(self):
        return f"{self.interest} ({self.facilitator})"


class Block(models.Model):
    """The blocked cluster sees nothing of the blocking one, and cannot contact it."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="blocks",
                                verbose_name=_("cluster"))
    blocked = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("blocked cluster"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("blocked"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked cluster")
        verbose_name_plural = _("blocked clusters")
        constraints = [models.UniqueConstraint(fields=["cluster", "blocked"],
                                               name="block_unique_pair")]

    def __str__(self):
        return f"{self.cluster} ⊘ {self.blocked}"


class AbuseReport(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("reported by the cluster"))
    reported = models.ForeignKey(Cluster, on_delete=models.CASCADE,
                                 related_name="abuse_reports", verbose_name=_("reported cluster"))
    reason = models.TextField(_("what happened"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("reported by"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        ordering = ["handled", "-created_at"]

    def __str__(self):
        return f"{self.reported} ({self.created_at:%Y-%m-%d})"
