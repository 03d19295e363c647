"""Where generated files (the plans' PDFs) live: PRIVATE_FILES_STORAGE picks one of two
storages with the same behaviour, and private_storage() returns it.

- "filesystem" (the default): PRIVATE_FILES_ROOT on this host's disk. Right for one host,
  or for several that mount the same shared volume there.
- "database": rows of clusterdiag.StoredFile in PostgreSQL, which every web and worker
  host already shares. PDFs are small (about 100 kB) and few (one per plan version and
  language, the older ones deleted), they are then part of the database backups, and a
  file and its job row are written in the same database, so no new service is needed.

Both overwrite a file of the same name instead of inventing another name (one name per
plan version and language), and a reader sees the old file or the whole new one, never a
part: the file system writes a temporary file and renames it; the database replaces the
row in one statement.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.utils import timezone

from .models import StoredFile

TEMP_DIR = "tmp"


def write_atomically(path: Path, content: bytes, temp_dir: Path) -> None:
    """Readers see the old file or the whole new one; a process killed half-way leaves a
    temporary file in `temp_dir` (swept later), never a truncated file under the real
    name. `temp_dir` must be on the same file system as `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp_dir.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=temp_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class PrivateFileSystemStorage(FileSystemStorage):
    """PRIVATE_FILES_ROOT, with no URL; a save replaces the file of that name whole."""

    def get_available_name(self, name, max_length=None):
        return name

    def url(self, name):
        raise ValueError("Private files have no URL: a view that checks access serves them.")

    def _save(self, name, content):
        write_atomically(Path(self.path(name)), content.read(), Path(self.path(TEMP_DIR)))
        return name

    def temporary_files(self) -> list[str]:
        """Names of the temporary files a killed writer left behind."""
        return [f"{TEMP_DIR}/{n}" for n in self.listdir(TEMP_DIR)[1]
                if n.endswith(".part")] if self.exists(TEMP_DIR) else []


class DatabaseStorage(Storage):
    """Files as rows of StoredFile; folders are the "/"-separated prefixes of the names."""

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("DatabaseStorage opens files for reading only: use save().")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name, content):
        data = content.read()
        # One INSERT ... ON CONFLICT UPDATE: a concurrent reader sees the old row or the new.
        StoredFile.objects.bulk_create(
            [StoredFile(name=name, content=data, size=len(data), modified_at=timezone.now())],
            update_conflicts=True, unique_fields=["name"],
            update_fields=["content", "size", "modified_at"])
        return name

    def get_available_name(self, name, max_length=None):
        return name

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name):
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def get_modified_time(self, name):
        at = StoredFile.objects.filter(name=name).values_list("modified_at", flat=True).first()
        if at is None:
            raise FileNotFoundError(name)
        return at

    def listdir(self, path):
        prefix = path.rstrip("/") + "/" if path.strip("/") else ""
        directories, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list(
                "name", flat=True):
            head, _sep, tail = name[len(prefix):].partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def url(self, name):
        raise ValueError("Private files have no URL: a view that checks access serves them.")

    def temporary_files(self) -> list[str]:
        return []  # a row is written whole or not at all


def private_storage() -> PrivateFileSystemStorage | DatabaseStorage:
    """The storage of generated files, read from the settings at call time (tests and
    settings can move it)."""
    kind = settings.PRIVATE_FILES_STORAGE
    if kind == "filesystem":
        return PrivateFileSystemStorage(location=settings.PRIVATE_FILES_ROOT, base_url=None)
    if kind == "database":
        return DatabaseStorage()
    raise ImproperlyConfigured(
        f"PRIVATE_FILES_STORAGE must be filesystem or database, not {kind!r}.")

