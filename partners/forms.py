import functools

from django import forms
from django.conf import global_settings
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from diagnostic.models import Sector

from .models import (
    WORKING_LANGUAGES,
    PartnerProfile,
    PartnerType,
    Phase,
    keys_to_stored,
    stored_to_keys,
)

LIST_FIELDS = {"partner_types_sought": "sought", "partner_types_offered": "offered",
               "target_countries": "countries", "working_languages": "languages"}


def _language_choices():
    names = dict(global_settings.LANGUAGES)
    return [(code, _(names[code])) for code in WORKING_LANGUAGES]


class ProfileForm(forms.ModelForm):
    """The profile as the team edits it; the lists are stored as ",a,b," strings."""

    sought = forms.MultipleChoiceField(label=_("Partner types you seek"),
                                       choices=PartnerType.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    offered = forms.MultipleChoiceField(label=_("What your cluster can be for others"),
                                        choices=PartnerType.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    countries = forms.MultipleChoiceField(
        label=_("Target countries"), required=False,
        help_text=_("Up to 15 countries."),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    languages = forms.MultipleChoiceField(label=_("Working languages"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                  max_value=2_000_000_000)

    class Meta:
        model = PartnerProfile
        fields = ["name", "region", "sector", "sector_wish", "governance", "size_band", "phase",
                  "themes", "offers", "seeks", "text_language", "facilitator_wanted",
                  "contact_name", "contact_email", "contact_phone"]
        widgets = {"themes": forms.Textarea(attrs={"rows": 3}),
                   "offers": forms.Textarea(attrs={"rows": 3}),
                   "seeks": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "themes": _("Technologies, applications or challenges, e.g. “hydrogen storage, "
                        "predictive maintenance”."),
            "contact_email": _("Shown only to clusters you both agreed to be in contact "
                               "with."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = list(countries)
        self.fields["languages"].choices = _language_choices()
        self.fields["themes"].required = True
        if self.instance.pk and not self.is_bound:
            for stored, name in LIST_FIELDS.items():
                self.initial[name] = stored_to_keys(getattr(self.instance, stored))
            self.initial["revision"] = self.instance.revision

    def clean_countries(self):
        value = self.cleaned_data["countries"]
        if len(value) > 15:
            raise forms.ValidationError(_("Choose at most 15 countries."))
        return value

    def profile_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for stored, name in LIST_FIELDS.items():
            fields[stored] = keys_to_stored(self.cleaned_data[name])
        return fields


@functools.cache
def _countries_in(language: str) -> tuple:
    return tuple(countries)


def _country_choices() -> list:
    """No country, then the countries sorted by their name in the active language, sorted
    once per language (some 250 names to translate and sort on every page otherwise)."""
    return [("", _("any")), *_countries_in(get_language() or "")]


def _sector_choices() -> list:
    return [("", _("any")), *Sector.choices]


def _phase_choices() -> list:
    return [("", _("any")), *Phase.choices]


# The filters' rendered options, per (field, language, chosen value).
_OPTIONS: dict[tuple[str, str, str], str] = {}


class MatchFilterForm(forms.Form):
    # Choices as functions: read only when a value is checked or the options are rendered
    # (see selects()), not copied into every form the match list builds.
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_sector_choices)
    phase = forms.ChoiceField(label=_("Cooperation phase"), required=False,
                              choices=_phase_choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                              widget=forms.HiddenInput)

    def selects(self) -> list[dict]:
        """The filters with their options rendered in Python: some 250 countries through
        the template language would cost more than the whole ranking. Kept per language
        and choice, as they are the same for everyone."""
        selects = []
        language = get_language() or ""
        for name in ("country", "sector", "phase"):
            bound = self[name]
            current = str(bound.value() or "")
            key = (name, language, current)
            options = _OPTIONS.get(key)
            if options is None:
                choices = self.fields[name].choices
                options = format_html_join(
                    "", "<option value=\"{}\"{}>{}</option>",
                    ((value, mark_safe(" selected") if str(value) == current else "", label)
                     for value, label in choices))
                # Only a valid choice is kept: what anybody types must not fill memory.
                if current in {str(value) for value, _label in choices}:
                    _OPTIONS[key] = options
            selects.append({"field": bound, "options": options})
        return selects


class InterestForm(forms.Form):
    message = forms.CharField(label=_("A message (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class IntroductionForm(forms.Form):
    facilitator = forms.ModelChoiceField(label=_("Facilitator"), queryset=None)

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Your note to both clusters"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What happened?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))
