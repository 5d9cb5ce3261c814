"""Placeholder: filled in by the completion work."""

urlpatterns = []


def trainee_home_context(user):
    return {}
