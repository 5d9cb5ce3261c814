"""Curriculum pages in the reader's language.

Content is translated with Wagtail's own locales and ``wagtail.contrib.simple_translation``
(the settings say why): a translation is an ordinary page in another locale's tree, made
with "Translate" in the page editor and edited like any other page.

Everything else in the platform points at the original pages: a cohort runs the original
programme, and scheduled sessions, self-assessments, quizzes placed in a session and
completion all hold the original session plan. So the site always routes to the original
page (the library's tree, in the default locale) and shows it with the words of its live
translation in the reader's language, or in its own words when there is none:

- words (titles, summaries, rich text, the text inside blocks, learning outcomes) come
  from the translation, wherever the translator filled them in;
- the plan (minutes, the order of activities, groupings, worksheets, case scenarios,
  quizzes, links) comes from the original, so a Dutch cohort follows the same session as
  everyone else, and a change to the original's timing reaches every language at once.

Blocks are matched by their ids, which a translation keeps from its original. A block
added to the original after the translation was made shows in the original's words until
the translator catches up. The words are only swapped on the objects in memory for one
request; nothing here saves a page.
"""

import contextvars

from django.conf import settings
from django.db import models
from django.db.models.query import QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from modelcluster.models import get_all_child_relations
from wagtail import blocks
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site
from wagtail.views import serve as wagtail_serve

# Blocks whose value is words a translator writes; every other block (numbers, choices,
# choosers, links) keeps the original's value.
TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)
# Page's own fields that hold words. The slug stays the original's: addresses never change.
PAGE_TEXT_FIELDS = ("title", "seo_title", "search_description")


def library_language():
    """The language of the library's own tree, the one every part of the platform reads."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def content_language(code=None):
    """``code`` (by default the active language) as one of the content languages; the
    library's language when it is not one."""
    try:
        return get_supported_content_language_variant(code or translation.get_language())
    except LookupError:
        return library_language()


def in_library(queryset):
    """Only pages of the library's tree. Translations live in other locales' trees and must
    never count as more programmes or session plans."""
    return queryset.filter(locale__language_code=library_language())


# --- the words of a translation ----------------------------------------------------------------


def _is_text(field):
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        and not field.choices
    )


def _text_fields(model):
    """The fields of a page type that hold words: Page's title and search texts, and the
    page type's own text fields and StreamFields."""
    fields = [model._meta.get_field(name) for name in PAGE_TEXT_FIELDS]
    for field in model._meta.concrete_fields:
        if field.model is Page or field.is_relation:
            continue
        if isinstance(field, StreamField) or _is_text(field):
            fields.append(field)
    return fields


def merge_value(block, original, translated):
    """The original block value with the translation's words put in."""
    if translated is None or original is None:
        return original
    if isinstance(block, blocks.StructBlock):
        if not isinstance(original, dict) or not isinstance(translated, dict):
            return original
        return {
            name: merge_value(block.child_blocks[name], value, translated.get(name))
            if name in block.child_blocks
            else value
            for name, value in original.items()
        }
    if isinstance(block, blocks.StreamBlock):
        return merge_stream(block, original, translated)
    if isinstance(block, blocks.ListBlock):
        return _merge_list(block.child_block, original, translated)
    if isinstance(block, TEXT_BLOCKS):
        return translated if translated != "" else original
    return original


def _list_item(item):
    """``(id, value)`` of a stored list item: Wagtail stores ``{"type": "item", "value": ...,
    "id": ...}``, older data stores the bare value."""
    if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
        return item.get("id"), item["value"]
    return None, item


def _merge_list(child_block, original, translated):
    if not isinstance(original, list) or not isinstance(translated, list):
        return original
    theirs = dict(_list_item(item) for item in translated if _list_item(item)[0])
    merged = []
    for position, item in enumerate(original):
        item_id, value = _list_item(item)
        if item_id and item_id in theirs:
            other = theirs[item_id]
        elif position < len(translated):
            other = _list_item(translated[position])[1]
        else:
            other = None
        value = merge_value(child_block, value, other)
        wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item
        merged.append({**item, "value": value} if wrapped else value)
    return merged


def merge_stream(stream_block, original, translated):
    """The original stream (raw data) with the words of the translation's blocks that have
    the same id and type."""
    theirs = {
        item["id"]: item for item in translated or [] if isinstance(item, dict) and item.get("id")
    }
    merged = []
    for item in original or []:
        other = theirs.get(item.get("id")) if isinstance(item, dict) else None
        block = stream_block.child_blocks.get(item.get("type")) if other else None
        if block is None or other.get("type") != item.get("type"):
            merged.append(item)
            continue
        merged.append({**item, "value": merge_value(block, item.get("value"), other.get("value"))})
    return merged


def take_words(page, source, *, with_children=False):
    """Put the words of ``source`` (a translation of ``page``) into ``page``, in memory.

    ``with_children`` also takes the words of the page's own child rows (learning
    outcomes, a programme's wording of its values), matched by position; it costs two
    queries per kind of row, so lists of pages leave it out.
    """
    for field in _text_fields(type(page)):
        if isinstance(field, StreamField):
            merged = merge_stream(
                field.stream_block,
                list(getattr(page, field.attname).raw_data),
                list(getattr(source, field.attname).raw_data),
            )
            setattr(page, field.attname, merged)  # the field makes a stream of it
        else:
            value = getattr(source, field.attname)
            if value:
                setattr(page, field.attname, value)
    if not with_children:
        return
    for relation in get_all_child_relations(page):
        if relation.field.remote_field.model is Page:
            continue  # rows Wagtail keeps for every page, such as comments
        name = relation.get_accessor_name()
        text_fields = [f for f in relation.related_model._meta.concrete_fields if _is_text(f)]
        own = list(getattr(page, name).all())
        theirs = list(getattr(source, name).all())
        for item, other in zip(own, theirs, strict=False):
            for field in text_fields:
                value = getattr(other, field.attname)
                if value:
                    setattr(item, field.attname, value)
        setattr(page, name, own)


def live_translations(pages, language):
    """``{page.pk: translation}`` for the pages with a live translation in ``language``.
    One query per page type."""
    by_type = {}
    for page in pages:
        by_type.setdefault(type(page), []).append(page)
    found = {}
    for model, group in by_type.items():
        rows = model.objects.live().filter(
            translation_key__in={page.translation_key for page in group},
            locale__language_code=language,
        )
        by_key = {row.translation_key: row for row in rows}
        for page in group:
            other = by_key.get(page.translation_key)
            if other is not None and other.pk != page.pk:
                found[page.pk] = other
    return found


def show_in_language(pages, language=None, *, with_children=False):
    """Show library pages with the words of their translations into ``language`` (by
    default the active language). Pages without one keep their own words. Returns the
    pages that have a translation."""
    language = content_language(language)
    if language == library_language():
        return []
    pending = [page for page in pages if getattr(page, "_shown_in", None) != language]
    found = live_translations(pending, language) if pending else {}
    for page in pending:
        page._shown_in = language
        if page.pk in found:
            take_words(page, found[page.pk], with_children=with_children)
    return [page for page in pages if page.pk in found]


# --- titles in lists ---------------------------------------------------------------------------
#
# Lists of sessions on trainees' pages (worksheets due, progress, the next session) show
# titles of the original pages, loaded by each app's own queries. Rather than ask every
# app to load translations, one query per request reads the titles of every live page in
# the reader's language: the curriculum is small next to the delivery data, and the
# answer does not grow with trainees, cohorts or answers.

_request_titles = contextvars.ContextVar("lms_request_titles", default=None)


def titles_in(language):
    """``{translation_key: title}`` of every live page in ``language``, in one query."""
    return dict(
        Page.objects.live()
        .filter(locale__language_code=language)
        .values_list("translation_key", "title")
    )


def translated_title(page, language=None):
    """The page's title in ``language`` (by default the active one): its live
    translation's, else its own. Inside a request the titles are read once per language
    (see ``remember_titles``); outside one, each call costs a query."""
    if page is None:
        return ""
    language = content_language(language)
    if language == library_language():
        return page.title
    remembered = _request_titles.get()
    if remembered is None:
        titles = titles_in(language)
    else:
        if language not in remembered:
            remembered[language] = titles_in(language)
        titles = remembered[language]
    return titles.get(page.translation_key, page.title)


def remember_titles(get_response):
    """Middleware: lets ``translated_title`` read each language's titles once per request,
    and forget them when the request ends, so no request sees another's."""

    def middleware(request):
        token = _request_titles.set({})
        try:
            return get_response(request)
        finally:
            _request_titles.reset(token)

    return middleware


def _pages_in(context):
    """The pages a page's template context holds, alone or in lists. A queryset of pages is
    read into a list here, so the template shows the same objects."""
    for key, value in list(context.items()):
        if isinstance(value, QuerySet) and issubclass(value.model, Page):
            value = context[key] = list(value)
        if isinstance(value, Page):
            yield value
        elif isinstance(value, list | tuple):
            yield from (item for item in value if isinstance(item, Page))


def _route_in_library(request, path):
    """``Page.route_for_request``, from the site's own root page rather than from its
    translation in the active language, which also saves looking that translation up. The
    route is kept where Wagtail's view reads it (``request._wagtail_route_for_request``)."""
    if not hasattr(request, "_wagtail_route_for_request"):
        route = None
        site = Site.find_for_request(request)
        if site is not None:
            try:
                components = [component for component in path.split("/") if component]
                route = site.root_page.specific.route(request, components)
            except Http404:
                route = None
        request._wagtail_route_for_request = route
    return request._wagtail_route_for_request


def serve(request, path):
    """Wagtail's page view, routed through the library's tree and shown in the reader's
    language.

    Wagtail would route through the tree of the active language, where a session plan
    that nobody translated yet does not exist, and where pages have other ids than the
    ones cohorts and schedules point at. Routing through the library's tree first leaves
    the route on the request, and Wagtail's own view (with its hooks) then serves it.
    """
    route = _route_in_library(request, path)
    language = content_language()
    translated = language != library_language()
    if route is not None and translated:
        show_in_language([route[0]], language, with_children=True)
    response = wagtail_serve(request, path)
    if translated and isinstance(response, TemplateResponse) and response.context_data:
        show_in_language(list(_pages_in(response.context_data)), language)
    return response


# --- making translations -----------------------------------------------------------------------


def translate_page(page, locale_code, fields, *, publish=True):
    """Create or update the translation of ``page`` into ``locale_code`` and publish it.

    ``fields`` maps field names to values, as for the page itself (raw StreamField data
    is fine; build it with ``merge_stream`` to keep the original's block ids, so the site
    can match blocks). Parents that have no translation yet get one that mirrors the
    original (a Wagtail alias) until someone translates them too; a page that was such a
    mirror becomes an ordinary page first. Returns the translation.
    """
    page = page.specific
    locale, _created = Locale.objects.get_or_create(language_code=locale_code)
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale, copy_parents=True)
    elif translated.alias_of_id is not None:
        ConvertAliasPageAction(translated).execute(skip_permission_checks=True)
    translated = type(page).objects.get(pk=translated.pk)
    for name, value in fields.items():
        setattr(translated, name, value)
    revision = translated.save_revision()
    if publish:
        revision.publish()
        translated.refresh_from_db()
    return translated
