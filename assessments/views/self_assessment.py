"""Placeholder: replaced by the self_assessment pages."""

urlpatterns = []


def trainee_home_context(user):
    return {}
