"""Placeholder: replaced by the h5p pages. The URL name is fixed so
other modules can link to it before the page exists."""

from django.http import Http404
from django.urls import path


def _not_built_yet(request, **kwargs):
    raise Http404


urlpatterns = [
    path("h5p/<int:enrolment_id>/<int:activity_id>/", _not_built_yet, name="h5p_play"),
]


def trainee_home_context(user):
    return {}
