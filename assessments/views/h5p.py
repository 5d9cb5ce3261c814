"""Placeholder: replaced by the h5p pages."""

urlpatterns = []


def trainee_home_context(user):
    return {}
