"""Reports for programme managers: the page, the spreadsheet, the steering-group PDF, and
the figures on the manager's home page.

The three report formats read the same ``training.reports.Report`` built from the same
validated filters, so a spreadsheet downloaded from the page holds exactly what the page
showed. Only programme managers (and superusers) may read them, and only about the
organisations they belong to.
"""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import reports
from ..access import managed_cohorts
from ..models import Cohort, Enrolment
from ..report_pdf import render_report_pdf

# The manager's home page lists this many recent cohorts; the report has them all.
HOME_COHORTS = 12
# The report's cohort table is cut into pages so a phone never loads a thousand rows; the
# totals and the downloads still cover every cohort.
COHORTS_PER_PAGE = 100


class ReportFilterForm(forms.Form):
    """What a manager can narrow the report to. Every choice is limited to what this person
    may see, so a hand-typed id of another organisation's cohort is refused, not shown."""

    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Organisation"),
        empty_label=gettext_lazy("All my organisations"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your organisations.")},
    )
    programme = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Programme"),
        empty_label=gettext_lazy("All programmes"),
        error_messages={"invalid_choice": gettext_lazy("Choose a programme from the list.")},
    )
    starts_from = forms.DateField(
        required=False,
        label=gettext_lazy("Cohorts starting on or after"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Write the date as year-month-day.")},
    )
    starts_to = forms.DateField(
        required=False,
        label=gettext_lazy("Cohorts starting on or before"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Write the date as year-month-day.")},
    )
    cohort = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Attendance at each session of"),
        empty_label=gettext_lazy("All cohorts, by session number"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your cohorts.")},
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.fields["organisation"].queryset = reports.report_organisations(user).order_by("name")
        programmes = self.fields["programme"]
        programmes.queryset = reports.report_programmes(user)
        programmes.label_from_instance = lambda programme: programme.title
        cohorts = self.fields["cohort"]
        cohorts.queryset = (
            managed_cohorts(user)
            .select_related("organisation")
            .order_by("organisation__name", "-starts_on", "name")
        )
        cohorts.label_from_instance = lambda c: f"{c.name} ({c.organisation.name})"

    def clean(self):
        data = super().clean()
        starts_from, starts_to = data.get("starts_from"), data.get("starts_to")
        if starts_from and starts_to and starts_from > starts_to:
            raise ValidationError(
                _("The first date is after the second one. Swap them, or clear one.")
            )
        cohort = data.get("cohort")
        if cohort is not None:
            other = (
                ("organisation", cohort.organisation_id),
                ("programme", cohort.programme_id),
            )
            if any(data.get(name) and data[name].pk != pk for name, pk in other) or (
                (starts_from or starts_to)
                and (
                    cohort.starts_on is None
                    or (starts_from and cohort.starts_on < starts_from)
                    or (starts_to and cohort.starts_on > starts_to)
                )
            ):
                self.add_error(
                    "cohort",
                    _(
                        "This cohort is not among the cohorts you chose above. "
                        "Choose another one, or change the other choices."
                    ),
                )
        return data

    def filters(self):
        data = self.cleaned_data
        return reports.ReportFilters(
            organisation=data.get("organisation"),
            programme=data.get("programme"),
            starts_from=data.get("starts_from"),
            starts_to=data.get("starts_to"),
            cohort=data.get("cohort"),
        )


def manager_only(view):
    """Login required, then programme managers and superusers only."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not reports.can_see_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Reports only read: anything but GET (or HEAD) is refused with 405.
get_only = require_http_methods(["GET", "HEAD"])


def _validated(request):
    form = ReportFilterForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    filters = form.filters() if request.GET else reports.ReportFilters()
    return form, filters


def _filter_summary(filters):
    """The filters in words, for the PDF and the spreadsheet's notes."""
    parts = []
    if filters.organisation:
        parts.append(_("Organisation: %(name)s") % {"name": filters.organisation.name})
    if filters.programme:
        parts.append(_("Programme: %(title)s") % {"title": filters.programme.title})
    if filters.starts_from:
        parts.append(_("Cohorts starting on or after %(date)s") % {"date": filters.starts_from})
    if filters.starts_to:
        parts.append(_("Cohorts starting on or before %(date)s") % {"date": filters.starts_to})
    if filters.cohort:
        parts.append(_("Sessions of: %(name)s") % {"name": filters.cohort.name})
    return parts or [_("All the cohorts of your organisations")]


@get_only
@manager_only
def report(request):
    """The report page: the filters, the chart and the three tables."""
    form, filters = _validated(request)
    query = request.GET.copy()
    query.pop("page", None)
    without_page = query.urlencode()
    query.pop("cohort", None)
    context = {
        "form": form,
        "query_string": without_page,
        "query_without_cohort": query.urlencode(),
        "organisations": list(reports.report_organisations(request.user).order_by("name")),
    }
    if filters is not None:
        figures = reports.build_report(request.user, filters)
        bars = reports.chart_bars(figures.targets)
        context.update(
            report=figures,
            cohort_page=Paginator(figures.cohorts, COHORTS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            bars=bars,
            chart_height=reports.chart_height(bars),
            bar_height=reports.CHART_BAR_HEIGHT,
            filter_summary=_filter_summary(filters),
        )
    return render(request, "training/reports/report.html", context)


def _bad_filters(form):
    messages = [str(error) for errors in form.errors.values() for error in errors]
    return HttpResponseBadRequest(
        _("The report could not be made: %(errors)s") % {"errors": " ".join(messages)},
        content_type="text/plain; charset=utf-8",
    )


def _filename(extension):
    return f"peer-support-report-{timezone.localdate():%Y-%m-%d}.{extension}"


@get_only
@manager_only
def report_export(request):
    """The report as an XLSX workbook: Targets, Cohorts, Sessions, and notes on the
    figures, with the same filters as the page it was downloaded from."""
    form, filters = _validated(request)
    if filters is None:
        return _bad_filters(form)
    figures = reports.build_report(request.user, filters)
    response = HttpResponse(
        workbook_bytes(figures, _filter_summary(filters)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@get_only
@manager_only
def report_pdf(request):
    """A one- or two-page summary for a steering-group meeting."""
    form, filters = _validated(request)
    if filters is None:
        return _bad_filters(form)
    figures = reports.build_report(request.user, filters)
    data = render_report_pdf(figures, _filter_summary(filters))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    return response


urlpatterns = [
    path("reports/", report, name="report"),
    path("reports/export.xlsx", report_export, name="report_export"),
    path("reports/report.pdf", report_pdf, name="report_pdf"),
]


# --- the spreadsheet ---------------------------------------------------------------------

PERCENT = "0%"


def _fraction(value):
    """Percentages go into the workbook as fractions formatted as %, so a manager can
    add them up or chart them again in their spreadsheet."""
    return None if value is None else value / 100


def workbook_bytes(report, filter_summary):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()

    def sheet(title, headings, rows, percent_columns=(), date_columns=()):
        ws = workbook.create_sheet(title)
        ws.append(headings)
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for row in rows:
            ws.append(row)
        for column in percent_columns:
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = PERCENT
        for column in date_columns:
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = "yyyy-mm-dd"
        for index, heading in enumerate(headings, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(str(heading)) + 2))
        return ws

    workbook.remove(workbook.active)
    sheet(
        _("Targets"),
        [
            _("Organisation"),
            _("Programme"),
            _("Target"),
            _("Due by"),
            _("Completed"),
            _("In training"),
            _("Withdrawn"),
            _("% of target"),
            _("Ready to sign off"),
        ],
        [
            [
                row.organisation,
                row.programme,
                row.target,
                row.due_by,
                row.completed,
                row.in_training,
                row.withdrawn,
                _fraction(row.percent_of_target),
                row.ready,
            ]
            for row in report.targets
        ],
        percent_columns=[8],
        date_columns=[4],
    )
    sheet(
        _("Cohorts"),
        [
            _("Organisation"),
            _("Cohort"),
            _("Programme"),
            _("First session"),
            _("Last session"),
            _("Enrolled"),
            _("Completed"),
            _("Withdrawn"),
            _("Sessions held"),
            _("Sessions planned"),
            _("Attendances"),
            _("Attendances expected"),
            _("Attendance rate"),
            _("Drop-out rate"),
        ],
        [
            [
                row.organisation,
                row.name,
                row.programme,
                row.starts_on,
                row.ends_on,
                row.enrolled,
                row.completed,
                row.withdrawn,
                row.sessions_held,
                row.sessions_planned,
                row.in_the_room,
                row.expected,
                _fraction(row.attendance_percent),
                _fraction(row.dropout_percent),
            ]
            for row in report.cohorts
        ],
        percent_columns=[13, 14],
        date_columns=[4, 5],
    )
    single = report.filters.cohort is not None
    session_headings = [
        _("Session"),
        _("Title") if single else _("Sessions held"),
        _("Date") if single else _("Cohorts"),
        _("Attendances"),
        _("Attendances expected"),
        _("Attendance rate"),
        _("Late"),
        _("Left early"),
        _("Absent"),
        _("Excused"),
    ]
    session_rows = []
    for row in report.sessions:
        if single:
            second = row.title
            third = timezone.localtime(row.starts_at).replace(tzinfo=None)
        else:
            second = row.held
            third = _("all chosen cohorts")
        session_rows.append(
            [
                row.number,
                second,
                third,
                row.in_the_room,
                row.expected,
                _fraction(row.attendance_percent),
                row.late,
                row.left_early,
                row.absent,
                row.excused,
            ]
        )
    ws = sheet(_("Sessions"), session_headings, session_rows, percent_columns=[6])
    if single:
        for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            cell.number_format = "yyyy-mm-dd hh:mm"
    notes = workbook.create_sheet(_("About"))
    notes.append([_("Peer supporters trained: report")])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([_("Made on"), timezone.localtime(report.generated_at).replace(tzinfo=None)])
    notes["B2"].number_format = "yyyy-mm-dd hh:mm"
    for line in filter_summary:
        notes.append([_("Filter"), line])
    notes.append([])
    for term, meaning in reports.definitions():
        notes.append([term, meaning])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the manager's home page -------------------------------------------------------------


def manager_home_context(user):
    """Headline figures for the home page: trained against target per programme over the
    manager's organisations, and their most recent cohorts. Three queries at any size."""
    if not reports.can_see_reports(user):
        return {}
    rows = reports.target_rows(user)
    cohorts = managed_cohorts(user)
    # One row more than shown tells whether to point to the report for the rest.
    recent = list(
        Cohort.objects.filter(pk__in=cohorts.values("pk"))
        .select_related("organisation", "programme")
        .annotate(
            still_enrolled=Count(
                "enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN)
            )
        )
        .order_by("-starts_on", "name")[: HOME_COHORTS + 1]
    )
    return {
        "headlines": reports.programme_headlines(rows),
        "manager_cohorts": recent[:HOME_COHORTS],
        "more_cohorts": len(recent) > HOME_COHORTS,
    }
