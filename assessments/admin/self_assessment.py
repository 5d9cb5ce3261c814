"""Placeholder: admin views for self-assessment."""

snippet_viewsets = []
viewsets = []
