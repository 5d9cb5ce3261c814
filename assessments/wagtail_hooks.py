from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import evaluation, h5p, quizzes, self_assessment

# Snippets, so that session plan activities can choose quizzes and H5P activities.
SNIPPETS = (
    *quizzes.snippet_viewsets,
    *h5p.snippet_viewsets,
    *self_assessment.snippet_viewsets,
    *evaluation.snippet_viewsets,
)
for viewset in SNIPPETS:
    register_snippet(viewset)


@hooks.register("register_admin_viewset")
def register_assessment_viewsets():
    return [*quizzes.viewsets, *h5p.viewsets, *self_assessment.viewsets, *evaluation.viewsets]
