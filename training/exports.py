"""A cohort's enrolments, register and completion as spreadsheets (CSV or XLSX).

Each export is first a ``tablib.Dataset`` (the enrolment and completion ones come from
django-import-export resources in ``training.resources``), then ``render`` writes it:

- CSV in UTF-8 with a byte order mark, so Excel shows 'Zoë' and 'Łukasz' rather than
  mojibake when a partner double-clicks the file;
- XLSX through openpyxl, with real date cells.

Cells that a spreadsheet would run as a formula (=, +, -, @ at the start) are made harmless
when ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is on: CSV cells get a leading apostrophe,
XLSX cells are stored as plain text so the value reads exactly as typed.
"""

from __future__ import annotations

import csv
import datetime
import io

import tablib
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AttendanceMark, Enrolment
from .resources import CompletionExportResource, EnrolmentExportResource

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _enrolments(cohort):
    return Enrolment.objects.filter(cohort=cohort).select_related("trainee")


def enrolments_dataset(cohort) -> tablib.Dataset:
    queryset = _enrolments(cohort).select_related("trainee__trainee_profile")
    return EnrolmentExportResource().export(queryset)


def completion_dataset(cohort) -> tablib.Dataset:
    return CompletionExportResource().export(_enrolments(cohort).select_related("progress"))


def register_dataset(cohort) -> tablib.Dataset:
    """One row per trainee, one column per session (not cancelled ones), in date order; each
    cell the mark's label and the minutes if recorded; then how many sessions they attended.
    Three queries whatever the size of the group."""
    sessions = list(
        cohort.scheduled_sessions.filter(cancelled=False).select_related("session_plan")
    )
    enrolments = list(
        _enrolments(cohort).prefetch_related(
            Prefetch(
                "marks",
                queryset=AttendanceMark.objects.filter(scheduled_session__cohort=cohort),
                to_attr="register_marks",
            )
        )
    )
    headers = [_("First name"), _("Last name"), _("Status")]
    for session in sessions:
        day = timezone.localtime(session.starts_at).date().isoformat()
        headers.append(f"{day} {session.display_title}")
    headers.append(_("Sessions attended"))
    dataset = tablib.Dataset(headers=[str(h) for h in headers])
    for enrolment in enrolments:
        marks = {mark.scheduled_session_id: mark for mark in enrolment.register_marks}
        cells, attended = [], 0
        for session in sessions:
            mark = marks.get(session.pk)
            if mark is None:
                cells.append("")
                continue
            label = str(mark.get_status_display())
            if mark.minutes_attended is not None:
                label = _("%(status)s (%(minutes)s min)") % {
                    "status": label,
                    "minutes": mark.minutes_attended,
                }
            cells.append(label)
            if mark.status in AttendanceMark.IN_THE_ROOM:
                attended += 1
        dataset.append(
            [
                enrolment.trainee.first_name,
                enrolment.trainee.last_name,
                str(enrolment.get_status_display()),
                *cells,
                attended,
            ]
        )
    return dataset


EXPORTS = {
    "enrolments": enrolments_dataset,
    "register": register_dataset,
    "completion": completion_dataset,
}


def _escaping():
    return getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is True


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str) and _escaping() and value.startswith(FORMULA_STARTS):
        # OWASP's advice for CSV injection: a leading apostrophe makes it text.
        return "'" + value
    return value


def render_csv(dataset: tablib.Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_value(str(h)) for h in dataset.headers])
    for row in dataset:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(dataset: tablib.Dataset, title="") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = (title or "Sheet")[:31]
    widths = []

    def put(row_number, column_number, value, bold=False):
        cell = sheet.cell(row=row_number, column=column_number, value=value)
        if isinstance(value, str) and value.startswith("=") and _escaping():
            # openpyxl treats a string starting with '=' as a formula; keep it text.
            cell.data_type = "s"
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)
        length = len(value.isoformat() if isinstance(value, datetime.date) else str(value or ""))
        while len(widths) < column_number:
            widths.append(8)
        widths[column_number - 1] = max(widths[column_number - 1], min(length + 2, 40))

    for column, header in enumerate(dataset.headers, start=1):
        put(1, column, str(header), bold=True)
    for row_number, row in enumerate(dataset, start=2):
        for column, value in enumerate(row, start=1):
            put(row_number, column, value)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(dataset: tablib.Dataset, fmt: str, title="") -> bytes:
    if fmt == "csv":
        return render_csv(dataset)
    if fmt == "xlsx":
        return render_xlsx(dataset, title=title)
    raise ValueError(fmt)


def template_dataset() -> tablib.Dataset:
    """The import template: the columns the import reads and one example trainee."""
    from .imports import COLUMN_LABELS
    from .resources import TraineeImportResource

    dataset = tablib.Dataset(headers=[str(COLUMN_LABELS[c]) for c in TraineeImportResource.COLUMNS])
    dataset.append(
        ["Zoë", "Añez", "zoe.anez@example.org", "07700 900123", "KENT-001", "active", "14/03/2027"]
    )
    return dataset
