from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

FACILITATOR_PERMISSIONS = [
    "view_cluster", "view_membership", "view_invitation", "view_diagnostic", "view_answer",
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
    dependencies = [
        ("diagnostic", "0002_questionnaire_v1"),
        ("clusterdiag", "0002_facilitators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
