"""Printable worksheets: a blank copy for a room without Wi-Fi or a trainee who prefers paper.

Staff print it and hand it out, so trainees do not download it themselves; the blank holds
no answers and no answer keys.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from curriculum.models import ProgrammePage
from lms.roles import can_read_facilitator_material

from ..models import Worksheet
from ..pdf import render_blank_pdf


@require_GET
@login_required
def blank_pdf(request, worksheet_id):
    """The blank worksheet as a PDF; ``?programme=<id>`` takes the rows from that
    programme's peer support values instead of the whole library's."""
    if not can_read_facilitator_material(request.user):
        raise PermissionDenied
    worksheet = get_object_or_404(Worksheet, pk=worksheet_id)
    programme = None
    programme_id = request.GET.get("programme")
    if programme_id:
        if not programme_id.isdigit():
            raise Http404
        programme = get_object_or_404(ProgrammePage.objects.live(), pk=int(programme_id))
    # Without for_trainer: the answer keys of classification exercises stay out of the layout.
    parts = worksheet.layout(programme=programme)
    data = render_blank_pdf(worksheet, parts, programme=programme)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="worksheet-{worksheet.pk}-blank.pdf"'
    return response
