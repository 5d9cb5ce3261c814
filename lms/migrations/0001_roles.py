"""Creates one group per role, with the permissions each role needs on day one.

Later migrations add permissions as new features arrive; this one is never edited.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODEL_PERMISSIONS = [
    ("curriculum", "peersupportvalue"),
    ("curriculum", "casescenario"),
    ("curriculum", "contentnote"),
    ("worksheets", "worksheet"),
]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]

ROLES = ["Curriculum editors", "Trainers", "Trainees", "Programme managers", "Evaluation leads"]


def ensure_permissions(apps):
    # Permissions are normally made after all migrations; make them now so we can grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    access_admin = perm("wagtailadmin", "access_admin")
    editors = groups["Curriculum editors"]
    managers = groups["Programme managers"]
    editors.permissions.add(access_admin)
    managers.permissions.add(access_admin)
    for app_label, model in EDITOR_MODEL_PERMISSIONS:
        for action in ("add", "change", "delete", "view"):
            editors.permissions.add(perm(app_label, f"{action}_{model}"))
        managers.permissions.add(perm(app_label, f"view_{model}"))

    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root_page, permission=perm("wagtailcore", codename)
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app_label, codename in MEDIA_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=editors, collection=root_collection, permission=perm(app_label, codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("curriculum", "0001_initial"),
        ("worksheets", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
