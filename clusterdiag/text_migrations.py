"""What the migrations that moved each text from one column per language (<name>_en,
<name>_fr) into one field (<name>_texts) run between adding the field and dropping the
columns. Kept here, below every app, so that each app's migration reuses it."""

from .language import COLUMN_LANGUAGES, texts_attribute


def columns_to_texts(app_label: str, texts: dict[str, tuple[str, ...]]):
    """A RunPython function copying the columns of each model's texts into their field."""
    def forward(apps, schema_editor):
        for model_name, names in texts.items():
            model = apps.get_model(app_label, model_name)
            rows = list(model.objects.all())
            for row in rows:
                for name in names:
                    setattr(row, texts_attribute(name), {
                        lang: getattr(row, f"{name}_{lang}") for lang in COLUMN_LANGUAGES
                        if getattr(row, f"{name}_{lang}")})
            model.objects.bulk_update(rows, [texts_attribute(n) for n in names],
                                      batch_size=500)
    return forward


def texts_to_columns(app_label: str, texts: dict[str, tuple[str, ...]]):
    """The reverse: the field's English and French back into their columns."""
    def backward(apps, schema_editor):
        for model_name, names in texts.items():
            model = apps.get_model(app_label, model_name)
            rows = list(model.objects.all())
            for row in rows:
                for name in names:
                    value = getattr(row, texts_attribute(name)) or {}
                    for lang in COLUMN_LANGUAGES:
                        setattr(row, f"{name}_{lang}", value.get(lang, ""))
            model.objects.bulk_update(
                rows, [f"{n}_{lang}" for n in names for lang in COLUMN_LANGUAGES],
                batch_size=500)
    return backward
