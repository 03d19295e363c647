from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterdiag.fields import TextsField
from clusterdiag.language import pick_text
from diagnostic.models import Diagnostic, Localized

# Imported benchmark sets live in their own module; imported here so that Django finds them.
from .imported_models import ImportedFigure, ImportedReference  # noqa: F401

# --- The 2007 reference study ----------------------------------------------------------------


class ReferenceStudy(Localized, models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    authors = models.CharField(_("authors"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    published = models.CharField(_("publication date"), max_length=32, blank=True)
    source_url = models.URLField(_("source"), max_length=500)
    sample_clusters = models.PositiveIntegerField(_("clusters surveyed"))
    sample_countries = models.PositiveSmallIntegerField(_("countries"))
    sample_members = models.PositiveIntegerField(_("member organisations"), null=True, blank=True)
    sample_jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    sample_source = models.CharField(_("source of the sample description"), max_length=300,
                                     blank=True)
    selection_texts = TextsField(_("sample selection and bias"), long=True)
    respondents_texts = TextsField(_("respondents"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reference study")
        verbose_name_plural = _("reference studies")

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def selection(self):
        return self.localized("selection")

    @property
    def respondents(self):
        return self.localized("respondents")


class ReferenceFigure(Localized, models.Model):
    """One figure of the study for one answer option: a share that is exact, approximate
    (with the source's own words) or unknown, and where it comes from."""

    study = models.ForeignKey(ReferenceStudy, on_delete=models.CASCADE, related_name="figures")
    question_key = models.CharField(_("study question"), max_length=64)
    option_key = models.CharField(_("option"), max_length=64)
    label_texts = TextsField(_("label"), max_length=300)
    share = models.DecimalField(_("share of clusters (%)"), max_digits=5, decimal_places=1,
                                null=True, blank=True,
                                help_text=_("Empty when the figure was not recovered."))
    is_exact = models.BooleanField(_("exact"), null=True, blank=True)
    original_wording = models.CharField(
        _("original wording"), max_length=200, blank=True,
        help_text=_("The source's own words for an approximate figure."))
    class Bound(models.TextChoices):
        EXACT = "exact", _("exact")
        ABOUT = "about", _("approximate")
        AT_MOST = "at_most", _("upper bound")
        AT_LEAST = "at_least", _("lower bound")

    bound = models.CharField(
        _("how the share reads"), max_length=8, choices=Bound.choices, blank=True,
        help_text=_("Whether the source's words make the share exact, approximate, or a "
                    "bound (“just under a third”: upper bound). Empty without a share."))
    statement_texts = TextsField(_("the study's statement"), long=True, blank=True)
    caveat_texts = TextsField(_("caveat"), long=True, blank=True)
    gloss_texts = TextsField(_("gloss of the original wording"), max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True,
                                            help_text=_("Where only the rank is known."))
    rank_to = models.PositiveSmallIntegerField(
        _("lowest possible rank"), null=True, blank=True,
        help_text=_("When the source leaves the rank open (2nd-3rd: rank 2, lowest 3)."))
    n = models.PositiveSmallIntegerField(_("clusters answering (n)"), null=True, blank=True)
    n_source = models.CharField(_("source of n"), max_length=200, blank=True)
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    source_kind_texts = TextsField(_("kind of source"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reference figure")
        verbose_name_plural = _("reference figures")
        ordering = ["study", "question_key", "rank", "option_key"]
        constraints = [models.UniqueConstraint(fields=["study", "question_key", "option_key"],
                                               name="figure_unique_option")]

    def __str__(self):
        return f"{self.question_key} / {self.option_key}"

    @property
    def label(self):
        return self.localized("label")

    @property
    def source_kind(self):
        return self.localized("source_kind")

    @property
    def statement(self):
        return self.localized("statement")

    @property
    def caveat(self):
        return self.localized("caveat")

    @property
    def gloss(self):
        return self.localized("gloss")

    @property
    def is_published(self) -> bool:
        return self.share is not None


# --- ClusterDiag's own index ----------------------------------------------------------------


class ScoringMethod(Localized, models.Model):
    """A version of the internationalisation index: items, weights and bands, as data."""

    code = models.CharField(_("version"), max_length=32, unique=True)
    definition = models.JSONField(_("definition"))
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scoring method")
        verbose_name_plural = _("scoring methods")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["is_current"],
                                               condition=models.Q(is_current=True),
                                               name="one_current_method")]

    def __str__(self):
        return self.code

    @property
    def title(self) -> str:
        return pick_text(self.definition["title"])


def current_method_id() -> int | None:
    """The default method of rows written one at a time (peer entries): the current one.
    Bulk writers pass it explicitly, to avoid one query per row."""
    return ScoringMethod.objects.filter(is_current=True).values_list("pk", flat=True).first()


class DiagnosticScore(models.Model):
    """The index of a submitted diagnostic, with the method it was computed with."""

    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE, related_name="score")
    method = models.ForeignKey(ScoringMethod, on_delete=models.PROTECT, related_name="scores")
    overall = models.FloatField(_("index"))
    dimensions = models.JSONField(_("dimension scores"))
    items = models.JSONField(_("item scores"))
    band = models.CharField(_("band"), max_length=32)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("diagnostic score")
        verbose_name_plural = _("diagnostic scores")

    def __str__(self):
        return f"{self.diagnostic}: {self.overall:.0f}"


# --- The live cohort --------------------------------------------------------------------------


class Cohort(models.TextChoices):
    LIVE = "live", _("ClusterDiag users")
    DEMO = "demo", _("demo data (generated clusters)")


class PeerEntry(models.Model):
    """A cluster in a peer cohort: its latest submitted diagnostic that may be counted.
    Written when a diagnostic is submitted or its consent changes."""

    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    cluster = models.OneToOneField("diagnostic.Cluster", on_delete=models.CASCADE,
                                   related_name="peer_entry")
    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE,
                                      related_name="peer_entry")
    sector = models.CharField(max_length=32)
    governance = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    size_band = models.CharField(max_length=16)
    # The scores below are under this method: the current one once a refresh re-scored the
    # entry, whatever method the diagnostic's own score keeps (peers compare under one).
    method = models.ForeignKey(ScoringMethod, on_delete=models.PROTECT, related_name="+",
                               default=current_method_id)
    overall = models.FloatField()
    strategy = models.FloatField()
    organisation = models.FloatField()
    experience = models.FloatField()
    partnership = models.FloatField()
    funding = models.FloatField()
    # The release of the peer statistics that first counted it; empty until then.
    joined_release = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("peer entry")
        verbose_name_plural = _("peer entries")
        indexes = [models.Index(fields=["cohort", "sector", "governance", "country",
                                        "size_band"])]

    def __str__(self):
        return f"{self.cluster_id} ({self.cohort})"


class PeerDeparture(models.Model):
    """A diagnostic that left a cohort (withdrawn, or replaced by a newer run): only which
    groups it was in and when, never its answers, so that the disclosure audit can tell
    which published figures counted it."""

    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    cluster_id = models.PositiveBigIntegerField()
    diagnostic_id = models.PositiveBigIntegerField()
    sector = models.CharField(max_length=32)
    governance = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    size_band = models.CharField(max_length=16)
    joined_release = models.PositiveIntegerField()
    # The first release without it; empty until the next refresh.
    left_release = models.PositiveIntegerField(null=True, blank=True)
    withdrawn = models.BooleanField()

    class Meta:
        verbose_name = _("peer departure")
        verbose_name_plural = _("peer departures")
        indexes = [models.Index(fields=["cohort", "diagnostic_id"])]

    def __str__(self):
        return f"{self.diagnostic_id} ({self.cohort}, {self.joined_release}-{self.left_release})"


class PublishedSegment(models.Model):
    """The last figure published for a group of peers: the release whose peers it counts,
    the last release that showed it, and whether it is shown now."""

    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    segment = models.CharField(max_length=120)
    computed_release = models.PositiveIntegerField()
    shown_release = models.PositiveIntegerField()
    shown = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "segment"],
                                               name="published_segment_unique")]

    def __str__(self):
        return f"{self.cohort} {self.segment} ({self.computed_release})"


class PeerChoice(models.Model):
    """One option a peer chose, for the share of peers per option."""

    entry = models.ForeignKey(PeerEntry, on_delete=models.CASCADE, related_name="choices")
    question_key = models.CharField(max_length=64)
    option_key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["question_key", "option_key"])]

    def __str__(self):
        return f"{self.question_key}={self.option_key}"


class SegmentDistribution(models.Model):
    """Percentile cut points of one score in one group of peers, refreshed in the
    background, so that a results page reads them instead of scanning the cohort."""

    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    segment = models.CharField(max_length=120)
    dimension = models.CharField(max_length=32)
    # The method of the scores it was computed from: a group whose figure is kept across a
    # method change keeps its old method, and is compared only with runs scored under it.
    method = models.ForeignKey(ScoringMethod, on_delete=models.PROTECT, related_name="+",
                               default=current_method_id)
    n = models.PositiveIntegerField()
    cut_points = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "segment", "dimension"],
                                               name="distribution_unique")]

    def __str__(self):
        return f"{self.cohort} {self.segment} {self.dimension} (n = {self.n})"


class SegmentShare(models.Model):
    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    segment = models.CharField(max_length=120)
    question_key = models.CharField(max_length=64)
    option_key = models.CharField(max_length=64)
    n = models.PositiveIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["cohort", "segment", "question_key", "option_key"], name="share_unique")]
        indexes = [models.Index(fields=["cohort", "segment", "question_key"])]

    def __str__(self):
        return f"{self.cohort} {self.segment} {self.option_key}: {self.count}/{self.n}"


class StatisticsState(models.Model):
    """When the peer statistics were last refreshed, per cohort."""

    cohort = models.CharField(max_length=8, choices=Cohort.choices, unique=True)
    refreshed_at = models.DateTimeField()
    entries = models.PositiveIntegerField()
    min_group = models.PositiveSmallIntegerField()
    release = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("peer statistics state")

    def __str__(self):
        return f"{self.cohort}: {self.refreshed_at:%Y-%m-%d %H:%M}"


def min_group_size() -> int:
    return settings.PEER_MIN_GROUP


class RunPeerPosition(models.Model):
    """Where a run stood among its peers when it was scored, as the results page showed it
    then: only published groups (a SegmentDistribution row), copied, never recomputed, so
    that later runs are compared with the figures published at each date."""

    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE,
                                      related_name="peer_position")
    cohort = models.CharField(max_length=8, choices=Cohort.choices)
    release = models.PositiveIntegerField()
    # [{"segment", "n", "median", "percentile"}] for all peers, the sector and the governance
    # type, in that order; a group that was not published then is absent.
    positions = models.JSONField(default=list)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer position of a run")
        verbose_name_plural = _("peer positions of runs")

    def __str__(self):
        return f"{self.diagnostic_id} (release {self.release})"
