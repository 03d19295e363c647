from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

FACILITATOR_PERMISSIONS = [
    "view_actionplan", "view_action", "view_plancomment", "add_plancomment",
    "view_plantransition", "review_actionplan", "view_playbookversion",
]


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

    # This migration also loaded the playbook v1 when the playbook lived in this app. The
    # playbook moved to the plans app, which loads v1 where it is missing
    # (plans/migrations/0002_playbook_v1.py): a database migrated before the move has it
    # already, a new one gets it there.
    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
