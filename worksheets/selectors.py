"""Reads about worksheets that several views share, each in a fixed number of queries."""

from curriculum.selectors import programme_uses
from training.access import trains
from training.models import Enrolment

from .models import Worksheet, WorksheetResponse


def programme_worksheets(programme):
    """The worksheets a programme's published sessions use, as ``(session, worksheet)`` in
    teaching order, each worksheet once. Two queries however long the programme is."""
    return programme_uses(programme, "worksheet", Worksheet)


def worksheet_in_programme(programme, worksheet):
    return any(w.pk == worksheet.pk for _session, w in programme_worksheets(programme))


def trainee_enrolments(user):
    return list(
        Enrolment.objects.filter(trainee=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__programme", "cohort__organisation")
        .order_by("-cohort__starts_on", "cohort__name")
    )


def trainer_cohorts(user):
    """Cohorts this person trains."""
    from training.models import Cohort

    return list(
        Cohort.objects.filter(trainers__user=user)
        .select_related("programme", "organisation")
        .distinct()
        .order_by("-starts_on", "name")
    )


def is_cohort_trainer(user, cohort):
    """One of the cohort's trainers: ``training.access.trains`` decides."""
    return trains(user, cohort)


def responses_by_worksheet(enrolment):
    """A trainee's responses in one cohort, keyed by worksheet id."""
    return {r.worksheet_id: r for r in WorksheetResponse.objects.filter(enrolment=enrolment)}


def prefers_easy_read(cohort):
    """Whether the cohort's trainees see the easy-read wording of worksheets first, as their
    adaptation profile (``profiles.AdaptationProfile.prefer_easy_read``) asks. Read
    defensively: a cohort without a profile gets the usual words."""
    profile = getattr(cohort, "profile", None)
    return bool(getattr(profile, "prefer_easy_read", False))


def cohort_related():
    """What to load with a cohort for the worksheet pages: its programme and organisation,
    and its adaptation profile where cohorts have one, so reading it costs no query."""
    from training.models import Cohort

    names = ["programme", "organisation"]
    if any(field.name == "profile" for field in Cohort._meta.get_fields()):
        names.append("profile")
    return names
