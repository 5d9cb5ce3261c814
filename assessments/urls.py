"""Assessment URLs. Each view module lists its own ``urlpatterns``; they are joined here."""

from .views import evaluation, h5p, quizzes, self_assessment

app_name = "assessments"

urlpatterns = (
    self_assessment.urlpatterns + quizzes.urlpatterns + h5p.urlpatterns + evaluation.urlpatterns
)
