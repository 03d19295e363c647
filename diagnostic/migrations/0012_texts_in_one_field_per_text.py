"""Each text moves from one column per language into one field holding every language,
so that a new language is data, not a schema change: add the fields, copy the columns
into them, drop the columns."""

from django.db import migrations

import clusterdiag.fields
from clusterdiag.text_migrations import columns_to_texts, texts_to_columns

TEXTS = {
    "QuestionnaireVersion": ("title",),
    "Section": ("title", "intro"),
    "Question": ("label", "help"),
    "Option": ("label",),
    "FacilitationOffer": ("name", "description"),
}


class Migration(migrations.Migration):

    dependencies = [
        ('diagnostic', '0011_merge_invitation_revocation'),
    ]

    operations = [
        migrations.AddField(
            model_name='facilitationoffer',
            name='description_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, max_length=2000, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='facilitationoffer',
            name='name_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='option',
            name='label_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=300, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='question',
            name='help_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='help'),
        ),
        migrations.AddField(
            model_name='question',
            name='label_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=500, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='questionnaireversion',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='section',
            name='intro_texts',
            field=clusterdiag.fields.TextsField(blank=True, default=dict, long=True, verbose_name='introduction'),
        ),
        migrations.AddField(
            model_name='section',
            name='title_texts',
            field=clusterdiag.fields.TextsField(default=dict, max_length=200, verbose_name='title'),
        ),
        migrations.RunPython(columns_to_texts('diagnostic', TEXTS), texts_to_columns('diagnostic', TEXTS)),
        migrations.RemoveField(
            model_name='facilitationoffer',
            name='description_en',
        ),
        migrations.RemoveField(
            model_name='facilitationoffer',
            name='description_fr',
        ),
        migrations.RemoveField(
            model_name='facilitationoffer',
            name='name_en',
        ),
        migrations.RemoveField(
            model_name='facilitationoffer',
            name='name_fr',
        ),
        migrations.RemoveField(
            model_name='option',
            name='label_en',
        ),
        migrations.RemoveField(
            model_name='option',
            name='label_fr',
        ),
        migrations.RemoveField(
            model_name='question',
            name='help_en',
        ),
        migrations.RemoveField(
            model_name='question',
            name='help_fr',
        ),
        migrations.RemoveField(
            model_name='question',
            name='label_en',
        ),
        migrations.RemoveField(
            model_name='question',
            name='label_fr',
        ),
        migrations.RemoveField(
            model_name='questionnaireversion',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='questionnaireversion',
            name='title_fr',
        ),
        migrations.RemoveField(
            model_name='section',
            name='intro_en',
        ),
        migrations.RemoveField(
            model_name='section',
            name='intro_fr',
        ),
        migrations.RemoveField(
            model_name='section',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='section',
            name='title_fr',
        ),
        migrations.AlterModelOptions(
            name='facilitationoffer',
            options={'ordering': ['position', 'name_texts__en'], 'verbose_name': 'facilitation offer', 'verbose_name_plural': 'facilitation offers'},
        ),
    ]
