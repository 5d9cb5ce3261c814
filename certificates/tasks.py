"""Issuing a cohort's certificates in the background.

The certifying officer reviews the cohort and ticks who gets a certificate; that list is
stored in an ``IssueRun`` and the worker (``manage.py db_worker --backend certificates``)
issues them one by one with the officer as the person who signed off. Each certificate is
its own transaction, so one problem (say, a trainee whose attendance was corrected a
minute ago) is reported for that person and the others are still issued. The run row is
updated after every certificate, which is what the progress bar reads.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from training.models import Enrolment

from . import issuing
from .models import IssueRun


def start_issue_run(cohort, officer, enrolment_ids):
    """Queue the issuing of these enrolments' certificates; returns the run to follow."""
    issuing._check_officer(officer, cohort)
    wanted = set(
        Enrolment.objects.filter(cohort=cohort, pk__in=enrolment_ids).values_list("pk", flat=True)
    )
    ids = [pk for pk in dict.fromkeys(int(pk) for pk in enrolment_ids) if pk in wanted]
    if not ids:
        raise ValidationError("Tick at least one trainee of this cohort.")
    run = IssueRun.objects.create(
        cohort=cohort, requested_by=officer, enrolment_ids=ids, total=len(ids)
    )
    # Enqueue once the run is committed, or the worker could look for it before it exists.
    transaction.on_commit(lambda: _enqueue(run))
    return run


def _enqueue(run):
    result = issue_cohort.enqueue(run.pk)
    IssueRun.objects.filter(pk=run.pk).update(task_id=str(result.id))


CHUNK = 100


def _problem(run, enrolment, message):
    name = issuing.person_name(enrolment.trainee) if enrolment else "?"
    run.problems.append(
        {"enrolment": enrolment.pk if enrolment else None, "name": name, "message": str(message)}
    )
    IssueRun.objects.filter(pk=run.pk).update(skipped=F("skipped") + 1, problems=run.problems)


def run_issue(run_id):
    """The worker's job: issue every ticked enrolment of the run, recording progress."""
    run = IssueRun.objects.select_related("cohort__organisation", "requested_by").get(pk=run_id)
    if run.is_finished:
        return {"issued": run.issued, "skipped": run.skipped}
    IssueRun.objects.filter(pk=run.pk).update(
        status=IssueRun.Status.RUNNING, started_at=timezone.now()
    )
    enrolments = Enrolment.objects.select_related(
        "trainee", "cohort__programme", "cohort__organisation"
    ).in_bulk(run.enrolment_ids)
    shared = issuing.IssueContext()
    try:
        for start in range(0, len(run.enrolment_ids), CHUNK):
            ids = run.enrolment_ids[start : start + CHUNK]
            # Eligibility for a whole chunk in one go: a handful of queries instead of a
            # dozen per certificate. A chunk's answer is at most minutes old when used.
            found = [enrolments[pk] for pk in ids if pk in enrolments]
            states = {state.enrolment.pk: state for state in issuing.eligibility(found)}
            for pk in ids:
                enrolment = enrolments.get(pk)
                if enrolment is None:
                    _problem(run, None, "This enrolment no longer exists.")
                    continue
                try:
                    issuing.issue(enrolment, run.requested_by, state=states[pk], shared=shared)
                except (ValidationError, PermissionDenied) as error:
                    message = (
                        error.messages[0] if isinstance(error, ValidationError) else str(error)
                    )
                    _problem(run, enrolment, message)
                    continue
                IssueRun.objects.filter(pk=run.pk).update(issued=F("issued") + 1)
    except Exception:
        IssueRun.objects.filter(pk=run.pk).update(
            status=IssueRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    IssueRun.objects.filter(pk=run.pk).update(
        status=IssueRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return {"issued": run.issued, "skipped": run.skipped}


@task(backend="certificates")
def issue_cohort(run_id):
    return run_issue(run_id)
