"""Where personal files are kept: never under a public address.

Recordings and pictures given as answers, scans of paper worksheets, H5P packages and
spreadsheets waiting for "Confirm import" all live under ``PRIVATE_MEDIA_ROOT`` (one folder
each), or in a storage a site names in ``STORAGES`` (such as a private bucket). Only views
that apply the access rules ever serve them; the storage itself has no URL to hand out.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


@deconstructible(path="lms.private_storage.PrivateFolder")
class PrivateFolder(FileSystemStorage):
    """``folder`` under ``PRIVATE_MEDIA_ROOT``, looked up when used rather than when a model
    loads, so that settings changed later (as tests do) are followed."""

    def __init__(self, folder="", **kwargs):
        super().__init__(**kwargs)
        self.folder = folder

    @property
    def base_location(self):
        return os.path.join(os.fspath(settings.PRIVATE_MEDIA_ROOT), self.folder)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(
            "Personal files have no public address: a view that checks who asks serves them."
        )


def private_storage(alias, folder):
    """The site's ``STORAGES[alias]`` when it names one (it must not be publicly readable),
    else ``folder`` under ``PRIVATE_MEDIA_ROOT`` on this machine."""
    if alias and alias in settings.STORAGES:
        return storages[alias]
    return PrivateFolder(folder)
