"""Who may adapt programmes and which adaptations they see.

Curriculum editors (and superusers) adapt programmes. Editors are not tied to organisations
elsewhere in the curriculum (the page tree is shared), so here an editor who belongs to one
or more organisations sees and works on those organisations' adaptations only, and one who
belongs to none (a central editing team) sees them all. Every view fetches its adaptation
through ``adaptation_for_editor``, so another organisation's adaptation is a 404 whatever
its id.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from lms.roles import Role, has_role
from training.models import Organisation

from .models import Adaptation


def can_adapt(user):
    return user.is_authenticated and has_role(user, Role.CURRICULUM_EDITOR)


def organisations_for_adapting(user):
    """The organisations an editor may make adaptations for."""
    if not can_adapt(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    own = Organisation.objects.filter(members=user)
    return own if own.exists() else Organisation.objects.all()


def adaptations_for(user):
    if not can_adapt(user):
        return Adaptation.objects.none()
    adaptations = Adaptation.objects.all()
    if user.is_superuser:
        return adaptations
    own = list(Organisation.objects.filter(members=user).values_list("pk", flat=True))
    return adaptations.filter(organisation__in=own) if own else adaptations


def adaptation_for_editor(user, pk):
    if not can_adapt(user):
        raise PermissionDenied
    adaptations = adaptations_for(user).select_related(
        "programme", "source", "organisation", "profile", "created_by", "source_revision"
    )
    return get_object_or_404(adaptations.defer("source_revision__content"), pk=pk)
