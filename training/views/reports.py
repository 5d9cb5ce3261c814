"""Placeholder: filled in by the reports work."""

urlpatterns = []


def manager_home_context(user):
    return {}
