from django import template

from ..credits import programme_credit_summary

register = template.Library()


@register.simple_tag
def programme_credits(programme):
    """What the programme is worth today, per framework (a fixed number of queries)."""
    return programme_credit_summary(programme)
