"""A text in every language of the site, in one field: {"en": ..., "fr": ..., "de": ...}.
A new language is then a translation file and data, never a schema change. Read it with
clusterdiag.language.pick_text (or a model's localized("name")); administrators edit it
as one input per language of settings.LANGUAGES, English required."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .language import FALLBACK
from .widgets import TextsWidget


class TextsFormField(forms.MultiValueField):
    def __init__(self, *, max_length: int | None = None, long: bool = False,
                 required: bool = True, **kwargs):
        languages = list(settings.LANGUAGES)
        validators = [MaxLengthValidator(max_length)] if max_length else []
        fields = [forms.CharField(required=required and code == FALLBACK, strip=True,
                                  validators=validators, label=name)
                  for code, name in languages]
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.setdefault("error_messages", {"incomplete": _("The English text is required.")})
        super().__init__(fields, require_all_fields=False, required=required,
                         widget=TextsWidget(languages, long=long), **kwargs)
        self.languages = [code for code, _name in languages]
        if required and not self.help_text:
            self.help_text = _("One text per language; English is required.")

    def compress(self, data_list):
        return {code: value for code, value in zip(self.languages, data_list or [], strict=False)
                if value}


class TextsField(models.JSONField):
    """The model field of such a text. `max_length` and `long` (a text area) only shape
    the admin's inputs; the database holds JSON."""

    def __init__(self, *args, max_length: int | None = None, long: bool = False, **kwargs):
        self.text_max_length, self.long = max_length, long
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        if self.long:
            kwargs["long"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return TextsFormField(max_length=self.text_max_length, long=self.long,
                              required=not self.blank, label=self.verbose_name,
                              help_text=self.help_text or None,
                              **{k: v for k, v in kwargs.items()
                                 if k in ("initial", "disabled", "show_hidden_initial")})
