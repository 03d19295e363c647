from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from diagnostic.models import Governance, Sector

from .results import SIZE_BAND_LABELS

ANY = [("", _("any"))]


class PeerFilterForm(forms.Form):
    """Which peers to compare with. A value that is not on the lists is ignored."""

    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=ANY + list(Sector.choices))
    governance = forms.ChoiceField(label=_("Governance type"), required=False,
                                   choices=ANY + list(Governance.choices))
    country = forms.ChoiceField(label=_("Country"), required=False,
                                choices=ANY + list(countries))
    size = forms.ChoiceField(label=_("Size"), required=False, choices=ANY + SIZE_BAND_LABELS)

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        # Invalid fields are left out of cleaned_data, so they simply do not filter.
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ConsentForm(forms.Form):
    consent = forms.BooleanField(required=False)
