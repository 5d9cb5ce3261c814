"""Lets programme managers run delivery in the Wagtail admin, and editors set completion rules.

What a manager sees there is still limited to their own organisations by the viewsets.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER_MODELS = [
    "organisation",
    "cohort",
    "cohorttrainer",
    "enrolment",
    "trainingtarget",
    "completionrule",
    "scheduledsession",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(model, actions=("add", "change", "delete", "view")):
        return Permission.objects.filter(
            content_type__app_label="training",
            codename__in=[f"{action}_{model}" for action in actions],
        )

    managers = Group.objects.filter(name="Programme managers").first()
    if managers is not None:
        for model in MANAGER_MODELS:
            managers.permissions.add(*perms(model))
    editors = Group.objects.filter(name="Curriculum editors").first()
    if editors is not None:
        editors.permissions.add(*perms("completionrule", ("add", "change", "view")))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_delivery"),
        ("lms", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
