"""The certifying officer role, who else may see certificates, and the default template.

A certifying officer reviews who is eligible and issues, revokes and re-issues certificates
for the organisations they belong to. Programme managers see the register of their
organisations' certificates and edit their templates. An English default template exists
so a fresh installation can issue straight away; organisations add their own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICERS = "Certifying officers"


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(*codenames):
        return Permission.objects.filter(
            content_type__app_label="certificates", codename__in=codenames
        )

    officers, _ = Group.objects.get_or_create(name=OFFICERS)
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    officers.permissions.add(
        admin_access,
        *perms(
            "issue_certificate",
            "view_certificate",
            "view_certificateevent",
            "add_certificatetemplate",
            "change_certificatetemplate",
            "view_certificatetemplate",
            "view_creditframework",
            "view_creditmapping",
        ),
    )
    managers = Group.objects.filter(name="Programme managers").first()
    if managers is not None:
        managers.permissions.add(
            *perms(
                "view_certificate",
                "add_certificatetemplate",
                "change_certificatetemplate",
                "view_certificatetemplate",
            )
        )


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OFFICERS).delete()


def default_template(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.get_or_create(
        organisation=None,
        language="en",
        defaults={
            "title": "Certificate of completion",
            "statement": (
                "{name} has completed the peer support training programme {programme} "
                "with {organisation}."
            ),
            "signatory_name": "Programme lead",
            "signatory_role": "On behalf of the training organisation",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_certificates_and_templates"),
        ("lms", "0001_roles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, remove),
        migrations.RunPython(default_template, migrations.RunPython.noop),
    ]
