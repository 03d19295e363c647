"""The country picker used wherever countries are chosen. Without JavaScript it is the plain
select; static/js/countries.js turns every select marked data-country-picker into a
searchable Tom Select (vendored in static/vendor/tom-select/) with removable tags. The
country names come from django-countries, in the reader's language."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _picker_attrs(attrs: dict | None) -> dict:
    return {"data-country-picker": "", "data-remove-label": _("Remove"),
            "data-no-results": _("No country matches"),
            "data-placeholder": _("Type a country's name"), **(attrs or {})}


class CountrySelectMultiple(forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__(_picker_attrs({"size": 8, **(attrs or {})}), choices)


class CountrySelect(forms.Select):
    def __init__(self, attrs=None, choices=()):
        super().__init__(_picker_attrs(attrs), choices)


class CountryPickerMedia:
    """For admin forms, which do not load the site's base template."""

    css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css", "css/countries.css"]}
    js = ["vendor/tom-select/tom-select.complete.min.js", "js/countries.js"]


class TextsWidget(forms.MultiWidget):
    """One input per language of the site for a text kept as {"en": ..., "fr": ...}; each
    input is named <field>_<language> and labelled with its language."""

    def __init__(self, languages: list[tuple[str, str]], *, long: bool = False, attrs=None):
        widget = forms.Textarea if long else forms.TextInput
        super().__init__({code: widget(attrs={"lang": code, "aria-label": str(name),
                                              "placeholder": str(name),
                                              **({"rows": 2} if long else {})})
                          for code, name in languages}, attrs)
        self.languages = [code for code, _name in languages]

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.languages]
