"""One step of the questionnaire: the forms of a section, bound to a diagnostic's answers,
and the partial save that keeps every valid answer even when others are invalid."""

import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Func, JSONField, Prefetch

from clusterdiag.language import active_language

from . import services
from .answers import is_answered, rows_to_stored, to_initial, to_stored
from .conditions import all_questions, shown_keys
from .forms import ClusterProfileForm, SectionForm, build_rows_formset, question_field_name
from .models import Answer, Diagnostic, Option, Question, Section

# The questionnaire of each version as this process last loaded it. Loading it (three
# queries and some 150 objects with their texts) was the largest part of a step, an
# autosave and the review after the template. A copy is used only while its version's
# revision, read with the diagnostic, is unchanged: every change of a section, question or
# option gives it a new one (receivers.py).
_LOADED: dict[tuple, list[Section]] = {}
_LOADED_MAX = 8


def load_sections(diagnostic: Diagnostic) -> list[Section]:
    """All sections of the diagnostic's version with their questions and options: three
    queries whatever the size of the questionnaire, none while this process has them.
    The objects are shared by the requests of this process: read them, never change them."""
    version = diagnostic.version  # selected with the diagnostic (access.py)
    key = (version.pk, version.revision)
    sections = _LOADED.get(key)
    if sections is None:
        questions = Question.objects.order_by("position").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position")))
        sections = list(Section.objects.filter(version=version.pk).order_by("position")
                        .prefetch_related(Prefetch("questions", queryset=questions)))
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.clear()
        _LOADED[key] = sections
    return list(sections)


class _AnswersObject(Func):
    """The answers of a diagnostic (the expression: its id) as one JSON object, question id
    to value; null when it has none. Written as SQL: built with the ORM (a Subquery of an
    aggregate), compiling it cost about as much as the query it saves."""

    template = ('(SELECT jsonb_object_agg(a."question_id", a."value") FROM "diagnostic_answer" a'
                ' WHERE a."diagnostic_id" = %(expressions)s)')
    output_field = JSONField()


def with_answer_values() -> dict:
    """Annotations for get_diagnostic_for_user(..., annotations=) that bring the answers
    with the diagnostic: one query fewer for answer_values(). PostgreSQL only: elsewhere
    there are none and answer_values() reads the answers itself."""
    if connection.vendor != "postgresql":
        return {}
    return {"answers_object": _AnswersObject(F("pk"))}


def answer_values(diagnostic: Diagnostic) -> dict[int, object]:
    """The stored answers by question id: from the diagnostic when it was read with
    with_answer_values(), else one query."""
    if "answers_object" in diagnostic.__dict__:
        # JSON keys are text; none when the run has no answer yet.
        return {int(key): value for key, value in (diagnostic.answers_object or {}).items()}
    # Unordered: Answer's default ordering joins four tables for a dict that needs none.
    return dict(Answer.objects.filter(diagnostic=diagnostic.pk).order_by()
                .values_list("question_id", "value"))


def values_by_key(questions, values: dict[int, object]) -> dict[str, object]:
    return {q.key: values.get(q.id) for q in questions}


def shown_questions(sections: list[Section], values: dict[int, object]) -> set[str]:
    """Keys of the questions shown with the answers stored (by question id)."""
    questions = all_questions(sections)
    return shown_keys(questions, values_by_key(questions, values))


class Step:
    """The forms of a section. With `only` (question keys, or profile field names), the
    step stores those answers and no other; a section of questions then builds and checks
    only their fields (its fields are independent: SectionForm checks nothing across them),
    which is what makes the autosave, posted while the user types, cheap."""

    def __init__(self, *, diagnostic: Diagnostic, section: Section, values: dict[int, object],
                 data=None, read_only=False, sections: list[Section] | None = None,
                 only: set[str] | None = None):
        self.diagnostic, self.section, self.data, self.only = diagnostic, section, data, only
        self.questions = list(section.questions.all())
        self.values = values
        self.all_questions = all_questions(sections) if sections else self.questions
        self.shown = shown_keys(self.all_questions, values_by_key(self.all_questions, values))
        self.shown_before = set(self.shown)
        self.rows_formsets = {}
        if section.kind == Section.Kind.PROFILE:
            self.form = ClusterProfileForm(data=data, instance=diagnostic.cluster)
        else:
            fields = (self.questions if only is None
                      else [q for q in self.questions if q.key in only])
            initial = {question_field_name(q): to_initial(q, values.get(q.id)) for q in fields}
            self.form = SectionForm(data=data, initial=initial, questions=fields)
            language = active_language()
            for q in fields:
                if q.kind == Question.Kind.ROWS:
                    self.rows_formsets[q.key] = build_rows_formset(
                        q, data=data, initial=values.get(q.id) or [], language=language)
        if read_only:
            for form in self._all_forms():
                for field in form.fields.values():
                    field.disabled = True

    def _all_forms(self):
        yield self.form
        for formset in self.rows_formsets.values():
            yield from formset.forms

    def error_summary_forms(self) -> list:
        """The forms of the step, for the page's error summary (clusterdiag's error_summary
        template tag)."""
        return list(self._all_forms())

    def items(self) -> list[dict]:
        """What the template renders, in question order."""
        if self.section.kind == Section.Kind.PROFILE:
            return [{"key": name, "field": self.form[name]} for name in self.form.fields]
        items = []
        for q in self.questions:
            item = {"key": q.key, "hidden": q.key not in self.shown,
                    "show_if": json.dumps(q.show_if) if q.show_if else ""}
            if q.kind == Question.Kind.ROWS:
                item.update(question=q, formset=self.rows_formsets[q.key])
            else:
                item["field"] = self.form[question_field_name(q)]
            items.append(item)
        return items

    def newly_shown_unanswered(self) -> list[str]:
        """Questions of this step that the save made appear and that are still empty: the
        page shows them before moving on (what the browser does at once with JavaScript)."""
        stored = {q.key: self.values.get(q.id) for q in self.questions}
        return [q.key for q in self.questions if q.key in self.shown
                and q.key not in self.shown_before and not is_answered(stored.get(q.key))]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(
            fs.total_error_count() for fs in self.rows_formsets.values())

    def errors_by_field(self) -> dict[str, list[str]]:
        errors = {name: list(errs) for name, errs in self.form.errors.items()}
        for formset in self.rows_formsets.values():
            messages = [str(e) for e in formset.non_form_errors()]
            for i, form_errors in enumerate(formset.errors):
                messages += [f"{i + 1}: {e}" for errs in form_errors.values() for e in errs]
            if messages:
                errors[formset.prefix] = messages
        return errors

    def save(self, *, user) -> int:
        """Store every valid answer of the step (or of the questions named in `only`);
        invalid ones stay in the form with their message. Returns how many were stored.
        self.values are the answers after the save."""
        only = self.only
        self.form.is_valid()
        if self.section.kind == Section.Kind.PROFILE:
            return self._save_profile(only)
        values = {}
        for name, question in self.form.questions.items():
            if name in self.form.cleaned_data and (only is None or question.key in only):
                values[question] = to_stored(question, self.form.cleaned_data[name])
        for key, formset in self.rows_formsets.items():
            if (only is None or key in only) and formset.is_valid():
                values[formset.question] = rows_to_stored(formset)
        asked = set(values)
        self._drop_hidden(values)
        services.answers_save(diagnostic=self.diagnostic, user=user, values=values,
                              section_key=self.section.key)
        # Only what is kept counts: an answer to a question its step now hides is not.
        return sum(1 for q in asked if q.key in self.shown)

    def _drop_hidden(self, values: dict) -> None:
        """Questions of this step that the new answers hide are not kept: their answers
        are cleared in the same save."""
        merged = values_by_key(self.all_questions, self.values)
        merged.update({q.key: v for q, v in values.items()})
        self.shown = shown_keys(self.all_questions, merged)
        for question in self.questions:
            if question.key not in self.shown:
                values[question] = None
        for question, value in values.items():
            self.values[question.id] = value

    def _save_profile(self, only) -> int:
        fields = {name: value for name, value in self.form.cleaned_data.items()
                  if name not in self.form.errors and (only is None or name in only)}
        try:
            services.profile_save(diagnostic=self.diagnostic, fields=fields,
                                  section_key=self.section.key)
        except ValidationError as error:
            self.form.add_error(None, error)
            return 0
        return len(fields)
