"""The drills' commands that run inside Django, each in a process of its own started by
bench/load/stack.py: python bench/load/inside.py seed|pdfjob|pdftimes|droppdfs|ledger."""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import setup_django

PASSWORD = "Load-test-password-2026"


def seed(users: int) -> None:
    """The users and their clusters, and the body of every step of a full diagnostic."""
    setup_django()
    from diagnostic import services
    from diagnostic.models import Question, QuestionnaireVersion
    from tests.conftest import PROFILE_FIELDS
    from tests.factories import ClusterFactory, UserFactory, step_data, valid_value

    accounts = []
    for i in range(users):
        user = UserFactory(email=f"load{i}@example.org", password=PASSWORD)
        profile = {f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}
        cluster = services.cluster_create(user=user, **profile)
        accounts.append({"email": user.email, "cluster": cluster.pk})
    from diagnostic.conditions import shown_keys

    version = QuestionnaireVersion.objects.current()
    every = list(Question.objects.filter(section__version=version)
                 .order_by("section__position", "position").prefetch_related("options"))
    shown = shown_keys(every, {q.key: valid_value(q) for q in every})
    sections, text_questions = {}, {}
    for section in version.sections.order_by("position").prefetch_related("questions__options"):
        if section.key == "profile":
            sections[section.key] = {f: str(v) for f, v in profile.items() if v is not None}
            continue
        questions = list(section.questions.all())
        sections[section.key] = step_data(section, {q.key: valid_value(q) for q in questions})
        # Only questions shown whatever else is answered: a run's first autosave comes
        # before the step's other answers are stored, so a question they would reveal is
        # still hidden then, and its answer is (rightly) not kept.
        text_questions[section.key] = [q.key for q in questions
                                       if q.kind == Question.Kind.TEXT and q.key in shown
                                       and not q.show_if]
    print(json.dumps({"users": accounts, "password": PASSWORD, "sections": sections,
                      "text_questions": text_questions}, default=str))


def pdfjob() -> None:
    """A PDF job for a new version of the latest plan, sent to the worker."""
    setup_django()
    from django.db.models import F

    from plans.models import ActionPlan
    from plans.pdf import services

    plan = ActionPlan.objects.order_by("-pk").first()
    ActionPlan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    plan.refresh_from_db()
    job = services.pdf_request(plan=plan, user=plan.created_by, language="en")
    print(json.dumps({"job": job.pk, "plan": plan.pk, "revision": plan.revision}))


def pdftimes() -> None:
    """Seconds from request to ready file of every PDF job; those not ready yet count with
    their age so far (so the figures are then a lower bound)."""
    setup_django()
    from django.utils import timezone

    from plans.models import PdfJob

    now = timezone.now()
    rows = [((job.finished_at if job.status == "done" else now) - job.created_at
             ).total_seconds() for job in PdfJob.objects.only("status", "created_at",
                                                                "finished_at")]
    done = PdfJob.objects.filter(status="done").count()
    print(json.dumps({"seconds": rows, "done": done}))


def droppdfs() -> None:
    """Delete the PDF jobs queued or running and print how many. Locked first, skipping
    those a worker holds for a moment (claiming or finishing one), so that a job is either
    left whole or dropped; through the ORM, so that PdfJob's post_delete runs as for any
    deleted job."""
    setup_django()
    from django.db import transaction

    from plans.models import PdfJob

    with transaction.atomic():
        unfinished = list(PdfJob.objects.select_for_update(skip_locked=True).filter(
            status__in=[PdfJob.Status.QUEUED, PdfJob.Status.RUNNING]).values_list("pk", flat=True))
        PdfJob.objects.filter(pk__in=unfinished).delete()
    print(len(unfinished))


def ledger(path: str) -> None:
    setup_django()
    from diagnostic.models import Answer

    lost = []
    for diagnostic, question, value in json.loads(Path(path).read_text()):
        stored = Answer.objects.filter(diagnostic_id=diagnostic,
                                       question__key=question).values_list("value", flat=True)
        if list(stored) != [value]:
            lost.append({"diagnostic": diagnostic, "question": question, "acknowledged": value,
                         "stored": list(stored)})
    print(json.dumps(lost))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["seed", "pdfjob", "pdftimes", "droppdfs", "ledger"])
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.command == "seed":
        seed(int(options.args[0]))
    elif options.command == "ledger":
        ledger(options.args[0])
    else:
        {"pdfjob": pdfjob, "pdftimes": pdftimes, "droppdfs": droppdfs}[options.command]()
