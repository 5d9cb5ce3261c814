"""How an adaptation gets its own copies of session plans and library items.

Session plans are copied with Wagtail's ``Page.copy``, which keeps every activity's stream
block id: that id is how a later change to an activity of the original is matched to the
adapter's copy of it. Worksheets, case scenarios and quizzes are copied too, and the copied
activities point at the copies, so an adapter can rewrite a worksheet for their group without
changing it for everyone else. H5P activities (uploaded packages edited outside the platform),
peer support values and content notes (a shared vocabulary) stay shared.
"""

import copy

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.fields import StreamField

from .models import AdaptedSession, AdaptedSnippet
from .snapshots import SESSION, SNIPPET_SPECS, model_label, parts_of


def clone(instance, **changes):
    """A new saved row with ``instance``'s content: its own fields, streams (block ids kept,
    since answers and lineage refer to them) and many-to-many choices."""
    model = type(instance)
    new = model()
    for field in model._meta.concrete_fields:
        if field.primary_key or field.unique:
            continue  # a new id, and a fresh value for unique ones (such as a folder uuid)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, StreamField):
            setattr(new, field.name, copy.deepcopy(list(getattr(instance, field.name).raw_data)))
        else:
            setattr(new, field.attname, getattr(instance, field.attname))
    for name, value in changes.items():
        setattr(new, name, value)
    new.save()
    many = [f for f in model._meta.get_fields() if isinstance(f, models.ManyToManyField)]
    for field in many:
        getattr(new, field.name).set(getattr(instance, field.name).all())
    if many:
        new.save()  # ParentalManyToManyField commits on save
    return new


class SnippetCopier:
    """Copies library items for one adaptation, once each, and remembers which copy is which.

    ``copy_id(label, source_id)`` gives the id of the adaptation's copy of an item, copying
    it (and what it points at) the first time it is asked for.
    """

    def __init__(self, adaptation=None):
        self.adaptation = adaptation
        self.copies = {}  # {label: {source id: copy id}}
        self.pending = []  # (label, source, copy) made before the adaptation existed
        if adaptation is not None and adaptation.pk:
            for row in adaptation.snippets.select_related("content_type"):
                label = row.content_type.app_label + "." + row.content_type.model
                self.copies.setdefault(label, {})[row.source_id] = row.copy_id

    def copy_id(self, label, source_id):
        if source_id is None or label not in SNIPPET_SPECS:
            return source_id
        known = self.copies.setdefault(label, {})
        if source_id in known:
            return known[source_id]
        spec = SNIPPET_SPECS[label]
        source = spec.model.objects.filter(pk=source_id).first()
        if source is None:
            return source_id  # a reference to a deleted item stays as it was
        changes = {}
        for stream in spec.streams:
            changes[stream.name] = self.translate_stream(
                spec, stream.name, list(getattr(source, stream.name).raw_data)
            )
        new = clone(source, **changes)
        known[source_id] = new.pk
        self.record(label, source, new)
        return new.pk

    def translate_stream(self, spec, stream_name, raw):
        """``raw`` stream items with every snippet reference pointing at this adaptation's
        copy (made now if needed); block ids unchanged."""
        items = copy.deepcopy(raw)
        for item in items:
            child = spec.child_block(stream_name, item.get("type"))
            value = item.get("value")
            if child is None or not isinstance(value, dict):
                continue
            item["value"] = self.translate_value(child, value)
        return items

    def translate_value(self, child_block, value):
        value = dict(value)
        for part in parts_of(child_block):
            if part.target and value.get(part.keys[0]):
                try:
                    pk = int(value[part.keys[0]])
                except (TypeError, ValueError):
                    continue
                value[part.keys[0]] = self.copy_id(part.target, pk)
        return value

    def translate_part(self, part, value):
        if part.target and value:
            try:
                return self.copy_id(part.target, int(value))
            except (TypeError, ValueError):
                return value
        return value

    def record(self, label, source, new):
        if self.adaptation is None or not self.adaptation.pk:
            self.pending.append((label, source, new))
            return
        spec = SNIPPET_SPECS[label]
        AdaptedSnippet.objects.create(
            adaptation=self.adaptation,
            content_type=ContentType.objects.get_for_model(spec.model),
            source_id=source.pk,
            copy_id=new.pk,
            source_title=str(source)[:255],
            baseline=spec.from_instance(source),
        )

    def attach(self, adaptation):
        """Record the copies made before ``adaptation`` was saved."""
        self.adaptation = adaptation
        pending, self.pending = self.pending, []
        for label, source, new in pending:
            self.record(label, source, new)


def live_content(page):
    """The stored content of ``page``'s live revision, or None."""
    revision = page.live_revision
    return revision.content if revision is not None else None


def session_copy(*, row=None, adaptation, source_session, to, copier, user=None, publish=False):
    """Copy one published session plan of the original into the adapted programme and
    record which is which (in ``row`` if given, else in a new ``AdaptedSession``)."""
    source_session = source_session.specific
    activities = copier.translate_stream(
        SESSION, "activities", list(source_session.activities.raw_data)
    )
    new = source_session.copy(
        to=to,
        update_attrs={"activities": activities},
        copy_revisions=False,
        keep_live=publish,
        user=user,
    )
    content = live_content(source_session)
    baseline = (
        SESSION.from_content(content)
        if content is not None
        else SESSION.from_instance(source_session)
    )
    row = row or AdaptedSession(adaptation=adaptation, source_session=source_session)
    row.source_title = source_session.title[:255]
    row.copy_session = new
    row.source_revision_id = source_session.live_revision_id
    row.last_synced_revision_id = source_session.live_revision_id
    row.baseline = baseline
    row.removal_seen = False
    row.save()
    _copy_self_assessment(source_session, new)
    return row


def _copy_self_assessment(source_session, new_session):
    from assessments.models import SelfAssessment

    existing = SelfAssessment.objects.filter(session_plan=source_session).first()
    if (
        existing is not None
        and not SelfAssessment.objects.filter(session_plan=new_session).exists()
    ):
        clone(existing, session_plan=new_session)


def programme_extras_copy(*, source, new_programme, organisation, copier):
    """The completion rule and evaluation questionnaires go with the programme: an adapted
    programme is completed and evaluated like its original until the adapter says otherwise.
    Credits do not: a recognising body recognised the original, not the adaptation."""
    from assessments.models import EvaluationSchedule
    from training.models import CompletionRule

    rule = CompletionRule.objects.filter(programme=source).first()
    if rule is not None:
        new_rule = clone(rule, programme=new_programme)
        label = model_label(new_rule.optional_worksheets.model)
        new_rule.optional_worksheets.set(
            [
                copier.copy_id(label, pk)
                for pk in rule.optional_worksheets.values_list("pk", flat=True)
            ]
        )
    schedules = EvaluationSchedule.objects.filter(programme=source).filter(
        models.Q(organisation__isnull=True) | models.Q(organisation=organisation)
    )
    for schedule in schedules:
        clone(schedule, programme=new_programme)
