"""Who may read which answers. Every view asks here; nothing reads answers directly.

- the trainee who wrote a response reads all of it, private reflections included;
- a trainer of the trainee's cohort reads the parts shared with the trainer or the group;
- nobody else reads answers: not editors, not other trainees, and not superusers in the
  front end (private answers are personal data about health and lived experience).
"""

from .blocks import GROUP, TRAINER
from .layout import prompt_keys
from .selectors import is_cohort_trainer

SHARED = (TRAINER, GROUP)


def is_author(user, response):
    return user.is_authenticated and response.enrolment.trainee_id == user.pk


def readable_keys(user, response, parts):
    """The answer keys of ``response`` that ``user`` may read."""
    if is_author(user, response):
        return prompt_keys(parts)
    if user.is_authenticated and is_cohort_trainer(user, response.enrolment.cohort):
        return prompt_keys(parts, visibilities=SHARED)
    return set()


def readable_answers(user, response, parts):
    keys = readable_keys(user, response, parts)
    return {key: text for key, text in (response.answers or {}).items() if key in keys}
