"""The frameworks every installation starts with, and who may edit credits in the admin.

The four built-in frameworks are data, not code, so certificates can point at them like any
custom framework; they are marked ``built_in`` and the admin refuses to change or delete
them (their numbers are set by the bodies that own them, not by us).

Curriculum editors and programme managers say what a programme is worth (credit mappings).
Programme managers may also add a framework of their own, such as a national course or a
university module; changing or deleting frameworks otherwise stays with superusers.
"""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

RQF_LEVELS = ["Entry 1", "Entry 2", "Entry 3", "1", "2", "3", "4", "5", "6", "7", "8"]

FRAMEWORKS = [
    {
        "short_name": "ECTS",
        "name": "European Credit Transfer and Accumulation System",
        "description": (
            "The credit system of European higher education. One credit stands for 25 to 30 "
            "hours of learning of every kind: classes, reading, assignments and placements. A "
            "full academic year is usually 60 credits."
        ),
        "hours_per_credit_min": Decimal("25"),
        "hours_per_credit_max": Decimal("30"),
        "credit_name": "ECTS credits",
        "levels": [],
        "url": "https://education.ec.europa.eu/education-levels/higher-education/inclusive-and-connected-higher-education/european-credit-transfer-and-accumulation-system",
    },
    {
        "short_name": "RQF",
        "name": "Regulated Qualifications Framework (England and Northern Ireland)",
        "description": (
            "The framework Ofqual uses for regulated qualifications. One credit stands for "
            "10 hours of total learning time. Levels run from Entry 1 to Entry 3 and then "
            "from 1 to 8."
        ),
        "hours_per_credit_min": Decimal("10"),
        "hours_per_credit_max": Decimal("10"),
        "credit_name": "RQF credits",
        "levels": RQF_LEVELS,
        "url": "https://www.gov.uk/government/publications/types-of-regulated-qualifications",
    },
    {
        "short_name": "SCQF",
        "name": "Scottish Credit and Qualifications Framework",
        "description": (
            "Scotland's framework for all kinds of learning. One credit point stands for "
            "10 notional hours of learning, and levels run from 1 to 12."
        ),
        "hours_per_credit_min": Decimal("10"),
        "hours_per_credit_max": Decimal("10"),
        "credit_name": "SCQF credit points",
        "levels": [str(level) for level in range(1, 13)],
        "url": "https://scqf.org.uk/",
    },
    {
        "short_name": "EQF",
        "name": "European Qualifications Framework",
        "description": (
            "A shared European scale that lets national qualifications be compared. It "
            "describes what a learner knows and can do at eight levels and has no credits."
        ),
        "hours_per_credit_min": None,
        "hours_per_credit_max": None,
        "credit_name": "",
        "levels": [str(level) for level in range(1, 9)],
        "url": "https://europass.europa.eu/en/europass-digital-tools/european-qualifications-framework",
    },
]

MAPPING_ACTIONS = ("add", "change", "view")


def add_frameworks(apps, schema_editor):
    CreditFramework = apps.get_model("certificates", "CreditFramework")
    for data in FRAMEWORKS:
        fields = {**data, "built_in": True}
        CreditFramework.objects.update_or_create(short_name=fields.pop("short_name"), defaults=fields)


def remove_frameworks(apps, schema_editor):
    CreditFramework = apps.get_model("certificates", "CreditFramework")
    CreditFramework.objects.filter(built_in=True, mappings__isnull=True).delete()


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(model, actions):
        return Permission.objects.filter(
            content_type__app_label="certificates",
            codename__in=[f"{action}_{model}" for action in actions],
        )

    for group in Group.objects.filter(name__in=["Curriculum editors", "Programme managers"]):
        group.permissions.add(*perms("creditmapping", MAPPING_ACTIONS))
    editors = Group.objects.filter(name="Curriculum editors").first()
    if editors is not None:
        # Editors choose a framework for a mapping; they do not define frameworks.
        editors.permissions.add(*perms("creditframework", ("view",)))
    managers = Group.objects.filter(name="Programme managers").first()
    if managers is not None:
        managers.permissions.add(*perms("creditframework", ("add", "change", "view")))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_credit_frameworks"),
        ("lms", "0001_roles"),
    ]

    operations = [
        migrations.RunPython(add_frameworks, remove_frameworks),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
