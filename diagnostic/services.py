"""Every write of the diagnostic app goes through these functions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from clusterdiag.mail import administrators, send_each_on_commit

from . import signals
from .answers import is_answered, profile_missing
from .conditions import shown_keys
from .models import (
    Answer,
    Cluster,
    Diagnostic,
    FacilitationOffer,
    FacilitationRequest,
    Invitation,
    Membership,
    Option,
    Question,
    QuestionnaireVersion,
)


class DiagnosticLocked(Exception):
    """A submitted diagnostic cannot change; start a new run instead."""


@transaction.atomic
def cluster_create(*, user, **profile) -> Cluster:
    """Register a cluster: its creator becomes its manager and gets a first draft."""
    cluster = Cluster(**profile)
    cluster.full_clean()
    cluster.save()
    Membership.objects.create(cluster=cluster, user=user, role=Membership.Role.MANAGER)
    diagnostic_start(cluster=cluster, user=user)
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, fields: dict) -> Cluster:
    for name, value in fields.items():
        setattr(cluster, name, value)
    cluster.full_clean()
    cluster.save(update_fields=[*fields, "updated_at"])
    return cluster


def invitation_create(*, cluster: Cluster, email: str, invited_by, accept_url_for) -> Invitation:
    """Invite a colleague; the email goes out once the invitation is stored."""
    invitation = Invitation.objects.create(cluster=cluster, email=email.lower(),
                                           invited_by=invited_by)
    context = {"invitation": invitation, "cluster": cluster, "invited_by": invited_by,
               "accept_url": accept_url_for(invitation)}
    language = getattr(invited_by, "language", "") or None

    def send():
        with override(language):
            send_mail(
                subject=render_to_string("emails/invitation-subject.txt", context).strip(),
                message=render_to_string("emails/invitation-body.txt", context),
                from_email=None, recipient_list=[invitation.email],
            )

    transaction.on_commit(send)
    return invitation


# --- Who reviews the plan ---------------------------------------------------------------------

def _team(cluster: Cluster) -> list[tuple[str, str]]:
    return list(cluster.memberships.values_list("user__email", "user__language"))


@transaction.atomic
def facilitation_request(*, cluster: Cluster, user, offer: FacilitationOffer | None
                         ) -> FacilitationRequest:
    """The team asks for a facilitator of an offer, or (offer None) says it wants none. A
    new wish replaces the pending one; administrators are emailed when one is asked for."""
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    FacilitationRequest.objects.filter(cluster=cluster,
                                       status=FacilitationRequest.Status.PENDING).delete()
    status = (FacilitationRequest.Status.NONE_WANTED if offer is None
              else FacilitationRequest.Status.PENDING)
    request = FacilitationRequest.objects.create(cluster=cluster, offer=offer, status=status,
                                                 requested_by=user)
    if status == FacilitationRequest.Status.PENDING:
        send_each_on_commit(administrators(),
                            subject_template="diagnostic/emails/request-subject.txt",
                            body_template="diagnostic/emails/request-body.txt",
                            context={"request": request, "cluster": cluster,
                                     "site_url": settings.SITE_URL})
    return request


@transaction.atomic
def facilitator_assign(*, cluster: Cluster, facilitator, by) -> FacilitationRequest:
    """An administrator assigns a facilitator in one step: the facilitator follows the
    cluster, its pending request (if any) is answered, and the facilitator and the team are
    emailed, each in their language."""
    if not facilitator.is_facilitator:
        raise ValidationError({"facilitator": _("Choose a person of the Facilitators group.")})
    request = (FacilitationRequest.objects.select_for_update()
               .filter(cluster=cluster, status=FacilitationRequest.Status.PENDING).first()
               or FacilitationRequest(cluster=cluster, requested_by=by))
    request.status = FacilitationRequest.Status.ASSIGNED
    request.facilitator, request.decided_by, request.decided_at = facilitator, by, timezone.now()
    request.save()
    cluster.facilitators.add(facilitator)
    context = {"cluster": cluster, "facilitator": facilitator,
               "site_url": settings.SITE_URL, "path": cluster.get_absolute_url()}
    send_each_on_commit(
        [(facilitator.email, facilitator.language)],
        subject_template="diagnostic/emails/assigned-facilitator-subject.txt",
        body_template="diagnostic/emails/assigned-facilitator-body.txt", context=context)
    send_each_on_commit(
        _team(cluster), subject_template="diagnostic/emails/assigned-team-subject.txt",
        body_template="diagnostic/emails/assigned-team-body.txt", context=context)
    return request


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the team. An invitation that was revoked, has expired or was already used is
    refused (checked under a lock, so that a revocation at the same moment wins)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("This invitation can no longer be accepted."),
                              code="invitation_closed")
    membership, _created = Membership.objects.get_or_create(
        cluster=invitation.cluster, user=user, defaults={"role": Membership.Role.MEMBER})
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def diagnostic_start(*, cluster: Cluster, user) -> Diagnostic:
    """Open a new draft run, with the last run's answers copied in (matched by question
    key, so a run on a newer questionnaire version keeps what still applies).
    Returns the existing draft when there is one."""
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    draft = cluster.diagnostics.filter(status=Diagnostic.Status.DRAFT).first()
    if draft is not None:
        return draft
    version = QuestionnaireVersion.objects.current()
    if version is None:
        raise ValidationError(_("No questionnaire is published yet."))
    previous = cluster.diagnostics.order_by("-run").first()
    last_run = cluster.diagnostics.aggregate(last=Max("run"))["last"] or 0
    diagnostic = Diagnostic.objects.create(cluster=cluster, version=version, run=last_run + 1,
                                           created_by=user)
    if previous is not None:
        questions = {q.key: q for q in Question.objects.filter(section__version=version)}
        Answer.objects.bulk_create(
            Answer(diagnostic=diagnostic, question=questions[a.question.key], value=a.value,
                   updated_by=user)
            for a in previous.answers.select_related("question")
            if a.question.key in questions and a.value is not None
        )
    return diagnostic


def _lock_draft(diagnostic: Diagnostic) -> Diagnostic:
    locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if locked.is_locked:
        raise DiagnosticLocked
    return locked


def answers_save(*, diagnostic: Diagnostic, user, values: dict[Question, object],
                 section_key: str) -> int:
    """Store the given answers of one step; returns how many.

    The draft's row is updated first, and only while it is a draft: that update takes the
    lock that a submission takes before it reads the answers, so no answer lands in a
    submitted run. The autosave runs this every second or so while someone types: on
    PostgreSQL the update and the answers are one statement (_ANSWERS_SQL), its own
    transaction, one round trip; elsewhere (SQLite) two statements in a transaction."""
    now = timezone.now()
    if values and connection.vendor == "postgresql":
        if not _answers_save_in_one_statement(diagnostic=diagnostic, user=user, values=values,
                                              section_key=section_key, now=now):
            raise DiagnosticLocked
        return len(values)
    with transaction.atomic():
        if not Diagnostic.objects.filter(pk=diagnostic.pk, status=Diagnostic.Status.DRAFT
                                         ).update(current_section=section_key, updated_at=now):
            raise DiagnosticLocked
        Answer.objects.bulk_create(
            [Answer(diagnostic=diagnostic, question=q, value=v, updated_by=user, updated_at=now)
             for q, v in values.items()],
            update_conflicts=True, unique_fields=["diagnostic", "question"],
            update_fields=["value", "updated_by", "updated_at"],
        )
    return len(values)


# The conditional update of the draft's row feeds the upsert of the answers: no answer is
# written unless the run was still a draft, and the row lock (which a submission waits
# for, select_for_update) is held for this statement only, not across round trips. Two
# saves of one answer at once (a double click) queue behind that lock; the second updates
# the row the first inserted (ON CONFLICT sees rows committed after the statement began).
_ANSWERS_SQL = """
WITH draft AS (
    UPDATE {diagnostic} SET current_section = %s, updated_at = %s
    WHERE id = %s AND status = %s RETURNING id
), saved AS (
    INSERT INTO {answer} (diagnostic_id, question_id, value, updated_by_id, updated_at)
    SELECT draft.id, given.question_id, given.value, %s, %s
    FROM draft CROSS JOIN (VALUES {rows}) AS given (question_id, value)
    ON CONFLICT (diagnostic_id, question_id) DO UPDATE SET value = EXCLUDED.value,
        updated_by_id = EXCLUDED.updated_by_id, updated_at = EXCLUDED.updated_at
    RETURNING 1
)
SELECT count(*) FROM draft
"""


def _answers_save_in_one_statement(*, diagnostic, user, values, section_key, now) -> bool:
    """The answers stored with the draft's update in one statement; False when the run is
    no longer a draft (nothing was written)."""
    value_field = Answer._meta.get_field("value")
    params = [section_key, now, diagnostic.pk, Diagnostic.Status.DRAFT,
              getattr(user, "pk", None), now]
    for question, value in values.items():
        params += [question.pk, value_field.get_db_prep_save(value, connection)]
    sql = _ANSWERS_SQL.format(diagnostic=Diagnostic._meta.db_table,
                              answer=Answer._meta.db_table,
                              rows=", ".join(["(%s::bigint, %s::jsonb)"] * len(values)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] == 1


@transaction.atomic
def profile_save(*, diagnostic: Diagnostic, fields: dict, section_key: str) -> Cluster:
    _lock_draft(diagnostic)
    # A fresh row: the form may have put rejected values on the instance it was given.
    cluster = Cluster.objects.select_for_update().get(pk=diagnostic.cluster_id)
    cluster = cluster_update(cluster=cluster, fields=fields)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(current_section=section_key,
                                                       updated_at=timezone.now())
    return cluster


def _questions_and_values(diagnostic: Diagnostic):
    questions = list(Question.objects.filter(section__version=diagnostic.version_id)
                     .select_related("section").order_by("section__position", "position"))
    values = dict(diagnostic.answers.values_list("question_id", "value"))
    return questions, values


def missing_answers(diagnostic: Diagnostic) -> tuple[list[str], list[Question]]:
    """Profile fields and required questions shown and still unanswered."""
    profile_fields, questions, _shown = _missing_and_shown(diagnostic)
    return profile_fields, questions


def _missing_and_shown(diagnostic: Diagnostic):
    questions, values = _questions_and_values(diagnostic)
    shown = shown_keys(questions, {q.key: values.get(q.id) for q in questions})
    return (profile_missing(diagnostic.cluster),
            [q for q in questions if q.required and q.key in shown
             and not is_answered(values.get(q.id))], shown)


@transaction.atomic
def diagnostic_submit(*, diagnostic: Diagnostic, user, benchmark_consent: bool) -> Diagnostic:
    """Lock the diagnostic once every required answer is there. Submitting twice (a double
    click, a replayed request) changes nothing the second time."""
    locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if locked.is_locked:
        return locked
    profile_fields, questions, shown = _missing_and_shown(locked)
    if profile_fields or questions:
        raise ValidationError(_("Some required answers are missing."), code="incomplete")
    # Answers to questions that later answers hid are not kept.
    locked.answers.exclude(question__key__in=shown).delete()
    cluster = locked.cluster
    locked.profile = {
        "name": cluster.name, "country": cluster.country.code, "region": cluster.region,
        "sector": cluster.sector, "governance": cluster.governance,
        "companies": cluster.companies, "smes": cluster.smes,
        "research_institutes": cluster.research_institutes,
        "universities": cluster.universities, "other_members": cluster.other_members,
        "jobs": cluster.jobs, "year_founded": cluster.year_founded,
        "management_fte": (float(cluster.management_fte)
                           if cluster.management_fte is not None else None),
    }
    locked.status = Diagnostic.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = user
    locked.benchmark_consent = benchmark_consent and not cluster.is_demo
    locked.save()
    signals.diagnostic_submitted.send(sender=Diagnostic, diagnostic=locked)
    return locked


@transaction.atomic
def questionnaire_version_copy(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new unpublished version with the same sections, questions and options, for an
    administrator to edit and publish: versions in use are never edited in place."""
    number = QuestionnaireVersion.objects.count() + 1
    copy = QuestionnaireVersion.objects.create(
        code=f"{version.code}-copy{number}", title_texts=version.title_texts,
        is_published=False)
    for section in version.sections.prefetch_related("questions__options"):
        questions = list(section.questions.all())
        section.pk, section.version = None, copy
        section.save()
        for question in questions:
            options = list(question.options.all())
            question.pk, question.section = None, section
            question.save()
            Option.objects.bulk_create(
                Option(question=question, key=o.key, position=o.position,
                       label_texts=o.label_texts, exclusive=o.exclusive) for o in options)
    return copy
