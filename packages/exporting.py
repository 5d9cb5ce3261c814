"""Exporting a programme as a curriculum package.

The package holds the latest saved version of the programme and of each of its session plans
(with changes not yet published, as the editor sees them), the library items they use, and
the files those use. Work is done per kind, not per item: the pages and their drafts in two
queries, then each kind of library item in one query per round of references (a worksheet
brings in its case scenarios, which bring in their content notes).

References that cannot travel are made harmless rather than carried broken: a rich-text link
to a page outside the programme becomes an ordinary web link to that page, and a reference
to something deleted since is left empty. Each such change is written in the manifest's
``notes``, so the person importing reads what happened.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import metadata

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision, Site

from curriculum.models import PeerSupportValue, ProgrammePage, SessionPlanPage

from . import format as package_format
from .kinds import (
    CREDIT_MAPPINGS,
    PROGRAMME_ATTACHMENTS,
    PROGRAMME_LABEL,
    PROGRAMME_OUTCOME,
    SESSION_ATTACHMENTS,
    SESSION_LABEL,
    SESSION_OUTCOME,
    child_relations,
    credit_mapping_fields,
    dump_fields,
    library_kinds,
    page_fields,
    remap_fields,
)
from .references import PAGE, ExternalLink, collect


class ExportError(Exception):
    """A programme that cannot be exported as it is; the message says what to fix."""


@dataclass
class ExportResult:
    data: bytes
    filename: str
    manifest: dict
    notes: list = field(default_factory=list)


def exporter_version():
    try:
        return metadata.version("peer-support-lms")
    except metadata.PackageNotFoundError:  # running from a copy that was never installed
        return "unknown"


def source_site():
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return {"name": "", "url": ""}
    return {"name": site.site_name or site.hostname, "url": site.root_url}


def _as_key(value):
    """A package key: ids in stream data are numbers, in rich text they are text."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _content_version(pages):
    """Each page as the editor last saved it: its draft where one is waiting, otherwise the
    page as stored (which is the published version). Two queries for any number of pages."""
    drafts = [page for page in pages if page.has_unpublished_changes and page.latest_revision_id]
    revisions = Revision.objects.in_bulk([page.latest_revision_id for page in drafts])
    result = []
    for page in pages:
        revision = revisions.get(page.latest_revision_id) if page in drafts else None
        result.append(page.with_content_json(revision.content) if revision else page)
    return result


def _file_member(label, key, name):
    extension = os.path.splitext(name or "")[1].lower().lstrip(".")
    extension = extension if re.fullmatch(r"[a-z0-9]{1,8}", extension) else "bin"
    return f"{package_format.FILES_PREFIX}{label}/{key}.{extension}"


class ProgrammeExporter:
    """Builds one package. ``run()`` returns an ``ExportResult``."""

    def __init__(self, programme):
        self.programme = programme
        self.kinds = library_kinds()
        self.kind_for = {kind.label: kind for kind in self.kinds}
        self.notes = []
        self.objects = {kind.label: {} for kind in self.kinds}  # {label: {key: instance}}
        self.missing = {kind.label: set() for kind in self.kinds}
        self.outside_pages = {}

    # --- reading ------------------------------------------------------------------------------

    def read_pages(self):
        programme = ProgrammePage.objects.get(pk=self.programme.pk)
        children = [name for name, *_rest in self._children(SessionPlanPage)]
        sessions = list(
            SessionPlanPage.objects.child_of(programme).order_by("path").prefetch_related(*children)
        )
        programme, *sessions = _content_version([programme, *sessions])
        self.programme, self.sessions = programme, sessions
        self.page_keys = {programme.pk, *(session.pk for session in sessions)}
        self.attachments = self._read_attachments()

    def _read_attachments(self):
        """Self-assessments, the completion rule and credit mappings, one query per kind."""
        session_ids = [session.pk for session in self.sessions]
        found = {"session": {}, "programme": {}}
        for spec in SESSION_ATTACHMENTS:
            rows = spec.model.objects.filter(**{f"{spec.parent_field}_id__in": session_ids})
            found["session"][spec.key] = {
                getattr(row, f"{spec.parent_field}_id"): row for row in rows
            }
        for spec in PROGRAMME_ATTACHMENTS:
            rows = spec.model.objects.filter(**{f"{spec.parent_field}_id": self.programme.pk})
            m2m = [name for name in spec.relations if self._is_m2m(spec.model, name)]
            found["programme"][spec.key] = rows.prefetch_related(*m2m).first()
        mappings = (
            CREDIT_MAPPINGS.model.objects.filter(
                Q(programme_id=self.programme.pk) | Q(session_plan_id__in=session_ids)
            )
            .prefetch_related("programme_outcomes", "session_outcomes")
            .order_by("pk")
        )
        found["mappings"] = list(mappings)
        return found

    @staticmethod
    def _is_m2m(model, name):
        return model._meta.get_field(name).many_to_many

    # --- references ---------------------------------------------------------------------------

    def page_references(self):
        """Every (label, key) the pages and their attachments point at."""
        replace, found = collect()
        for page in (self.programme, *self.sessions):
            self._dump_page(page, replace)
        return {(label, _as_key(key)) for label, key, _where in found}

    def gather(self):
        """Fetch every library item the programme needs, round by round, one query per kind
        and round."""
        wanted = self.page_references()
        while True:
            pending = {}
            for label, key in wanted:
                if label in self.objects and key not in self.objects[label]:
                    if key not in self.missing[label]:
                        pending.setdefault(label, set()).add(key)
            if not pending:
                return
            wanted = set()
            for kind in self.kinds:
                keys = pending.get(kind.label)
                if not keys:
                    continue
                m2m = [name for name in kind.relations if self._is_m2m(kind.model, name)]
                numeric = {key for key in keys if isinstance(key, int)}
                rows = kind.model.objects.filter(pk__in=numeric).prefetch_related(*m2m)
                found = {row.pk: row for row in rows}
                self.objects[kind.label].update(found)
                self.missing[kind.label].update(keys - set(found))
                replace, refs = collect()
                for row in found.values():
                    self._dump_item(kind, row, replace)
                wanted |= {(label, _as_key(key)) for label, key, _where in refs}

    def replace(self, label, key, where):
        """How a reference is written into the package (see the module docstring)."""
        key = _as_key(key)
        place = " › ".join(where)
        if label == PAGE:
            if key in self.page_keys:
                return key
            url = self._outside_url(key)
            self.notes.append(
                _("%(place)s linked to a page outside the programme; it is now a web link.")
                % {"place": place}
                if url
                else _("%(place)s linked to a page that no longer exists; the link was removed.")
                % {"place": place}
            )
            return ExternalLink(url)
        if label in self.objects:
            if key in self.objects[label]:
                return key
            self.notes.append(
                _(
                    "%(place)s pointed at a %(noun)s that no longer exists (%(key)s); it is left "
                    "empty."
                )
                % {"place": place, "noun": self.kind_for[label].noun, "key": key}
            )
            return None
        # A kind this format does not carry (a chooser added by a later feature).
        self.notes.append(
            _("%(place)s pointed at something packages do not carry yet; it is left empty.")
            % {"place": place}
        )
        return None

    def _outside_url(self, key):
        if key not in self.outside_pages:
            page = Page.objects.filter(pk=key).first() if isinstance(key, int) else None
            self.outside_pages[key] = page.full_url if page is not None else ""
        return self.outside_pages[key] or ""

    # --- writing ------------------------------------------------------------------------------

    def _where(self, page):
        if isinstance(page, SessionPlanPage):
            return (
                _("session %(number)s “%(title)s”") % {"number": page.number, "title": page.title},
            )
        return (_("the programme"),)

    def _dump_page(self, page, replace):
        model = type(page)
        fields = page_fields(model)
        where = self._where(page)
        values = remap_fields(fields, dump_fields(page, fields), replace, where, strict=False)
        children = {}
        for name, _child, plain, links in self._children(model):
            rows = []
            for row in getattr(page, name).all():
                rows.append(
                    {
                        "key": row.pk,
                        "fields": dump_fields(row, plain),
                        "relations": {
                            link: self._link(replace, target, getattr(row, f"{link}_id"), where)
                            for link, target in links.items()
                        },
                    }
                )
            children[name] = rows
        data = {
            "key": page.pk,
            "type": PROGRAMME_LABEL if isinstance(page, ProgrammePage) else SESSION_LABEL,
            "live": page.live,
            "fields": values,
            "children": children,
        }
        if isinstance(page, ProgrammePage):
            self._pin_values(data, children, replace)
            for spec in PROGRAMME_ATTACHMENTS:
                row = self.attachments["programme"].get(spec.key)
                data[spec.key] = self._dump_attachment(spec, row, replace, where)
        else:
            for spec in SESSION_ATTACHMENTS:
                row = self.attachments["session"][spec.key].get(page.pk)
                data[spec.key] = self._dump_attachment(spec, row, replace, where)
        target = "programme_id" if isinstance(page, ProgrammePage) else "session_plan_id"
        data["credit_mappings"] = [
            self._dump_mapping(row, replace, where)
            for row in self.attachments["mappings"]
            if getattr(row, target) == page.pk
        ]
        return data

    @staticmethod
    def _children(model):
        return [
            relation
            for relation in child_relations(model)
            if not relation[1]._meta.app_label.startswith("wagtail")
        ]

    def _pin_values(self, data, children, replace):
        """A programme with no values chosen uses the whole library list; the package says
        which values that was, so the other site shows the same ones in the same order."""
        data["values_from_library"] = not children.get("value_choices")
        if data["values_from_library"]:
            where = (_("the programme"),)
            children["value_choices"] = [
                {
                    "key": None,
                    "fields": {"description": ""},
                    "relations": {"value": replace("curriculum.peersupportvalue", value.pk, where)},
                }
                for value in PeerSupportValue.objects.all()
            ]

    @staticmethod
    def _link(replace, target, key, where):
        return None if key is None else replace(target, key, where)

    def _dump_attachment(self, spec, row, replace, where):
        if row is None:
            return None
        relations = {}
        for name, target in spec.relations.items():
            if self._is_m2m(spec.model, name):
                related = sorted(getattr(row, name).all(), key=lambda obj: (str(obj), obj.pk))
                relations[name] = [
                    key
                    for key in (
                        replace(target, obj.pk, (*where, str(spec.noun))) for obj in related
                    )
                    if key is not None
                ]
            else:
                relations[name] = self._link(replace, target, getattr(row, f"{name}_id"), where)
        return {"fields": dump_fields(row, spec.fields), "relations": relations}

    def _dump_mapping(self, row, replace, where):
        outcomes = self._outcome_keys()
        return {
            "fields": dump_fields(row, credit_mapping_fields()),
            "relations": {
                "framework": replace("certificates.creditframework", row.framework_id, where),
                "programme_outcomes": sorted(
                    o.pk
                    for o in row.programme_outcomes.all()
                    if o.pk in outcomes[PROGRAMME_OUTCOME]
                ),
                "session_outcomes": sorted(
                    o.pk for o in row.session_outcomes.all() if o.pk in outcomes[SESSION_OUTCOME]
                ),
            },
        }

    def _outcome_keys(self):
        if not hasattr(self, "_outcomes"):
            self._outcomes = {
                PROGRAMME_OUTCOME: {o.pk for o in self.programme.learning_outcomes.all() if o.pk},
                SESSION_OUTCOME: {
                    o.pk for s in self.sessions for o in s.learning_outcomes.all() if o.pk
                },
            }
        return self._outcomes

    def _dump_item(self, kind, row, replace):
        where = (kind.describe({"fields": {"title": str(row)}}),)
        values = remap_fields(
            kind.fields, dump_fields(row, kind.fields), replace, where, strict=False
        )
        relations = {}
        for name, target in kind.relations.items():
            if self._is_m2m(kind.model, name):
                related = sorted(getattr(row, name).all(), key=lambda obj: (str(obj), obj.pk))
                relations[name] = [
                    key
                    for key in (replace(target, obj.pk, where) for obj in related)
                    if key is not None
                ]
            else:
                relations[name] = self._link(replace, target, getattr(row, f"{name}_id"), where)
        item = {"key": row.pk, "fields": values, "relations": relations}
        if kind.file_field:
            stored = getattr(row, kind.file_field)
            item["file"] = _file_member(kind.label, row.pk, stored.name)
            item["file_name"] = os.path.basename(stored.name or "")
        return item

    def _read_file(self, kind, row):
        stored = getattr(row, kind.file_field)
        try:
            with stored.storage.open(stored.name, "rb") as handle:
                return handle.read()
        except (OSError, ValueError):
            raise ExportError(
                _("The %(noun)s “%(name)s” has lost its file. Upload it again, then export.")
                % {"noun": kind.noun, "name": row}
            ) from None

    def run(self):
        self.read_pages()
        self.gather()
        self.notes = []  # the gathering walks wrote no notes worth keeping twice
        programme = self._dump_page(self.programme, self.replace)
        sessions = [self._dump_page(session, self.replace) for session in self.sessions]
        library, files = {}, {}
        for kind in self.kinds:
            rows = [self.objects[kind.label][key] for key in sorted(self.objects[kind.label])]
            items = []
            for row in rows:
                item = self._dump_item(kind, row, self.replace)
                if kind.file_field:
                    files[item["file"]] = self._read_file(kind, row)
                items.append(item)
            if items:
                library[kind.label] = items
        notes = list(dict.fromkeys(self.notes))
        if any(not session.live for session in self.sessions) or not self.programme.live:
            notes.append(_("Some pages in this package were never published: they are drafts."))
        manifest = {
            "format": package_format.FORMAT_NAME,
            "format_version": package_format.FORMAT_VERSION,
            "exporter": {"name": "peer-support-lms", "version": exporter_version()},
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "source_site": source_site(),
            "programme": {
                "title": self.programme.title,
                "slug": self.programme.slug,
                "language": getattr(self.programme, "language", ""),
                "sessions": len(sessions),
            },
            "contents": {label: len(items) for label, items in library.items()},
            "notes": notes,
        }
        members = {
            package_format.PROGRAMME: package_format.dumps(
                {"programme": programme, "sessions": sessions}
            ),
            package_format.LIBRARY: package_format.dumps(library),
            **files,
        }
        data = package_format.write_package(manifest=manifest, members=members)
        return ExportResult(
            data=data,
            filename=f"{self.programme.slug}.curriculum.zip",
            manifest=manifest,
            notes=notes,
        )


def programme_export(*, programme, user=None):
    """Export ``programme`` as a package; returns an ``ExportResult``.

    With a ``user``, the export is written in the programme's history."""
    result = ProgrammeExporter(programme).run()
    if user is not None:
        from wagtail.log_actions import log

        log(
            instance=programme,
            action="packages.export",
            user=user,
            data={"sessions": result.manifest["programme"]["sessions"]},
        )
    return result
