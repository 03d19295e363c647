"""The demo plan of a development machine (see clusterdiag's seed_demo command)."""

from diagnostic.models import Cluster, Diagnostic

from . import services
from .forms import first_of_next_month


def seed_demo_plan(*, cluster: Cluster, user):
    """The generated draft plan of the submitted demo cluster (made once)."""
    diagnostic = cluster.diagnostics.filter(status=Diagnostic.Status.SUBMITTED).first()
    if diagnostic is None:
        return None
    return services.plan_generate(diagnostic=diagnostic, user=user,
                                  start_date=first_of_next_month())
