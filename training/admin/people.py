"""Placeholder: Wagtail viewsets for organisations, cohorts and targets."""

viewsets = []
