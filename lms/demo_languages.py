"""The demo in Dutch: a Dutch translation of the demo programme and of its session 2, for the
Antwerp cohort (``training.demo``), whose language is Dutch.

Safe to run again: the translations are found by their original page and updated. The
Dutch words are our own. Only words are translated: the minutes, worksheets, case
scenario, quiz and H5P activity stay those of the original session (see
``lms.page_translations``), so a quiz placed in session 2 later shows in Dutch too.

Other demo parts translate their pages with ``translate_page``, for example the
autistic-adults adaptation of session 2.
"""

import copy
import io

from django.core.management.base import OutputWrapper

from curriculum.models import (
    ProgrammeLearningOutcome,
    ProgrammePage,
    SessionLearningOutcome,
    SessionPlanPage,
)
from training.models import Cohort

from .page_translations import in_library, merge_stream, translate_page

__all__ = ["load", "translate_page", "translated_stream"]

LANGUAGE = "nl"
PROGRAMME_SLUG = "peer-support-agent"
SESSION_SLUG = "delving-deeper-peer-support-agent"


def _p(*paragraphs):
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def _ul(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


PROGRAMME = {
    "title": "Ervaringswerker worden",
    "summary": (
        "Een opleiding voor mensen die dakloos zijn geweest en die ervaring willen gebruiken "
        "om anderen te steunen. Je ontdekt wat ervaringswerk is, welke waarden erbij horen "
        "en hoe je veilig samenwerkt met professionals."
    ),
    "target_group": "Mensen met eigen ervaring met dakloosheid",
    "description": _p(
        "De opleiding bestaat uit sessies van 2,5 uur in een kleine groep. Elke sessie wisselt "
        "korte uitleg af met oefeningen, werkbladen en verhalen uit het echte leven.",
        "Niemand moet meer over zijn eigen verhaal vertellen dan hij wil.",
    ),
    "outcomes": [
        "Uitleggen wat ervaringswerk is en hoe het verschilt van vriendschap en van "
        "professionele hulp",
        "Je eigen ervaring veilig en met een doel gebruiken als je iemand steunt",
        "De zeven waarden van ervaringswerk tonen in het dagelijkse contact met de mensen die "
        "je steunt",
        "Grenzen, geheimhouding en vertrouwelijkheid respecteren als je samenwerkt met "
        "professionals",
    ],
}

# Each activity is named by its English title, so a changed original is left alone rather
# than given the wrong words.
SESSION_2 = {
    "title": "Dieper ingaan op de rol van ervaringswerker",
    "summary": (
        "We kijken van dichterbij naar wat een ervaringswerker doet: hoop geven, mensen "
        "sterker maken en hen helpen groeien als er dingen veranderen. Je leert hoe je iemand "
        "volgt in elke fase van herstel, hoe je merkt dat iemand klaar is voor iets nieuws, en "
        "hoe je bouwt op wat iemand al goed kan. We bespreken ook waarom communicatie, "
        "vertrouwen, grenzen, veerkracht en zelfzorg belangrijk zijn."
    ),
    "outcomes": [
        "In je eigen woorden uitleggen wat de rol van een ervaringswerker is",
        "De belangrijkste verantwoordelijkheden van een ervaringswerker noemen",
        "Herkennen wat geheimhouding en vertrouwelijkheid van een ervaringswerker vragen",
    ],
    "materials": [
        "ATL-handleiding voor trainers",
        "JCS-handleiding, met werkbladen, casussen en oefeningen voor zelfbeoordeling",
        "Gedrukte werkbladen en de casus",
        "Schrijfgerief: papier in verschillende formaten, karton, pennen, potloden, stiften, "
        "plakbriefjes",
        "Flip-over of whiteboard",
        "Dia's met de inhoud",
        "Computer",
        "Projector of tv-scherm",
    ],
    "introduction": (
        _p("Stel de onderwerpen van vandaag voor. Besteed de meeste tijd aan deze punten:")
        + _ul(
            "Waarvoor een ervaringswerker er is: hoop geven, mensen helpen om hun leven zelf in "
            "handen te nemen, en hen aanmoedigen om te groeien door te veranderen.",
            "Iemand volgen in elke fase van herstel: merken wanneer iemand klaar is om iets "
            "nieuws te proberen, meegaan terwijl die persoon het probeert, en helpen bouwen op "
            "wat die persoon al goed kan.",
            "Waarom communicatie, vertrouwen, respect voor grenzen, steun, veerkracht en goed "
            "voor jezelf zorgen allemaal belangrijk zijn.",
            "Die dingen in evenwicht houden, zodat ervaringswerk werkt voor allebei de mensen "
            "in de relatie.",
        )
    ),
    "activities": {
        "My role model": {
            "title": "Mijn rolmodel",
            "procedure": _p(
                "Leg kort uit wat een rolmodel en een mentor zijn.",
                "Vraag iedereen om te denken aan één persoon die ooit een rolmodel voor hen "
                "was. Dat kan iemand zijn die hielp om uit de dakloosheid te raken, maar het "
                "hoeft niet: iemand uit een andere periode van hun leven is even goed.",
                "Om te helpen focussen, kun je enkele sleutelwoorden op het bord schrijven, "
                "zoals inspiratie, relatie en contact, prestaties en vaardigheden, gelijkenis, "
                "status of macht. Deelnemers schrijven hun gedachten op het werkblad en delen "
                "ze daarna in een rondje.",
            ),
            "alternatives": _p(
                "Doe zelf mee: open het rondje met een rolmodel dat jij hebt gehad, nu of vroeger."
            ),
            "adaptation_notes": _p(
                "Stuur het werkblad en de sleutelwoorden een paar dagen vooraf, zodat mensen "
                "zich op hun eigen tempo kunnen voorbereiden. Zeg duidelijk dat een bekend "
                "persoon of een personage uit een boek ook mag. In het rondje mogen mensen "
                "voorlezen van hun blad, passen, of een geschreven antwoord geven in plaats "
                "van te spreken."
            ),
        },
        "Me as a role model": {
            "title": "Ik als rolmodel",
            "procedure": (
                _p("Overloop met de groep de waarden van ervaringswerk; dia's kunnen helpen.")
                + _ul(
                    "Hoop",
                    "Ervaring",
                    "Gelijkwaardigheid",
                    "Wederkerigheid",
                    "Empowerment",
                    "Aanvaarding",
                    "Empathie",
                )
                + _p(
                    "Verdeel de groep in duo's of kleine groepjes en geef elk groepje één of "
                    "twee waarden. Elk groepje bedenkt hoe ze zich zouden gedragen tegenover "
                    "de persoon die ze steunen, zodat de waarde te zien is in wat ze doen.",
                    "Breng na een tijdje iedereen weer samen en vraag elk groepje om hun "
                    "ideeën voor te stellen. Deelnemers kunnen de concrete voorbeelden per "
                    "waarde op hun werkblad schrijven.",
                )
            ),
            "alternatives": _p(
                "Niet iedereen gebruikt dezelfde lijst met waarden: sommige auteurs noemen er "
                "meer, andere minder. Maak de lijst korter, anders of langer, zodat ze past bij "
                "jouw aanpak.",
                "Stuur de groepjes naar concrete voorbeelden en echte situaties, en niet naar "
                "algemene praat over houdingen.",
            ),
            "adaptation_notes": _p(
                "Geef elk groepje een kaart met hun waarde, een uitleg van één regel en een "
                "voorbeeldsituatie, zodat de opdracht meteen concreet is. Zeg hoe lang het "
                "groepswerk duurt en waarschuw vijf minuten voor het einde. Groepjes mogen één "
                "woordvoerder kiezen of hun geschreven notities tonen in plaats van iets voor "
                "te stellen."
            ),
        },
        "Secrecy and confidentiality": {
            "title": "Geheimhouding en vertrouwelijkheid",
            "procedure": _p(
                "Leg uit aan welke plichten van geheimhouding en vertrouwelijkheid een "
                "ervaringswerker zich moet houden.",
                "Bespreek met de groep de korte situaties op het werkblad. In sommige situaties "
                "breekt een ervaringswerker, een professional van de sociale dienst of iemand "
                "die hulp krijgt de geheimhouding of de vertrouwelijkheid.",
                "Bespreek elke situatie met de hele groep: is er een inbreuk, en waarom?",
            ),
            "adaptation_notes": _p(
                "Deel de situaties op papier uit en lees ze ook elk voor. Stel eerst de "
                "gesloten vraag (wordt de vertrouwelijkheid hier gebroken, ja of nee?) en "
                "vraag daarna waarom. Met groene en rode kaarten kunnen mensen antwoorden "
                "zonder te spreken."
            ),
        },
        "Case scenario: the story of Tomas": {
            "title": "Casus: het verhaal van Tomas",
            "procedure": _p(
                "Noem de moeilijke onderwerpen van het verhaal voor je begint, zodat iedereen "
                "zich kan voorbereiden of even naar buiten kan gaan. Lees dan het verhaal voor "
                "aan de groep, of vraag een vrijwilliger om het voor te lezen.",
                "Beantwoord de vragen samen als één groep, of verdeel de groep in kleine "
                "groepjes. Werk je met kleine groepjes, vraag dan aan elk groepje om op het "
                "einde hun besluiten aan iedereen te vertellen.",
            ),
            "adaptation_notes": _p(
                "Deel het verhaal en de vragen de dag ervoor, zodat mensen ze in hun eigen tijd "
                "kunnen lezen. Spreek een rustige plek af waar iemand naartoe kan als het "
                "verhaal moeilijke herinneringen oproept. Geschreven antwoorden op het werkblad "
                "tellen als een volledige bijdrage."
            ),
        },
    },
    "breaks": {"Break": "Pauze"},
    "closure": _p(
        "Sluit af met een reflectierondje. Vraag eerst hoe vandaag iedereen dichter bij het "
        "werk als ervaringswerker heeft gebracht. Nodig daarna iedereen uit om te zeggen wat "
        "hen opviel, wat ze geleerd hebben en wat ze van vandaag willen onthouden. Wie nog "
        "vragen heeft, kan ze nu stellen."
    ),
    "closure_questions": [
        "Hoe heeft vandaag je dichter bij het werk als ervaringswerker gebracht?",
        "Wat viel je op of verraste je in deze sessie?",
        "Wat neem je mee van vandaag om later op terug te komen?",
    ],
}


def translated_stream(page, field_name, words):
    """The raw stream of ``page.<field_name>`` with ``words(block_type, value)`` applied to
    each block (it returns the value's new words, or None to keep a block as it is). The
    block ids stay the original's, so the site can match each block to its translation."""
    field = page._meta.get_field(field_name)
    original = list(getattr(page, field_name).raw_data)
    translated = []
    for item in copy.deepcopy(original):
        new = words(item.get("type"), item.get("value"))
        if new is not None:
            item["value"] = {**item["value"], **new} if isinstance(new, dict) else new
        translated.append(item)
    return merge_stream(field.stream_block, original, translated)


def _list_words(dutch):
    """A ``words`` function that gives the n-th block the n-th Dutch text."""
    texts = iter(dutch)

    def words(_type, value):
        return next(texts, None)

    return words


def _session_words(block_type, value):
    if block_type == "activity":
        return SESSION_2["activities"].get((value or {}).get("title"))
    if block_type == "pause":
        title = SESSION_2["breaks"].get((value or {}).get("title"))
        return {"title": title} if title else None
    return None


def translate_programme(programme):
    return translate_page(
        programme,
        LANGUAGE,
        {
            "title": PROGRAMME["title"],
            "summary": PROGRAMME["summary"],
            "target_group": PROGRAMME["target_group"],
            "description": PROGRAMME["description"],
            "learning_outcomes": [
                ProgrammeLearningOutcome(text=text, sort_order=position)
                for position, text in enumerate(PROGRAMME["outcomes"])
            ],
        },
    )


def translate_session(session):
    materials = iter(SESSION_2["materials"])
    return translate_page(
        session,
        LANGUAGE,
        {
            "title": SESSION_2["title"],
            "summary": SESSION_2["summary"],
            "introduction": SESSION_2["introduction"],
            "closure": SESSION_2["closure"],
            "activities": translated_stream(session, "activities", _session_words),
            "materials": translated_stream(
                session,
                "materials",
                lambda _type, _value: {"name": name} if (name := next(materials, None)) else None,
            ),
            "closure_questions": translated_stream(
                session, "closure_questions", _list_words(SESSION_2["closure_questions"])
            ),
            "learning_outcomes": [
                SessionLearningOutcome(text=text, sort_order=position)
                for position, text in enumerate(SESSION_2["outcomes"])
            ],
        },
    )


def load(stdout=None):
    """Translate the demo programme and its session 2 into Dutch. Returns the Dutch session
    plan, or None when the demo programme is missing."""
    out = stdout or OutputWrapper(io.StringIO())
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
    session = (
        SessionPlanPage.objects.child_of(programme).filter(slug=SESSION_SLUG).first()
        if programme
        else None
    )
    if session is None:
        out.write("  no Dutch translation: the demo programme or its session 2 is missing")
        return None
    translate_programme(programme)
    dutch = translate_session(session)
    cohorts = list(
        Cohort.objects.filter(programme=programme, language=LANGUAGE).values_list("name", flat=True)
    )
    out.write(
        f"  Dutch translation of '{programme.title}' and of session {session.number}"
        + (f", shown to the cohort {', '.join(cohorts)}" if cohorts else "")
    )
    return dutch
