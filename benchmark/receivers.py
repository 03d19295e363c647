"""The benchmark's answers to what happens in the diagnostic layer below it."""

from django.dispatch import receiver

from diagnostic.signals import diagnostic_submitted

from . import services


@receiver(diagnostic_submitted)
def score_submitted_diagnostic(sender, *, diagnostic, **kwargs):
    """Score it and, with the team's consent, count it among the peers."""
    services.after_submit(diagnostic=diagnostic)
