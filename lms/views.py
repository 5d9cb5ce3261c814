"""The home page each person lands on after logging in, made for their role."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from wagtail.documents.views import serve as wagtail_documents

from curriculum.selectors import programmes_with_sessions

from .page_translations import show_in_language
from .roles import Role, has_any_role, home_role

HOME_TEMPLATES = {
    Role.TRAINEE: "lms/home/trainee.html",
    Role.TRAINER: "lms/home/trainer.html",
    Role.CURRICULUM_EDITOR: "lms/home/editor.html",
    Role.PROGRAMME_MANAGER: "lms/home/manager.html",
    Role.EVALUATION_LEAD: "lms/home/evaluation_lead.html",
    Role.CERTIFYING_OFFICER: "lms/home/certifying_officer.html",
}


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also empties what this browser kept for the site.

    On a shared computer the next person must not find the last one's unsent answers in the
    browser's storage. The page warns before logging out while anything is still unsent
    (``lms/static/lms/personal_storage.js``), then this header clears the rest."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


logout = LogoutView.as_view()


@login_required
def home(request):
    role = home_role(request.user)
    if role is None:
        return render(request, "lms/home/no_role.html", status=200)
    programmes = programmes_with_sessions()
    # Titles in the reader's language where a translation exists (two queries at most).
    show_in_language([*programmes, *(s for p in programmes for s in p.session_list)])
    context = {"role": role, "programmes": programmes}
    if role == Role.CURRICULUM_EDITOR:
        context["overruns"] = [
            session
            for programme in programmes
            for session in programme.session_list
            if session.planned_minutes().high > session.planned_duration
        ]
    # Each delivery area adds what its people need to their home page.
    if role == Role.TRAINEE:
        from training.views.completion import trainee_home_context
        from worksheets.views.trainee import trainee_home_context as worksheet_context

        context.update(worksheet_context(request.user))
        context.update(trainee_home_context(request.user))
        from certificates.views.holder import trainee_home_context as certificate_context

        context.update(certificate_context(request.user))
        # Each kind of assessment adds what the trainee has to do next.
        from assessments.views import evaluation, h5p, quizzes, self_assessment

        for module in (self_assessment, quizzes, h5p, evaluation):
            context.update(module.trainee_home_context(request.user))
    if role == Role.TRAINER:
        from training.views.cohorts import trainer_home_context

        context.update(trainer_home_context(request.user))
    if role == Role.PROGRAMME_MANAGER:
        from training.views.reports import manager_home_context

        context.update(manager_home_context(request.user))
    if role == Role.CERTIFYING_OFFICER:
        from certificates.views.officer import officer_home_context

        context.update(officer_home_context(request.user))
    return render(request, HOME_TEMPLATES[role], context)


@login_required
def serve_document(request, document_id, document_filename):
    """Documents (handouts, facilitator notes) are for people with a role, never public."""
    if not has_any_role(request.user):
        raise PermissionDenied
    return wagtail_documents.serve(request, document_id, document_filename)
