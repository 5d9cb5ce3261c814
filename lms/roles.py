"""The people who use the platform, as Django groups.

Each role is a group created by a migration (``lms/migrations``). Code asks
``user_roles(user)`` or ``has_role(user, Role.TRAINER)`` rather than comparing group names,
so a renamed group label never breaks a permission check.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group name stored in the database; the label is what people read.
    CURRICULUM_EDITOR = "Curriculum editors", _("Curriculum editor")
    TRAINER = "Trainers", _("Trainer")
    TRAINEE = "Trainees", _("Trainee")
    PROGRAMME_MANAGER = "Programme managers", _("Programme manager")
    EVALUATION_LEAD = "Evaluation leads", _("Evaluation lead")
    CERTIFYING_OFFICER = "Certifying officers", _("Certifying officer")


# Roles allowed to read facilitator material (procedures, tips, guide PDFs).
STAFF_ROLES = frozenset(
    {Role.CURRICULUM_EDITOR, Role.TRAINER, Role.PROGRAMME_MANAGER, Role.EVALUATION_LEAD}
)

# When a person holds several roles, their home page is made for the first one here.
HOME_PRIORITY = (
    Role.PROGRAMME_MANAGER,
    Role.CERTIFYING_OFFICER,
    Role.CURRICULUM_EDITOR,
    Role.TRAINER,
    Role.EVALUATION_LEAD,
    Role.TRAINEE,
)


def user_roles(user):
    """The set of roles a user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_lms_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._lms_roles = cached
    return cached


def has_role(user, *roles):
    return user.is_superuser or bool(user_roles(user).intersection(roles))


def is_plain_trainee(user):
    """True for accounts that are trainees and nothing else. Only these may ever get a
    printed sign-in code or choose a PIN, and they keep the longer idle limit: anyone with
    another role opens other people's data and is logged out sooner."""
    return not user.is_staff and not user.is_superuser and user_roles(user) == {Role.TRAINEE}


def has_any_role(user):
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user)))


def can_read_facilitator_material(user):
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & STAFF_ROLES))


def home_role(user):
    """The role whose home page this user lands on after logging in."""
    if user.is_superuser:
        return Role.PROGRAMME_MANAGER
    roles = user_roles(user)
    for role in HOME_PRIORITY:
        if role in roles:
            return role
    return None
