"""Forms of the strategy and the action plan. Every editing form carries the revision it
was loaded at, so that a save based on an outdated page is refused, never applied."""

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clusterdiag.widgets import CountrySelectMultiple

from .models import Action, ActionPlan, FundingOption
from .outcomes import indicator_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PLAN_YEARS = 10
MAX_TARGET_COUNTRIES = 30


def first_of_next_month():
    return (timezone.localdate().replace(day=1) + relativedelta(months=1))


class PlanStartForm(forms.Form):
    start_date = forms.DateField(
        label=_("Plan start"), widget=DATE, initial=first_of_next_month,
        help_text=_("The agenda of every action is set relative to this date; you can move "
                    "it later and the actions move with it."))

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        today = timezone.localdate()
        if not today - relativedelta(years=1) <= start <= today + relativedelta(years=5):
            raise forms.ValidationError(_("Choose a start within a year before and five years "
                                          "after today."))
        return start


class PlanForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ActionPlan
        fields = ["statement", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE,
                   "statement": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            if end <= start:
                self.add_error("end_date", _("The plan must end after it starts."))
            elif end > start + relativedelta(years=MAX_PLAN_YEARS):
                self.add_error("end_date", _("A plan can run for at most ten years."))
        return cleaned


class ActionForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Action
        fields = ["title", "description", "owner", "owner_role", "start_date", "due_date",
                  "target_countries", "target_markets", "milestone", "milestone_date",
                  "funding", "indicator", "indicator_target", "target_value", "status"]
        widgets = {"start_date": DATE, "due_date": DATE, "milestone_date": DATE,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "target_countries": CountrySelectMultiple}

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if self.instance.pk is None:
            # A new action overwrites nothing, so it needs no revision to compare.
            del self.fields["revision"]
        owner = self.fields["owner"]
        owner.queryset = get_user_model().objects.filter(
            memberships__cluster_id=plan.cluster_id).order_by("first_name", "last_name", "email")
        owner.help_text = _("A member of the team, or name a role below.")
        self.fields["funding"].queryset = FundingOption.objects.filter(
            version_id=plan.playbook_id).order_by("position")
        self.fields["funding"].label_from_instance = lambda option: option.title
        self.fields["indicator_target"] = forms.ChoiceField(
            label=_("What it should move"), required=False,
            choices=[("", _("nothing measured")), *indicator_choices(plan)],
            help_text=_("Compared with the cluster's next run: the value then, against the "
                        "target below."))
        self.fields["target_value"].help_text = _("On the 0-100 scale of the index.")
        chosen = ", ".join(str(c.name) for c in self.instance.target_countries) \
            if self.instance.pk else ""
        hint = _("Hold Ctrl (or ⌘) to choose several.")
        self.fields["target_countries"].help_text = format_lazy(
            "{} {}", _("Chosen now: %(countries)s.") % {"countries": chosen}, hint) \
            if chosen else hint

    def clean_target_countries(self):
        countries = self.cleaned_data["target_countries"]
        if len(countries) > MAX_TARGET_COUNTRIES:
            raise forms.ValidationError(_("Choose at most %(n)s countries.") % {
                "n": MAX_TARGET_COUNTRIES})
        return countries

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date must be on or after the start date."))
        if not cleaned.get("owner") and not (cleaned.get("owner_role") or "").strip() \
                and "owner_role" not in self.errors:
            self.add_error("owner_role", _("Name a team member or a role as the owner."))
        if cleaned.get("target_value") is not None and not cleaned.get("indicator_target"):
            self.add_error("indicator_target", _("Choose what the target value applies to."))
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.ModelChoiceField(label=_("On action"), queryset=Action.objects.none(),
                                    required=False, empty_label=_("The plan as a whole"))

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.order_by("position", "pk")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ActionPlan.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment for the team"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ShortlistForm(forms.Form):
    """The team's order of its target markets: a rank per country, blank to drop it. It
    carries the revision it was loaded at (0 before the first save)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, markets: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.markets = markets
        for market in markets:
            self.fields[f"rank_{market.country}"] = forms.IntegerField(
                label=str(market.country), required=False, min_value=1, max_value=99,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                "size": 3}))

    def ordered_countries(self) -> list[str]:
        ranked = [(self.cleaned_data[f"rank_{m.country}"], position, m.country)
                  for position, m in enumerate(self.markets)
                  if self.cleaned_data.get(f"rank_{m.country}") is not None]
        return [code for _rank, _position, code in sorted(ranked)]
