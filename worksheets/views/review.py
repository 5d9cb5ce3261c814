"""Trainer review views: being written (helper B)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


grid = review = scan = summary = paper = _todo
