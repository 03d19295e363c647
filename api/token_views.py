"""The person's API tokens, created and revoked from the profile page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@never_cache
@login_required
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = tokens.token_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
        # Shown on this answer only: the server keeps its hash, nobody can show it again.
        return render(request, "api/token_created.html", {"token": token, "secret": secret})
    if request.method == "POST":
        messages.error(request, _("The token was not created: give it a name."))
    return render(request, "api/token_form.html", {"form": form})


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user_id=request.user.pk)
    tokens.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("profile")
