"""Placeholder: Wagtail viewset for completion rules."""

viewsets = []
