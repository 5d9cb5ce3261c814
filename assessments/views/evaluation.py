"""Placeholder: replaced by the evaluation pages."""

urlpatterns = []


def trainee_home_context(user):
    return {}
