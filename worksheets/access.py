"""Who may read which answers. Every view asks here; nothing reads answers directly.

- the trainee who wrote a response reads all of it, private reflections included;
- a trainer of the trainee's cohort reads the answers shared with the trainer or the group;
- nobody else reads answers: not editors, not programme managers, not other trainees, and
  not superusers in the front end (private answers are personal data about health and
  lived experience).

"Shared" is judged per answer, as the stricter of two visibilities (private > trainer >
group): the one its part has in the worksheet's definition now, and the one the answer was
written under, which the response records (``WorksheetResponse.written_under``). A trainee
is told "only you can see these answers" when they write; that promise outlives any later
change of the definition, whether a part is made shared, deleted and added back with the
same block id, bulk edited, taken into an adaptation's copy or imported. An answer stored
without any record is read as private (fail closed). Nothing has been written under a key
without an answer, so an empty prompt follows the definition alone.

Recordings and pictures follow the same rules as the text of the answer they belong to
(see ``layout.file_key``), with the review page's own limit for trainers: a trainer hears
or sees them once the worksheet is handed in, as they read the text. A photo or scan of the
paper copy is read by the trainee whose worksheet it is and by the cohort's trainers
(``may_read_scan``).
"""

from .blocks import GROUP, PRIVATE, TRAINER, stricter
from .layout import answer_keys, file_key
from .selectors import is_cohort_trainer

SHARED = (TRAINER, GROUP)


def is_author(user, response):
    return user.is_authenticated and response.enrolment.trainee_id == user.pk


def written_under(response, key):
    """The visibility the answer under ``key`` was written under: the response's record,
    private for an answer stored without one, ``None`` when nothing was written there."""
    record = response.written_under or {}
    if key in record:
        return record[key]
    if key in (response.answers or {}):
        return PRIVATE
    return None


def visibility_of(response, key, visibility_now):
    """How openly the answer under ``key`` may be read: the stricter of what its part says
    now and what it was written under."""
    return stricter(visibility_now, written_under(response, key))


def _shared_keys(response, parts):
    """The answer keys of ``response`` that its cohort's trainers may read (the caller has
    checked that the reader is one)."""
    return {
        key
        for part in parts
        for key in answer_keys([part], visibilities=SHARED)
        if visibility_of(response, key, part.visibility) in SHARED
    }


def readable_keys(user, response, parts):
    """The answer keys of ``response`` that ``user`` may read, recordings and pictures
    included."""
    if is_author(user, response):
        return answer_keys(parts)
    if user.is_authenticated and is_cohort_trainer(user, response.enrolment.cohort):
        return _shared_keys(response, parts)
    return set()


def readable_answers(user, response, parts, *, keys=None):
    """The answers of ``response`` that ``user`` may read. ``keys``: what ``readable_keys``
    gave for the same reader, if the caller has it."""
    if keys is None:
        keys = readable_keys(user, response, parts)
    return {key: text for key, text in (response.answers or {}).items() if key in keys}


def withheld_keys(parts, readable):
    """Prompt keys in parts shared now that are not in ``readable`` (what ``readable_keys``
    gave the reader) because their answer was written under a stricter visibility: what the
    review page shows as kept private. None for the author, who reads every key."""
    return {
        prompt.key
        for part in parts
        if part.visibility in SHARED
        for prompt in part.prompts
        if prompt.key not in readable
    }


def written_more_privately(response, part):
    """Whether some answer of ``response`` in ``part`` was written when fewer people could
    read it than the part now says: its author is told those answers stay as they were."""
    answers = response.answers or {}
    return any(
        visibility_of(response, key, part.visibility) != part.visibility
        for key in answer_keys([part])
        if answers.get(key)
    )


def answers_for_summary(user, cohort, responses, parts):
    """The answers of ``responses`` (of ``cohort``) that a class summary may count: for each
    response, what its cohort's trainers may read. Nothing for anyone who does not train
    the cohort."""
    if not (user.is_authenticated and is_cohort_trainer(user, cohort)):
        return []
    return [
        readable_answers(user, response, parts, keys=_shared_keys(response, parts))
        for response in responses
    ]


def may_read_file(user, answer_file, parts):
    """Whether ``user`` may hear or see ``answer_file``.

    Its author may, including the recordings and pictures that later ones replaced (they are
    theirs, like the earlier versions of their text). A trainer of the cohort may only for
    the file that is the answer now, in a part shared with them (now and when it was
    given), once the worksheet is handed in and while the trainee is still in the group:
    the answers the review page shows them.
    """
    from training.models import Enrolment

    from .models import WorksheetResponse

    response = answer_file.response
    key = file_key(answer_file.key, answer_file.kind)
    if key not in readable_keys(user, response, parts):
        return False
    if is_author(user, response):
        return True
    handed_in = response.status != WorksheetResponse.Status.DRAFT
    followed = response.enrolment.status != Enrolment.Status.WITHDRAWN
    is_current = (response.answers or {}).get(key) == str(answer_file.pk)
    return handed_in and followed and is_current


def may_read_scan(user, response):
    """Whether ``user`` may download the photo or scan of ``response``'s paper copy.

    The trainee whose worksheet it is may, always (it is theirs, as their answers are, even
    after they left the group). A trainer of the cohort may while the trainee is still in
    the group: the trainer took the photo of the pages the trainee handed in. Nobody else:
    not managers, editors or superusers in the front end.
    """
    from training.models import Enrolment

    if not response.paper_scan or not user.is_authenticated:
        return False
    if is_author(user, response):
        return True
    followed = response.enrolment.status != Enrolment.Status.WITHDRAWN
    return followed and is_cohort_trainer(user, response.enrolment.cohort)
