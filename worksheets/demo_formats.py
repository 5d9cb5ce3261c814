"""Demo data for easy read and answer formats: the demo worksheet "My role model" gets an
easy-read wording of its instructions and questions, and its first question may also be
answered by speaking or with a picture.

``load()`` runs after ``manage.py load_demo`` has written the worksheet, and is safe to run
again: it sets the same words on the same parts (found by position; their ids, under which
answers are stored, are left as they are) and saves only when something changed.
"""

from django.db import transaction

from .blocks import AUDIO, PICTURE
from .models import Worksheet

WORKSHEET_TITLE = "My role model"
EASY_READ_INSTRUCTIONS = (
    "Think of a person you looked up to.\n"
    "It can be someone from any time in your life.\n"
    "Answer the questions about this person.\n"
    "You can write, speak or show a picture."
)
# Per part, in order: the question in easy read, and the other ways to answer it.
PARTS = [
    (
        "Think of a person you looked up to.\n"
        "Who is this person?\n"
        "What did they do that you liked?",
        [AUDIO, PICTURE],
    ),
    ("Did this person know that you looked up to them?", []),
    ("What was good about this person?\nWhat do you want to do like them?", []),
]


def load(stdout=None):
    """Add the easy-read words and answer formats to the demo worksheet; say what was done on
    ``stdout`` (an ``OutputWrapper`` or any object with ``write``)."""
    with transaction.atomic():
        worksheet = (
            Worksheet.objects.select_for_update()
            .filter(title=WORKSHEET_TITLE)
            .order_by("pk")
            .first()
        )
        if worksheet is None:
            if stdout is not None:
                stdout.write(f"  no worksheet '{WORKSHEET_TITLE}': run load_demo first")
            return None
        raw = [dict(item) for item in worksheet.parts.raw_data]
        changed = worksheet.easy_read_instructions != EASY_READ_INSTRUCTIONS
        worksheet.easy_read_instructions = EASY_READ_INSTRUCTIONS
        reflections = [item for item in raw if item.get("type") == "reflection"]
        for item, (easy_read, formats) in zip(reflections, PARTS, strict=False):
            value = dict(item["value"])
            wanted = {"easy_read_prompt": easy_read, "answer_formats": list(formats)}
            if any(value.get(name) != setting for name, setting in wanted.items()):
                value.update(wanted)
                item["value"] = value
                changed = True
        if changed:
            worksheet.parts = raw
            worksheet.save()
    if stdout is not None:
        stdout.write(
            f"  '{WORKSHEET_TITLE}': easy-read instructions and questions; its first question "
            "can also be answered by speaking or with a picture"
        )
    return worksheet
