"""``{{ session|translated_title }}``: a curriculum page's title in the reader's language."""

from django import template

from lms import page_translations

register = template.Library()


@register.filter
def translated_title(page):
    """The title of the page's live translation in the active language, else its own."""
    return page_translations.translated_title(page)
