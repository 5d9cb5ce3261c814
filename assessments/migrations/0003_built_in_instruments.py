"""The two questionnaires the project ships: the ONS personal wellbeing questions and a
recovery questionnaire written for this project.

Both are built in and their wording is locked: the admin refuses edits (see
``assessments.admin.evaluation``), and this migration updates them in place by their short
name, so running it on a database where they exist changes nothing.

ONS questions: each is its own subscale, as ONS reports them (ONS does not publish a combined
score). The anxiety question is turned round for scoring (``reversed``), so that every
subscale of the chart reads "higher is better"; the subscale is named "low anxiety" so nobody
reads it the wrong way. The answers are stored as given (0 = not at all anxious), so the CSV
export still has the raw anxiety answer to compare with ONS figures.
"""

from django.db import migrations

ONS_LICENCE = (
    "The four personal wellbeing questions (ONS4) are published by the Office for National "
    "Statistics (ONS) in the personal wellbeing harmonised standard of the Government "
    "Statistical Service. Source: Office for National Statistics, licensed under the Open "
    "Government Licence v3.0 (nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
    "The question wording is used as ONS publishes it and must not be changed. ONS reports each "
    "question on its own; here the anxiety answer is turned round for the chart only."
)

ONS = {
    "short_name": "ONS4",
    "name": "Personal wellbeing (ONS four questions)",
    "introduction": (
        "Four questions about how you feel about your life. There is no right or wrong "
        "answer. Answer each one from 0 to 10: 0 means not at all, 10 means completely."
    ),
    "scale_min": 0,
    "scale_max": 10,
    "scale_min_label": "Not at all",
    "scale_max_label": "Completely",
    "scoring": "mean",
    "licence": ONS_LICENCE,
    # (code, exact ONS wording, subscale, reversed)
    "items": [
        (
            "ons_life_satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
            "life satisfaction",
            False,
        ),
        (
            "ons_worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?",
            "worthwhile",
            False,
        ),
        ("ons_happiness", "Overall, how happy did you feel yesterday?", "happiness", False),
        (
            "ons_anxiety",
            "On a scale where 0 is \u201cnot at all anxious\u201d and 10 is \u201ccompletely "
            "anxious\u201d, overall, how anxious did you feel yesterday?",
            "low anxiety",
            True,
        ),
    ],
}

RECOVERY = {
    "short_name": "Recovery",
    "name": "My recovery (hope, wellbeing, belonging)",
    "introduction": (
        "Twelve short sentences about your life at the moment. For each one, choose how much "
        "you agree. There is no right or wrong answer, and nobody is judged on it."
    ),
    "scale_min": 1,
    "scale_max": 5,
    "scale_min_label": "Strongly disagree",
    "scale_max_label": "Strongly agree",
    "scoring": "mean",
    "licence": (
        "Written for this project, free to use. Not a validated scale: it shows change in a "
        "group, it does not diagnose anyone."
    ),
    "items": [
        ("hope_1", "I believe my life can get better.", "hope", False),
        ("hope_2", "I have plans for the future that I look forward to.", "hope", False),
        ("wellbeing_1", "Most days I feel well in myself.", "wellbeing", False),
        ("wellbeing_2", "I often feel low or worn out.", "wellbeing", True),
        ("inclusion_1", "I have people I can turn to when things are hard.", "inclusion", False),
        ("inclusion_2", "I feel left out by the people around me.", "inclusion", True),
        (
            "citizenship_1",
            "I know my rights and where to go for help with them.",
            "citizenship",
            False,
        ),
        ("citizenship_2", "I take part in my neighbourhood or community.", "citizenship", False),
        ("empowerment_1", "I make my own choices about my life.", "empowerment", False),
        (
            "empowerment_2",
            "I can speak up when something is not right for me.",
            "empowerment",
            False,
        ),
        ("meaning_1", "What I do each day matters to me.", "meaningful life", False),
        ("meaning_2", "My own experience can be useful to other people.", "meaningful life", False),
    ],
}

BUILT_IN = [ONS, RECOVERY]


def install(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    InstrumentItem = apps.get_model("assessments", "InstrumentItem")
    for data in BUILT_IN:
        fields = {key: value for key, value in data.items() if key not in ("items", "short_name")}
        instrument, _created = Instrument.objects.update_or_create(
            short_name=data["short_name"],
            built_in=True,
            defaults={**fields, "wording_locked": True, "organisation": None},
        )
        for position, (code, text, subscale, is_reversed) in enumerate(data["items"]):
            InstrumentItem.objects.update_or_create(
                instrument=instrument,
                code=code,
                defaults={
                    "text": text,
                    "subscale": subscale,
                    "reversed": is_reversed,
                    "sort_order": position,
                },
            )


def remove(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    # Only questionnaires nobody answered can go; answered ones are protected by the database.
    for data in BUILT_IN:
        Instrument.objects.filter(
            short_name=data["short_name"], built_in=True, schedules__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_permissions")]

    operations = [migrations.RunPython(install, remove)]
