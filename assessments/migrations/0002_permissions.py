"""Who may edit assessments in the Wagtail admin.

Curriculum editors write quizzes, upload H5P packages and turn on self-assessments.
Evaluation leads build questionnaires and decide when each programme's trainees take them;
editors may read questionnaires but not change them. Nobody gets admin rights over answers:
those are read through the evaluation pages, which check the role themselves.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["quiz", "h5pactivity", "selfassessment"]
EVALUATION_MODELS = ["instrument", "instrumentitem", "evaluationschedule"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(model, actions=("add", "change", "delete", "view")):
        return Permission.objects.filter(
            content_type__app_label="assessments",
            codename__in=[f"{action}_{model}" for action in actions],
        )

    editors = Group.objects.filter(name="Curriculum editors").first()
    if editors is not None:
        for model in EDITOR_MODELS:
            editors.permissions.add(*perms(model))
        for model in EVALUATION_MODELS:
            editors.permissions.add(*perms(model, ("view",)))
    leads = Group.objects.filter(name="Evaluation leads").first()
    if leads is not None:
        for model in EVALUATION_MODELS:
            leads.permissions.add(*perms(model))
        leads.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("lms", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
