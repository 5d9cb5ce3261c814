"""Trainee views: being written (helper A)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


my_worksheets = portfolio_pdf = fill = save = submit = response_pdf = _todo
