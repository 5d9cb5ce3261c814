"""Makes a Wagtail locale for each content language, so editors can translate curriculum
pages at once, and lets curriculum editors use "Translate".

Wagtail's own migrations gave every existing page the default locale (English).
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations


def content_languages():
    languages = getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None) or settings.LANGUAGES
    return [code for code, _name in languages]


def add_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in content_languages():
        Locale.objects.get_or_create(language_code=code)

    # Permissions are normally made after all migrations; make this one now to grant it.
    app_config = apps.get_app_config("simple_translation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.get(
        content_type__app_label="simple_translation", codename="submit_translation"
    )
    for group in Group.objects.filter(name="Curriculum editors"):
        group.permissions.add(submit)


def remove_locales(apps, schema_editor):
    """Locales that hold pages stay: deleting them would delete the pages."""
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    default = settings.LANGUAGE_CODE
    for locale in Locale.objects.exclude(language_code=default):
        if not Page.objects.filter(locale=locale).exists():
            locale.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_locales, remove_locales)]
