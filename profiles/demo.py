"""Demo part for ``manage.py load_demo``: easy-read texts and lower-demand alternatives for the
activities of demo session 2, and the built-in "Autistic adults" profile for a cohort.

Safe to run again: texts are matched to activities by title and a new revision is
published only when something changed; block ids are kept, so answers and lineage that
point at them stay valid.
"""

import copy

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library

from .models import AdaptationProfile

PROGRAMME_SLUG = "peer-support-agent"
SESSION_NUMBER = 2
BUILT_IN_NAME = "Autistic adults"


def _p(*sentences):
    return "".join(f"<p>{sentence}</p>" for sentence in sentences)


# By activity title. Short sentences, one idea each, everyday words.
SESSION_2 = {
    "My role model": {
        "easy_read": _p(
            "Think of one person who helped you or gave you hope.",
            "It can be anyone. Someone you know, a famous person, or a person from a book.",
            "Write a few words about them on the worksheet.",
            "Then we go round the group. You can read from your sheet, or pass.",
        ),
        "low_demand_ways": ["writing", "own"],
        "low_demand_alternative": _p(
            "Let each person write their answer first. In the round, they may read it out, "
            "hand it to the trainer, or pass."
        ),
    },
    "Me as a role model": {
        "easy_read": _p(
            "We look at the values of peer support, such as Hope and Empathy.",
            "You work with one other person. You get a card with one value on it.",
            "Together you think: what would I do, so that people can see this value?",
            "Write your ideas on the worksheet.",
            "You can show your notes instead of talking to the whole group.",
        ),
        "low_demand_ways": ["pairs", "writing"],
        "low_demand_alternative": _p(
            "Keep to pairs rather than small teams. Each pair may give its notes to the "
            "trainer to read out instead of presenting."
        ),
    },
    "Secrecy and confidentiality": {
        "easy_read": _p(
            "The trainer explains confidentiality. It means: what people tell you stays private.",
            "You get some short situations on paper. The trainer reads them out too.",
            "For each one you decide: was something private passed on? Yes or no.",
            "Then you can say why. You can hold up a green or a red card instead of speaking.",
        ),
        "low_demand_ways": ["writing"],
        "low_demand_alternative": _p(
            "Use green and red cards for the yes-or-no question, and let people write "
            "their reasons on the worksheet instead of saying them."
        ),
    },
    "Case scenario: the story of Tomas": {
        "easy_read": _p(
            "We read a story about a man called Tomas.",
            "The story talks about hard things. The trainer tells you what they are before "
            "we start.",
            "You can step out of this one. That is fine.",
            "If you stay, we answer some questions about the story.",
            "You can write your answers on the worksheet instead of speaking.",
        ),
        "low_demand_ways": ["writing", "pairs"],
        "low_demand_alternative": _p(
            "People may read the story alone or in pairs instead of hearing it read to the "
            "whole group. Written answers on the worksheet count as a full contribution."
        ),
    },
}


def apply_easy_read(session, texts=None):
    """Write ``texts`` (by activity title) into ``session``'s activities and publish a new
    revision if anything changed. Returns how many activities changed."""
    texts = SESSION_2 if texts is None else texts
    raw = copy.deepcopy(list(session.activities.raw_data))
    changed = 0
    for item in raw:
        value = item.get("value") or {}
        wanted = texts.get(value.get("title"))
        if item.get("type") != "activity" or wanted is None:
            continue
        if any(value.get(key) != text for key, text in wanted.items()):
            value.update(wanted)
            changed += 1
    if changed:
        session.activities = raw
        session.save_revision().publish()
    return changed


def built_in_profile():
    return AdaptationProfile.objects.get(built_in=True, name=BUILT_IN_NAME)


def apply_to_cohort(cohort):
    """Give ``cohort`` the built-in "Autistic adults" profile."""
    profile = built_in_profile()
    if cohort.profile_id != profile.pk:
        cohort.profile = profile
        cohort.save(update_fields=["profile"])
    return profile


def demo_session():
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
    if programme is None:
        raise ValueError("Load the demo first: python manage.py load_demo")
    return SessionPlanPage.objects.child_of(programme).get(number=SESSION_NUMBER)


def load(*, stdout=None):
    """Easy-read texts and lower-demand alternatives for demo session 2."""
    session = demo_session()
    changed = apply_easy_read(session)
    if stdout is not None:
        stdout.write(
            f"  easy read and lower-demand ways for {len(SESSION_2)} activities of session "
            f"{session.number} ({changed} updated); profile '{BUILT_IN_NAME}' built in"
        )
    return session
