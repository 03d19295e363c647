"""A text in every language in one field: its admin input and its helpers."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from clusterdiag.fields import TextsField, TextsFormField
from clusterdiag.language import merge_nested_texts, merge_texts, pick_text


def test_the_form_field_has_one_input_per_site_language_and_requires_english(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), ("de", "German")]
    field = TextsFormField(max_length=10)

    html = field.widget.render("label_texts", {"en": "Trust", "de": "Vertrauen"})

    assert [f'name="label_texts_{code}"' in html for code in ("en", "fr", "de")] == [True] * 3
    assert 'lang="de"' in html and 'value="Vertrauen"' in html
    assert field.clean(["Trust", "", "Vertrauen"]) == {"en": "Trust", "de": "Vertrauen"}
    with pytest.raises(ValidationError, match="English text is required"):
        field.clean(["", "Confiance", ""])
    with pytest.raises(ValidationError, match="at most 10"):
        field.clean(["A very long label", "", ""])


def test_an_optional_text_may_be_empty_in_every_language():
    assert TextsFormField(required=False).clean(["", ""]) == {}


def test_the_model_field_gives_the_admin_its_form_field():
    field = TextsField("label", max_length=300, long=True, blank=True).formfield()

    assert isinstance(field, TextsFormField)
    assert not field.required
    assert field.fields[0].max_length is None  # the length is checked by a validator
    assert "textarea" in field.widget.render("x", {"en": "a"})


def test_pick_text_falls_back_to_english():
    texts = {"en": "Trust", "fr": "Confiance"}

    with override("fr"):
        assert pick_text(texts) == "Confiance"
    with override("de"):
        assert pick_text(texts) == "Trust"
    assert pick_text(None) == ""


def test_merging_adds_missing_languages_and_keeps_corrections_unless_overwritten():
    stored = {"en": "Trust (corrected)", "fr": ""}
    fresh = {"en": "Trust", "fr": "Confiance", "de": "Vertrauen"}

    assert merge_texts(stored, fresh) == {"en": "Trust (corrected)", "fr": "Confiance",
                                          "de": "Vertrauen"}
    assert merge_texts(stored, fresh, overwrite=True) == fresh


def test_merging_a_definition_changes_only_its_texts():
    stored = {"bands": [{"key": "low", "min": 0, "label": {"en": "low"}}], "weight": 2}
    fresh = {"bands": [{"key": "low", "min": 99, "label": {"en": "x", "de": "niedrig"}}],
             "weight": 5}

    assert merge_nested_texts(stored, fresh) == {
        "bands": [{"key": "low", "min": 0, "label": {"en": "low", "de": "niedrig"}}],
        "weight": 2}
