"""A worksheet resolved for one programme: its parts and every prompt a trainee answers.

The stored definition says "one row per peer support value"; the layout turns that into the
rows of the programme at hand. Every prompt gets a stable key under which its answer is
stored, built from the part's block id so that reordering parts keeps answers in place.
Views, PDFs and reviews all read this layout, so they agree on what a worksheet asks.

A recording or a picture given as an answer is stored under the prompt's key with the
format added (``file_key``): its value in the response's answers is the id of the
``AnswerFile``, so it is versioned and read-checked exactly like the text beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import ANSWER_FORMATS, PRIVATE

# Long enough for a thoughtful paragraph, short enough to refuse a pasted document.
ANSWER_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Prompt:
    key: str
    label: str
    hint: str = ""
    choices: tuple[str, ...] = ()  # a judgement picks one of these; empty means free text
    # Besides text, the trainee may answer with these (``blocks.AUDIO``, ``blocks.PICTURE``).
    formats: tuple[str, ...] = ()
    easy_label: str = ""  # the question in easy read, when the author wrote one

    def file_key(self, kind):
        return file_key(self.key, kind)


@dataclass(frozen=True)
class ClassificationItem:
    index: int
    situation: str
    description: str
    persons_involved: str
    judgement: Prompt
    why: Prompt | None
    answer: str = ""  # only filled in for trainers
    trainer_note: str = ""


@dataclass
class Part:
    id: str
    kind: str
    visibility: str
    instructions: str = ""
    easy_instructions: str = ""  # in easy read, when the author wrote them
    prompts: list[Prompt] = field(default_factory=list)
    # tables
    rows: list[tuple[str, str]] = field(default_factory=list)  # (row key, label)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (heading, cell hint)
    # classification exercises
    question: str = ""
    easy_question: str = ""
    choices: tuple[str, ...] = ()
    items: list[ClassificationItem] = field(default_factory=list)
    # case scenario questions
    scenario: object = None

    @property
    def is_private(self):
        return self.visibility == PRIVATE

    def cell(self, row_key, column_index):
        return f"{self.id}:{row_key}:{column_index}"


def file_key(key, kind):
    """Where the id of a recording or picture answering prompt ``key`` is kept. The part id
    stays first, so every rule that reads a key's part (privacy included) reads it alike."""
    return f"{key}:{kind}"


def part_id_of(key):
    """The id of the part an answer key belongs to: every key starts with it (see above)."""
    return key.split(":", 1)[0]


def visibility_by_part(worksheet):
    """``{part id: visibility}`` of ``worksheet`` as its definition stands, read from the
    stored data so that no block (nor the case scenario it points at) is resolved."""
    return {
        item.get("id"): (item.get("value") or {}).get("visibility")
        for item in worksheet.parts.raw_data
        if item.get("id")
    }


def _formats(value):
    return tuple(kind for kind in ANSWER_FORMATS if kind in (value.get("answer_formats") or ()))


def worksheet_layout(worksheet, *, programme=None, for_trainer=False, values=None):
    """The parts of ``worksheet`` as a trainee meets them in ``programme``.

    ``for_trainer`` adds the answer keys and notes of classification exercises; without it
    they are left out, so a template for trainees cannot show them by mistake. ``values``
    (the programme's peer support values) may be passed in when laying out many worksheets
    of one programme, so they are looked up once.
    """
    parts = []
    for block in worksheet.parts:
        value = block.value
        part = Part(id=block.id, kind=block.block_type, visibility=value["visibility"])
        if block.block_type == "table":
            if value["rows_from_values"]:
                if values is None:
                    values = programme_values(programme)
                part.rows = [(f"value-{v.pk}", v.name) for v in values]
            else:
                part.rows = [(f"row-{i}", label) for i, label in enumerate(value["rows"]) if label]
            part.columns = [(c["heading"], c["prompt"]) for c in value["columns"]]
            part.instructions = value["instructions"]
            part.easy_instructions = value.get("easy_read_instructions") or ""
            formats = _formats(value)
            for row_key, row_label in part.rows:
                for index, (heading, hint) in enumerate(part.columns):
                    part.prompts.append(
                        Prompt(
                            part.cell(row_key, index),
                            f"{row_label}: {heading}",
                            hint,
                            formats=formats,
                        )
                    )
        elif block.block_type == "reflection":
            part.prompts.append(
                Prompt(
                    part.id,
                    value["prompt"],
                    value["guidance"],
                    formats=_formats(value),
                    easy_label=value.get("easy_read_prompt") or "",
                )
            )
        elif block.block_type == "classification":
            part.question = value["question"]
            part.easy_question = value.get("easy_read_question") or ""
            part.choices = tuple(choice for choice in value["choices"] if choice)
            for index, item in enumerate(value["items"]):
                judgement = Prompt(
                    f"{part.id}:{index}:judgement",
                    f"{item['situation']}: {part.question}",
                    choices=part.choices,
                )
                why = (
                    Prompt(f"{part.id}:{index}:why", f"{item['situation']}: why?")
                    if value["ask_why"]
                    else None
                )
                part.items.append(
                    ClassificationItem(
                        index=index,
                        situation=item["situation"],
                        description=item["description"],
                        persons_involved=item["persons_involved"],
                        judgement=judgement,
                        why=why,
                        answer=item["answer"] if for_trainer else "",
                        trainer_note=item["trainer_note"] if for_trainer else "",
                    )
                )
                part.prompts.append(judgement)
                if why:
                    part.prompts.append(why)
        elif block.block_type == "case_questions":
            part.scenario = value["case_scenario"]
            questions = [q for q in value["questions"] if q]
            if not questions and part.scenario is not None:
                questions = part.scenario.questions
            formats = _formats(value)
            part.prompts = [
                Prompt(f"{part.id}:{index}", question, formats=formats)
                for index, question in enumerate(questions)
            ]
        parts.append(part)
    return parts


def prompt_keys(parts, *, visibilities=None):
    """The answer keys of ``parts``, limited to parts with one of ``visibilities``."""
    return {
        prompt.key
        for part in parts
        if visibilities is None or part.visibility in visibilities
        for prompt in part.prompts
    }


def answer_keys(parts, *, visibilities=None):
    """Like ``prompt_keys``, with the keys of recordings and pictures added. Every format is
    included whatever the part allows now: an answer already given stays readable by those
    who could read it, even if the editor later stops asking for that format."""
    keys = prompt_keys(parts, visibilities=visibilities)
    return keys | {file_key(key, kind) for key in keys for kind in ANSWER_FORMATS}


def programme_values(programme):
    if programme is not None:
        return [value for value, _description in programme.peer_support_values()]
    from curriculum.models import PeerSupportValue

    return list(PeerSupportValue.objects.all())
