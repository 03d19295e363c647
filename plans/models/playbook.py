"""The playbook: what ClusterDiag recommends, as versioned data that administrators edit.
A plan keeps the playbook version it was generated from, so editing a new version never
changes a plan already made."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterdiag.fields import TextsField
from diagnostic.models import Localized


class PlaybookVersionQuerySet(models.QuerySet):
    def current(self):
        """The version new strategies and plans use: the newest published one."""
        return self.filter(is_published=True).order_by("-published_at", "-pk").first()


class PlaybookVersion(models.Model):
    code = models.CharField(_("version"), max_length=32, unique=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlaybookVersionQuerySet.as_manager()

    class Meta:
        db_table = "diagnostic_playbookversion"  # the table of the first release
        verbose_name = _("playbook version")
        verbose_name_plural = _("playbook versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.code

    @property
    def is_in_use(self) -> bool:
        """A version that plans were generated from is frozen: copy it to change it."""
        return self.plans.exists()


class PlaybookItem(Localized, models.Model):
    """Common fields: a stable key, a position and a title and description in every language."""

    version = models.ForeignKey(PlaybookVersion, on_delete=models.CASCADE,
                                related_name="%(class)ss")
    key = models.SlugField(_("key"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_texts = TextsField(_("title"), max_length=200)
    description_texts = TextsField(_("description"), long=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["version", "position"]

    def __str__(self):
        return f"{self.version.code} · {self.localized('title')}"

    @property
    def title(self):
        return self.localized("title")

    @property
    def description(self):
        return self.localized("description")


class Phase(PlaybookItem):
    class Meta(PlaybookItem.Meta):
        db_table = "diagnostic_phase"  # the table of the first release
        verbose_name = _("cooperation phase")
        verbose_name_plural = _("cooperation phases")
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="phase_unique_key")]


class Instrument(PlaybookItem):
    phases = models.ManyToManyField(Phase, related_name="instruments",
                                    verbose_name=_("phases it fits"))

    class Meta(PlaybookItem.Meta):
        db_table = "diagnostic_instrument"  # the table of the first release
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="instrument_unique_key")]


class BarrierMeasure(PlaybookItem):
    """A counter-measure for one barrier of the questionnaire (its option key, e.g. q3_trust)."""

    instruments = models.ManyToManyField(Instrument, blank=True, related_name="barrier_measures",
                                         verbose_name=_("instruments that help"))

    class Meta(PlaybookItem.Meta):
        db_table = "diagnostic_barriermeasure"  # the table of the first release
        verbose_name = _("barrier counter-measure")
        verbose_name_plural = _("barrier counter-measures")
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="barriermeasure_unique_key")]


class FundingOption(PlaybookItem):
    study_options = models.JSONField(
        _("2007 study categories"), default=list, blank=True,
        help_text=_("Option keys of the funding-sources question this programme belongs to, "
                    "e.g. [\"q7_fp\"]."))

    class Meta(PlaybookItem.Meta):
        db_table = "diagnostic_fundingoption"  # the table of the first release
        verbose_name = _("funding option")
        verbose_name_plural = _("funding options")
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="fundingoption_unique_key")]


class ActionTemplate(PlaybookItem):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="action_templates",
                              verbose_name=_("phase"))
    instrument = models.ForeignKey(Instrument, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="action_templates",
                                   verbose_name=_("instrument"))
    owner_role_texts = TextsField(_("owner role"), max_length=200)
    duration_months = models.PositiveSmallIntegerField(_("typical duration (months)"), default=3)
    milestone_texts = TextsField(_("milestone"), max_length=300)
    indicator_texts = TextsField(_("indicator"), max_length=300)

    class Meta(PlaybookItem.Meta):
        db_table = "diagnostic_actiontemplate"  # the table of the first release
        verbose_name = _("action template")
        verbose_name_plural = _("action templates")
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="actiontemplate_unique_key")]
