"""django-import-export resources for a cohort's trainees: the import of a partner's
spreadsheet and the enrolment and completion exports.

The import resource sees one spreadsheet row as one ``TraineeRow``: a person, their profile
and their place in the cohort together. import-export runs the row loop (cleaning each cell
through a widget, telling new rows from updates, skipping unchanged rows, collecting row
errors, wrapping everything in a transaction and rolling back a dry run); this module adds
what a partner's file needs:

- everything the rows are compared with is loaded once in ``before_import`` (the
  organisation's trainees, every account using an email of the file, the cohort's
  enrolments), so the row loop asks the database nothing, whatever the file's size;
- nothing is written row by row: ``use_bulk`` collects the rows and ``bulk_create`` writes
  them all at the end, in a few bulk statements, and only when not one row has an error;
- a file never changes the email address of a trainee who has logged in: that address is
  where a new password goes, so only the trainee changes it (``_check_email``).

``training.imports`` reads the uploaded file, maps its columns and turns the result into the
preview a trainer reads.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, instance_loaders, resources, widgets

from lms.roles import STAFF_ROLES, Role

from .models import Enrolment, Organisation, TraineeProfile
from .people import signed_in_condition
from .signals import progress_inputs_changed
from .usernames import base_username

User = get_user_model()

# Rows per bulk statement: well under SQLite's limit on query parameters, and few enough
# round trips that 10,000 rows take a couple of dozen statements per table.
WRITE_BATCH = 500
# Values per ``IN (...)`` lookup while loading what the file's rows are compared with.
LOOKUP_BATCH = 900


def fold(text):
    """Text compared without case, accents or extra spaces: 'ÉLODIE  ' == 'elodie'."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def chunked(values, size):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- cells ---------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    """A cell as trimmed text; a blank cell is ``None`` so that, on re-import, an empty cell
    keeps what the platform already knows instead of erasing it."""

    def __init__(self, max_length=None, label=""):
        super().__init__(allow_blank=False)
        self.max_length = max_length
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            # Excel stores a reference typed as 1024 as the number 1024.0.
            value = int(value)
        text = unicodedata.normalize("NFC", " ".join(str(value).split()))
        if not text:
            return None
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("The %(column)s is too long: at most %(max)s characters, please.")
                % {"column": self.label, "max": self.max_length}
            )
        return text


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text is None:
            return None
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(
                _(
                    "'%(value)s' is not an email address. Write it like name@example.org, or "
                    "leave the cell empty."
                )
                % {"value": text}
            ) from None
        return text


# Words partners write in the status column, in the platform's four languages, folded.
STATUS_WORDS = {
    Enrolment.Status.INVITED: {
        "invited",
        "invite",
        "invitation",
        "invitee",
        "uitgenodigd",
        "uitnodiging",
        "invitado",
        "invitada",
        "invitacion",
    },
    Enrolment.Status.ACTIVE: {
        "active",
        "actif",
        "actieve",
        "actief",
        "activo",
        "activa",
        "enrolled",
        "inscrit",
        "inscrite",
        "ingeschreven",
        "inscrito",
        "inscrita",
    },
    Enrolment.Status.WITHDRAWN: {
        "withdrawn",
        "withdrew",
        "left",
        "retire",
        "retiree",
        "parti",
        "partie",
        "abandon",
        "teruggetrokken",
        "gestopt",
        "vertrokken",
        "retirado",
        "retirada",
        "baja",
        "de baja",
        "abandono",
    },
    Enrolment.Status.COMPLETED: {
        "completed",
        "complete",
        "termine",
        "terminee",
        "afgerond",
        "voltooid",
        "completado",
        "completada",
        "terminado",
        "terminada",
    },
}
STATUS_BY_WORD = {word: status for status, words in STATUS_WORDS.items() for word in words}


class StatusWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        word = fold(value)
        if not word:
            return None
        status = STATUS_BY_WORD.get(word)
        if status is None:
            raise ValueError(
                _("'%(value)s' is not a status we know. Write invited, active or withdrawn.")
                % {"value": str(value).strip()}
            )
        return status


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


class DateWidget(widgets.Widget):
    """Dates as partners type them: 2027-03-14, 14/03/2027 or 14.03.2027, or a real date
    cell from Excel. Day first: partners are in Europe, so 03/04 is the 3rd of April."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if not text:
            return None
        # Excel exported to CSV sometimes adds a midnight time: "14/03/2027 00:00".
        text_date = text.split(" ")[0] if text.endswith(("00:00", "00:00:00")) else text
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text_date, fmt).date()
            except ValueError:
                continue
        raise ValueError(
            _("'%(value)s' is not a date. Write it like 14/03/2027.") % {"value": text}
        )


# --- the import ------------------------------------------------------------------------------


class TraineeRow:
    """One person from the spreadsheet: their account, profile and place in the cohort as
    the file wants them. ``original`` holds what the platform had before, for updates."""

    COMPARED = ("first_name", "last_name", "email", "phone", "reference", "status", "enrolled_on")

    def __init__(self, existing=None, enrolment=None):
        self.line = None
        self.first_name = ""
        self.last_name = ""
        self.email = ""
        self.phone = ""
        self.reference = ""
        self.status = None
        self.enrolled_on = None
        self.user_id = None
        self.profile_id = None
        self.enrolment_id = None
        if existing:
            self.user_id = existing["id"]
            self.profile_id = existing["profile_id"]
            self.first_name = existing["first_name"]
            self.last_name = existing["last_name"]
            self.email = existing["email"]
            self.phone = existing["phone"] or ""
            self.reference = existing["reference"] or ""
        if enrolment:
            self.enrolment_id = enrolment["id"]
            self.status = enrolment["status"]
            self.enrolled_on = enrolment["enrolled_on"]
        self.original = {name: getattr(self, name) for name in self.COMPARED}

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_new(self):
        return self.user_id is None

    def changed(self, *names):
        names = names or self.COMPARED
        for name in names:
            now, before = getattr(self, name), self.original[name]
            if name == "email":
                now, before = (now or "").lower(), (before or "").lower()
            if now != before:
                return True
        return False

    @property
    def has_changes(self):
        return self.enrolment_id is None or self.changed()


class TraineeImportResource(resources.Resource):
    """Trainees and their enrolments in one cohort, from a partner's spreadsheet.

    Rows are matched to the organisation's trainees by reference, then by email (any case),
    then by first and last name; a matched row updates that person and creates their
    enrolment if it is missing, so importing the same file twice changes nothing.
    """

    line = fields.Field(attribute="line", column_name="line", widget=widgets.IntegerWidget())
    first_name = fields.Field(
        attribute="first_name",
        column_name="first_name",
        widget=TextWidget(150, gettext_lazy("first name")),
        saves_null_values=False,
    )
    last_name = fields.Field(
        attribute="last_name",
        column_name="last_name",
        widget=TextWidget(150, gettext_lazy("last name")),
        saves_null_values=False,
    )
    email = fields.Field(
        attribute="email",
        column_name="email",
        widget=EmailWidget(254, gettext_lazy("email")),
        saves_null_values=False,
    )
    phone = fields.Field(
        attribute="phone",
        column_name="phone",
        widget=TextWidget(40, gettext_lazy("phone number")),
        saves_null_values=False,
    )
    reference = fields.Field(
        attribute="reference",
        column_name="reference",
        widget=TextWidget(60, gettext_lazy("reference")),
        saves_null_values=False,
    )
    status = fields.Field(
        attribute="status", column_name="status", widget=StatusWidget(), saves_null_values=False
    )
    enrolled_on = fields.Field(
        attribute="enrolled_on",
        column_name="enrolled_on",
        widget=DateWidget(),
        saves_null_values=False,
    )

    # The columns a file may hold, in the order the preview and the template show them.
    COLUMNS = ("first_name", "last_name", "email", "phone", "reference", "status", "enrolled_on")
    REQUIRED = ("first_name", "last_name")

    class Meta:
        import_order = (
            "line",
            "first_name",
            "last_name",
            "email",
            "phone",
            "reference",
            "status",
            "enrolled_on",
        )
        use_bulk = True
        # No batches while reading rows: everything is written at the end, once every row
        # is known to be valid (see bulk_create).
        batch_size = None
        # Differences are computed by TraineeRow, not by import-export's HTML diff.
        skip_diff = True
        report_skipped = True
        store_row_values = True
        clean_model_instances = False
        # get_instance below matches rows against what before_import loaded.
        instance_loader_class = instance_loaders.BaseInstanceLoader

    def __init__(self, *, cohort, user):
        super().__init__()
        self.cohort = cohort
        self.user = user
        self.written = None

    # -- loading once ------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Load everything the rows are compared with, in a fixed number of queries."""
        organisation = self.cohort.organisation
        trainee_group = Group.objects.filter(name=Role.TRAINEE.value)
        staff_groups = Group.objects.filter(name__in=[role.value for role in STAFF_ROLES])
        people = (
            User.objects.filter(organisations=organisation)
            .annotate(
                is_trainee=Exists(trainee_group.filter(user=OuterRef("pk")))
                | Exists(TraineeProfile.objects.filter(user=OuterRef("pk")))
                | Exists(
                    Enrolment.objects.filter(
                        trainee=OuterRef("pk"), cohort__organisation=organisation
                    )
                ),
                is_staff_role=Exists(staff_groups.filter(user=OuterRef("pk"))),
                signed_in=ExpressionWrapper(signed_in_condition(), output_field=BooleanField()),
            )
            .values(
                "id",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_superuser",
                "is_trainee",
                "is_staff_role",
                "signed_in",
                "trainee_profile__id",
                "trainee_profile__reference",
                "trainee_profile__phone",
            )
        )
        self.trainees = {}
        self.by_reference = defaultdict(list)
        self.by_email = defaultdict(list)
        self.by_name = defaultdict(list)
        for person in people:
            # A trainer or manager is never turned into a trainee by a spreadsheet.
            if not person["is_trainee"] or person["is_staff"] or person["is_superuser"]:
                continue
            if person["is_staff_role"]:
                continue
            person["profile_id"] = person.pop("trainee_profile__id")
            person["reference"] = person.pop("trainee_profile__reference") or ""
            person["phone"] = person.pop("trainee_profile__phone") or ""
            self.trainees[person["id"]] = person
            if person["reference"]:
                self.by_reference[fold(person["reference"])].append(person)
            if person["email"]:
                self.by_email[person["email"].lower()].append(person)
            self.by_name[(fold(person["first_name"]), fold(person["last_name"]))].append(person)

        # Every account using an email of the file, wherever it belongs: such an email
        # cannot be given to a new trainee, and says nothing more about that account.
        emails = set()
        if "email" in (dataset.headers or []):
            for value in dataset["email"]:
                if value and isinstance(value, str) and value.strip():
                    emails.add(value.strip().lower())
        self.email_owners = defaultdict(set)
        for chunk in chunked(sorted(emails), LOOKUP_BATCH):
            owners = (
                User.objects.annotate(email_folded=Lower("email"))
                .filter(email_folded__in=chunk)
                .values_list("id", "email_folded")
            )
            for user_id, email in owners:
                self.email_owners[email].add(user_id)

        self.enrolments = {}
        places_taken = 0
        for enrolment in Enrolment.objects.filter(cohort=self.cohort).values(
            "id", "trainee_id", "status", "enrolled_at"
        ):
            enrolment["enrolled_on"] = timezone.localdate(enrolment["enrolled_at"])
            self.enrolments[enrolment["trainee_id"]] = enrolment
            if enrolment["status"] != Enrolment.Status.WITHDRAWN:
                places_taken += 1
        self.places_free = max(self.cohort.capacity - places_taken, 0)
        self.places_added = 0

        # Who appeared on which line already, to name duplicates in the file.
        self.seen_users = {}
        self.seen_references = {}
        self.seen_emails = {}
        self.seen_names = {}

    # -- matching ----------------------------------------------------------------------------

    def _cell(self, row, column, widget_field):
        """A cell cleaned for matching; a bad value matches nothing (its error comes later)."""
        if column not in row:
            return None
        try:
            return widget_field.clean(row)
        except ValueError:
            return None

    def get_instance(self, instance_loader, row):
        reference = self._cell(row, "reference", self.fields["reference"])
        email = self._cell(row, "email", self.fields["email"])
        first = self._cell(row, "first_name", self.fields["first_name"])
        last = self._cell(row, "last_name", self.fields["last_name"])
        person = None
        if reference:
            matches = self.by_reference.get(fold(reference), [])
            if len(matches) == 1:
                person = matches[0]
        if person is None and email:
            matches = self.by_email.get(email.lower(), [])
            if len(matches) == 1:
                person = matches[0]
        if person is None and first and last:
            # Same name only counts as the same person when nothing in the row says
            # otherwise: an email or reference that differs means someone else.
            matches = [
                candidate
                for candidate in self.by_name.get((fold(first), fold(last)), [])
                if not (
                    reference
                    and candidate["reference"]
                    and fold(candidate["reference"]) != fold(reference)
                )
                and not (
                    email and candidate["email"] and candidate["email"].lower() != email.lower()
                )
            ]
            if len(matches) == 1:
                person = matches[0]
        if person is None:
            return None
        return TraineeRow(existing=person, enrolment=self.enrolments.get(person["id"]))

    def init_instance(self, row=None):
        return TraineeRow()

    # -- checking ----------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        """Clean every cell (import-export turns a widget's ValueError into a row error),
        then check the row against the cohort, the organisation and the rest of the file."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)

        def add(key, message):
            errors.setdefault(key, []).append(message)

        for column, label in (("first_name", _("first name")), ("last_name", _("last name"))):
            if column not in errors and not str(row.get(column) or "").strip():
                add(column, _("The %(column)s is empty.") % {"column": label})

        if instance.is_new and instance.status == Enrolment.Status.COMPLETED:
            add(
                "status",
                _(
                    "Only the platform marks a trainee as completed. Write invited, "
                    "active or withdrawn."
                ),
            )
        self._check_email(instance, row, add)
        self._check_ambiguous_name(instance, row, add)
        self._check_duplicates(instance, row, add)
        self._check_place(instance, add)
        if errors:
            raise ValidationError(errors)

    def _check_email(self, instance, row, add):
        email = (instance.email or "").lower()
        if not email or "email" not in row or not str(row.get("email") or "").strip():
            return
        known = self.trainees.get(instance.user_id)
        if known and known["signed_in"] and instance.changed("email"):
            # Their address is where a new password goes: once they have logged in, only
            # they change it (their account page, with a link sent to the new address), as
            # on the trainee's own page (``people.trainee_update``).
            add(
                "email",
                _(
                    "%(name)s has logged in already, so only they can change their email "
                    "address, on their account page. Leave the email cell empty or write "
                    "the address they have now."
                )
                % {"name": f"{known['first_name']} {known['last_name']}".strip()},
            )
            return
        owners = self.email_owners.get(email, set()) - {instance.user_id}
        if not owners:
            return
        if owners <= set(self.trainees):
            add(
                "email",
                _(
                    "The email %(email)s is already used by another trainee of your "
                    "organisation. Check the reference and the email of this row."
                )
                % {"email": instance.email},
            )
        else:
            # Deliberately vague: the account may belong to another organisation.
            add(
                "email",
                _(
                    "The email %(email)s belongs to an account you cannot use here. "
                    "Leave the email empty or write another one."
                )
                % {"email": instance.email},
            )

    def _check_ambiguous_name(self, instance, row, add):
        if not instance.is_new or not instance.first_name or not instance.last_name:
            return
        has_reference = bool(str(row.get("reference") or "").strip())
        has_email = bool(str(row.get("email") or "").strip())
        same_name = self.by_name.get((fold(instance.first_name), fold(instance.last_name)), [])
        if len(same_name) > 1 and not has_reference and not has_email:
            add(
                NON_FIELD_ERRORS,
                _(
                    "%(count)s trainees of your organisation are called %(name)s. Add this "
                    "person's email or reference so we know which one you mean."
                )
                % {"count": len(same_name), "name": str(instance)},
            )

    def _check_duplicates(self, instance, row, add):
        line = instance.line
        earlier = None
        if instance.user_id is not None:
            earlier = self.seen_users.get(instance.user_id)
            self.seen_users.setdefault(instance.user_id, line)
        keys = []
        if instance.reference and str(row.get("reference") or "").strip():
            keys.append((self.seen_references, fold(instance.reference)))
        if instance.email and str(row.get("email") or "").strip():
            keys.append((self.seen_emails, instance.email.lower()))
        for seen, key in keys:
            earlier = earlier or seen.get(key)
            seen.setdefault(key, line)
        if not keys and instance.first_name and instance.last_name:
            # Without an email or a reference, the name is all that tells people apart.
            key = (fold(instance.first_name), fold(instance.last_name))
            earlier = earlier or self.seen_names.get(key)
            self.seen_names.setdefault(key, line)
        if earlier is not None and earlier != line:
            add(
                NON_FIELD_ERRORS,
                _("This person is already on row %(line)s of the file. Keep one of the two rows.")
                % {"line": earlier},
            )

    def _check_place(self, instance, add):
        if instance.status == Enrolment.Status.WITHDRAWN:
            return
        holds_place = instance.enrolment_id is not None and (
            instance.original["status"] != Enrolment.Status.WITHDRAWN
        )
        if holds_place:
            return
        self.places_added += 1
        if self.places_added > self.places_free:
            add(
                NON_FIELD_ERRORS,
                _(
                    "The group is full: it has %(capacity)s places and this row would need one "
                    "more. Ask a programme manager to add places, or remove the row."
                )
                % {"capacity": self.cohort.capacity},
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """'Already up to date': a known person whose row changes nothing."""
        if import_validation_errors or instance.is_new:
            return False
        if instance.original["status"] == Enrolment.Status.COMPLETED:
            # Completion is the platform's to decide; an older file cannot undo it.
            instance.status = Enrolment.Status.COMPLETED
        return not instance.has_changes

    # -- writing -----------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write every row at once, after the loop, and only if no row had an error: the
        import is all or nothing even before the transaction is rolled back."""
        rows = self.create_instances + self.update_instances
        self.create_instances.clear()
        self.update_instances.clear()
        if dry_run or result is None or result.has_errors() or result.has_validation_errors():
            return
        try:
            with transaction.atomic():
                self.written = self._write(rows)
        except Exception as error:  # the whole import is rolled back and reported
            self.handle_import_error(result, error, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Updates were written with the new rows in bulk_create.
        self.update_instances.clear()

    def _write(self, rows):
        now = timezone.now()
        new_rows = [row for row in rows if row.is_new]
        old_rows = [row for row in rows if not row.is_new]

        usernames = allocate_usernames([(row.first_name, row.last_name) for row in new_rows])
        users = [
            User(
                username=username,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email or "",
                # No usable password: trainers print login cards with a code later. This is
                # what make_password(None) stores, without its slow per-character random.
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for row, username in zip(new_rows, usernames, strict=True)
        ]
        User.objects.bulk_create(users, batch_size=WRITE_BATCH)
        for row, user in zip(new_rows, users, strict=True):
            row.user_id = user.pk
            row.username = user.username

        changed_users = [
            User(
                pk=row.user_id,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email or "",
            )
            for row in old_rows
            if row.changed("first_name", "last_name", "email")
        ]
        User.objects.bulk_update(
            changed_users, ["first_name", "last_name", "email"], batch_size=WRITE_BATCH
        )

        user_ids = [row.user_id for row in rows]
        group = Group.objects.get(name=Role.TRAINEE.value)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=pk, group_id=group.pk) for pk in user_ids],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,
        )
        organisation_id = self.cohort.organisation_id
        Organisation.members.through.objects.bulk_create(
            [
                Organisation.members.through(organisation_id=organisation_id, user_id=pk)
                for pk in user_ids
            ],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,
        )

        TraineeProfile.objects.bulk_create(
            [
                TraineeProfile(
                    user_id=row.user_id,
                    reference=row.reference or "",
                    phone=row.phone or "",
                    created_by=self.user,
                )
                for row in rows
                if row.profile_id is None
            ],
            batch_size=WRITE_BATCH,
        )
        TraineeProfile.objects.bulk_update(
            [
                TraineeProfile(
                    pk=row.profile_id, reference=row.reference or "", phone=row.phone or ""
                )
                for row in old_rows
                if row.profile_id is not None and row.changed("reference", "phone")
            ],
            ["reference", "phone"],
            batch_size=WRITE_BATCH,
        )

        new_enrolments = [
            Enrolment(
                cohort=self.cohort,
                trainee_id=row.user_id,
                status=row.status or Enrolment.Status.ACTIVE,
                withdrawn_at=now if row.status == Enrolment.Status.WITHDRAWN else None,
            )
            for row in rows
            if row.enrolment_id is None
        ]
        unenrolled = [row for row in rows if row.enrolment_id is None]
        Enrolment.objects.bulk_create(new_enrolments, batch_size=WRITE_BATCH)
        for enrolment, row in zip(new_enrolments, unenrolled, strict=True):
            row.enrolment_id = enrolment.pk

        # enrolled_at is set to "now" on insert; the file's dates are written afterwards,
        # one UPDATE per date (a group usually enrols on a handful of days).
        by_day = defaultdict(list)
        for row in rows:
            if row.enrolled_on and row.changed("enrolled_on"):
                by_day[row.enrolled_on].append(row.enrolment_id)
        if len(by_day) <= 50:
            for day, ids in by_day.items():
                for chunk in chunked(ids, LOOKUP_BATCH):
                    Enrolment.objects.filter(pk__in=chunk).update(enrolled_at=day_start(day))
        else:
            Enrolment.objects.bulk_update(
                [
                    Enrolment(pk=pk, enrolled_at=day_start(day))
                    for day, ids in by_day.items()
                    for pk in ids
                ],
                ["enrolled_at"],
                batch_size=WRITE_BATCH,
            )

        by_status = defaultdict(list)
        for row in old_rows:
            if row.original["status"] is not None and row.changed("status"):
                by_status[row.status].append(row.enrolment_id)
        for status, ids in by_status.items():
            for chunk in chunked(ids, LOOKUP_BATCH):
                Enrolment.objects.filter(pk__in=chunk).update(
                    status=status,
                    withdrawn_at=now if status == Enrolment.Status.WITHDRAWN else None,
                )

        enrolment_ids = [row.enrolment_id for row in rows]
        transaction.on_commit(
            lambda: progress_inputs_changed.send(sender=Enrolment, enrolment_ids=enrolment_ids)
        )
        return rows


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def allocate_usernames(names):
    """Login names for many new trainees at once, by the rule of
    ``training.usernames.unique_username`` ('marie.d', then 'marie.d2'...), with one query
    per few hundred distinct names instead of one per person."""
    bases = [base_username(first, last) for first, last in names]
    taken = set()
    for chunk in chunked(sorted(set(bases)), 300):
        query = Q()
        for base in chunk:
            query |= Q(username__startswith=base)
        taken.update(User.objects.filter(query).values_list("username", flat=True))
    next_number = {}
    chosen = []
    for base in bases:
        number = next_number.get(base, 1)
        candidate = base if number == 1 else f"{base}{number}"
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        next_number[base] = number
        taken.add(candidate)
        chosen.append(candidate)
    return chosen


# --- exports ----------------------------------------------------------------------------------


def local_date(value):
    return timezone.localdate(value) if value else None


class EnrolmentExportResource(resources.ModelResource):
    """The cohort's trainees, one row per enrolment, for a partner's own records."""

    first_name = fields.Field(
        attribute="trainee__first_name", column_name=gettext_lazy("First name")
    )
    last_name = fields.Field(attribute="trainee__last_name", column_name=gettext_lazy("Last name"))
    username = fields.Field(attribute="trainee__username", column_name=gettext_lazy("Username"))
    email = fields.Field(attribute="trainee__email", column_name=gettext_lazy("Email"))
    phone = fields.Field(
        attribute="trainee__trainee_profile__phone", column_name=gettext_lazy("Phone")
    )
    reference = fields.Field(
        attribute="trainee__trainee_profile__reference", column_name=gettext_lazy("Reference")
    )
    status = fields.Field(column_name=gettext_lazy("Status"))
    enrolled = fields.Field(column_name=gettext_lazy("Enrolled"))
    completed = fields.Field(column_name=gettext_lazy("Completed"))
    withdrawn = fields.Field(column_name=gettext_lazy("Withdrawn"))

    class Meta:
        model = Enrolment
        fields = export_order = (
            "first_name",
            "last_name",
            "username",
            "email",
            "phone",
            "reference",
            "status",
            "enrolled",
            "completed",
            "withdrawn",
        )

    def dehydrate_status(self, enrolment):
        return str(enrolment.get_status_display())

    def dehydrate_enrolled(self, enrolment):
        return local_date(enrolment.enrolled_at)

    def dehydrate_completed(self, enrolment):
        return local_date(enrolment.completed_at)

    def dehydrate_withdrawn(self, enrolment):
        return local_date(enrolment.withdrawn_at)


class CompletionExportResource(resources.ModelResource):
    """Each trainee's stored progress. A trainee whose progress has not been computed yet
    gets blank cells rather than zeros, which would read as 'attended nothing'."""

    first_name = fields.Field(
        attribute="trainee__first_name", column_name=gettext_lazy("First name")
    )
    last_name = fields.Field(attribute="trainee__last_name", column_name=gettext_lazy("Last name"))
    username = fields.Field(attribute="trainee__username", column_name=gettext_lazy("Username"))
    status = fields.Field(column_name=gettext_lazy("Status"))
    attendance = fields.Field(column_name=gettext_lazy("Attendance (% of planned sessions)"))
    attended = fields.Field(column_name=gettext_lazy("Sessions attended"))
    planned = fields.Field(column_name=gettext_lazy("Sessions planned"))
    worksheets_done = fields.Field(column_name=gettext_lazy("Worksheets done"))
    worksheets_required = fields.Field(column_name=gettext_lazy("Worksheets required"))
    complete = fields.Field(column_name=gettext_lazy("Complete"))

    class Meta:
        model = Enrolment
        fields = export_order = (
            "first_name",
            "last_name",
            "username",
            "status",
            "attendance",
            "attended",
            "planned",
            "worksheets_done",
            "worksheets_required",
            "complete",
        )

    @staticmethod
    def _progress(enrolment):
        try:
            return enrolment.progress
        except Enrolment.progress.RelatedObjectDoesNotExist:
            return None

    def _read(self, enrolment, name):
        progress = self._progress(enrolment)
        return None if progress is None else getattr(progress, name)

    def dehydrate_status(self, enrolment):
        return str(enrolment.get_status_display())

    def dehydrate_attendance(self, enrolment):
        return self._read(enrolment, "attendance_percent")

    def dehydrate_attended(self, enrolment):
        return self._read(enrolment, "sessions_attended")

    def dehydrate_planned(self, enrolment):
        return self._read(enrolment, "sessions_planned")

    def dehydrate_worksheets_done(self, enrolment):
        return self._read(enrolment, "worksheets_done")

    def dehydrate_worksheets_required(self, enrolment):
        return self._read(enrolment, "worksheets_required")

    def dehydrate_complete(self, enrolment):
        progress = self._progress(enrolment)
        if progress is None:
            return None
        return str(_("yes") if progress.is_complete else _("no"))
