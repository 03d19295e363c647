"""The benchmark's answers to what happens in the diagnostic layer below it."""

from django.dispatch import receiver

from diagnostic.signals import cluster_deleted, diagnostic_submitted

from . import services


@receiver(diagnostic_submitted)
def score_submitted_diagnostic(sender, *, diagnostic, **kwargs):
    """Score it and, with the team's consent, count it among the peers."""
    services.after_submit(diagnostic=diagnostic)


@receiver(cluster_deleted)
def forget_deleted_cluster(sender, *, cluster, **kwargs):
    """Its peer entry goes with it: recompute the statistics it was counted in."""
    services.after_cluster_deleted(cluster=cluster)
