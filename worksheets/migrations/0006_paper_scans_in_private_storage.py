"""Photos and scans of paper worksheets move out of the public media folder.

They were kept under ``MEDIA_ROOT/worksheets/paper/``, which is served without a login
wherever ``/media/`` is served, with the metadata the phone or scanner put in them (the
place a photo was taken, the phone, the scanner's software). Each one is now read, cleaned
as new uploads are (``worksheets.paper_scans``: photos drawn afresh without EXIF, PDFs
rewritten without their metadata), stored in the private storage of recordings and
pictures (``answer_files.answer_storage``) under a new random name, and removed from the
public folder. Every row is kept; a row whose file had already gone loses the name that
pointed at nothing. Files left in the public folder that no row points at (earlier scans
that were replaced) are removed as well: they are personal data nobody can reach.

This uses the app's own cleaning code rather than a frozen copy of it, so that existing
scans are cleaned exactly as new ones are.
"""

import posixpath
import uuid

from django.db import migrations, models

import worksheets.answer_files
import worksheets.models

OLD_FOLDER = "worksheets/paper"


def _storages():
    from django.core.files.storage import storages

    from worksheets.answer_files import answer_storage

    return storages["default"], answer_storage()


def _files_in(storage, folder):
    try:
        _folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    return [posixpath.join(folder, name) for name in files]


def move_scans_to_private_storage(apps, schema_editor):
    from django.core.files.base import ContentFile

    from worksheets.paper_scans import cleaned_scan

    public, private = _storages()
    WorksheetResponse = apps.get_model("worksheets", "WorksheetResponse")
    for pk, name in WorksheetResponse.objects.exclude(paper_scan="").values_list(
        "id", "paper_scan"
    ):
        if private.exists(name):
            continue  # moved already (the migration ran before and was rolled forward)
        if not public.exists(name):
            WorksheetResponse.objects.filter(pk=pk).update(paper_scan="")
            continue
        with public.open(name, "rb") as handle:
            extension, data = cleaned_scan(name, handle.read())
        kept = private.save(f"paper/{uuid.uuid4().hex}.{extension}", ContentFile(data))
        WorksheetResponse.objects.filter(pk=pk).update(paper_scan=kept)
        public.delete(name)
    for name in _files_in(public, OLD_FOLDER):
        public.delete(name)


def move_scans_back(apps, schema_editor):
    """Undoing puts the (cleaned) files back where the old code looks for them."""
    from django.core.files.base import ContentFile

    public, private = _storages()
    WorksheetResponse = apps.get_model("worksheets", "WorksheetResponse")
    for pk, name in WorksheetResponse.objects.exclude(paper_scan="").values_list(
        "id", "paper_scan"
    ):
        if not private.exists(name):
            continue
        with private.open(name, "rb") as handle:
            data = handle.read()
        kept = public.save(f"{OLD_FOLDER}/{posixpath.basename(name)}", ContentFile(data))
        WorksheetResponse.objects.filter(pk=pk).update(paper_scan=kept)
        private.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("worksheets", "0005_answers_record_their_visibility"),
    ]

    operations = [
        migrations.AlterField(
            model_name="worksheetresponse",
            name="paper_scan",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=worksheets.answer_files.answer_storage,
                upload_to=worksheets.models.paper_scan_path,
                verbose_name="photo or scan",
            ),
        ),
        migrations.RunPython(move_scans_to_private_storage, move_scans_back),
    ]
