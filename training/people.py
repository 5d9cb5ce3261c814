"""Operations on a cohort's people: create a trainee, enrol them, change an enrolment,
print login cards, and let anyone set their own email address.

Views call these functions; the rules live here. Each one runs in a transaction and raises
``ValidationError`` with a sentence a trainer can act on, so nothing is ever half saved.

Capacity is checked with the cohort row locked (``select_for_update``): two trainers adding
someone to the last place at the same moment queue on that lock, and the second one is told
the group is full instead of overfilling it.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.roles import Role, user_roles

from .models import Cohort, Enrolment, TraineeProfile
from .signals import progress_inputs_changed
from .usernames import unique_username

User = get_user_model()

# Letters and digits that cannot be mistaken for one another when read from paper:
# no 0/O, no 1/I/L. 31 symbols, 8 of them: about 40 bits, plenty for a login code.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUP = 4


def person_name(user):
    return user.get_full_name() or user.username


def login_code_new():
    """A fresh login code such as ``KMT4-9RXB``: two groups of four, easy to copy out."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP * 2)]
    return "".join(chars[:CODE_GROUP]) + "-" + "".join(chars[CODE_GROUP:])


# --- checks --------------------------------------------------------------------------------


def _lock_cohort(cohort):
    """The cohort row, locked until the transaction ends (a no-op on SQLite, which lets one
    writer in at a time anyway)."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _check_place_left(cohort):
    taken = cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).count()
    if taken >= cohort.capacity:
        raise ValidationError(
            _(
                "This group is full: all %(capacity)s places are taken. Ask a programme "
                "manager to add places, or withdraw someone who left."
            )
            % {"capacity": cohort.capacity}
        )


def _check_not_enrolled(cohort, user):
    if Enrolment.objects.filter(cohort=cohort, trainee=user).exists():
        raise ValidationError(_("%(name)s is already in this group.") % {"name": person_name(user)})


def normalise_email(email):
    email = (email or "").strip()
    if not email:
        return ""
    validate_email(email)
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_owner(email, *, exclude=None):
    """The account that already uses this address (compared without case), if any."""
    if not email:
        return None
    accounts = User.objects.filter(email__iexact=email)
    if exclude is not None:
        accounts = accounts.exclude(pk=exclude.pk)
    return accounts.first()


def _neutral_email_taken():
    # Says nothing about whose account it is: it may belong to another organisation.
    return ValidationError(
        _("This email address cannot be used here. Use another one, or leave it empty."),
        code="email_taken",
    )


def _check_new_trainee_email(cohort, email):
    owner = email_owner(email)
    if owner is None:
        return
    if Enrolment.objects.filter(cohort=cohort, trainee=owner).exists():
        raise ValidationError(
            _("%(name)s is already in this group.") % {"name": person_name(owner)},
            code="enrolled",
        )
    same_organisation = owner.organisations.filter(pk=cohort.organisation_id).exists()
    if same_organisation and user_roles(owner) == {Role.TRAINEE}:
        raise ValidationError(
            _(
                "%(name)s already has an account with this email. Use “Add someone who "
                "already has an account” instead."
            )
            % {"name": person_name(owner)},
            code="existing",
        )
    raise _neutral_email_taken()


def staff_created(user):
    """Trainees whose details the cohort's staff may edit: accounts a trainer or an import
    created, holding the trainee role only."""
    profile = getattr(user, "trainee_profile", None)
    return profile is not None and profile.created_by_id is not None and is_plain_trainee(user)


def is_plain_trainee(user):
    """True for accounts that are trainees and nothing else. Only these may ever have their
    password replaced by a printed code."""
    return not user.is_staff and not user.is_superuser and user_roles(user) == {Role.TRAINEE}


def _after_commit_progress(enrolment_ids):
    ids = list(enrolment_ids)
    transaction.on_commit(lambda: progress_inputs_changed.send(sender=Enrolment, enrolment_ids=ids))


# --- services ------------------------------------------------------------------------------


def trainee_create(*, cohort, first_name, last_name, email="", phone="", reference="", created_by):
    """Create a trainee's account and their place in ``cohort``, or nothing at all.

    The account gets no usable password: the trainee logs in with the code of a printed
    login card, or resets it by email when they have one.
    """
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError(_("Write the trainee's first name and last name."))
    email = normalise_email(email)
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _check_new_trainee_email(cohort, email)
        _check_place_left(cohort)
        user = User(
            username=unique_username(first_name, last_name),
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        user.set_unusable_password()
        try:
            # The savepoint keeps the outer transaction usable if the name was just taken.
            with transaction.atomic():
                user.save()
        except IntegrityError:
            user.username = unique_username(first_name, last_name, taken={user.username})
            user.save()
        user.groups.add(Group.objects.get(name=Role.TRAINEE.value))
        cohort.organisation.members.add(user)
        TraineeProfile.objects.create(
            user=user, phone=phone.strip(), reference=reference.strip(), created_by=created_by
        )
        enrolment = Enrolment.objects.create(cohort=cohort, trainee=user)
        _after_commit_progress([enrolment.pk])
    return enrolment


def enrolment_add(*, cohort, trainee, by=None):
    """Give an existing trainee of the cohort's organisation a place in the cohort."""
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        if not trainee.organisations.filter(pk=cohort.organisation_id).exists():
            raise ValidationError(_("This person is not part of this organisation."))
        if Role.TRAINEE not in user_roles(trainee):
            raise ValidationError(_("Only trainees can be added to a group."))
        _check_not_enrolled(cohort, trainee)
        _check_place_left(cohort)
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(cohort=cohort, trainee=trainee)
        except IntegrityError as error:
            raise ValidationError(
                _("%(name)s is already in this group.") % {"name": person_name(trainee)}
            ) from error
        _after_commit_progress([enrolment.pk])
    return enrolment


def enrolment_set_status(*, enrolment, status, reason="", by=None):
    """Move an enrolment between invited, active and withdrawn.

    Withdrawing frees the place and records when and why; coming back needs a free place
    and clears the withdrawal. Completion is decided by the completion rules, not here.
    """
    allowed = {Enrolment.Status.INVITED, Enrolment.Status.ACTIVE, Enrolment.Status.WITHDRAWN}
    if status not in allowed:
        raise ValidationError(_("Please choose invited, taking part or withdrawn."))
    reason = (reason or "").strip()
    with transaction.atomic():
        cohort = _lock_cohort(enrolment.cohort)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == status and status != Enrolment.Status.WITHDRAWN:
            return enrolment
        if status == Enrolment.Status.WITHDRAWN:
            if enrolment.status != Enrolment.Status.WITHDRAWN:
                enrolment.withdrawn_at = timezone.now()
            enrolment.withdrawal_reason = reason
        else:
            if enrolment.status == Enrolment.Status.WITHDRAWN:
                _check_place_left(cohort)
            enrolment.withdrawn_at = None
            enrolment.withdrawal_reason = ""
            enrolment.completed_at = None
        enrolment.status = status
        enrolment.save(
            update_fields=["status", "withdrawn_at", "withdrawal_reason", "completed_at"]
        )
        _after_commit_progress([enrolment.pk])
    return enrolment


def trainee_update(*, enrolment, first_name, last_name, email="", phone="", reference=""):
    """Correct the details of a trainee the staff created (a typo in a name, a new phone)."""
    user = enrolment.trainee
    if not staff_created(user):
        raise ValidationError(_("This person manages their own details. Ask them to change them."))
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError(_("Write the trainee's first name and last name."))
    email = normalise_email(email)
    with transaction.atomic():
        if email and email_owner(email, exclude=user):
            raise _neutral_email_taken()
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.save(update_fields=["first_name", "last_name", "email"])
        profile = user.trainee_profile
        profile.phone, profile.reference = phone.strip(), reference.strip()
        profile.save(update_fields=["phone", "reference"])
        _after_commit_progress([enrolment.pk])
    return user


def login_cards_issue(*, cohort, trainees, by):
    """Give each trainee a new login code; returns ``[(user, code), ...]`` in the order
    given. The code replaces their password, so an older card stops working.

    Refused, with nothing changed, if any of them is not enrolled in ``cohort`` or holds
    any role besides trainee: a printed card must never open a staff account.
    """
    trainees = list(trainees)
    if not trainees:
        raise ValidationError(_("Choose at least one trainee."))
    enrolled = set(
        Enrolment.objects.filter(cohort=cohort, trainee__in=trainees).values_list(
            "trainee_id", flat=True
        )
    )
    refused = [t for t in trainees if t.pk not in enrolled or not is_plain_trainee(t)]
    if refused:
        raise ValidationError(
            _(
                "No card was printed. A login card can only be printed for a trainee of "
                "this group who has no other role: %(names)s."
            )
            % {"names": ", ".join(person_name(t) for t in refused)},
            code="refused",
        )
    now = timezone.now()
    issued = []
    with transaction.atomic():
        for user in trainees:
            code = login_code_new()
            user.set_password(code)
            user.save(update_fields=["password"])
            profile, _created = TraineeProfile.objects.get_or_create(user=user)
            profile.card_issued_at = now
            profile.card_issued_by = by
            profile.save(update_fields=["card_issued_at", "card_issued_by"])
            issued.append((user, code))
    return issued


def account_set_email(*, user, email):
    """Let someone add or change their own email address."""
    email = normalise_email(email)
    if email and email_owner(email, exclude=user):
        raise _neutral_email_taken()
    user.email = email
    user.save(update_fields=["email"])
    return user
