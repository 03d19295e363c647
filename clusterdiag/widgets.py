"""The country picker used wherever countries are chosen. Without JavaScript it is the plain
select; static/js/countries.js turns every select marked data-country-picker into a
searchable Tom Select (vendored in static/vendor/tom-select/) with removable tags. The
country names come from django-countries, in the reader's language."""

from html import escape

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


def _picker_attrs(attrs: dict | None) -> dict:
    return {"data-country-picker": "", "data-remove-label": _("Remove"),
            "data-no-results": _("No country matches"),
            "data-placeholder": _("Type a country's name"), **(attrs or {})}


class _OptionsInOnePass:
    """A select whose options (some 250 countries) are written in one pass, in Python:
    through Django's template of one option each (and its attributes' template), they
    were most of the time of a questionnaire step. The markup is Django's
    (select_option.html); options in groups are not needed for countries."""

    template_name = "clusterdiag/widgets/select.html"

    def optgroups(self, name, value, attrs=None):
        return []  # written by get_context as options_html

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = self._options_html(context["widget"]["value"])
        return context

    def _options_html(self, values: list[str]):
        chosen, lines = set(values), []
        for option, label in self.choices:
            # As Django's ChoiceWidget: a single select marks its first match only.
            selected = str(option) in chosen
            if selected and not self.allow_multiple_selected:
                chosen = set()
            # html.escape is what Django's escape calls, without the lazy-string wrapper
            # around each call (format_html per option cost more than the rest).
            lines.append(f'<option value="{escape(str(option))}"{" selected" if selected else ""}'
                         f'>{escape(str(label))}</option>')
        return mark_safe("\n".join(lines))  # noqa: S308 - every value and label escaped


class LongSelect(_OptionsInOnePass, forms.Select):
    """A plain select with a long list of options (every country, say)."""


class CountrySelectMultiple(_OptionsInOnePass, forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__(_picker_attrs({"size": 8, **(attrs or {})}), choices)


class CountrySelect(_OptionsInOnePass, forms.Select):
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
