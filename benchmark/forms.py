import functools

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusterdiag.widgets import LongSelect
from diagnostic.models import Governance, Sector

from .results import SIZE_BAND_LABELS

ANY = [("", _("any"))]


class PeerFilterForm(forms.Form):
    """Which peers to compare with. A value that is not on the lists is ignored."""

    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=ANY + list(Sector.choices))
    governance = forms.ChoiceField(label=_("Governance type"), required=False,
                                   choices=ANY + list(Governance.choices))
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)
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


class RunCompareForm(forms.Form):
    """Two runs of the cluster to compare, chosen among its submitted runs."""

    before = forms.TypedChoiceField(label=_("Earlier run"), coerce=int)
    after = forms.TypedChoiceField(label=_("Later run"), coerce=int)

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.pk, _("Run %(run)s (%(date)s)") % {
            "run": r.run, "date": date_format(r.submitted_at, "SHORT_DATE_FORMAT")})
            for r in runs]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices
        self.runs = {r.pk: r for r in runs}

    def clean(self):
        cleaned = super().clean()
        before, after = cleaned.get("before"), cleaned.get("after")
        if before is not None and before == after:
            self.add_error("after", _("Choose two different runs."))
        elif before is not None and after is not None:
            # Whatever order they were picked in, the earlier run is "before".
            first, second = sorted([self.runs[before], self.runs[after]], key=lambda r: r.run)
            cleaned["before"], cleaned["after"] = first, second
        return cleaned
