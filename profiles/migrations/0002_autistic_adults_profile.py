"""The built-in "Autistic adults" profile, and who may edit profiles in the admin.

The settings follow what recognised guidance asks of training and services for autistic
adults (NICE clinical guideline CG142 on autism in adults, and the National Autistic
Society's guidance for trainers and employers): know what will happen and when, get
information in writing and ahead of time, have regular breaks and a quiet place, expect
sensory differences, and be offered ways to take part that do not depend on speaking in
front of a group. Partners in Kent found the same when autistic adults told them which
exercises would not work. The wording below is ours.

Curriculum editors and programme managers may add, change and delete profiles; nobody may
delete the built-in one (profiles/wagtail_hooks.py).
"""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

NAME = "Autistic adults"

AUTISTIC_ADULTS = {
    "description": (
        "For cohorts of autistic adults. It makes each session predictable and gives "
        "people time and choice, so that everyone can take part in the way that works for "
        "them.\n\n"
        "What it does: trainees see a visual schedule of each session a week before (every "
        "step in order, with clock times, breaks, where and who); activities get a quarter "
        "more time and there is a break after about 45 minutes; easy-read text comes first "
        "where the author wrote one; before a story with difficult topics, trainees read "
        "what it is about and may step out; trainers are pointed to ways of taking part in "
        "pairs or in writing rather than speaking to the whole group.\n\n"
        "Based on: NICE clinical guideline CG142 (autism spectrum disorder in adults), which "
        "asks services to adjust how they give information and to take account of sensory "
        "needs; the National Autistic Society's guidance on predictability, clear written "
        "information and breaks; and what autistic peer supporters in Kent told the "
        "project about the planned exercises. Talk with your group: people differ, and "
        "each trainee can change how the pages look for themselves."
    ),
    "duration_factor": Decimal("1.25"),
    "break_every_minutes": 45,
    "break_minutes": 10,
    "show_visual_schedule": True,
    "share_schedule_days_before": 7,
    "show_content_notes": True,
    "prefer_easy_read": True,
    "prefer_low_demand": True,
    "what_to_bring": (
        "Anything that helps you feel comfortable, such as headphones, sunglasses or "
        "something to hold\n"
        "A drink and a snack if you like\n"
        "Your questions, written down if that is easier"
    ),
    "introduction_text": (
        "The trainer says hello. They tell you the plan for today and when the breaks are."
    ),
    "break_text": (
        "Time to rest. You can have a drink, go outside or sit in the quiet room. "
        "Nobody has to talk."
    ),
    "closure_text": (
        "We look back on today. You can say one thing, write it down, or pass. "
        "Passing is fine."
    ),
    "default_text_size": "normal",
    "default_line_spacing": "wide",
    "default_reduced_motion": True,
    "default_high_contrast": False,
}

MODELS = ["adaptationprofile"]


def create_profile(apps, schema_editor):
    AdaptationProfile = apps.get_model("profiles", "AdaptationProfile")
    profile = AdaptationProfile.objects.filter(built_in=True, name=NAME).first()
    if profile is None:
        AdaptationProfile.objects.create(name=NAME, built_in=True, **AUTISTIC_ADULTS)


def remove_profile(apps, schema_editor):
    AdaptationProfile = apps.get_model("profiles", "AdaptationProfile")
    AdaptationProfile.objects.filter(built_in=True, name=NAME, cohorts__isnull=True).delete()


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="profiles",
        codename__in=[
            f"{action}_{model}"
            for model in MODELS
            for action in ("add", "change", "delete", "view")
        ],
    )
    for name in ("Curriculum editors", "Programme managers"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_adaptation_profiles"),
        ("lms", "0001_roles"),
        ("training", "0006_cohort_profile"),
    ]

    operations = [
        migrations.RunPython(create_profile, remove_profile),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
