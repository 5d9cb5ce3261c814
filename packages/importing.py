"""Importing a curriculum package: check everything, then write everything, or nothing.

``ProgrammeImporter.check()`` reads the package without writing anything: its shape, every
field against this site's models, every reference against what the package holds, every
file (images through Wagtail's own image checks, H5P packages through
``assessments.h5p_package``), which library items this site already has, and whether the
person importing may add what the package would add. It returns an ``ImportPlan``, which
the admin shows as a preview.

``run()`` checks again and then writes in one transaction: library items first (each kind in
one insert, after what it points at), then the programme and its session plans with new ids
and every reference rewritten, then their self-assessments, completion rule and credit
mappings. Files are written only once everything has been checked, and are removed again if
anything fails, so a refused or failed import leaves the site as it was.

Matching: peer support values and content notes are matched by name, credit frameworks by
short name, because those names are unique here and mean the same thing everywhere; a
programme that teaches "Hope" uses this site's "Hope". Everything else is created new, so an
import never changes a worksheet another programme of this site uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.dateparse import parse_datetime
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.coreutils import find_available_slug
from wagtail.fields import RichTextField, StreamField
from wagtail.log_actions import log
from wagtail.models import Collection, ReferenceIndex, Site
from wagtail.search import index
from wagtail.search.backends import get_search_backends

from curriculum.models import CurriculumIndexPage, ProgrammePage, SessionPlanPage

from .format import PackageError, read_package
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
    kinds_by_label,
    library_kinds,
    load_value,
    page_fields,
    remap_fields,
)
from .references import PAGE, UnknownContent, document_label, image_label

MAX_LISTED = 8  # problems named in one message; the rest are counted
# Kinds an import may leave out, with what uses them, when the person importing may not add
# them (editors choose credit frameworks but do not define them).
LEFT_OUT_WITHOUT_PERMISSION = {"certificates.creditframework"}


def _key(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        raise _damaged(where)
    return str(value)


def _damaged(where):
    return PackageError(
        _("The package is damaged: %(where)s is not in the expected form. Nothing was imported.")
        % {"where": where},
        "bad_structure",
    )


def _dict(value, where):
    if not isinstance(value, dict):
        raise _damaged(where)
    return value


def _list(value, where):
    if not isinstance(value, list):
        raise _damaged(where)
    return value


def _listing(problems):
    shown = "; ".join(problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    if more > 0:
        shown += " " + ngettext("(and %(count)s more)", "(and %(count)s more)", more) % {
            "count": more
        }
    return shown


def _error_text(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(m) for m in error.messages)


@dataclass
class Item:
    """One library item of the package, as checked."""

    kind: object
    key: str
    data: dict
    name: str
    matched: object = None
    differs: list = field(default_factory=list)
    file_data: bytes | None = None
    file_name: str = ""
    inspection: object = None
    left_out: bool = False

    @property
    def fields(self):
        return self.data.get("fields", {})

    @property
    def relations(self):
        return self.data.get("relations", {})


@dataclass
class PageItem:
    label: str
    model: type
    key: str
    data: dict
    where: tuple

    @property
    def fields(self):
        return self.data.get("fields", {})


@dataclass
class ImportPlan:
    """What an import will do, for the preview and the command's output."""

    title: str
    slug: str
    parent: object
    sessions: list
    create: dict  # {plural noun: [names]}
    match: dict  # {plural noun: [(name, [fields that differ])]}
    skipped: list
    notes: list
    source: dict
    created_at: object  # a datetime, or the text the manifest had
    exporter: str
    format_version: int
    publish: bool
    files: int
    nouns: dict = field(default_factory=dict)  # {plural: singular}

    @property
    def created_count(self):
        return sum(len(names) for names in self.create.values())

    def _rows(self, groups):
        return [
            (len(rows), self.nouns.get(plural, plural) if len(rows) == 1 else plural, rows)
            for plural, rows in groups.items()
        ]

    @property
    def create_rows(self):
        """``(count, noun in the right number, names)`` per kind, for the preview."""
        return self._rows(self.create)

    @property
    def match_rows(self):
        return self._rows(self.match)

    @property
    def any_worded_differently(self):
        return any(differs for rows in self.match.values() for _name, differs in rows)


@dataclass
class ImportResult:
    programme: ProgrammePage
    plan: ImportPlan
    ids: dict


class FileLedger:
    """Files written during an import, removed again if the import fails."""

    def __init__(self):
        self.stored = []  # (storage, name)
        self.folders = []

    def add(self, storage, name):
        if name:
            self.stored.append((storage, name))

    def add_folder(self, path):
        self.folders.append(path)

    def remove(self):
        import shutil

        for storage, name in self.stored:
            try:
                storage.delete(name)
            except OSError:
                pass
        for path in self.folders:
            shutil.rmtree(path, ignore_errors=True)


def default_parent():
    """The curriculum library new programmes go into: the one the default site serves, or
    else the first one in the tree."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and site.root_page.specific_class is CurriculumIndexPage:
        return site.root_page.specific
    return CurriculumIndexPage.objects.order_by("path").first()


class ProgrammeImporter:
    def __init__(self, package, *, parent=None, user=None, publish=False, slug=None):
        self.package = package
        self.parent = parent
        self.user = user
        self.publish = publish
        self.requested_slug = slug
        self.kinds = library_kinds()
        self.kind_for = {kind.label: kind for kind in self.kinds}

    # --- reading the package ------------------------------------------------------------------

    def _read_library(self):
        library = self.package.library
        known = kinds_by_label()
        self.items = {kind.label: {} for kind in self.kinds}
        for label, entries in library.items():
            kind = known.get(label)
            if kind is None:
                raise PackageError(
                    _(
                        "The package holds a kind of item this site does not know (%(label)s). "
                        "It may come from a newer version of the platform. Nothing was imported."
                    )
                    % {"label": label},
                    "unknown_kind",
                )
            names = {f.name for f in kind.fields}
            for position, raw in enumerate(_list(entries, label)):
                where = f"{label} #{position + 1}"
                raw = _dict(raw, where)
                key = _key(raw.get("key"), where)
                _dict(raw.setdefault("fields", {}), where)
                _dict(raw.setdefault("relations", {}), where)
                if key in self.items[label]:
                    raise _damaged(where)
                item = Item(kind=kind, key=key, data=raw, name=kind.name_of(raw))
                unknown = set(raw["fields"]) - names | set(raw["relations"]) - set(kind.relations)
                if unknown:
                    raise self._unknown_fields(kind.describe(raw), unknown)
                self.items[label][key] = item

    @staticmethod
    def _unknown_fields(what, names):
        return PackageError(
            _(
                "The package has content this site cannot hold: %(what)s has %(fields)s. It may "
                "come from a newer version of the platform. Nothing was imported."
            )
            % {"what": what, "fields": ", ".join(f"“{name}”" for name in sorted(names))},
            "unknown_field",
        )

    def _read_pages(self):
        data = _dict(self.package.programme, "programme.json")
        programme = _dict(data.get("programme"), "the programme")
        sessions = _list(data.get("sessions", []), "the session plans")
        if programme.get("type") != PROGRAMME_LABEL:
            raise _damaged(_("the programme"))
        self.programme_item = self._page_item(
            PROGRAMME_LABEL, ProgrammePage, programme, (_("the programme"),)
        )
        self.session_items = []
        for position, raw in enumerate(sessions):
            raw = _dict(raw, _("session plan %(n)s") % {"n": position + 1})
            if raw.get("type") != SESSION_LABEL:
                raise _damaged(_("session plan %(n)s") % {"n": position + 1})
            fields = raw.get("fields") if isinstance(raw.get("fields"), dict) else {}
            where = (
                _("session %(number)s “%(title)s”")
                % {"number": fields.get("number", position + 1), "title": fields.get("title", "")},
            )
            self.session_items.append(self._page_item(SESSION_LABEL, SessionPlanPage, raw, where))
        self.page_keys = {self.programme_item.key, *(s.key for s in self.session_items)}
        if len(self.page_keys) != 1 + len(self.session_items):
            raise _damaged(_("the session plans"))
        self.outcome_keys = {PROGRAMME_OUTCOME: set(), SESSION_OUTCOME: set()}
        for page in [self.programme_item, *self.session_items]:
            label = PROGRAMME_OUTCOME if page.label == PROGRAMME_LABEL else SESSION_OUTCOME
            for row in page.data["children"].get("learning_outcomes", []):
                if row.get("key") is not None:
                    self.outcome_keys[label].add(_key(row["key"], page.where[0]))

    def _page_item(self, label, model, raw, where):
        place = where[0]
        key = _key(raw.get("key"), place)
        fields = _dict(raw.setdefault("fields", {}), place)
        unknown = set(fields) - {f.name for f in page_fields(model)}
        if unknown:
            raise self._unknown_fields(place, unknown)
        children = _dict(raw.setdefault("children", {}), place)
        relations = {name: (plain, links) for name, _c, plain, links in self._children(model)}
        for name, rows in children.items():
            if name not in relations:
                raise self._unknown_fields(place, {name})
            plain, links = relations[name]
            for row in _list(rows, place):
                row = _dict(row, place)
                _dict(row.setdefault("fields", {}), place)
                _dict(row.setdefault("relations", {}), place)
                unknown = set(row["fields"]) - {f.name for f in plain}
                unknown |= set(row["relations"]) - set(links)
                if unknown:
                    raise self._unknown_fields(place, unknown)
        attachments = PROGRAMME_ATTACHMENTS if label == PROGRAMME_LABEL else SESSION_ATTACHMENTS
        for spec in attachments:
            row = raw.get(spec.key)
            if row is None:
                continue
            row = _dict(row, place)
            _dict(row.setdefault("fields", {}), place)
            _dict(row.setdefault("relations", {}), place)
            unknown = set(row["fields"]) - {f.name for f in spec.fields}
            unknown |= set(row["relations"]) - set(spec.relations)
            if unknown:
                raise self._unknown_fields(f"{place}, {spec.noun}", unknown)
        mapping_fields = {f.name for f in credit_mapping_fields()}
        for row in _list(raw.setdefault("credit_mappings", []), place):
            row = _dict(row, place)
            _dict(row.setdefault("fields", {}), place)
            _dict(row.setdefault("relations", {}), place)
            unknown = set(row["fields"]) - mapping_fields
            unknown |= set(row["relations"]) - set(CREDIT_MAPPINGS.relations)
            if unknown:
                raise self._unknown_fields(f"{place}, {CREDIT_MAPPINGS.noun}", unknown)
        return PageItem(label=label, model=model, key=key, data=raw, where=where)

    @staticmethod
    def _children(model):
        return [
            relation
            for relation in child_relations(model)
            if not relation[1]._meta.app_label.startswith("wagtail")
        ]

    # --- references ---------------------------------------------------------------------------

    def _known(self, label, key):
        if label == PAGE:
            return key in self.page_keys
        if label in self.outcome_keys:
            return key in self.outcome_keys[label]
        return label in self.items and key in self.items[label]

    def _noun(self, label):
        if label == PAGE:
            return _("page")
        if label in (PROGRAMME_OUTCOME, SESSION_OUTCOME):
            return _("learning outcome")
        kind = self.kind_for.get(label)
        return str(kind.noun) if kind else label

    def _check_references(self):
        """Every reference must point at something in the package; name the ones that do
        not, with where they are used."""
        missing = []

        def check(label, key, where):
            try:
                text_key = _key(key, " › ".join(where))
            except PackageError:
                text_key = str(key)
            if not self._known(label, text_key):
                problem = _("%(noun)s %(key)s (used in %(where)s)") % {
                    "noun": self._noun(label),
                    "key": text_key,
                    "where": " › ".join(where),
                }
                if problem not in missing:
                    missing.append(problem)
            return key

        try:
            for page in [self.programme_item, *self.session_items]:
                self._walk_page(page, check)
            for kind in self.kinds:
                for item in self.items[kind.label].values():
                    self._walk_item(item, check)
        except UnknownContent as error:
            raise PackageError(
                _(
                    "The package has content this site does not know: %(problem)s Nothing was "
                    "imported."
                )
                % {"problem": error},
                "unknown_content",
            ) from None
        if missing:
            raise PackageError(
                _(
                    "The package refers to things it does not contain, so nothing was "
                    "imported: %(missing)s. Export the programme again from its site."
                )
                % {"missing": _listing(missing)},
                "missing_reference",
            )

    def _walk_page(self, page, replace):
        """Pass every reference of a page's content through ``replace``; returns the page's
        fields with the result."""
        fields = page_fields(page.model)
        values = remap_fields(fields, page.fields, replace, page.where, strict=True)
        children = {}
        relations = {name: (child, links) for name, child, _p, links in self._children(page.model)}
        for name, rows in page.data["children"].items():
            _child, links = relations[name]
            children[name] = [
                {
                    **row,
                    "relations": {
                        link: (
                            replace(links[link], value, page.where) if value is not None else None
                        )
                        for link, value in row["relations"].items()
                    },
                }
                for row in rows
            ]
        attachments = {}
        specs = PROGRAMME_ATTACHMENTS if page.label == PROGRAMME_LABEL else SESSION_ATTACHMENTS
        for spec in [*specs, CREDIT_MAPPINGS]:
            rows = page.data.get(spec.key)
            if rows is None:
                attachments[spec.key] = None
                continue
            rows = rows if spec.many else [rows]
            result = []
            for row in rows:
                where = (*page.where, str(spec.noun))
                result.append(
                    {
                        **row,
                        "relations": self._walk_relations(row["relations"], spec, replace, where),
                    }
                )
            attachments[spec.key] = result if spec.many else result[0]
        return values, children, attachments

    @staticmethod
    def _walk_relations(relations, spec, replace, where):
        result = {}
        for name, value in relations.items():
            target = spec.relations[name]
            if isinstance(value, list):
                result[name] = [replace(target, key, where) for key in value]
            elif value is None:
                result[name] = None
            else:
                result[name] = replace(target, value, where)
        return result

    def _walk_item(self, item, replace):
        where = (item.kind.describe(item.data),)
        values = remap_fields(item.kind.fields, item.fields, replace, where, strict=True)
        relations = self._walk_relations(item.relations, item.kind, replace, where)
        return values, relations

    # --- fields and files ---------------------------------------------------------------------

    def _build(self, model, fields, values, what):
        """An unsaved ``model`` with ``values``, or a message saying what is wrong."""
        instance = model()
        by_name = {f.name: f for f in fields}
        problems = []
        for name, value in values.items():
            model_field = by_name[name]
            try:
                setattr(instance, model_field.attname, load_value(model_field, value))
            except (ValidationError, TypeError, ValueError) as error:
                text = _error_text(error) if isinstance(error, ValidationError) else str(error)
                problems.append(f"{what}: {model_field.verbose_name}: {text}")
        return instance, problems

    def _check_fields(self):
        problems = []
        for kind in self.kinds:
            for item in self.items[kind.label].values():
                instance, found = self._build(
                    kind.model, kind.fields, item.fields, kind.describe(item.data)
                )
                problems += found or self._clean(instance, kind.fields, kind.describe(item.data))
        for page in [self.programme_item, *self.session_items]:
            fields = page_fields(page.model)
            instance, found = self._build(page.model, fields, page.fields, page.where[0])
            problems += found or self._clean(instance, fields, page.where[0])
        if problems:
            raise PackageError(
                _(
                    "Some content in the package is not valid here, so nothing was imported: "
                    "%(problems)s."
                )
                % {"problems": _listing(problems)},
                "invalid_content",
            )

    @staticmethod
    def _clean(instance, fields, what):
        carried = {f.name for f in fields}
        exclude = [f.name for f in instance._meta.fields if f.name not in carried]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            return [f"{what}: {_error_text(error)}"]
        return []

    def _check_files(self):
        from assessments.h5p_package import PackageRefused, inspect_package

        problems = []
        for kind in self.kinds:
            if not kind.file_field:
                continue
            for item in self.items[kind.label].values():
                what = kind.describe(item.data)
                member = item.data.get("file")
                if not isinstance(member, str) or member not in self.package.files:
                    problems.append(
                        _("%(what)s: its file is missing from the package") % {"what": what}
                    )
                    continue
                data = self.package.files[member]
                name = os.path.basename(str(item.data.get("file_name") or member))
                item.file_name = get_valid_filename(name) if name.strip(". ") else "file"
                item.file_data = data
                try:
                    if kind.label == image_label():
                        self._check_image(item)
                    elif kind.label == document_label():
                        self._check_document(item)
                    elif kind.label == "assessments.h5pactivity":
                        item.inspection = inspect_package(data)
                except (ValidationError, PackageRefused) as error:
                    problems.append(f"{what}: {_error_text(error)}")
        if problems:
            raise PackageError(
                _(
                    "Some files in the package cannot be used, so nothing was imported: "
                    "%(problems)s."
                )
                % {"problems": _listing(problems)},
                "bad_file",
            )

    @staticmethod
    def _check_image(item):
        # Wagtail's own upload checks: extension, size, a real image, pixel count.
        from wagtail.images.fields import WagtailImageField

        WagtailImageField().clean(SimpleUploadedFile(item.file_name, item.file_data))

    @staticmethod
    def _check_document(item):
        extension = os.path.splitext(item.file_name)[1].lower().lstrip(".")
        allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None)
        if allowed and extension not in allowed:
            raise ValidationError(
                _("documents of type “%(extension)s” are not allowed here")
                % {"extension": extension}
            )
        limit = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)
        if limit and len(item.file_data) > limit:
            raise ValidationError(_("the document is bigger than this site allows"))

    # --- matching and permissions -------------------------------------------------------------

    def _match(self):
        for kind in self.kinds:
            items = self.items[kind.label]
            if not kind.match_by or not items:
                continue
            by_name = {}
            for item in items.values():
                item.matched, item.differs = None, []
                by_name.setdefault(str(item.fields.get(kind.match_by, "")), item)
            existing = kind.model.objects.filter(**{f"{kind.match_by}__in": list(by_name)})
            for row in existing:
                item = by_name.get(str(getattr(row, kind.match_by)))
                if item is None:
                    continue
                item.matched = row
                package_row, _problems = self._build(kind.model, kind.fields, item.fields, "")
                item.differs = [
                    str(f.verbose_name)
                    for f in kind.fields
                    if f.name in item.fields
                    and f.value_from_object(package_row) != f.value_from_object(row)
                ]

    def _resolve_parent(self):
        if self.parent is None:
            self.parent = default_parent()
        if self.parent is None:
            raise PackageError(
                _("This site has no curriculum library to put the programme in. Create one first."),
                "no_library",
            )
        self.parent = self.parent.specific
        if not isinstance(self.parent, CurriculumIndexPage):
            raise PackageError(_("Programmes can only go into a curriculum library."), "parent")

    def _check_permissions(self):
        """Refuse what the person may not add; leave out (and say so) the parts that other
        roles look after, such as credit mappings."""
        self.skipped = []
        self.allowed_attachments = {"self_assessment", "completion_rule", "credit_mappings"}
        user = self.user
        if user is None:  # the command line runs with the site's full rights
            return
        permissions = self.parent.permissions_for_user(user)
        if not permissions.can_add_subpage():
            raise PackageError(
                _("You may not add programmes to this curriculum library."), "permission"
            )
        if self.publish and not permissions.can_publish_subpage():
            raise PackageError(
                _("You may not publish programmes here. Import it as a draft instead."),
                "permission",
            )
        refused = []
        for kind in self.kinds:
            new = [item for item in self.items[kind.label].values() if item.matched is None]
            if not new or self._may_add(user, kind):
                continue
            if kind.label in LEFT_OUT_WITHOUT_PERMISSION:
                for item in new:
                    item.left_out = True
                    self.skipped.append(
                        _(
                            "Credit mappings in the framework “%(name)s” are left out: this site "
                            "does not have that framework, and your role may not add one."
                        )
                        % {"name": item.name}
                    )
            else:
                refused.append(str(kind.plural))
        if refused:
            raise PackageError(
                _(
                    "The package would add %(kinds)s, and you may not add those. Ask someone who "
                    "may to import it."
                )
                % {"kinds": ", ".join(refused)},
                "permission",
            )
        pages = [self.programme_item, *self.session_items]
        for spec in [*PROGRAMME_ATTACHMENTS, *SESSION_ATTACHMENTS, CREDIT_MAPPINGS]:
            present = any(page.data.get(spec.key) for page in pages)
            if present and not user.has_perm(spec.add_permission):
                self.allowed_attachments.discard(spec.key)
                self.skipped.append(
                    _(
                        "The %(noun)s in the package is left out: your role may not add one. "
                        "Someone who may can add it after the import."
                    )
                    % {"noun": spec.noun}
                )

    @staticmethod
    def _may_add(user, kind):
        if kind.label in (image_label(), document_label()):
            # Pictures and documents are allowed per collection, not per model.
            from wagtail.permissions import policy_registry

            return policy_registry.get_by_type(kind.model).user_has_permission(user, "add")
        return user.has_perm(kind.add_permission)

    # --- the plan -----------------------------------------------------------------------------

    def check(self):
        """Everything that can be known before writing; raises ``PackageError``."""
        self._read_library()
        self._read_pages()
        self._check_references()
        self._check_fields()
        self._resolve_parent()
        self._match()
        self._check_permissions()
        self._check_files()
        return self._plan()

    def _slug(self):
        requested = (
            slugify(
                self.requested_slug or self.programme_item.fields.get("slug") or "",
                allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True),
            )
            or slugify(str(self.programme_item.fields.get("title", "")))
            or "programme"
        )
        return find_available_slug(self.parent, requested)

    def _plan(self):
        create, match = {}, {}
        for kind in self.kinds:
            for item in self.items[kind.label].values():
                if item.matched is not None:
                    match.setdefault(str(kind.plural), []).append((item.name, item.differs))
                elif not item.left_out:
                    create.setdefault(str(kind.plural), []).append(item.name)
        manifest = self.package.manifest
        source = (
            manifest.get("source_site") if isinstance(manifest.get("source_site"), dict) else {}
        )
        exporter = manifest.get("exporter") if isinstance(manifest.get("exporter"), dict) else {}
        notes = manifest.get("notes") if isinstance(manifest.get("notes"), list) else []
        self.slug = self._slug()
        return ImportPlan(
            title=str(self.programme_item.fields.get("title", "")),
            slug=self.slug,
            parent=self.parent,
            sessions=[
                (s.fields.get("number"), str(s.fields.get("title", ""))) for s in self.session_items
            ],
            create=create,
            match=match,
            skipped=self.skipped,
            notes=[str(note) for note in notes],
            source={"name": str(source.get("name", "")), "url": str(source.get("url", ""))},
            created_at=parse_datetime(str(manifest.get("created_at", "")))
            or str(manifest.get("created_at", "")),
            exporter=str(exporter.get("version", "")),
            format_version=manifest.get("format_version"),
            publish=self.publish,
            nouns={str(kind.plural): str(kind.noun) for kind in self.kinds},
            files=sum(
                1
                for kind in self.kinds
                if kind.file_field
                for _item in self.items[kind.label].values()
            ),
        )

    # --- writing ------------------------------------------------------------------------------

    def run(self):
        """Check, then import in one transaction; returns an ``ImportResult``."""
        ledger = FileLedger()
        try:
            with transaction.atomic():
                plan = self.check()
                programme = self._write(ledger)
        except ValidationError as error:
            ledger.remove()
            raise PackageError(
                _("The programme could not be saved here, so nothing was imported: %(problem)s.")
                % {"problem": _error_text(error)},
                "invalid_content",
            ) from None
        except IntegrityError:
            ledger.remove()
            raise PackageError(
                _(
                    "The library changed while the package was being imported. Nothing was "
                    "imported; try again."
                ),
                "conflict",
            ) from None
        except BaseException:
            ledger.remove()
            raise
        return ImportResult(programme=programme, plan=plan, ids=self.ids)

    def _remap(self, label, key, where):
        """The new id for a package key. Pages and learning outcomes are made after the
        library items that may link to them: until then their keys are kept, and noted."""
        if label in (PAGE, PROGRAMME_OUTCOME, SESSION_OUTCOME):
            new = self.ids[label].get(str(key))
            if new is None:
                self._needs_page_links = True
                return key
            return new
        return self.ids[label][str(key)]

    def _write(self, ledger):
        self.ids = {label: {} for label in self.kind_for}
        self.ids.update({PAGE: {}, PROGRAMME_OUTCOME: {}, SESSION_OUTCOME: {}})
        self.page_link_fixups = []
        for kind in self.kinds:
            self._write_kind(kind, ledger)
        programme = self._write_pages()
        self._fix_page_links()
        log(
            instance=programme,
            action="packages.import",
            user=self.user,
            data={
                "source_site": self.package.manifest.get("source_site"),
                "created_at": self.package.manifest.get("created_at"),
                "format_version": self.package.manifest.get("format_version"),
            },
        )
        return programme

    def _write_kind(self, kind, ledger):
        new = []
        for item in self.items[kind.label].values():
            if item.matched is not None:
                self.ids[kind.label][item.key] = item.matched.pk
                continue
            if item.left_out:
                self.ids[kind.label][item.key] = None
                continue
            self._needs_page_links = False
            values, relations = self._walk_item(item, self._remap)
            instance, problems = self._build(kind.model, kind.fields, values, item.name)
            if problems:  # checked before; a second look costs nothing
                raise ValidationError(problems)
            for name, value in relations.items():
                if not kind.model._meta.get_field(name).many_to_many:
                    setattr(instance, f"{name}_id", value)
            if self._needs_page_links:
                self.page_link_fixups.append((kind, item, instance, values))
            new.append((item, instance, relations))
        if not new:
            return
        if kind.label == "curriculum.peersupportvalue":
            # New values join the end of this site's list.
            start = (kind.model.objects.aggregate(last=Max("sort_order"))["last"] or 0) + 1
            for position, (_item, instance, _r) in enumerate(new):
                instance.sort_order = start + position
        if kind.file_field:
            for item, instance, _r in new:
                self._save_with_file(kind, item, instance, ledger)
        else:
            kind.model.objects.bulk_create([instance for _i, instance, _r in new])
        for item, instance, _r in new:
            self.ids[kind.label][item.key] = instance.pk
        self._write_many_to_many(kind.model, kind.relations, new)
        objects = [instance for _i, instance, _r in new]
        if not kind.file_field:
            # bulk_create sends no signals: index for search and for "where is this used".
            self._index(kind.model, objects)

    def _save_with_file(self, kind, item, instance, ledger):
        if kind.label == "assessments.h5pactivity":
            from assessments.h5p_package import content_dir, install_package

            # Registered first: the folder is written before the row is saved.
            ledger.add_folder(content_dir(instance))
            install_package(
                instance, user=self.user, title=instance.title, inspection=item.inspection
            )
            ledger.add(instance.package.storage, instance.package.name)
            return
        instance.collection = Collection.get_first_root_node()
        instance.uploaded_by_user = self.user
        stored = getattr(instance, kind.file_field)
        stored.save(item.file_name, ContentFile(item.file_data), save=False)
        ledger.add(stored.storage, stored.name)
        if kind.label == image_label():
            stored.field.update_dimension_fields(instance, force=True)
        instance.file_size = len(item.file_data)
        instance._set_file_hash()
        instance.save()

    def _write_many_to_many(self, model, relations, new):
        for name in relations:
            model_field = model._meta.get_field(name)
            if not model_field.many_to_many:
                continue
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            rows = [
                through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                for _item, instance, values in new
                for pk in dict.fromkeys(values.get(name) or [])
            ]
            through.objects.bulk_create(rows)

    @staticmethod
    def _index(model, objects):
        if issubclass(model, index.Indexed):
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, objects)
        if ReferenceIndex.model_is_indexable(model):
            for instance in objects:
                ReferenceIndex.create_or_update_for_object(instance)

    def _new_page(self, page):
        fields = page_fields(page.model)
        self._needs_page_links = False
        values = remap_fields(fields, page.fields, self._remap, page.where, strict=True)
        needs_links = self._needs_page_links  # a link to a page not made yet
        _values, children, _attachments = self._walk_page(page, self._remap)
        instance, problems = self._build(page.model, fields, values, page.where[0])
        if problems:
            raise ValidationError(problems)
        instance.live = False
        instance.has_unpublished_changes = True
        if self.user is not None:
            instance.owner = self.user
        made = {}
        for name, child_model, plain, _links in self._children(page.model):
            rows = []
            for position, row in enumerate(children.get(name, [])):
                child, problems = self._build(child_model, plain, row["fields"], page.where[0])
                if problems:
                    raise ValidationError(problems)
                for link, value in row["relations"].items():
                    setattr(child, f"{link}_id", value)
                child.sort_order = position
                rows.append((row.get("key"), child))
            setattr(instance, name, [child for _key, child in rows])
            made[name] = rows
        if page.label == PROGRAMME_LABEL:
            self._pin_value_descriptions(page, made.get("value_choices", []))
        return instance, made, needs_links

    def _pin_value_descriptions(self, page, rows):
        """A value matched by name but described differently here keeps the package's words
        in this programme (as its own description), so trainees read what the authors wrote
        and the library's wording stays as it is for other programmes."""
        values = self.items.get("curriculum.peersupportvalue", {})
        originals = page.data["children"].get("value_choices", [])
        for (_key, choice), original in zip(rows, originals, strict=True):
            item = values.get(str(original["relations"].get("value")))
            if item is None or item.matched is None or choice.description:
                continue
            wording = str(item.fields.get("description") or "")
            if wording and wording != item.matched.description:
                choice.description = wording

    def _write_pages(self):
        programme, children, needs_links = self._new_page(self.programme_item)
        programme.slug = self.slug
        programme.locale = self.parent.locale
        self.parent.add_child(instance=programme)
        self.ids[PAGE][self.programme_item.key] = programme.pk
        self._remember_outcomes(PROGRAMME_OUTCOME, children)
        made = [(self.programme_item, programme, needs_links)]
        for item in self.session_items:
            session, children, needs_links = self._new_page(item)
            session.locale = programme.locale
            programme.add_child(instance=session)
            self.ids[PAGE][item.key] = session.pk
            self._remember_outcomes(SESSION_OUTCOME, children)
            made.append((item, session, needs_links))
        # Every page and learning outcome has its new id now: links between the programme's
        # own pages, and the attachments that name learning outcomes.
        pending = []
        for item, page, needs_links in made:
            values, _children, attachments = self._walk_page(item, self._remap)
            if needs_links:
                fields = [
                    f
                    for f in page_fields(item.model)
                    if f.name in values and isinstance(f, (StreamField, RichTextField))
                ]
                for f in fields:
                    setattr(page, f.attname, load_value(f, values[f.name]))
                page.save(update_fields=[f.attname for f in fields], clean=False)
            pending.append((item, page, attachments))
        self._write_attachments(pending)
        for item, page, _attachments in pending:
            revision = page.save_revision(user=self.user, log_action=False, clean=False)
            log(instance=page, action="wagtail.create", user=self.user)
            if self.publish and item.data.get("live"):
                revision.publish(user=self.user)
        programme.refresh_from_db()
        return programme

    def _remember_outcomes(self, label, children):
        for key, child in children.get("learning_outcomes", []):
            if key is not None:
                self.ids[label][str(key)] = child.pk

    def _write_attachments(self, pending):
        allowed = self.allowed_attachments
        for item, page, attachments in pending:
            specs = PROGRAMME_ATTACHMENTS if item.label == PROGRAMME_LABEL else SESSION_ATTACHMENTS
            for spec in specs:
                row = attachments.get(spec.key)
                if row is None or spec.key not in allowed:
                    continue
                instance, problems = self._build(
                    spec.model, spec.fields, row["fields"], item.where[0]
                )
                if problems:
                    raise ValidationError(problems)
                setattr(instance, spec.parent_field, page)
                for name, value in row["relations"].items():
                    if not spec.model._meta.get_field(name).many_to_many:
                        setattr(instance, f"{name}_id", value)
                instance.save()
                self._write_many_to_many(
                    spec.model, spec.relations, [(None, instance, row["relations"])]
                )
        if "credit_mappings" not in allowed:
            return
        new = []
        fields = credit_mapping_fields()
        for item, page, attachments in pending:
            target = "programme" if item.label == PROGRAMME_LABEL else "session_plan"
            for row in attachments.get("credit_mappings") or []:
                instance, problems = self._build(
                    CREDIT_MAPPINGS.model, fields, row["fields"], item.where[0]
                )
                if problems:
                    raise ValidationError(problems)
                setattr(instance, target, page)
                instance.framework_id = row["relations"].get("framework")
                if instance.framework_id is None:
                    continue  # its framework was left out (see _check_permissions)
                new.append((None, instance, row["relations"]))
        CREDIT_MAPPINGS.model.objects.bulk_create([instance for _n, instance, _r in new])
        self._write_many_to_many(CREDIT_MAPPINGS.model, CREDIT_MAPPINGS.relations, new)

    def _fix_page_links(self):
        """Library items that link to the programme's pages, written before the pages had
        their new ids: their links now point at the new pages."""

        def pages_only(label, key, where):
            return self.ids[PAGE][str(key)] if label == PAGE else key

        for kind, item, instance, values in self.page_link_fixups:
            values = remap_fields(kind.fields, values, pages_only, (item.name,), strict=False)
            for model_field in kind.fields:
                if model_field.name in values:
                    setattr(
                        instance,
                        model_field.attname,
                        load_value(model_field, values[model_field.name]),
                    )
            instance.save()


def package_check(*, source, parent=None, user=None, publish=False, slug=None):
    """Read and check a package (bytes or an uploaded file); returns ``(package, plan)``."""
    package = read_package(source)
    plan = ProgrammeImporter(package, parent=parent, user=user, publish=publish, slug=slug).check()
    return package, plan


def package_import(*, source, parent=None, user=None, publish=False, slug=None):
    """Import a package (bytes, an uploaded file or a ``Package``); returns an
    ``ImportResult``, or raises ``PackageError`` with nothing imported."""
    from .format import Package

    package = source if isinstance(source, Package) else read_package(source)
    return ProgrammeImporter(package, parent=parent, user=user, publish=publish, slug=slug).run()
