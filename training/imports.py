"""Importing a cohort's trainees from a partner's spreadsheet.

``import_trainees`` is the one entry point: it reads the uploaded bytes (CSV in UTF-8 with
or without a BOM, or Windows-1252; comma, semicolon or tab; or the first sheet of an XLSX
workbook), finds the columns whatever language or spelling the partner used, and runs
``training.resources.TraineeImportResource`` through django-import-export, as a dry run for
the preview or for real on confirm. Either every row is saved or none is.

What goes wrong with the file as a whole (too big, not a spreadsheet, a required column
missing) is a *file error*; what goes wrong on one line is a *row error* naming the line as
the spreadsheet numbers it, so a trainer can find it.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Cohort
from .resources import TraineeImportResource, fold

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
EXTENSIONS = (".csv", ".txt", ".xlsx")
# An XLSX is a zip; refuse one that would unpack to far more than any list of trainees.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024

# What people write at the top of each column, folded (no case, accents or punctuation),
# in English, French, Dutch and Spanish.
COLUMN_NAMES = {
    "first_name": {
        "first name",
        "firstname",
        "first",
        "given name",
        "given names",
        "forename",
        "prenom",
        "prenoms",
        "voornaam",
        "voornamen",
        "roepnaam",
        "nombre",
        "nombres",
    },
    "last_name": {
        "last name",
        "lastname",
        "surname",
        "family name",
        "nom",
        "nom de famille",
        "achternaam",
        "familienaam",
        "apellido",
        "apellidos",
    },
    "email": {
        "email",
        "e mail",
        "email address",
        "e mail address",
        "mail",
        "courriel",
        "adresse email",
        "adresse e mail",
        "adresse mail",
        "emailadres",
        "e mailadres",
        "mailadres",
        "correo",
        "correo electronico",
        "email adres",
    },
    "phone": {
        "phone",
        "phone number",
        "telephone",
        "telephone number",
        "tel",
        "mobile",
        "mobile phone",
        "mobile number",
        "portable",
        "numero de telephone",
        "telefoon",
        "telefoonnummer",
        "gsm",
        "mobiel",
        "telefono",
        "movil",
        "celular",
        "numero de telefono",
    },
    "reference": {
        "reference",
        "ref",
        "id",
        "identifier",
        "identifiant",
        "referentie",
        "kenmerk",
        "referencia",
        "identificador",
        "participant id",
        "trainee id",
    },
    "status": {"status", "statut", "etat", "state", "estado"},
    "enrolled_on": {
        "enrolled on",
        "enrolled",
        "enrolment date",
        "enrollment date",
        "date enrolled",
        "enrolled at",
        "date d inscription",
        "date inscription",
        "inscrit le",
        "inscription",
        "inschrijfdatum",
        "ingeschreven op",
        "datum inschrijving",
        "inschrijving",
        "fecha de inscripcion",
        "fecha inscripcion",
        "inscripcion",
        "inscrito el",
    },
}
COLUMN_BY_NAME = {name: column for column, names in COLUMN_NAMES.items() for name in names}
COLUMN_LABELS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "reference": gettext_lazy("Reference"),
    "status": gettext_lazy("Status"),
    "enrolled_on": gettext_lazy("Enrolled on"),
}


class FileProblem(Exception):
    """The file cannot be imported at all; the message says why in plain words."""


@dataclass
class Sheet:
    headers: list
    rows: list  # (line number in the spreadsheet, [cells])


@dataclass
class RowReport:
    line: int
    name: str
    action: str  # "new", "update", "unchanged" or "error"
    errors: list = field(default_factory=list)

    ACTION_LABELS = {
        "new": gettext_lazy("New trainee"),
        "update": gettext_lazy("Update"),
        "unchanged": gettext_lazy("Already up to date"),
        "error": gettext_lazy("Error"),
    }

    @property
    def action_label(self):
        return self.ACTION_LABELS[self.action]


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    columns_found: list = field(default_factory=list)
    columns_ignored: list = field(default_factory=list)
    imported: bool = False
    # The people written by a real import, for the confirmation page.
    written: list = field(default_factory=list)

    @property
    def counts(self):
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def error_rows(self):
        return [row for row in self.rows if row.action == "error"]

    @property
    def ok(self):
        return not self.file_errors and not self.error_rows


# --- reading the file -----------------------------------------------------------------------


def read_sheet(data: bytes, filename: str) -> Sheet:
    name = (filename or "").lower()
    if not name.endswith(EXTENSIONS):
        raise FileProblem(
            _("Please upload a CSV file (.csv or .txt) or an Excel workbook (.xlsx).")
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem(
            _("This file is larger than 2 MB. Split it into smaller files and import each one.")
        )
    if not data.strip():
        raise FileProblem(_("This file is empty."))
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_text(data)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows-1252 code page.
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_text(data: bytes) -> Sheet:
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem(
            _(
                "This file looks like an Excel workbook. Save it with the .xlsx ending, or "
                "save it from Excel as CSV."
            )
        )
    text = _decode(data)
    if "\x00" in text:
        raise FileProblem(_("This file is not a text (CSV) file. Save it from Excel as CSV."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1000:
                break
    except csv.Error:
        raise FileProblem(
            _("This file could not be read as CSV. Save it again from your spreadsheet as CSV.")
        ) from None
    return _sheet(enumerate(records, start=1))


def _read_xlsx(data: bytes) -> Sheet:
    not_xlsx = FileProblem(
        _(
            "This file is not a readable Excel workbook (.xlsx). Open it in your spreadsheet "
            "and save it again as .xlsx or CSV."
        )
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {member.filename for member in members}:
                raise not_xlsx
            if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
                raise FileProblem(
                    _("This workbook is too large to import. Keep only the list of trainees in it.")
                )
    except zipfile.BadZipFile:
        raise not_xlsx from None

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        logger.info("Unreadable XLSX upload", exc_info=True)
        raise not_xlsx from None
    try:
        if not book.worksheets:
            raise not_xlsx
        # The first sheet, whichever one was open when the file was saved.
        sheet = book.worksheets[0]
        records = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            records.append((line, list(values)))
            if len(records) > MAX_ROWS + 1000:
                break
    except FileProblem:
        raise
    except Exception:
        logger.info("Unreadable XLSX sheet", exc_info=True)
        raise not_xlsx from None
    finally:
        book.close()
    return _sheet(records)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet(numbered_records) -> Sheet:
    headers, header_seen, rows = None, False, []
    for line, record in numbered_records:
        cells = [_cell(value) for value in record]
        if not any(cell != "" for cell in cells):
            continue  # blank lines are ignored, wherever they are
        if not header_seen:
            headers, header_seen = [str(cell) for cell in cells], True
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise FileProblem(
                _("This file has more than %(max)s rows. Split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
    if headers is None:
        raise FileProblem(_("This file is empty."))
    return Sheet(headers=headers, rows=rows)


def map_columns(headers):
    """Which field each column holds: ({field: column index}, found, ignored, file errors)."""
    mapping, found, ignored, errors = {}, [], [], []
    for index, header in enumerate(headers):
        label = str(header).replace("\ufeff", "").strip()
        if not label:
            continue
        found.append(label)
        column = COLUMN_BY_NAME.get(fold(_punctuation_to_spaces(label)))
        if column is None:
            ignored.append(label)
        elif column in mapping:
            errors.append(
                _(
                    "Two columns hold the same thing: '%(first)s' and '%(second)s'. Keep only "
                    "one of them."
                )
                % {"first": found_label(headers, mapping[column]), "second": label}
            )
        else:
            mapping[column] = index
    missing = [c for c in TraineeImportResource.REQUIRED if c not in mapping]
    if missing:
        errors.insert(
            0,
            _(
                "The file has no column for: %(missing)s. Columns found: %(found)s. Add the "
                "missing column to the first row (a header such as 'First name' or 'Prénom')."
            )
            % {
                "missing": ", ".join(str(COLUMN_LABELS[c]).lower() for c in missing),
                "found": ", ".join(f"'{label}'" for label in found) or _("none"),
            },
        )
    return mapping, found, ignored, errors


def found_label(headers, index):
    return str(headers[index]).replace("\ufeff", "").strip()


def _punctuation_to_spaces(text):
    return "".join(ch if ch.isalnum() else " " for ch in text)


def to_dataset(sheet: Sheet, mapping) -> tablib.Dataset:
    columns = [c for c in TraineeImportResource.COLUMNS if c in mapping]
    dataset = tablib.Dataset(headers=["line", *columns])
    for line, cells in sheet.rows:
        values = [cells[mapping[c]] if mapping[c] < len(cells) else "" for c in columns]
        dataset.append([line, *values])
    return dataset


# --- importing ------------------------------------------------------------------------------


def import_trainees(cohort, data: bytes, filename: str, user, dry_run: bool) -> ImportReport:
    """Check (``dry_run=True``) or import the trainees of an uploaded file into ``cohort``.

    Returns an ``ImportReport``: one ``RowReport`` per row with its spreadsheet line, the
    action (new, update, unchanged, error) and the reasons for each error, plus file errors.
    A real import writes everything or, if any row has an error, nothing."""
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        sheet = read_sheet(data, filename)
    except FileProblem as problem:
        report.file_errors.append(str(problem))
        return report
    mapping, report.columns_found, report.columns_ignored, errors = map_columns(sheet.headers)
    if errors:
        report.file_errors.extend(errors)
        return report
    if not sheet.rows:
        report.file_errors.append(_("The file has a header row but no trainees under it."))
        return report

    dataset = to_dataset(sheet, mapping)
    resource = TraineeImportResource(cohort=cohort, user=user)
    options = {
        "dry_run": dry_run,
        "use_transactions": True,
        "collect_failed_rows": True,
        "raise_errors": False,
        "rollback_on_validation_errors": True,
    }
    if dry_run:
        result = resource.import_data(dataset, **options)
    else:
        with transaction.atomic():
            # Two trainers importing into the same group queue here, so the places counted
            # by the second one include what the first one added.
            Cohort.objects.select_for_update().only("pk").get(pk=cohort.pk)
            result = resource.import_data(dataset, **options)

    report.rows = _row_reports(result, resource)
    if result.base_errors:
        for error in result.base_errors:
            logger.error("Trainee import failed", exc_info=error.error)
        report.file_errors.append(
            _(
                "Something went wrong on our side while importing. Nothing was saved. Please "
                "try again in a moment."
            )
        )
    report.imported = not dry_run and report.ok and resource.written is not None
    if report.imported:
        report.written = resource.written
    return report


def _row_reports(result, resource):
    order = ["line", *TraineeImportResource.COLUMNS, NON_FIELD_ERRORS]
    reports = []
    for row_result in result.rows:
        values = row_result.row_values or {}
        line = values.get("line")
        name = " ".join(
            str(values.get(c) or "").strip() for c in ("first_name", "last_name")
        ).strip()
        if row_result.validation_error is not None:
            messages = row_result.validation_error.message_dict
            errors = [
                _("Row %(line)s: %(reason)s") % {"line": line, "reason": message}
                for key in sorted(messages, key=lambda k: order.index(k) if k in order else 99)
                for message in messages[key]
            ]
            reports.append(RowReport(line, name, "error", errors))
        elif row_result.errors:
            for error in row_result.errors:
                logger.error("Trainee import row %s failed", line, exc_info=error.error)
            reports.append(
                RowReport(
                    line,
                    name,
                    "error",
                    [
                        _(
                            "Row %(line)s: this row could not be read. Check it for unusual "
                            "characters."
                        )
                        % {"line": line}
                    ],
                )
            )
        elif row_result.import_type == row_result.IMPORT_TYPE_NEW:
            reports.append(RowReport(line, name, "new"))
        elif row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
            reports.append(RowReport(line, name, "update"))
        else:
            reports.append(RowReport(line, name, "unchanged"))
    reports.sort(key=lambda report: report.line or 0)
    return reports
