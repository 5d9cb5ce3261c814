"""Operations on a cohort's people: create a trainee, enrol them, change an enrolment,
print login cards, and let anyone change their own email address.

Views call these functions; the rules live here. Each one runs in a transaction and raises
``ValidationError`` with a sentence a trainer can act on, so nothing is ever half saved.

Capacity is checked with the cohort row locked (``select_for_update``): two trainers adding
someone to the last place at the same moment queue on that lock, and the second one is told
the group is full instead of overfilling it.

No staff member ever sets or learns a trainee's password. A login card carries a one-time
sign-in code (``SignInCode``), not a password; the trainee then chooses their own password or
PIN (``training/sign_in.py``). A card for someone who has logged in before is a *replacement*
card, printed only with the trainee present (``login_card_replace``). An email address a
trainee gives is used only once they open the link sent to it (``account_email_request``),
and a new password goes only to an address the trainee confirmed that way
(``may_reset_by_email``): never to one a staff member typed.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.roles import Role, is_plain_trainee, user_roles

from .models import Cohort, Enrolment, SignInCode, TraineeProfile
from .signals import progress_inputs_changed
from .usernames import unique_username

User = get_user_model()

# Letters and digits that cannot be mistaken for one another when read from paper:
# no 0/O, no 1/I/L. 31 symbols, 8 of them: about 40 bits, plenty for a code that works once,
# for a few days, behind django-axes' limit on wrong tries.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUP = 4
# How long a printed code works, unless ``SIGN_IN_CODE_DAYS`` says otherwise.
SIGN_IN_CODE_DAYS = 7
# How long the link that confirms a new email address works, unless
# ``ACCOUNT_EMAIL_LINK_HOURS`` says otherwise.
ACCOUNT_EMAIL_LINK_HOURS = 24
EMAIL_LINK_SALT = "training.account-email"


def person_name(user):
    return user.get_full_name() or user.username


def login_code_new():
    """A fresh login code such as ``KMT4-9RXB``: two groups of four, easy to copy out."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP * 2)]
    return "".join(chars[:CODE_GROUP]) + "-" + "".join(chars[CODE_GROUP:])


def login_code_normalise(text):
    """The code as stored (hashed) and compared: capitals, without the dash or spaces, so
    ``kmt4 9rxb`` typed on a phone is the code ``KMT4-9RXB``."""
    return "".join((text or "").split()).replace("-", "").upper()


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


def is_trainee_account(user):
    """True for an account that is or was a trainee (the trainee role, a trainee profile or a
    place in a group): its password is never typed by anyone else, and a new one goes only
    to an address its holder confirmed. Taking the role away does not change the answer."""
    if user is None or user.pk is None:
        return False
    # The profile first: most trainees have one, and reading it here keeps it for
    # ``email_confirmed``, which usually comes next. The rest in one query.
    if hasattr(user, "trainee_profile"):
        return True
    return (
        User._default_manager.filter(pk=user.pk)
        .filter(Q(groups__name=Role.TRAINEE.value) | Q(enrolments__isnull=False))
        .exists()
    )


def email_confirmed(user):
    """True when ``user``'s email address is the one they confirmed themselves, by opening
    the link sent to it while logged in (``account_email_confirm``). An address a trainer,
    an import or the admin typed is not, until the trainee confirms it."""
    if not user.email:
        return False
    profile = getattr(user, "trainee_profile", None)  # read with the user where selected
    confirmed = profile.email_confirmed if profile is not None else ""
    return bool(confirmed) and confirmed.lower() == user.email.lower()


def email_needs_confirming(user):
    """True for a trainee whose address is on file but not confirmed by them: the pages they
    see after choosing a password or PIN, and their account page, offer to confirm it."""
    return bool(user.email) and is_trainee_account(user) and not email_confirmed(user)


def may_reset_by_email(user):
    """Training's rule for ``lms.password_reset`` (registered in ``TrainingConfig.ready``).

    A reset link goes to a trainee's address only once the trainee confirmed that address
    themselves. Staff type trainees' addresses (when they create them, in an import, before
    the first login); a trainer who typed an address they read themselves could otherwise
    wait until the trainee chose a PIN and then take the account through "Forgot your
    password?". Accounts that never were trainees are left to the other rules."""
    return not is_trainee_account(user) or email_confirmed(user)


def signed_in_condition():
    """A condition on a query of accounts: those that have logged in before, or have a
    password of their own, or used a login card's code. A card for them is a replacement
    card, and only they change their email address."""
    return (
        Q(last_login__isnull=False)
        | ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        | Exists(SignInCode.objects.filter(user=OuterRef("pk"), used_at__isnull=False))
    )


def signed_in_before(users):
    """The ids of ``users`` who have signed in before (``signed_in_condition``), in one
    query for all of them."""
    return set(
        User._default_manager.filter(pk__in=[u.pk for u in users])
        .filter(signed_in_condition())
        .values_list("pk", flat=True)
    )


def has_signed_in(user):
    return user.pk in signed_in_before([user])


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
    if email and email.lower() != user.email.lower() and has_signed_in(user):
        # Their email is where a new password goes: once they have logged in, only they
        # change it, from their account page and with a link sent to the new address.
        # Staff may still remove a wrong one, so a trainee who cannot read it can be given
        # a replacement card (with them present) instead of being locked out.
        raise ValidationError(
            _(
                "%(name)s has logged in already, so only they can change their email "
                "address, on their account page."
            )
            % {"name": person_name(user)},
            code="email_own",
        )
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


# --- login cards ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedCard:
    """A card to print: the person, their code in clear (only ever on the card) and the row
    of the log that keeps its hash."""

    user: object
    code: str
    sign_in: SignInCode


def _refused(message, people_refused):
    return ValidationError(
        message % {"names": ", ".join(person_name(t) for t in people_refused)}, code="refused"
    )


def _check_card_people(cohort, trainees):
    """Refuse, naming them, anyone not in ``cohort`` or holding any role besides trainee: a
    printed card must never open a staff account."""
    enrolled = set(
        Enrolment.objects.filter(cohort=cohort, trainee__in=trainees).values_list(
            "trainee_id", flat=True
        )
    )
    refused = [t for t in trainees if t.pk not in enrolled or not is_plain_trainee(t)]
    if refused:
        raise _refused(
            _(
                "No card was printed. A login card can only be printed for a trainee of "
                "this group who has no other role: %(names)s."
            ),
            refused,
        )


def sign_in_code_days():
    return getattr(settings, "SIGN_IN_CODE_DAYS", SIGN_IN_CODE_DAYS)


def _card_issue(*, user, cohort, by, kind, now, presence_confirmed_at=None):
    """Stop the person's older unused codes and log a new one; never touches the password."""
    SignInCode.objects.filter(user=user, used_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now, cancelled_reason=SignInCode.Cancelled.REPLACED
    )
    code = login_code_new()
    sign_in = SignInCode.objects.create(
        user=user,
        cohort=cohort,
        kind=kind,
        code_hash=make_password(login_code_normalise(code)),
        printed_by=by,
        printed_by_name=person_name(by),
        printed_at=now,
        expires_at=now + datetime.timedelta(days=sign_in_code_days()),
        presence_confirmed_at=presence_confirmed_at,
    )
    profile, _created = TraineeProfile.objects.get_or_create(user=user)
    profile.card_issued_at = now
    profile.card_issued_by = by
    profile.save(update_fields=["card_issued_at", "card_issued_by"])
    return PrintedCard(user=user, code=code, sign_in=sign_in)


def login_cards_issue(*, cohort, trainees, by):
    """Print first login cards: a one-time sign-in code for each trainee, in the order given.

    The code is not a password. It signs the trainee in once, within ``SIGN_IN_CODE_DAYS``,
    and only to the page where they choose their own password or PIN; a newer card stops
    the older one. Nothing about the account's password changes.

    Refused, with nothing printed, if any of them is not in ``cohort``, holds any role
    besides trainee, or has logged in before (they need a replacement card, printed with
    them present: ``login_card_replace``).
    """
    trainees = list(trainees)
    if not trainees:
        raise ValidationError(_("Choose at least one trainee."))
    _check_card_people(cohort, trainees)
    seen = signed_in_before(trainees)
    returning = [t for t in trainees if t.pk in seen]
    if returning:
        raise _refused(
            _(
                "No card was printed. These people have logged in before, so they need a "
                "replacement card, printed when they are with you: %(names)s."
            ),
            returning,
        )
    now = timezone.now()
    with transaction.atomic():
        return [
            _card_issue(user=user, cohort=cohort, by=by, kind=SignInCode.Kind.FIRST, now=now)
            for user in trainees
        ]


def replacement_refusal(user):
    """Why no replacement card may be printed for ``user`` (a sentence), or None."""
    if email_confirmed(user):
        return _(
            "%(name)s has confirmed their email address, so they can choose a new password "
            "themselves: on the login page, “Forgot your password?”. No card is needed."
        ) % {"name": person_name(user)}
    return None


def login_card_replace(*, cohort, trainee, by, trainee_present):
    """Print a replacement card for a trainee who has logged in before and lost their way in.

    Such a card must not let a staff member into the account behind the trainee's back, so:

    - it is refused for anyone with an email address they confirmed (they choose a new
      password by email themselves), and for anyone who has never logged in (they get a
      first card). An address a staff member typed and the trainee never confirmed does not
      count: no reset link goes to it (``may_reset_by_email``), so a card is their way in;
    - the staff member confirms, as a separate step, that the trainee is with them and asked
      for it (``trainee_present``); their name and the time are kept in the log;
    - the trainee's password keeps working until the code is used. When it is used, the old
      password stops working, every other login of the account ends, and a new password or
      PIN must be chosen before anything else (``training/sign_in.py``);
    - the trainee reads the card in the log on their account page (with "Sam said you were
      with them"), is told at their next login, and can stop an unused card there; the
      group's staff see it on the login cards page.

    This cannot stop a staff member who lies about the trainee being there. It makes that
    visible: the trainee's own password stops working (so they find out the next time they
    log in), the log names who printed the card, and nothing deletes the log.
    """
    _check_card_people(cohort, [trainee])
    if not has_signed_in(trainee):
        raise ValidationError(
            _("%(name)s has not logged in yet: print an ordinary login card instead.")
            % {"name": person_name(trainee)},
            code="first",
        )
    refusal = replacement_refusal(trainee)
    if refusal:
        raise ValidationError(refusal, code="email")
    if not trainee_present:
        raise ValidationError(
            _(
                "Tick the box to confirm %(name)s is with you now and asked for a new card. "
                "If they are not with you, do not print one."
            )
            % {"name": person_name(trainee)},
            code="presence",
        )
    now = timezone.now()
    with transaction.atomic():
        return _card_issue(
            user=trainee,
            cohort=cohort,
            by=by,
            kind=SignInCode.Kind.REPLACEMENT,
            now=now,
            presence_confirmed_at=now,
        )


def sign_in_code_stop(*, user, sign_in_id):
    """Let a trainee stop a card printed for them that was not used yet (say, one they did
    not ask for). Only their own cards; a used or stopped card stays as it is."""
    stopped = SignInCode.objects.filter(
        pk=sign_in_id, user=user, used_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now(), cancelled_reason=SignInCode.Cancelled.BY_TRAINEE)
    if not stopped:
        raise ValidationError(_("This card cannot be stopped: it was used or stopped already."))


# --- one's own email address ---------------------------------------------------------------


def _email_link_hours():
    return getattr(settings, "ACCOUNT_EMAIL_LINK_HOURS", ACCOUNT_EMAIL_LINK_HOURS)


def account_email_request(*, user, email, link_for):
    """Ask to add or change one's own email address: a link goes to the new address, and the
    address changes only when its owner opens the link while logged in
    (``account_email_confirm``). ``link_for(token)`` makes the link's full address.

    The person asking is told the same whatever the address, so the page cannot be used to
    find out whether someone has an account. If another account uses the address, the email
    goes to that address anyway and says so to its owner; nothing changes. Asking for the
    address one has already sends a link as well: opening it confirms the address as one's
    own (``email_confirmed``), as a trainee does for an address their trainer typed.

    Returns the address as it will be saved, for the page to repeat.
    """
    email = normalise_email(email)
    if not email:
        raise ValidationError(_("Write the email address you would like to use."))
    site = _("Peer Support Training")
    if email_owner(email, exclude=user) is not None:
        subject = _("Your email address on %(site)s") % {"site": site}
        body = _(
            "Hello,\n\n"
            "Someone asked to use this email address (%(email)s) for an account on "
            "%(site)s. This address already belongs to an account there, so nothing was "
            "changed.\n\n"
            "If it was you: you do not need to do anything. Log in with the account that "
            "already has this address, or use another address.\n"
            "If it was not you: you can ignore this email.\n"
        ) % {"email": email, "site": site}
    else:
        token = signing.dumps({"u": user.pk, "from": user.email, "to": email}, salt=EMAIL_LINK_SALT)
        subject = _("Confirm your email address on %(site)s") % {"site": site}
        body = _(
            "Hello,\n\n"
            "You asked to use this email address on %(site)s. To confirm, open this link "
            "while you are logged in:\n\n%(link)s\n\n"
            "The link works for %(hours)s hours. If you did not ask for this, ignore this "
            "email: nothing changes.\n"
        ) % {"site": site, "link": link_for(token), "hours": _email_link_hours()}
    send_mail(subject, body, None, [email])
    return email


def account_email_pending(*, token):
    """The address a link is for, checked (signature and age). Raises ValidationError."""
    try:
        data = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=_email_link_hours() * 3600)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This link is too old. Ask for a new one on your account page."), code="old"
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(
            _("This link does not work. Copy the whole link from the email, or ask for a new one."),
            code="bad",
        ) from error
    return data


def account_email_confirm(*, user, token):
    """Save the address of a link from ``account_email_request``, for its own account only.

    Refused when the link is for another account (PermissionDenied), too old, changed, made
    before a later change of the address, or when another account took the address since.
    """
    data = account_email_pending(token=token)
    if data.get("u") != user.pk:
        raise PermissionDenied
    if data.get("from", "").lower() != user.email.lower():
        raise ValidationError(
            _("This link is out of date: your email address changed since. Ask for a new one."),
            code="old",
        )
    email = data["to"]
    with transaction.atomic():
        if email_owner(email, exclude=user) is not None:
            raise _neutral_email_taken()
        user.email = email
        user.save(update_fields=["email"])
        if is_trainee_account(user):
            # They opened the link sent to it, logged in as themselves: the address is
            # theirs, and a new password may go to it from now on (``may_reset_by_email``).
            profile, _created = TraineeProfile.objects.get_or_create(user=user)
            profile.email_confirmed, profile.email_confirmed_at = email, timezone.now()
            profile.save(update_fields=["email_confirmed", "email_confirmed_at"])
    return user


def account_email_remove(*, user):
    """Remove one's own email address; no link is needed to stop using one."""
    with transaction.atomic():
        user.email = ""
        user.save(update_fields=["email"])
        TraineeProfile.objects.filter(user=user).update(email_confirmed="", email_confirmed_at=None)
    return user
