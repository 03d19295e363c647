from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

FACILITATOR_PERMISSIONS = ["view_partnerprofile", "view_interest", "view_match",
                           "view_introduction", "view_block", "view_abusereport"]


def grant(apps, schema_editor):
    # Permissions are normally created only after all migrations: create them here so that
    # the Facilitators group gets them on a new database too.
    app_config = apps.get_app_config("partners")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Facilitators")
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(*permission.objects.filter(
        content_type__app_label="partners", codename__in=FACILITATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_partner_search"),
        ("clusterdiag", "0002_facilitators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
