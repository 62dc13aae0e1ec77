"""Where supporting documents live: a private directory outside the web root, never given a URL.

Documents are served only by `dataedits.views.DocumentDownloadView`, after the visibility gate.
The directory is read from settings at each use, so a deployment (or a test) can move it.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="dataedits.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # no public URL: url() refuses

    @property
    def file_permissions_mode(self):
        return 0o600

    @property
    def directory_permissions_mode(self):
        return 0o700


private_storage = PrivateStorage()
