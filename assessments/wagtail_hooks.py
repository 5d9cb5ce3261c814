from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin import evaluation, h5p, quizzes

# Snippets, so that session plan activities can choose quizzes and H5P activities.
for viewset in (*quizzes.snippet_viewsets, *h5p.snippet_viewsets, *evaluation.snippet_viewsets):
    register_snippet(viewset)


@hooks.register("register_admin_viewset")
def register_assessment_viewsets():
    return [*quizzes.viewsets, *h5p.viewsets, *evaluation.viewsets]
