from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from diagnostic.playbook.load import playbook_load, read_version_file

FACILITATOR_PERMISSIONS = [
    "view_actionplan", "view_action", "view_plancomment", "add_plancomment",
    "view_plantransition", "review_actionplan", "view_playbookversion",
]


def load_v1(apps, schema_editor):
    playbook_load(data=read_version_file("v1.json"), apps=apps)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; facilitators need them now.
    app_config = apps.get_app_config("diagnostic")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Facilitators")
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(*permission.objects.filter(
        content_type__app_label="diagnostic", codename__in=FACILITATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("diagnostic", "0004_playbook_and_plans")]

    operations = [
        migrations.RunPython(load_v1, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
