from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations


def grant(apps, schema_editor):
    # Facilitators see the plans and actions of the clusters they follow; the reminders
    # sent to those actions' owners too (the admin limits them to those clusters).
    app_config = apps.get_app_config("plans")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Facilitators")
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(*permission.objects.filter(
        content_type__app_label="plans", codename="view_remindersent"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_merge_20261130_1450"),
        ("clusterdiag", "0002_facilitators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
