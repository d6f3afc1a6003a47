"""Storage for files that carry personal data (photos and videos of children, issue 15 §5).

Such a file is served only by a view that checks who reads it; it has no public address. `url()` refuses, so a
template that tried `{{ photo.file.url }}` fails in the tests instead of printing a path that a web server might
one day serve. Swap the backend in STORAGES["private"] (e.g. object storage with private buckets) without changing
the models: they name the alias, not the class.
"""

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("A private file has no public URL: serve it through a view that checks the reader's scope.")


def private_storage():
    """The `private` storage, for a FileField's `storage` (a callable: the migration names the function, not paths)."""
    return storages["private"]
