import functools

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
    country = forms.ChoiceField(label=_("Country"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False, choices=ANY + SIZE_BAND_LABELS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names in the reader's language: a list made when the module is imported
        # would keep the language of the request that imported it.
        self.fields["country"].choices = ANY + list(countries)



class ConsentForm(forms.Form):
    consent = forms.BooleanField(required=False)


def filters_from_query(query) -> dict[str, str]:
    """The valid filters of a query string, without building a form: a cached results
    page must cost next to nothing. Unknown values are ignored, as in the form."""
    allowed = _allowed_filter_values()
    return {name: query[name] for name, values in allowed.items() if query.get(name) in values}


@functools.cache
def _allowed_filter_values() -> dict[str, frozenset]:
    return {"sector": frozenset(Sector.values), "governance": frozenset(Governance.values),
            "country": frozenset(code for code, _name in countries),
            "size": frozenset(key for key, _label in SIZE_BAND_LABELS)}
