"""Reads about worksheets that several views share, each in a fixed number of queries."""

from curriculum.models import SessionPlanPage
from training.models import CohortTrainer, Enrolment

from .models import Worksheet, WorksheetResponse


def programme_worksheets(programme):
    """The worksheets a programme's published sessions use, as ``(session, worksheet)`` in
    teaching order, each worksheet once. Two queries however long the programme is."""
    sessions = list(SessionPlanPage.objects.child_of(programme).live().order_by("number", "path"))
    wanted = []
    for session in sessions:
        for item in session.activities.raw_data:
            worksheet_id = (item.get("value") or {}).get("worksheet")
            if item.get("type") == "activity" and worksheet_id:
                wanted.append((session, int(worksheet_id)))
    found = Worksheet.objects.in_bulk({pk for _session, pk in wanted})
    seen, result = set(), []
    for session, pk in wanted:
        if pk in found and pk not in seen:
            seen.add(pk)
            result.append((session, found[pk]))
    return result


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
    return CohortTrainer.objects.filter(cohort=cohort, user=user).exists()


def responses_by_worksheet(enrolment):
    """A trainee's responses in one cohort, keyed by worksheet id."""
    return {r.worksheet_id: r for r in WorksheetResponse.objects.filter(enrolment=enrolment)}
