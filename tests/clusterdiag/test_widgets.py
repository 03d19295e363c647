"""The country pickers and other long lists write their options in one pass
(clusterdiag/widgets.py): the page must get the very markup Django's own select templates
give."""

import re

import pytest
from django import forms
from django.utils import translation
from django_countries import countries

from clusterdiag.widgets import CountrySelect, CountrySelectMultiple, LongSelect

CHOICES = [("", "—"), *countries, ('x"<&', "A <b>name</b> & 'quotes'")]


def _as_django(widget_class, base):
    """The same widget rendered through Django's templates of the select and each option."""
    widget = widget_class(attrs={"class": "form-select"}, choices=CHOICES)
    widget.template_name = base.template_name
    widget.optgroups = lambda *args, **kwargs: base.optgroups(widget, *args, **kwargs)
    widget.get_context = lambda *args: base.get_context(widget, *args)
    return widget


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize(("widget_class", "base", "value", "selected"), [
    (CountrySelect, forms.Select, "FR", 1),
    (CountrySelect, forms.Select, None, 1),  # the empty choice
    (CountrySelect, forms.Select, 'x"<&', 1),
    (CountrySelectMultiple, forms.SelectMultiple, ["DE", "FR"], 2),
    (CountrySelectMultiple, forms.SelectMultiple, [], 0),
    (LongSelect, forms.Select, "DE", 1),
])
def test_country_pickers_give_djangos_markup(widget_class, base, value, selected):
    with translation.override("fr"):
        ours = widget_class(attrs={"class": "form-select"}, choices=CHOICES).render(
            "country", value, {"id": "id_country"})
        django = _as_django(widget_class, base).render("country", value, {"id": "id_country"})
    assert _normal(ours) == _normal(django)
    assert ours.count("<option") == len(CHOICES)
    assert ours.count(" selected") == selected
    assert "A &lt;b&gt;name&lt;/b&gt; &amp; &#x27;quotes&#x27;" in ours
