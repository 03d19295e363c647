"""The storages of generated files (clusterdiag/storage.py): the same behaviour on the
local disk and in the database, so that a deployment can switch with one setting."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone

from clusterdiag.storage import DatabaseStorage, PrivateFileSystemStorage, private_storage

pytestmark = [pytest.mark.django_db]


@pytest.fixture(params=["filesystem", "database"])
def files(request, settings, tmp_path):
    settings.PRIVATE_FILES_STORAGE = request.param
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return private_storage()


def test_the_setting_picks_the_storage(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    settings.PRIVATE_FILES_STORAGE = "database"
    assert isinstance(private_storage(), DatabaseStorage)
    settings.PRIVATE_FILES_STORAGE = "filesystem"
    assert isinstance(private_storage(), PrivateFileSystemStorage)
    settings.PRIVATE_FILES_STORAGE = "s3"
    with pytest.raises(ImproperlyConfigured):
        private_storage()


def test_a_save_replaces_the_file_of_that_name(files):
    assert files.save("pdf/plan-1/r1-en.pdf", ContentFile(b"%PDF old")) == "pdf/plan-1/r1-en.pdf"
    assert files.save("pdf/plan-1/r1-en.pdf", ContentFile(b"%PDF new")) == "pdf/plan-1/r1-en.pdf"

    with files.open("pdf/plan-1/r1-en.pdf") as handle:
        assert handle.read() == b"%PDF new"
    assert files.size("pdf/plan-1/r1-en.pdf") == 8
    assert files.exists("pdf/plan-1/r1-en.pdf")


def test_folders_deletion_and_missing_files(files):
    files.save("pdf/plan-1/r1-en.pdf", ContentFile(b"a"))
    files.save("pdf/plan-2/r3-fr.pdf", ContentFile(b"b"))

    folders, names = files.listdir("pdf")
    assert (sorted(folders), names) == (["plan-1", "plan-2"], [])
    assert files.listdir("pdf/plan-2")[1] == ["r3-fr.pdf"]
    assert files.get_modified_time("pdf/plan-1/r1-en.pdf") > (
        timezone.now() - datetime.timedelta(minutes=1))

    files.delete("pdf/plan-1/r1-en.pdf")
    assert not files.exists("pdf/plan-1/r1-en.pdf")
    with pytest.raises(FileNotFoundError):
        files.open("pdf/plan-1/r1-en.pdf")
    files.delete("pdf/plan-1/r1-en.pdf")  # deleting what is gone is no error


def test_private_files_have_no_url(files):
    with pytest.raises(ValueError):
        files.url("pdf/plan-1/r1-en.pdf")
