"""Forms of the diagnostic. One dynamic form builds a field per question of a section;
repeatable-rows questions get a formset each. Every field is optional while the team
works: a step can always be saved, and required answers are checked at submission."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from clusterdiag.widgets import CountrySelect, CountrySelectMultiple

from .models import (
    GOVERNANCE_HELP,
    GOVERNANCE_SOURCE,
    Cluster,
    FacilitationOffer,
    Governance,
    Question,
)

MAX_TEXT_LENGTH = 5000
NUMBER_FIELD = {"max_digits": 14, "decimal_places": 2}


def question_field_name(question: Question) -> str:
    return f"q_{question.key}"


class ClusterProfileForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["name", "country", "region", "sector", "governance", "companies", "smes",
                  "research_institutes", "universities", "other_members", "jobs",
                  "year_founded", "management_fte"]
        widgets = {"governance": forms.RadioSelect, "country": CountrySelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["governance"].choices = [
            (value, f"{label}: {GOVERNANCE_HELP[value]}") for value, label in Governance.choices
        ]
        self.fields["governance"].help_text = GOVERNANCE_SOURCE

    def clean(self):
        cleaned = super().clean()
        companies, smes = cleaned.get("companies"), cleaned.get("smes")
        if companies is not None and smes is not None and smes > companies:
            self.add_error("smes", _("There cannot be more SMEs than member companies."))
        return cleaned


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, offer):
        served = [", ".join(str(c.name) for c in offer.countries) or _("every country"),
                  ", ".join(offer.sector_labels()) or _("every sector")]
        return f"{offer} ({' · '.join(served)})"


class FacilitationForm(forms.Form):
    """On registration and on the cluster page: a facilitator of an offer, or none."""

    offer = OfferChoiceField(
        label=_("Who should review your action plan?"), required=False,
        queryset=FacilitationOffer.objects.none(), widget=forms.RadioSelect,
        empty_label=_("No facilitator: the site's administrators review it, or we mark it "
                      "final ourselves"),
        help_text=_("A facilitator of the programme you choose follows the cluster, reviews "
                    "its plan and comments on it. An administrator assigns one and you are "
                    "emailed."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = FacilitationOffer.objects.available()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"), max_length=254)


class MultipleChoiceWithLimits(forms.MultipleChoiceField):
    def __init__(self, *, min_choices=None, max_choices=None, exclusive=(), **kwargs):
        super().__init__(**kwargs)
        self.min_choices, self.max_choices, self.exclusive = min_choices, max_choices, exclusive

    def validate(self, value):
        super().validate(value)
        if len(set(value)) != len(value):
            raise ValidationError(_("Each answer can only be chosen once."), code="duplicate")
        if not value:
            return
        if self.max_choices is not None and len(value) > self.max_choices:
            raise ValidationError(
                ngettext("Choose at most %(n)d answer.", "Choose at most %(n)d answers.",
                         self.max_choices) % {"n": self.max_choices}, code="max_choices")
        if self.min_choices is not None and len(value) < self.min_choices:
            raise ValidationError(
                ngettext("Choose at least %(n)d answer.", "Choose at least %(n)d answers.",
                         self.min_choices) % {"n": self.min_choices}, code="min_choices")
        if len(value) > 1 and set(value) & set(self.exclusive):
            raise ValidationError(
                _("“%(option)s” cannot be combined with other answers.")
                % {"option": dict(self.choices)[next(iter(set(value) & set(self.exclusive)))]},
                code="exclusive")


def _number_field(*, label, help_text, min_value, max_value):
    return forms.DecimalField(label=label, help_text=help_text, required=False,
                              min_value=min_value, max_value=max_value,
                              widget=forms.NumberInput(attrs={"step": "any"}), **NUMBER_FIELD)


def build_field(question: Question) -> forms.Field:
    # Fields never block a save; "*" marks what the review asks for before submission.
    label = f"{question.label} *" if question.required else question.label
    common = {"label": label, "help_text": question.help, "required": False}
    options = list(question.options.all())
    choices = [(o.key, o.label) for o in options]
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.MULTIPLE:
        return MultipleChoiceWithLimits(
            choices=choices, widget=forms.CheckboxSelectMultiple,
            min_choices=question.min_choices, max_choices=question.max_choices,
            exclusive=[o.key for o in options if o.exclusive], **common)
    if kind == Question.Kind.NUMBER:
        return _number_field(min_value=question.min_value, max_value=question.max_value,
                             **{k: common[k] for k in ("label", "help_text")})
    if kind == Question.Kind.PERCENT:
        return _number_field(min_value=Decimal(0), max_value=Decimal(100),
                             **{k: common[k] for k in ("label", "help_text")})
    if kind == Question.Kind.TEXT:
        return forms.CharField(max_length=question.max_length or MAX_TEXT_LENGTH,
                               widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == Question.Kind.COUNTRIES:
        return MultipleChoiceWithLimits(
            choices=list(countries), widget=CountrySelectMultiple,
            min_choices=question.min_choices, max_choices=question.max_choices, **common)
    raise ValueError(f"no single field for kind {kind}")


class SectionForm(forms.Form):
    """The simple questions of one section (all kinds but repeatable rows)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {}
        for question in questions:
            if question.kind == Question.Kind.ROWS:
                continue
            name = question_field_name(question)
            self.fields[name] = build_field(question)
            self.questions[name] = question


def _column_field(column: dict, language_label: str) -> forms.Field:
    common = {"label": language_label, "required": False}
    kind = column["kind"]
    if kind == "number":
        return forms.DecimalField(
            min_value=column.get("min_value"), max_value=column.get("max_value"),
            widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            **NUMBER_FIELD, **common)
    select = forms.Select(attrs={"class": "form-select"})
    if kind == "choice":
        choices = [("", "—")] + [(o["key"], o["label"]) for o in column.get("options", [])]
        return forms.ChoiceField(choices=choices, widget=select, **common)
    if kind == "country":
        return forms.ChoiceField(choices=[("", "—"), *countries],
                                 widget=CountrySelect(attrs={"class": "form-select"}), **common)
    return forms.CharField(max_length=column.get("max_length") or 200,
                           widget=forms.TextInput(attrs={"class": "form-control"}), **common)


class BaseRowsFormSet(forms.BaseFormSet):
    def __init__(self, *args, question, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if self.question.max_rows and len(filled) > self.question.max_rows:
            raise ValidationError(
                ngettext("Enter at most %(n)d row.", "Enter at most %(n)d rows.",
                         self.question.max_rows) % {"n": self.question.max_rows})


def _localize_column(column: dict, language: str) -> dict:
    label = column["label"].get(language) or column["label"]["en"]
    options = [{"key": o["key"], "label": o["label"].get(language) or o["label"]["en"]}
               for o in column.get("options", [])]
    return {**column, "label": label, "options": options}


def build_rows_formset(question: Question, *, data=None, initial=None, language="en",
                       extra=2):
    """A formset whose forms are the rows of a repeatable-rows question."""
    columns = [_localize_column(c, language) for c in question.columns]

    class RowForm(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for column in columns:
                self.fields[column["key"]] = _column_field(column, column["label"])

        def clean(self):
            cleaned = super().clean()
            if self.has_changed():
                for column in columns:
                    if column.get("required") and cleaned.get(column["key"]) in (None, ""):
                        self.add_error(column["key"], _("This field is required in a row."))
            return cleaned

    formset_class = forms.formset_factory(
        RowForm, formset=BaseRowsFormSet, extra=extra, can_delete=True,
        max_num=question.max_rows or 50, absolute_max=(question.max_rows or 50) + 20,
        validate_max=True)
    return formset_class(data=data, initial=initial, prefix=question_field_name(question),
                         question=question)


class SubmitForm(forms.Form):
    # Opt-in: never ticked in advance.
    benchmark_consent = forms.BooleanField(
        label=_("Include this diagnostic, anonymously, in the peer benchmark"),
        required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The minimum actually configured, read when the form is built.
        self.fields["benchmark_consent"].help_text = _(
            "Peer clusters then see statistics that count your answers, never your "
            "cluster's name, and only for groups of at least %(min)s clusters; no "
            "combination of the published figures singles out fewer. You can withdraw "
            "later: the groups that counted you are taken down at once.") % {
                "min": settings.PEER_MIN_GROUP}


class ClusterDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the cluster, all its diagnostics, results and action plans "
                "are deleted for good."),
        error_messages={"required": _("Tick the box to confirm that the cluster is to be "
                                      "deleted.")})
