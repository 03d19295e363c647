"""Each text moves from one column per language into one field holding every language,
so that a new language is data, not a schema change: add the fields, copy the columns
into them, drop the columns."""

from django.db import migrations

import clusterdiag.fields
from clusterdiag.text_migrations import columns_to_texts, texts_to_columns

TEXTS = {
    "ReferenceStudy": ("selection", "respondents"),
    "ReferenceFigure": ("label", "statement", "caveat", "gloss", "source_kind"),
    "HistoricalReferenceFigure": ("label", "statement", "caveat", "gloss", "source_kind"),
}


class Migration(migrations.Migration):

    dependencies = [
        ('benchmark', '0005_study_statements_bounds_and_gaps'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreferencefigure',
            name='caveat_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='caveat'),
        ),
        migrations.AddField(
            model_name='historicalreferencefigure',
            name='gloss_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, max_length=300, verbose_name='gloss of the original wording'),
        ),
        migrations.AddField(
            model_name='historicalreferencefigure',
            name='label_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=300, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='historicalreferencefigure',
            name='source_kind_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, max_length=200, verbose_name='kind of source'),
        ),
        migrations.AddField(
            model_name='historicalreferencefigure',
            name='statement_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name="the study's statement"),
        ),
        migrations.AddField(
            model_name='referencefigure',
            name='caveat_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='caveat'),
        ),
        migrations.AddField(
            model_name='referencefigure',
            name='gloss_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, max_length=300, verbose_name='gloss of the original wording'),
        ),
        migrations.AddField(
            model_name='referencefigure',
            name='label_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=300, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='referencefigure',
            name='source_kind_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, max_length=200, verbose_name='kind of source'),
        ),
        migrations.AddField(
            model_name='referencefigure',
            name='statement_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name="the study's statement"),
        ),
        migrations.AddField(
            model_name='referencestudy',
            name='respondents_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, max_length=200, verbose_name='respondents'),
        ),
        migrations.AddField(
            model_name='referencestudy',
            name='selection_texts',
            field=clusterdiag.fields.TextsField(default=dict, long=True, verbose_name='sample selection and bias'),
        ),
        migrations.RunPython(columns_to_texts('benchmark', TEXTS), texts_to_columns('benchmark', TEXTS)),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='caveat_fr',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='gloss_en',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='gloss_fr',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='label_en',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='label_fr',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='source_kind_en',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='source_kind_fr',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='statement_en',
        ),
        migrations.RemoveField(
            model_name='historicalreferencefigure',
            name='statement_fr',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='caveat_fr',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='gloss_en',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='gloss_fr',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='label_en',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='label_fr',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='source_kind_en',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='source_kind_fr',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='statement_en',
        ),
        migrations.RemoveField(
            model_name='referencefigure',
            name='statement_fr',
        ),
        migrations.RemoveField(
            model_name='referencestudy',
            name='respondents_en',
        ),
        migrations.RemoveField(
            model_name='referencestudy',
            name='respondents_fr',
        ),
        migrations.RemoveField(
            model_name='referencestudy',
            name='selection_en',
        ),
        migrations.RemoveField(
            model_name='referencestudy',
            name='selection_fr',
        ),
    ]
