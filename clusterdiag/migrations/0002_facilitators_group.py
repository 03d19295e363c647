from django.db import migrations

FACILITATORS_GROUP = "Facilitators"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=FACILITATORS_GROUP)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=FACILITATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clusterdiag", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
