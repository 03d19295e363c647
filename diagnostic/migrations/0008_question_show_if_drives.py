from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0007_plans_moved_out")]

    operations = [
        migrations.AddField(
            model_name="question", name="show_if",
            field=models.JSONField(
                blank=True, default=list, verbose_name="shown only if",
                help_text="Conditions on earlier answers, any of which shows the question; "
                          "none: always shown. A hidden question is neither required nor kept."),
        ),
        migrations.AddField(
            model_name="question", name="drives",
            field=models.JSONField(
                blank=True, default=list, verbose_name="what the answer drives",
                help_text="Index dimension, strategy rule, plan field, target-market score, or "
                          "context only with the reason; shown on the method page."),
        ),
    ]
