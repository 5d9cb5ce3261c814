"""Printable worksheets: being written (helper C)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


blank_pdf = _todo
