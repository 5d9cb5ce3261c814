"""What uses a shared piece of curriculum, so that deleting it cannot leave a gap."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import ngettext
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


def snippets_using(instance):
    """Other library items (such as a worksheet asking about a case scenario) that point at
    ``instance``, from the reference index."""
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.get_references_to(instance).exclude(base_content_type=page_type)
    found = []
    for content_type_id, object_id in set(references.values_list("content_type", "object_id")):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        obj = model.objects.filter(pk=object_id).first() if model else None
        if obj is not None:
            found.append(obj)
    return sorted(found, key=str)


def in_use_by(instance):
    """Names of what uses ``instance``: pages, other library items, for a content note the
    case scenarios that carry it (removing a note would silently drop a trainee's warning),
    and for a worksheet the trainees' answers to it."""
    from worksheets.models import Worksheet

    from .models import ContentNote

    names = [page.title for page in pages_using(instance)]
    names += [str(obj) for obj in snippets_using(instance)]
    if isinstance(instance, ContentNote):
        names += [str(scenario) for scenario in instance.casescenario_set.all()]
    if isinstance(instance, Worksheet):
        answered = instance.responses.count()
        if answered:
            names.append(
                ngettext(
                    "answers from %(count)s trainee", "answers from %(count)s trainees", answered
                )
                % {"count": answered}
            )
    return names
