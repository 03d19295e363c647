"""One step of the questionnaire: the forms of a section, bound to a diagnostic's answers,
and the partial save that keeps every valid answer even when others are invalid."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from clusterdiag.language import active_language

from . import services
from .answers import rows_to_stored, to_initial, to_stored
from .forms import ClusterProfileForm, SectionForm, build_rows_formset, question_field_name
from .models import Diagnostic, Option, Question, Section


def load_sections(diagnostic: Diagnostic) -> list[Section]:
    """All sections of the diagnostic's version with their questions and options: three
    queries, whatever the size of the questionnaire."""
    questions = Question.objects.order_by("position").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("position")))
    return list(Section.objects.filter(version=diagnostic.version_id).order_by("position")
                .prefetch_related(Prefetch("questions", queryset=questions)))


def answer_values(diagnostic: Diagnostic) -> dict[int, object]:
    return dict(diagnostic.answers.values_list("question_id", "value"))


class Step:
    def __init__(self, *, diagnostic: Diagnostic, section: Section, values: dict[int, object],
                 data=None, read_only=False):
        self.diagnostic, self.section, self.data = diagnostic, section, data
        self.questions = list(section.questions.all())
        self.rows_formsets = {}
        if section.kind == Section.Kind.PROFILE:
            self.form = ClusterProfileForm(data=data, instance=diagnostic.cluster)
        else:
            initial = {question_field_name(q): to_initial(q, values.get(q.id))
                       for q in self.questions}
            self.form = SectionForm(data=data, initial=initial, questions=self.questions)
            language = active_language()
            for q in self.questions:
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
            if q.kind == Question.Kind.ROWS:
                items.append({"key": q.key, "question": q, "formset": self.rows_formsets[q.key]})
            else:
                items.append({"key": q.key, "field": self.form[question_field_name(q)]})
        return items

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

    def save(self, *, user, only: set[str] | None = None) -> int:
        """Store every valid answer of the step (or of the questions named in `only`);
        invalid ones stay in the form with their message. Returns how many were stored."""
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
        services.answers_save(diagnostic=self.diagnostic, user=user, values=values,
                              section_key=self.section.key)
        return len(values)

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
