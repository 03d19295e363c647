from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from plans.playbook.load import playbook_load, read_version_file

FACILITATOR_PERMISSIONS = [
    "view_actionplan", "view_action", "view_plancomment", "add_plancomment",
    "view_plantransition", "review_actionplan", "view_playbookversion",
]


def load_v1(apps, schema_editor):
    # A database migrated before the move already has it (diagnostic's 0005 loaded it):
    # playbook_load then returns the existing version and writes nothing.
    playbook_load(data=read_version_file("v1.json"), apps=apps)


def grant(apps, schema_editor):
    # The grants moved with the content types (0001); on a new database they are given
    # here, since permissions are normally created only after all migrations.
    app_config = apps.get_app_config("plans")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Facilitators")
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(*permission.objects.filter(
        content_type__app_label="plans", codename__in=FACILITATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("clusterdiag", "0002_facilitators_group"),
    ]

    operations = [
        migrations.RunPython(load_v1, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
