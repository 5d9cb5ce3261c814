"""How a group answered the classification exercises of a worksheet, for the debrief.

Only counts come out of here: how many picked each choice for each item, and how many left
it open. Names, explanations ("why?") and anything written in a private part never do, so
the page built from this can be shown to the whole group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .access import SHARED
from .layout import ClassificationItem, Part


@dataclass(frozen=True)
class ChoiceCount:
    choice: str
    count: int
    percent: int  # of the responses counted, rounded: drives the width of a bar
    is_key: bool  # the choice the answer key gives


@dataclass(frozen=True)
class ItemSummary:
    item: ClassificationItem
    choices: tuple[ChoiceCount, ...]
    not_answered: int
    # Answers that are no longer one of the choices, because an editor changed the choices
    # after trainees answered. Counted apart so the numbers still add up.
    other: int


@dataclass(frozen=True)
class PartSummary:
    part: Part
    items: tuple[ItemSummary, ...]
    responses: int

    @property
    def has_other(self):
        return any(item.other for item in self.items)


def _percent(count, total):
    return round(count * 100 / total) if total else 0


def classification_summary(
    parts: Iterable[Part], answers: Iterable[Mapping[str, object]]
) -> list[PartSummary]:
    """Count the choices made in each shared classification part of ``parts``.

    ``answers`` holds, for each response to count, the answers its cohort's trainers may
    read, as ``worksheets.access.answers_for_summary`` gives them (the caller decides which
    responses: handed in, returned or accepted). Parts kept private by the worksheet are
    skipped entirely: even counts would say something about private answers. An answer
    written in private in a part shared since is not in ``answers`` and counts as not
    answered: the trainer learns nothing of it, not even that it exists.
    """
    answers = [mapping or {} for mapping in answers]
    total = len(answers)
    summaries = []
    for part in parts:
        if part.kind != "classification" or part.visibility not in SHARED:
            continue
        items = []
        for item in part.items:
            counter = Counter()
            for mapping in answers:
                text = mapping.get(item.judgement.key)
                counter[text.strip() if isinstance(text, str) else ""] += 1
            not_answered = counter.pop("", 0)
            choices = tuple(
                ChoiceCount(
                    choice=choice,
                    count=counter.get(choice, 0),
                    percent=_percent(counter.get(choice, 0), total),
                    is_key=bool(item.answer) and choice == item.answer,
                )
                for choice in part.choices
            )
            other = sum(count for text, count in counter.items() if text not in part.choices)
            items.append(
                ItemSummary(item=item, choices=choices, not_answered=not_answered, other=other)
            )
        summaries.append(PartSummary(part=part, items=tuple(items), responses=total))
    return summaries
