"""Placeholder: filled in by the register work."""

urlpatterns = []
