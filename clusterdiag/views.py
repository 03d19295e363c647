from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from . import health, services
from .forms import ProfileForm, SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="clusterdiag.auth.CachedUserBackend")
        messages.success(request, _("Welcome to ClusterDiag. Your account is ready."))
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


def _reset_throttled(request, email: str) -> bool:
    """Count one reset request against the address and against the client's IP; True when
    either has had its share. Both counters move on every request, so that spreading the
    requests over many addresses or many IPs does not escape the other limit."""
    by_address = is_ratelimited(
        request, group="password_reset:address", key=lambda _group, _request: email.lower(),
        rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS, method="POST", increment=True)
    by_ip = is_ratelimited(
        request, group="password_reset:ip", key="ip",
        rate=settings.PASSWORD_RESET_RATE_PER_IP, method="POST", increment=True)
    return by_address or by_ip


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled. A throttled request gets the very answer of an
    accepted one ("if an account exists, an email is on its way"), as does an address
    without an account, so the page tells nobody which addresses have accounts; it just
    sends nothing."""

    def form_valid(self, form):
        if _reset_throttled(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account of a logged-in user."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        services.user_set_language(user=request.user, language=language)
    return response


@require_GET
def accessibility(request):
    """The accessibility statement: the standard, how it is checked, what falls short."""
    return render(request, "accessibility.html")


@require_GET
def ping(request):
    """The cheapest page there is: the yardstick of the benchmarks in bench/."""
    return HttpResponse("pong", content_type="text/plain")


@require_GET
@never_cache
def healthz(request):
    state = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = state["database"] == "ok" and state["broker"] in {"ok", "not configured"}
    return JsonResponse({"status": "ok" if healthy else "error", **state},
                        status=200 if healthy else 503)


def admin_view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" link, for the objects its user reaches in the admin only.
    Django's own view redirects any staff member to any object's page, and an invitation's
    page address carries its secret token."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise Http404
    if model_admin.get_object(request, unquote(object_id)) is None:
        raise Http404
    return shortcut(request, content_type_id, object_id)


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the file lives with the static
    # files (hashed name in production).
    return redirect(static("favicon.ico"), permanent=False)


@require_GET
def privacy(request):
    return render(request, "privacy.html", {
        "peer_min_group": settings.PEER_MIN_GROUP})
