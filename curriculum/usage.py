"""Which pages use a shared piece of curriculum, read from Wagtail's reference index."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex


def pages_using(instance):
    """The pages whose saved content points at ``instance``, in tree order."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(id__in=[int(pk) for pk in page_ids]).order_by("path"))
