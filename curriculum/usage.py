"""What uses a shared piece of curriculum, so that deleting it cannot leave a gap."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex


def pages_using(instance):
    """The pages that point at ``instance`` in their saved content or in a draft not yet
    published, in tree order.

    Wagtail's reference index covers what is saved on the page itself, which for a live page
    is the published version. A draft that adds a case scenario lives only in a revision, so
    drafts are scanned as well; there are few of them at any time.
    """
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = {
        int(pk)
        for pk in ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    target = (ContentType.objects.get_for_model(type(instance)).pk, str(instance.pk))
    drafts = Page.objects.filter(has_unpublished_changes=True, latest_revision__isnull=False)
    for page in drafts.exclude(id__in=page_ids).select_related("latest_revision"):
        draft = page.latest_revision.as_object()
        # Wagtail's own scanner, as used to build the index, run over the draft version.
        for content_type_id, object_id, *_paths in ReferenceIndex._extract_references_from_object(
            draft
        ):
            if (content_type_id, object_id) == target:
                page_ids.add(page.pk)
                break
    return list(Page.objects.filter(id__in=page_ids).order_by("path"))


def in_use_by(instance):
    """Names of the things that use ``instance``: pages, and for a content note the case
    scenarios that carry it (removing a note would silently drop a trainee's warning)."""
    from .models import ContentNote

    names = [page.title for page in pages_using(instance)]
    if isinstance(instance, ContentNote):
        names += [str(scenario) for scenario in instance.casescenario_set.all()]
    return names
