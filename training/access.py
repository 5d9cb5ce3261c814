"""Who may see and run which cohorts.

Organisation staff see only their own organisation: a programme manager sees the cohorts of
the organisations they belong to, a trainer the cohorts they train. Superusers see all.
Every delivery view fetches its cohort through ``cohort_for_staff`` so the check cannot be
forgotten; the queryset helpers are what lists and reports start from.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from lms.roles import Role, has_role

from .models import Cohort, CohortTrainer, Organisation


def organisations_for(user):
    """Organisations whose delivery data this person may see."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(members=user)


def managed_cohorts(user):
    """Cohorts a programme manager (or superuser) oversees."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Cohort.objects.filter(organisation__members=user)
    return Cohort.objects.none()


def staff_cohorts(user):
    """Cohorts a person may run or oversee: those they train plus those they manage."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    trained = Cohort.objects.filter(trainers__user=user)
    if has_role(user, Role.PROGRAMME_MANAGER):
        trained = trained | Cohort.objects.filter(organisation__members=user)
    return trained.distinct()


def can_run_cohort(user, cohort):
    """Trainers of the cohort, managers of its organisation and superusers may take its
    register, schedule its sessions and manage its trainees."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if trains(user, cohort):
        return True
    return (
        has_role(user, Role.PROGRAMME_MANAGER)
        and cohort.organisation.members.filter(pk=user.pk).exists()
    )


def cohort_for_staff(request, cohort_id, *related):
    """The cohort of a staff URL, or 404 if it does not exist and 403 if this person may
    not run it."""
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme", "organisation", *related), pk=cohort_id
    )
    if not can_run_cohort(request.user, cohort):
        raise PermissionDenied
    return cohort


def trains(user, cohort):
    """Whether ``user`` is one of the trainers of ``cohort`` (a cohort or its id): the people
    who read a trainee's own words (see ``cohort_for_its_trainers``)."""
    return bool(user and user.is_authenticated) and (
        CohortTrainer.objects.filter(cohort=cohort, user=user).exists()
    )


def cohort_for_its_trainers(request, cohort_id, *related):
    """The cohort of a URL that shows one trainee's own words (a written quiz answer, H5P
    open text): 404 if it does not exist, 403 for anyone who does not train it.

    Narrower than ``cohort_for_staff`` on purpose: programme managers of the organisation
    and superusers run the cohort but are not in the room, and read aggregates only. What a
    trainee wrote for their trainer is read by the people they wrote it for.
    """
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme", "organisation", *related), pk=cohort_id
    )
    if not trains(request.user, cohort):
        raise PermissionDenied
    return cohort
