"""Pages of the partner search. Every view starts with the access check (partners/access.py):
what the user may not reach is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clusterdiag.models import User
from diagnostic.access import get_cluster_for_user
from diagnostic.models import Cluster, Diagnostic

from . import match_cache, matching, services
from .access import (
    browsing_clusters,
    get_acting_profile,
    get_interest_for_user,
    get_own_profile,
    get_published_profile_for_user,
    may_browse,
    team_side,
)
from .forms import (
    DecideForm,
    InterestForm,
    IntroductionForm,
    MatchFilterForm,
    NoteForm,
    ProfileForm,
    ReportForm,
)
from .models import Block, Interest, PartnerProfile

PAGE_SIZE = 10


def _refused(form, error) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _error_message(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


# --- The start page and the directory ---------------------------------------------------------

@require_safe
@login_required
def index(request):
    """Each of the user's clusters and where its profile stands."""
    clusters = (Cluster.objects.editable_by(request.user)
                .select_related("partner_profile").order_by("name"))
    submitted = set(Diagnostic.objects.submitted().filter(cluster__in=clusters)
                    .values_list("cluster_id", flat=True))
    return render(request, "partners/index.html", {
        "clusters": clusters, "submitted": submitted,
        "may_browse": may_browse(request.user)})


@require_safe
def browse(request):
    """Every published profile, with filters: for those who may browse."""
    if not may_browse(request.user):
        raise Http404
    form = MatchFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    profiles = PartnerProfile.objects.published()
    if not (request.user.is_superuser or request.user.is_facilitator):
        profiles = profiles.exclude(
            cluster__blocks__blocked__in=browsing_clusters(request.user).values("pk"))
    for name in ("country", "sector", "phase"):
        if filters.get(name):
            profiles = profiles.filter(**{name: filters[name]})
    page = Paginator(profiles.order_by("name", "pk"), PAGE_SIZE).get_page(filters.get("page"))
    return render(request, "partners/browse.html", {"form": form, "page": page},
                  status=400 if form.is_bound and form.errors else 200)


# --- The cluster's own profile ---------------------------------------------------------------

@require_POST
def prepare(request, pk):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    diagnostic = Diagnostic.objects.submitted().filter(cluster=cluster).order_by("-run").first()
    if diagnostic is None:
        messages.error(request, _("Submit a diagnostic first: the profile is prepared from "
                                  "its answers."))
        return redirect("partners:index")
    services.profile_prepare(diagnostic=diagnostic, user=request.user)
    messages.success(request, _("Your partner profile is prepared from diagnostic run "
                                "%(run)d. Check it, then publish it.") % {"run": diagnostic.run})
    return redirect("partners:edit", cluster.pk)


def edit(request, pk):
    profile = get_own_profile(request.user, pk, write=True)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(profile=profile, user=request.user,
                                    revision=form.cleaned_data["revision"],
                                    fields=form.profile_fields())
        except services.ProfileConflict as conflict:
            form.add_error(None, conflict.message())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Profile saved. This is how others will see it."))
            return redirect("partners:preview", pk)
    return render(request, "partners/edit.html", {"profile": profile, "form": form},
                  status=400 if form.errors else 200)


@require_safe
def preview(request, pk):
    """Exactly what others see (the same template), with the team's buttons around it."""
    profile = get_own_profile(request.user, pk, write=True)
    return render(request, "partners/preview.html", {"profile": profile, "shown": profile})


@require_POST
def publish(request, pk):
    profile = get_own_profile(request.user, pk, write=True)
    try:
        services.profile_publish(profile=profile, user=request.user)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("partners:edit", pk)
    messages.success(request, _("Your profile is published: other clusters can find you."))
    return redirect("partners:matches", pk)


@require_POST
def withdraw(request, pk):
    profile = get_own_profile(request.user, pk, write=True)
    services.profile_withdraw(profile=profile, user=request.user)
    messages.success(request, _("Your profile is withdrawn: nobody sees it any more."))
    return redirect("partners:index")


# --- Matches -----------------------------------------------------------------------------------

@require_safe
def matches(request, pk):
    """The ranked candidates of the cluster's published profile, each with its reasons."""
    viewer = get_acting_profile(request.user, pk,
                                annotations=match_cache.version_annotations())
    form = MatchFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    version = match_cache.data_version(viewer)
    ranked = match_cache.ranked_ids(viewer, version=version,
                                    country=filters.get("country", ""),
                                    sector=filters.get("sector", ""),
                                    phase=filters.get("phase", ""))
    page = Paginator(ranked, PAGE_SIZE).get_page(filters.get("page"))
    rows, rows_html = match_cache.page_rows(viewer, list(page.object_list), version=version)
    received = (Interest.objects.filter(to_cluster_id=pk, status=Interest.Status.PENDING)
                .select_related("from_cluster") if viewer.interest_pending else [])
    return render(request, "partners/matches.html", {
        "viewer": viewer, "cluster": viewer.cluster, "form": form, "page": page, "rows": rows,
        "rows_html": match_cache.with_csrf(rows_html, request),
        "full_text": matching.full_text_search(), "received": received},
        status=400 if form.is_bound and form.errors else 200)


@require_safe
def profile(request, pk):
    """A published profile as others see it: nothing but the profile."""
    shown = get_published_profile_for_user(request.user, pk)
    mine = browsing_clusters(request.user).values_list("pk", flat=True)
    return render(request, "partners/profile.html", {"shown": shown, "acting": list(mine)})


@require_POST
def interest_express(request, pk, other):
    viewer = get_acting_profile(request.user, pk)
    get_published_profile_for_user(request.user, other)
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            services.interest_express(profile=viewer, to_cluster_id=other, user=request.user,
                                      message=form.cleaned_data["message"])
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("Interest sent: their managers have been told by "
                                        "email."))
    else:
        messages.error(request, _("The message could not be sent: %(errors)s")
                       % {"errors": " ".join(form.errors.get("message", []))})
    return redirect("partners:matches", pk)


# --- An interest and what follows ------------------------------------------------------------

def _interest_page(request, interest, *, status=200, **forms):
    side = team_side(request.user, interest)
    accepted = interest.status == Interest.Status.ACCEPTED
    profiles = {p.cluster_id: p for p in PartnerProfile.objects.filter(
        cluster_id__in=[interest.from_cluster_id, interest.to_cluster_id])}
    followers = (User.objects.filter(followed_clusters=side).order_by("email")
                 if side else User.objects.none())
    introductions = interest.introductions.select_related("facilitator", "cluster")
    return render(request, "partners/interest.html", {
        "interest": interest, "side": side, "accepted": accepted,
        # Contact details: only to the two teams, and only once both agreed.
        "contacts": [profiles.get(interest.from_cluster_id), profiles.get(
            interest.to_cluster_id)] if accepted and side else [],
        "other_profile": profiles.get(interest.other_cluster_id(side)) if side else None,
        "other_id": interest.other_cluster_id(side) if side else None,
        "may_decide": side == interest.to_cluster_id and interest.status == "pending",
        "plan": services.match_plan(interest, side) if accepted and side else None,
        "introductions": introductions,
        "my_introductions": [i for i in introductions if i.facilitator_id == request.user.pk],
        "decide_form": forms.get("decide_form") or DecideForm(),
        "introduction_form": forms.get("introduction_form") or IntroductionForm(
            facilitators=followers),
        "note_form": forms.get("note_form") or NoteForm(),
    }, status=status)


@require_safe
def interest(request, pk):
    return _interest_page(request, get_interest_for_user(request.user, pk))


@require_POST
def interest_decide(request, pk):
    interest = get_interest_for_user(request.user, pk, write=True)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _interest_page(request, interest, status=400, decide_form=form)
    try:
        services.interest_decide(interest=interest, user=request.user,
                                 accept=form.cleaned_data["decision"] == "accept")
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _refused(form, error)
        return _interest_page(request, interest, status=400, decide_form=form)
    messages.success(request, _("Your answer has been sent."))
    return redirect(interest)


@require_POST
def introduction_request(request, pk):
    interest = get_interest_for_user(request.user, pk, write=True)
    side = team_side(request.user, interest)
    form = IntroductionForm(request.POST,
                            facilitators=User.objects.filter(followed_clusters=side))
    if form.is_valid():
        try:
            services.introduction_request(interest=interest, cluster_id=side,
                                          facilitator=form.cleaned_data["facilitator"],
                                          user=request.user)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The facilitator has been asked to introduce you."))
            return redirect(interest)
    return _interest_page(request, interest, status=400, introduction_form=form)


@require_POST
def introduction_note(request, pk, intro_pk):
    interest = get_interest_for_user(request.user, pk)
    introduction = get_object_or_404(interest.introductions, pk=intro_pk,
                                     facilitator=request.user)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.introduction_note(introduction=introduction, user=request.user,
                                   note=form.cleaned_data["note"])
        messages.success(request, _("Your note has been added."))
        return redirect(interest)
    return _interest_page(request, interest, status=400, note_form=form)


@require_POST
def interest_to_action(request, pk):
    interest = get_interest_for_user(request.user, pk, write=True)
    side = team_side(request.user, interest)
    if interest.status != Interest.Status.ACCEPTED:
        raise Http404
    try:
        action = services.match_to_action(interest=interest, cluster_id=side,
                                          user=request.user)
    except ValidationError as error:
        _error_message(request, error)
        return redirect(interest)
    messages.success(request, _("“%(title)s” is now an action of your plan.")
                     % {"title": action.title})
    return redirect("plans:detail", action.plan_id)


# --- Blocks and reports ------------------------------------------------------------------------

def _other_cluster(request, other):
    """A cluster the team may block or report: one it can see in the partner search, or one
    it already blocked, or one that sent it an interest."""
    known = (Q(partner_profile__status=PartnerProfile.Status.PUBLISHED)
             | Q(pk__in=Interest.objects.filter(to_cluster__in=Cluster.objects.editable_by(
                 request.user)).values("from_cluster_id")))
    return get_object_or_404(Cluster.objects.filter(known), pk=other)


@require_POST
def block(request, pk, other):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    target = _other_cluster(request, other)
    try:
        blocked = services.block_toggle(cluster_id=cluster.pk, other_id=target.pk,
                                        user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, (_("%(name)s is blocked: it sees nothing of your cluster.")
                               if blocked else _("%(name)s is no longer blocked."))
                     % {"name": target.name})
    if PartnerProfile.objects.published().filter(cluster=cluster).exists():
        return redirect("partners:matches", cluster.pk)
    return redirect("partners:index")


def report(request, pk, other):
    cluster = get_cluster_for_user(request.user, pk, write=True)
    target = _other_cluster(request, other)
    if target.pk == cluster.pk:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.abuse_report(cluster_id=cluster.pk, reported_id=target.pk,
                                  user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you: the administrators will look into it."))
            return redirect("partners:index")
    blocked = Block.objects.filter(cluster=cluster, blocked=target).exists()
    return render(request, "partners/report.html", {
        "cluster": cluster, "target": target, "form": form, "blocked": blocked},
        status=400 if form.errors else 200)
