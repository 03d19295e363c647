from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from diagnostic import views as diagnostic_views

from . import views
from .forms import EmailAuthenticationForm

admin.site.site_header = _("ClusterDiag administration")
admin.site.site_title = _("ClusterDiag")

urlpatterns = [
    path("", diagnostic_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("diagnostic.urls")),
    path("", include("benchmark.urls")),
    path("", include("plans.urls")),
    path("", include("partners.urls")),
    path("", include("api.urls")),
    # Before the admin's own "View on site" (same address): that one is not scoped.
    path("admin/r/<path:content_type_id>/<path:object_id>/",
         admin.site.admin_view(views.admin_view_on_site)),
    path("admin/", admin.site.urls),
]
