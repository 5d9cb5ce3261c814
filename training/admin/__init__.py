"""Wagtail admin screens for delivery data, registered in ``training/wagtail_hooks.py``."""
