"""Every write of the partner search: profiles (prepared from a run, edited with optimistic
locking, published, withdrawn, suspended), interests and their answers, introductions by a
facilitator, blocks and abuse reports, and the plan action made from a match."""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from benchmark.scoring import size_band
from clusterdiag.models import User
from diagnostic.models import Answer, Cluster, Diagnostic, Membership
from plans import services as plan_services
from plans.models import ActionPlan

from .matching import TEXT_SEARCH_CONFIGS
from .models import (
    AbuseReport,
    Block,
    Interest,
    Introduction,
    PartnerProfile,
    PartnerType,
    keys_to_stored,
)

# Free-text working languages of the questionnaire -> language codes.
LANGUAGE_NAMES = {
    "en": ["english", "anglais", "englisch"], "fr": ["french", "français", "francais",
                                                     "französisch"],
    "de": ["german", "allemand", "deutsch"], "es": ["spanish", "espagnol", "spanisch"],
    "it": ["italian", "italien", "italienisch"], "nl": ["dutch", "néerlandais",
                                                        "niederländisch"],
    "pl": ["polish", "polonais", "polnisch"], "pt": ["portuguese", "portugais"],
    "sv": ["swedish", "suédois", "schwedisch"], "da": ["danish", "danois"],
    "fi": ["finnish", "finnois"], "cs": ["czech", "tchèque"], "hu": ["hungarian", "hongrois"],
    "ro": ["romanian", "roumain"], "el": ["greek", "grec"],
}
# Members taking part -> the partner types the cluster can be for others.
OFFERED_BY_MEMBERS = {"members_research": "research", "members_universities": "research",
                      "members_smes": "customers", "members_large": "customers"}


class ProfileConflict(Exception):
    def __init__(self, profile):
        super().__init__()
        self.profile = profile

    def message(self) -> str:
        return _("This profile was changed meanwhile by %(who)s. Reload the page to see their "
                 "version, then make your change again.") % {
            "who": self.profile.updated_by or _("someone")}


def languages_from_text(text: str) -> list[str]:
    lowered = (text or "").lower()
    return [code for code, names in LANGUAGE_NAMES.items() if any(n in lowered for n in names)]


def _answers(diagnostic: Diagnostic) -> dict:
    return dict(Answer.objects.filter(diagnostic=diagnostic)
                .values_list("question__key", "value"))


def vectors_refresh(profile: PartnerProfile) -> None:
    """The texts' search vectors, in the configuration of their language (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    config = TEXT_SEARCH_CONFIGS.get(profile.text_language, "simple")
    PartnerProfile.objects.filter(pk=profile.pk).update(
        themes_vector=SearchVector("themes", config=config),
        offers_vector=SearchVector("offers", config=config),
        seeks_vector=SearchVector("seeks", config=config))


@transaction.atomic
def profile_prepare(*, diagnostic: Diagnostic, user) -> PartnerProfile:
    """A draft profile from a submitted run's answers (or the existing profile, its
    answers brought up to date from that run). Nothing is shown to others until it is
    published."""
    if diagnostic.status != Diagnostic.Status.SUBMITTED:
        raise ValidationError(_("Submit the diagnostic before preparing a partner profile."))
    cluster = Cluster.objects.select_for_update().get(pk=diagnostic.cluster_id)
    answers = _answers(diagnostic)
    members = answers.get("participating_members") or []
    offered = ["clusters"] + [OFFERED_BY_MEMBERS[m] for m in members if m in OFFERED_BY_MEMBERS]
    sought = [k.removeprefix("partner_") for k in answers.get("partner_types") or []]
    plan = ActionPlan.objects.filter(diagnostic=diagnostic).first()
    fields = {
        "diagnostic": diagnostic, "name": cluster.name, "country": cluster.country,
        "region": cluster.region, "sector": cluster.sector, "governance": cluster.governance,
        "size_band": size_band(cluster.member_count), "is_demo": cluster.is_demo,
        "themes": (answers.get("cooperation_themes") or "")[:2000],
        "seeks": (answers.get("target_markets") or "")[:2000],
        "partner_types_sought": keys_to_stored(k for k in sought if k in PartnerType.values),
        "partner_types_offered": keys_to_stored(offered),
        "target_countries": keys_to_stored(answers.get("target_countries") or []),
        "working_languages": keys_to_stored(languages_from_text(
            answers.get("working_languages") or "")),
        "facilitator_wanted": answers.get("facilitator_needed") == "facilitator_yes",
        "phase": plan.phase if plan else "get_to_know",
    }
    profile = PartnerProfile.objects.filter(cluster=cluster).first()
    if profile is None:
        profile = PartnerProfile(cluster=cluster, contact_name=str(user),
                                 contact_email=user.email,
                                 text_language=user.language or "en")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.updated_by = user
    profile.revision = (profile.revision or 0) + 1
    profile.save()
    vectors_refresh(profile)
    return profile


@transaction.atomic
def profile_update(*, profile: PartnerProfile, user, revision: int, fields: dict
                   ) -> PartnerProfile:
    """Save the edited profile if nobody saved it since `revision` was read."""
    if not PartnerProfile.objects.filter(pk=profile.pk, revision=revision).update(
            revision=F("revision") + 1):
        raise ProfileConflict(PartnerProfile.objects.select_related("updated_by")
                              .get(pk=profile.pk))
    current = PartnerProfile.objects.get(pk=profile.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    current.updated_by = user
    current.full_clean(exclude=["cluster", "diagnostic", "updated_by"])
    current.save()
    vectors_refresh(current)
    return current


@transaction.atomic
def profile_publish(*, profile: PartnerProfile, user) -> PartnerProfile:
    current = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    if not current.themes.strip():
        raise ValidationError(_("Describe your themes before publishing."))
    current.status = PartnerProfile.Status.PUBLISHED
    current.published_at = timezone.now()
    current.updated_by = user
    current.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    return current


@transaction.atomic
def profile_withdraw(*, profile: PartnerProfile, user) -> PartnerProfile:
    """Out of every list at once (the lists read only published profiles)."""
    current = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    current.status = PartnerProfile.Status.WITHDRAWN
    current.updated_by = user
    current.save(update_fields=["status", "updated_by", "updated_at"])
    return current


def profile_suspend(*, profile: PartnerProfile, reason: str = "") -> None:
    # updated_at too: every cached ranking depends on it (match_cache.data_version).
    PartnerProfile.objects.filter(pk=profile.pk).update(
        suspended_at=timezone.now(), suspended_reason=reason[:500], updated_at=timezone.now())


def profile_reinstate(*, profile: PartnerProfile) -> None:
    PartnerProfile.objects.filter(pk=profile.pk).update(suspended_at=None, suspended_reason="",
                                                        updated_at=timezone.now())


# --- Interest, introductions ------------------------------------------------------------------

def _managers(cluster_id):
    return list(Membership.objects.filter(cluster_id=cluster_id,
                                          role=Membership.Role.MANAGER)
                .values_list("user__email", "user__language"))


def _mail(recipients, template: str, context: dict) -> None:
    """One email per recipient, in the recipient's language, once the transaction has
    committed."""
    def send():
        for email, language in recipients:
            with override(language or None):
                full = {**context, "site_url": settings.SITE_URL}
                send_mail(subject=render_to_string(f"partners/emails/{template}-subject.txt",
                                                   full).strip(),
                          message=render_to_string(f"partners/emails/{template}-body.txt",
                                                   full),
                          from_email=None, recipient_list=[email])

    transaction.on_commit(send)


def interests_today(cluster_id) -> int:
    since = timezone.now() - datetime.timedelta(days=1)
    return Interest.objects.filter(from_cluster_id=cluster_id, created_at__gte=since).count()


@transaction.atomic
def interest_express(*, profile: PartnerProfile, to_cluster_id: int, user, message: str = ""
                     ) -> Interest:
    """The sender's published profile expresses interest in another published one. Refused
    beyond PARTNER_INTERESTS_PER_DAY a day, towards a cluster that blocked the sender, and
    twice to the same cluster."""
    Cluster.objects.select_for_update().get(pk=profile.cluster_id)  # one sender at a time
    target = PartnerProfile.objects.published().filter(cluster_id=to_cluster_id).first()
    if (target is None or to_cluster_id == profile.cluster_id
            or Block.objects.filter(Q(cluster_id=to_cluster_id, blocked_id=profile.cluster_id)
                                    | Q(cluster_id=profile.cluster_id,
                                        blocked_id=to_cluster_id)).exists()):
        raise PermissionDenied
    if Interest.objects.filter(from_cluster_id=profile.cluster_id,
                               to_cluster_id=to_cluster_id).exists():
        raise ValidationError(_("You have already expressed interest in this cluster."))
    if interests_today(profile.cluster_id) >= settings.PARTNER_INTERESTS_PER_DAY:
        raise ValidationError(_("Your cluster has expressed interest in %(n)d clusters in the "
                                "last 24 hours, the most allowed. Try again tomorrow.")
                              % {"n": settings.PARTNER_INTERESTS_PER_DAY})
    interest = Interest.objects.create(from_cluster_id=profile.cluster_id,
                                       to_cluster_id=to_cluster_id, created_by=user,
                                       message=message.strip()[:1000])
    _mail(_managers(to_cluster_id), "interest",
          {"interest": interest, "sender": profile, "path": interest.get_absolute_url()})
    return interest


@transaction.atomic
def interest_decide(*, interest: Interest, user, accept: bool) -> Interest:
    """The receiving team accepts or declines; accepted, both sides see each other's
    contact details."""
    current = Interest.objects.select_for_update().get(pk=interest.pk)
    if not Membership.objects.filter(cluster_id=current.to_cluster_id, user=user).exists():
        raise PermissionDenied
    if current.status != Interest.Status.PENDING:
        raise ValidationError(_("This interest has already been answered."))
    current.status = Interest.Status.ACCEPTED if accept else Interest.Status.DECLINED
    current.decided_by, current.decided_at = user, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    _mail(_managers(current.from_cluster_id), "answer",
          {"interest": current, "accepted": accept, "path": current.get_absolute_url()})
    return current


@transaction.atomic
def introduction_request(*, interest: Interest, cluster_id: int, facilitator, user
                         ) -> Introduction:
    """Either side asks a facilitator who follows it to introduce them; the facilitator is
    copied."""
    if cluster_id not in (interest.from_cluster_id, interest.to_cluster_id) or not (
            Membership.objects.filter(cluster_id=cluster_id, user=user).exists()):
        raise PermissionDenied
    if not Cluster.facilitators.through.objects.filter(cluster_id=cluster_id,
                                                       user=facilitator).exists():
        raise ValidationError({"facilitator": _("Choose a facilitator who follows your "
                                                "cluster.")})
    introduction, created = Introduction.objects.get_or_create(
        interest=interest, facilitator=facilitator,
        defaults={"cluster_id": cluster_id, "requested_by": user})
    if created:
        _mail([(facilitator.email, facilitator.language)], "introduction",
              {"interest": interest, "introduction": introduction,
               "path": interest.get_absolute_url()})
    return introduction


@transaction.atomic
def introduction_note(*, introduction: Introduction, user, note: str) -> Introduction:
    if introduction.facilitator_id != user.pk:
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write a note.")})
    introduction.note, introduction.noted_at = note.strip()[:2000], timezone.now()
    introduction.save(update_fields=["note", "noted_at"])
    return introduction


# --- Blocks and reports --------------------------------------------------------------------

@transaction.atomic
def block_toggle(*, cluster_id: int, other_id: int, user) -> bool:
    """Block the other cluster (it then sees nothing of this one), or lift the block.
    True when it is blocked afterwards."""
    if cluster_id == other_id:
        raise PermissionDenied
    deleted, _rows = Block.objects.filter(cluster_id=cluster_id, blocked_id=other_id).delete()
    if deleted:
        return False
    Block.objects.create(cluster_id=cluster_id, blocked_id=other_id, created_by=user)
    return True


@transaction.atomic
def abuse_report(*, cluster_id: int, reported_id: int, user, reason: str) -> AbuseReport:
    if not reason.strip():
        raise ValidationError({"reason": _("Say what happened.")})
    report = AbuseReport.objects.create(cluster_id=cluster_id, reported_id=reported_id,
                                        created_by=user, reason=reason.strip()[:2000])
    admins = User.objects.filter(is_superuser=True, is_active=True)
    _mail(list(admins.values_list("email", "language")), "report", {"report": report})
    return report


# --- From a match to the plan ---------------------------------------------------------------

def match_plan(interest: Interest, cluster_id: int) -> ActionPlan | None:
    """The plan an accepted match goes into: the cluster's latest plan that can be edited."""
    return (ActionPlan.objects.filter(cluster_id=cluster_id, status__in=[
        ActionPlan.Status.DRAFT, ActionPlan.Status.CHANGES_REQUESTED])
        .select_related("cluster").order_by("-created_at").first())


@transaction.atomic
def match_to_action(*, interest: Interest, cluster_id: int, user):
    """"First contact with …" in the cluster's plan, owned by the user, starting today (or
    at the plan's start), with the facilitator who introduces them, if any."""
    if interest.status != Interest.Status.ACCEPTED or cluster_id not in (
            interest.from_cluster_id, interest.to_cluster_id):
        raise PermissionDenied
    plan = match_plan(interest, cluster_id)
    if plan is None:
        raise ValidationError(_("Your cluster has no action plan that can be changed: make "
                                "one from its strategy first."))
    other = Cluster.objects.get(pk=interest.other_cluster_id(cluster_id))
    start = min(max(timezone.localdate(), plan.start_date), plan.end_date)
    due = min(start + datetime.timedelta(days=60), plan.end_date)
    introduction = interest.introductions.select_related("facilitator").first()
    description = _("Agreed in the partner search on %(date)s.") % {
        "date": (interest.decided_at or timezone.now()).date().isoformat()}
    if introduction is not None:
        description += " " + _("Facilitator: %(name)s.") % {"name": introduction.facilitator}
    return plan_services.action_add(plan=plan, user=user, fields={
        "title": (_("First contact with %(cluster)s") % {"cluster": other.name})[:200],
        "description": description, "owner": user,
        "owner_role": (str(introduction.facilitator) if introduction else "")[:200],
        "start_date": start, "due_date": due, "target_countries": [other.country],
        "milestone": _("First meeting held")[:300], "milestone_date": due,
    })


@transaction.atomic
def demo_profile_publish(*, cluster: Cluster, fields: dict) -> PartnerProfile:
    """A published demo profile (seed_demo only): labelled as demo wherever it shows."""
    profile, _created = PartnerProfile.objects.update_or_create(
        cluster=cluster, defaults={**fields, "is_demo": True,
                                   "status": PartnerProfile.Status.PUBLISHED,
                                   "published_at": timezone.now()})
    vectors_refresh(profile)
    return profile
