"""Placeholder: admin views for evaluation."""

snippet_viewsets = []
viewsets = []
