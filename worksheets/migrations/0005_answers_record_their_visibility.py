"""Each response records the visibility every answer was written under (``written_under``).

The answers already stored are given the visibility their part has in the worksheet's
definition today, and private when their part is no longer in the definition. That is the
best record available: definitions keep no history (a worksheet is not a revisioned
snippet), and until now the only rule was that a part trainees had answered in private
could not be shared in one step, so for a part still in the definition, its visibility
today is what its trainees were told, unless someone had already deleted a private part and
added it back as shared; that one case cannot be seen from here. An answer whose part is
gone may have been written in private, so it is recorded as private: reading it more openly
later would need someone to add the part back, which is exactly what this guards against.
"""

from django.db import migrations, models

PRIVATE = "private"
KNOWN = ("private", "trainer", "group")
BATCH = 500


def _visibilities(worksheet):
    raw = getattr(worksheet.parts, "raw_data", None)
    if raw is None:
        raw = worksheet.parts or []
    return {
        item.get("id"): (item.get("value") or {}).get("visibility")
        for item in raw
        if isinstance(item, dict) and item.get("id")
    }


def record_current_visibility(apps, schema_editor):
    Worksheet = apps.get_model("worksheets", "Worksheet")
    WorksheetResponse = apps.get_model("worksheets", "WorksheetResponse")
    visibilities = {worksheet.pk: _visibilities(worksheet) for worksheet in Worksheet.objects.all()}
    batch = []
    for response in WorksheetResponse.objects.only("id", "worksheet_id", "answers").iterator(
        chunk_size=BATCH
    ):
        parts = visibilities.get(response.worksheet_id, {})
        record = {}
        for key in response.answers or {}:
            visibility = parts.get(key.split(":", 1)[0])
            record[key] = visibility if visibility in KNOWN else PRIVATE
        if record:
            response.written_under = record
            batch.append(response)
        if len(batch) >= BATCH:
            WorksheetResponse.objects.bulk_update(batch, ["written_under"])
            batch = []
    if batch:
        WorksheetResponse.objects.bulk_update(batch, ["written_under"])


class Migration(migrations.Migration):
    dependencies = [
        ("worksheets", "0004_easy_read_and_answer_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="worksheetresponse",
            name="written_under",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="For each answer, who could read it when the trainee wrote it.",
                verbose_name="visibility each answer was written under",
            ),
        ),
        migrations.RunPython(record_current_visibility, migrations.RunPython.noop),
    ]
