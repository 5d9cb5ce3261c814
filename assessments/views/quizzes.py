"""Placeholder: replaced by the quizzes pages."""

urlpatterns = []


def trainee_home_context(user):
    return {}
