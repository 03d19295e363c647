"""Each change of a questionnaire's sections, questions or options gives its version a new
revision, in the same transaction: every process then loads the questionnaire again
instead of using the copy it kept (steps.load_sections)."""

import uuid

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Option, Question, QuestionnaireVersion, Section


def _new_revision(**version_filter) -> None:
    QuestionnaireVersion.objects.filter(**version_filter).update(revision=uuid.uuid4())


@receiver([post_save, post_delete], sender=Section)
def section_changed(sender, instance, **kwargs):
    _new_revision(pk=instance.version_id)


@receiver([post_save, post_delete], sender=Question)
def question_changed(sender, instance, **kwargs):
    _new_revision(sections=instance.section_id)


@receiver([post_save, post_delete], sender=Option)
def option_changed(sender, instance, **kwargs):
    _new_revision(sections__questions=instance.question_id)
