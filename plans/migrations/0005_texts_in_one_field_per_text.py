"""Each text moves from one column per language into one field holding every language,
so that a new language is data, not a schema change: add the fields, copy the columns
into them, drop the columns."""

from django.db import migrations

import clusterdiag.fields
from clusterdiag.text_migrations import columns_to_texts, texts_to_columns

TEXTS = {
    "Phase": ("title", "description"),
    "Instrument": ("title", "description"),
    "BarrierMeasure": ("title", "description"),
    "FundingOption": ("title", "description"),
    "ActionTemplate": ("title", "description", "owner_role", "milestone", "indicator"),
}


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_merge_final_status_and_shortlist'),
    ]

    operations = [
        migrations.AddField(
            model_name='actiontemplate',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='actiontemplate',
            name='indicator_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=300, verbose_name='indicator'),
        ),
        migrations.AddField(
            model_name='actiontemplate',
            name='milestone_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=300, verbose_name='milestone'),
        ),
        migrations.AddField(
            model_name='actiontemplate',
            name='owner_role_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='owner role'),
        ),
        migrations.AddField(
            model_name='actiontemplate',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='barriermeasure',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='barriermeasure',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='fundingoption',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='fundingoption',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='instrument',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='instrument',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='phase',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='phase',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.RunPython(columns_to_texts('plans', TEXTS), texts_to_columns('plans', TEXTS)),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='indicator_en',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='indicator_fr',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='milestone_en',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='milestone_fr',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='owner_role_en',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='owner_role_fr',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='actiontemplate',
            name='title_fr',
        ),
        migrations.RemoveField(
            model_name='barriermeasure',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='barriermeasure',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='barriermeasure',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='barriermeasure',
            name='title_fr',
        ),
        migrations.RemoveField(
            model_name='fundingoption',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='fundingoption',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='fundingoption',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='fundingoption',
            name='title_fr',
        ),
        migrations.RemoveField(
            model_name='instrument',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='instrument',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='instrument',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='instrument',
            name='title_fr',
        ),
        migrations.RemoveField(
            model_name='phase',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='phase',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='phase',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='phase',
            name='title_fr',
        ),
    ]
