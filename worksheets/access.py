"""Who may read which answers. Every view asks here; nothing reads answers directly.

- the trainee who wrote a response reads all of it, private reflections included;
- a trainer of the trainee's cohort reads the parts shared with the trainer or the group;
- nobody else reads answers: not editors, not other trainees, and not superusers in the
  front end (private answers are personal data about health and lived experience).

Recordings and pictures follow the same rules as the text of the answer they belong to
(see ``layout.file_key``), with the review page's own limit for trainers: a trainer hears
or sees them once the worksheet is handed in, as they read the text.
"""

from .blocks import GROUP, TRAINER
from .layout import answer_keys, file_key
from .selectors import is_cohort_trainer

SHARED = (TRAINER, GROUP)


def is_author(user, response):
    return user.is_authenticated and response.enrolment.trainee_id == user.pk


def readable_keys(user, response, parts):
    """The answer keys of ``response`` that ``user`` may read, recordings and pictures
    included."""
    if is_author(user, response):
        return answer_keys(parts)
    if user.is_authenticated and is_cohort_trainer(user, response.enrolment.cohort):
        return answer_keys(parts, visibilities=SHARED)
    return set()


def readable_answers(user, response, parts):
    keys = readable_keys(user, response, parts)
    return {key: text for key, text in (response.answers or {}).items() if key in keys}


def may_read_file(user, answer_file, parts):
    """Whether ``user`` may hear or see ``answer_file``.

    Its author may, including the recordings and pictures that later ones replaced (they are
    theirs, like the earlier versions of their text). A trainer of the cohort may only for
    the file that is the answer now, in a part shared with them, once the worksheet is
    handed in and while the trainee is still in the group: the answers the review page
    shows them.
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
