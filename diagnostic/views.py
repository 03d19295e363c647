import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clusterdiag.pagecache import kept_page

from . import services
from .access import (
    get_cluster_for_user,
    get_diagnostic_for_user,
    get_managed_cluster_for_user,
    is_team_member,
)
from .answers import sections_progress
from .display import review_sections
from .forms import ClusterProfileForm, FacilitationForm, InviteForm, SubmitForm
from .models import Cluster, Diagnostic, Invitation, Membership
from .steps import Step, answer_values, load_sections, shown_questions, with_answer_values

# What the home page announces: an estimate, not a measurement (31 questions in 9 sections
# at about a minute each, the profile figures included).
DIAGNOSTIC_MINUTES = 30

# Invitation tokens are secrets.token_urlsafe(32): URL-safe base64.
INVITATION_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@login_required
def cluster_create(request):
    form = ClusterProfileForm(request.POST or None)
    facilitation = FacilitationForm(request.POST or None, prefix="facilitation")
    if request.method == "POST" and form.is_valid() and facilitation.is_valid():
        with transaction.atomic():
            cluster = services.cluster_create(user=request.user, **form.cleaned_data)
            services.facilitation_request(cluster=cluster, user=request.user,
                                          offer=facilitation.cleaned_data["offer"])
        messages.success(request, _("Your cluster is registered. Its diagnostic starts here."))
        return redirect("diagnostic:diagnostic_detail", cluster.diagnostics.get().pk)
    return render(request, "diagnostic/cluster_form.html",
                  {"form": form, "facilitation_form": facilitation})


def cluster_detail(request, pk):
    cluster = get_cluster_for_user(request.user, pk)
    memberships = cluster.memberships.select_related("user")
    is_manager = any(m.user_id == request.user.pk and m.role == Membership.Role.MANAGER
                     for m in memberships)
    return render(request, "diagnostic/cluster_detail.html", {
        "cluster": cluster,
        "memberships": memberships,
        "is_team": any(m.user_id == request.user.pk for m in memberships),
        "is_manager": is_manager,
        # score and plan are the benchmark's and the plans' rows for a run, read through
        # their reverse relations (no import): the run's index and method in the same query.
        "diagnostics": cluster.diagnostics.select_related(
            "submitted_by", "plan", "version", "score__method").order_by("-run"),
        "invitations": (cluster.invitations.select_related("accepted_by") if is_manager
                        else []),
        "invite_form": InviteForm(),
        "facilitators": list(cluster.facilitators.all()),
        "facilitation": cluster.facilitation_requests.select_related("offer")
        .order_by("-requested_at").first(),
        "facilitation_form": FacilitationForm(prefix="facilitation") if is_manager else None,
    })


@require_POST
def cluster_facilitation(request, pk):
    """The manager asks for a facilitator (or says the team wants none)."""
    cluster = get_cluster_for_user(request.user, pk, write=True)
    if not cluster.memberships.filter(user=request.user, role=Membership.Role.MANAGER).exists():
        raise Http404
    form = FacilitationForm(request.POST, prefix="facilitation")
    if form.is_valid():
        offer = form.cleaned_data["offer"]
        services.facilitation_request(cluster=cluster, user=request.user, offer=offer)
        messages.success(request, _("Your request is sent: an administrator assigns a "
                                    "facilitator and you will be emailed.") if offer else
                         _("Noted: your team works without a facilitator."))
    else:
        messages.error(request, _("Choose one of the offers listed."))
    return redirect(cluster)


@require_POST
def cluster_invite(request, pk):
    cluster = get_managed_cluster_for_user(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invitation_create(
            cluster=cluster, email=form.cleaned_data["email"], invited_by=request.user,
            accept_url_for=lambda inv: request.build_absolute_uri(inv.get_absolute_url()))
        messages.success(request, _("Invitation sent to %(email)s.")
                         % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, _("The invitation was not sent: %(error)s")
                       % {"error": " ".join(form.errors["email"])})
    return redirect(cluster)


@login_required
def invitation_accept(request, token):
    if not INVITATION_TOKEN.fullmatch(token):
        raise Http404  # not a token we make (NUL bytes would even fail the query)
    invitation = get_object_or_404(Invitation.objects.select_related("cluster"), token=token)
    if invitation.email.lower() != request.user.email.lower():
        # Someone else holds the link (a forwarded email, a shared screen): they learn
        # neither the cluster nor the invited address, only to log in as the invitee.
        return render(request, "diagnostic/invitation_accept.html", {"wrong_account": True})
    if invitation.state != Invitation.State.PENDING:
        return render(request, "diagnostic/invitation_accept.html",
                      {"invitation": invitation, "wrong_account": False, "closed": True})
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError:
            return render(request, "diagnostic/invitation_accept.html",
                          {"invitation": invitation, "wrong_account": False, "closed": True})
        messages.success(request, _("You joined the team of %(cluster)s.")
                         % {"cluster": invitation.cluster})
        return redirect(invitation.cluster)
    return render(request, "diagnostic/invitation_accept.html",
                  {"invitation": invitation, "wrong_account": False})


@require_POST
def diagnostic_start(request, pk):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    diagnostic = services.diagnostic_start(cluster=cluster, user=request.user)
    messages.success(request, _("A new run of the diagnostic is open, with your last answers "
                                "filled in."))
    return redirect(diagnostic)


def diagnostic_detail(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk)
    if diagnostic.is_locked or not is_team_member(request.user, diagnostic.cluster_id):
        return redirect("diagnostic:diagnostic_review", pk)
    first = diagnostic.version.sections.order_by("position").values_list("key", flat=True)[0]
    return redirect("diagnostic:diagnostic_step", pk, diagnostic.current_section or first)


def _step_target(request, diagnostic, sections, section) -> str:
    """Where the buttons of a step lead after a successful save."""
    keys = [s.key for s in sections]
    index = keys.index(section.key)
    action = request.POST.get("_action", "next")
    goto = request.POST.get("_goto", "")
    if goto in keys:
        return reverse("diagnostic:diagnostic_step", args=[diagnostic.pk, goto])
    if action == "later":
        return reverse("diagnostic:cluster_detail", args=[diagnostic.cluster_id])
    if action == "previous" and index > 0:
        return reverse("diagnostic:diagnostic_step", args=[diagnostic.pk, keys[index - 1]])
    if action == "next" and index + 1 < len(keys):
        return reverse("diagnostic:diagnostic_step", args=[diagnostic.pk, keys[index + 1]])
    return reverse("diagnostic:diagnostic_review", args=[diagnostic.pk])


def _section_or_404(sections, section_key):
    section = next((s for s in sections if s.key == section_key), None)
    if section is None:
        raise Http404
    return section


@kept_page
def diagnostic_step(request, pk, section_key):
    diagnostic = get_diagnostic_for_user(request.user, pk, write=request.method == "POST")
    sections = load_sections(diagnostic)
    section = _section_or_404(sections, section_key)
    can_edit = not diagnostic.is_locked and is_team_member(request.user, diagnostic.cluster_id)
    if request.method == "POST" and not can_edit:
        messages.error(request, _("This diagnostic was submitted and can no longer change."))
        return redirect("diagnostic:diagnostic_review", pk)
    values = answer_values(diagnostic)
    step = Step(diagnostic=diagnostic, section=section, values=values, sections=sections,
                data=request.POST if request.method == "POST" else None, read_only=not can_edit)
    if request.method == "POST":
        try:
            step.save(user=request.user)
        except services.DiagnosticLocked:  # submitted by a colleague since it was read above
            messages.error(request, _("This diagnostic was submitted and can no longer "
                                      "change."))
            return redirect("diagnostic:diagnostic_review", pk)
        if not step.has_errors:
            if step.newly_shown_unanswered() and request.POST.get("_action") != "later" \
                    and not request.POST.get("_shown_live"):
                # Without JavaScript, the answers just saved reveal the next questions here
                # (static/js/conditions.js shows them at once and says so with _shown_live).
                messages.info(request, _("Your answers are saved. They open further "
                                         "questions below."))
                return redirect("diagnostic:diagnostic_step", pk, section.key)
            if request.POST.get("_action") == "later":
                messages.success(request, _("Your answers are saved. Continue any time, from "
                                            "any device."))
            return redirect(_step_target(request, diagnostic, sections, section))
        messages.error(request, _("Some answers could not be saved: see the messages next to "
                                  "the fields. All other answers of this step are saved."))
        values = answer_values(diagnostic)
    progress = sections_progress(sections, values, diagnostic.cluster,
                                 shown_questions(sections, values))
    current = next(p for p in progress if p.section.key == section.key)
    index = sections.index(section)
    return render(request, "diagnostic/step.html", {
        "diagnostic": diagnostic, "cluster": diagnostic.cluster, "step": step,
        "section": section, "progress": progress, "current": current, "can_edit": can_edit,
        "complete_count": sum(p.is_complete for p in progress),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
    })


@require_POST
def diagnostic_autosave(request, pk, section_key):
    """Background save while the user types: stores the questions named in _questions and
    answers with what was stored and the messages of what was not. It runs every second or
    so while someone types: only the fields named are built, and the progress is counted
    from the answers the save leaves, not read again."""
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True,
                                         annotations=with_answer_values())
    sections = load_sections(diagnostic)
    section = _section_or_404(sections, section_key)
    if diagnostic.is_locked:
        return _locked_json()
    only = {key for key in request.POST.getlist("_questions") if key}
    step = Step(diagnostic=diagnostic, section=section, values=answer_values(diagnostic),
                sections=sections, data=request.POST, only=only)
    try:
        saved = step.save(user=request.user) if only else 0
    except services.DiagnosticLocked:  # submitted by a colleague since it was read above
        return _locked_json()
    errors = {name: msgs for name, msgs in step.errors_by_field().items()
              if name.removeprefix("q_") in only or name in only or name == "__all__"}
    return JsonResponse({"saved": saved, "errors": errors,
                         "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                         "progress": _progress_json(diagnostic, sections, section,
                                                    step.values, step.shown)})


def _locked_json() -> JsonResponse:
    return JsonResponse({"error": _("This diagnostic was submitted and can no longer "
                                    "change.")}, status=409)


def _progress_json(diagnostic, sections, section, values, shown) -> dict:
    """The section counter and the overall progress after a background save, worded as the
    page words them and counted as it counts them (the questions shown), so that both
    follow autosave."""
    progress = sections_progress(sections, values, diagnostic.cluster, shown)
    current = next(p for p in progress if p.section.key == section.key)
    done = sum(p.is_complete for p in progress)
    return {
        "section_label": _("This section: %(answered)s of %(total)s answered") % {
            "answered": current.answered, "total": current.total},
        "section_percent": current.percent,
        "overall_label": ngettext("%(done)s of %(total)s section complete",
                                  "%(done)s of %(total)s sections complete", len(progress))
        % {"done": done, "total": len(progress)},
        "complete": [p.section.key for p in progress if p.is_complete],
    }


@kept_page
def diagnostic_review(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk)
    sections = load_sections(diagnostic)
    values = answer_values(diagnostic)
    shown = shown_questions(sections, values)
    review = review_sections(sections, values, diagnostic, shown)
    can_edit = not diagnostic.is_locked and is_team_member(request.user, diagnostic.cluster_id)
    progress = sections_progress(sections, values, diagnostic.cluster, shown)
    return render(request, "diagnostic/review.html", {
        "diagnostic": diagnostic, "cluster": diagnostic.cluster, "review": review,
        "can_edit": can_edit, "missing_count": sum(len(s.missing) for s in review),
        "progress": progress, "complete_count": sum(p.is_complete for p in progress),
        "submit_form": SubmitForm(),
    })


@require_POST
def diagnostic_submit(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.diagnostic_submit(diagnostic=diagnostic, user=request.user,
                                   benchmark_consent=form.cleaned_data.get("benchmark_consent",
                                                                           False))
    except ValidationError:
        messages.error(request, _("The diagnostic cannot be submitted yet: some required "
                                  "answers are missing (marked below)."))
        return redirect("diagnostic:diagnostic_review", pk)
    messages.success(request, _("The diagnostic is submitted and locked. Thank you!"))
    return redirect("benchmark:diagnostic_results", pk)


def home(request):
    """The home page: what ClusterDiag does, and the clusters of a logged-in person."""
    clusters = []
    if request.user.is_authenticated:
        clusters = Cluster.objects.visible_to(request.user).order_by("name")
    return render(request, "home.html", {
        "clusters": clusters, "minutes": DIAGNOSTIC_MINUTES,
        # The sample report is the demo plan, which exists only where demo data was made.
        "sample_available": Diagnostic.objects.filter(cluster__is_demo=True,
                                                      plan__isnull=False).exists()})
