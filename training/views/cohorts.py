"""Placeholder: filled in by the cohorts work."""

from worksheets.selectors import trainer_cohorts

urlpatterns = []


def trainer_home_context(user):
    return {"trainer_cohorts": trainer_cohorts(user)}
