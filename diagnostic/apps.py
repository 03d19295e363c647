from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    name = "diagnostic"
    verbose_name = _("Diagnostics")

    def ready(self):
        # Receivers connect when their module is imported; Django's documented place for
        # that is ready(), once every app's models are loaded.
        from . import receivers  # noqa: F401, PLC0415
