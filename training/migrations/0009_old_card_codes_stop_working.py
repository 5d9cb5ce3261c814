"""Before sign-in codes, printing a login card set the card's code as the trainee's password,
so the staff member who printed it knew it. Trainees had no page to change it, so every plain
trainee account with a card printed still has a password staff may know: it stops working
here. Such a trainee gets in again with a new card (a first card if they never logged in, a
replacement card with them present otherwise) or, once they confirm an email address, by
email. Staff accounts never got a card, and are left alone."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def stop_old_card_passwords(apps, schema_editor):
    TraineeProfile = apps.get_model("training", "TraineeProfile")
    User = apps.get_model("auth", "User")
    carded = TraineeProfile.objects.filter(card_issued_at__isnull=False).values_list(
        "user_id", flat=True
    )
    plain_trainees = (
        User.objects.filter(pk__in=carded, is_staff=False, is_superuser=False)
        .filter(groups__name="Trainees")
        .exclude(
            groups__name__in=[
                "Trainers",
                "Programme managers",
                "Curriculum editors",
                "Evaluation leads",
                "Certifying officers",
            ]
        )
        .distinct()
    )
    for user in plain_trainees:
        user.password = make_password(None)
        user.save(update_fields=["password"])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0008_trainee_confirmed_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(stop_old_card_passwords, migrations.RunPython.noop)]
