from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterdiagConfig(AppConfig):
    name = "clusterdiag"
    verbose_name = _("Accounts")
