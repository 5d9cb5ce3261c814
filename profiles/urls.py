"""Adapted cohorts: visual schedules, story choices, adapted plans and display preferences."""

from .views import urlpatterns

app_name = "profiles"

__all__ = ["app_name", "urlpatterns"]
