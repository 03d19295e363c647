"""Who reviews a cluster's plan: the facilitation offers of the site (a programme or a
facilitator, defined by administrators with the countries and sectors they serve), and a
cluster's request for one, which an administrator answers by assigning a facilitator."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clusterdiag.fields import TextsField

from .clusters import Cluster, ClusterScopedQuerySet, Localized, Sector


class FacilitationOfferQuerySet(models.QuerySet):
    def available(self):
        return self.filter(is_active=True).order_by("position", "name_texts__en")


class FacilitationOffer(Localized, models.Model):
    name_texts = TextsField(_("name"), max_length=200)
    description_texts = TextsField(_("description"), max_length=2000, long=True, blank=True)
    countries = CountryField(_("countries served"), multiple=True, blank=True,
                             help_text=_("Leave empty for every country."))
    sectors = models.JSONField(_("sectors served"), default=list, blank=True,
                               help_text=_("Leave empty for every sector."))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitation_offers",
        verbose_name=_("facilitators"), limit_choices_to={"groups__name": "Facilitators"},
        help_text=_("The people an administrator can assign to clusters that ask for this "
                    "offer."))
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = FacilitationOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("facilitation offer")
        verbose_name_plural = _("facilitation offers")
        ordering = ["position", "name_texts__en"]

    def __str__(self):
        return self.localized("name")

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(key, key)) for key in self.sectors]


class FacilitationRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a facilitator")
        ASSIGNED = "assigned", _("facilitator assigned")
        NONE_WANTED = "none", _("no facilitator wanted")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE,
                                related_name="facilitation_requests", verbose_name=_("cluster"))
    offer = models.ForeignKey(FacilitationOffer, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="requests",
                              verbose_name=_("programme or facilitator asked for"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+", verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assigned facilitator"),
        limit_choices_to={"groups__name": "Facilitators"})
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("assigned by"))
    decided_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("facilitator request")
        verbose_name_plural = _("facilitator requests")
        ordering = ["requested_at"]
        constraints = [
            # One open request per cluster: asking again replaces the wish, not the queue.
            models.UniqueConstraint(fields=["cluster"], condition=Q(status="pending"),
                                    name="facilitation_one_pending_request"),
        ]

    def __str__(self):
        return f"{self.cluster} – {self.offer or _('any facilitator')}"
