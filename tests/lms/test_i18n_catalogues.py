"""The Dutch, French and Spanish catalogues translate every string of the pages trainees
use, with nothing left fuzzy, and the committed .mo files match the .po files.

The strings are read from the templates and modules themselves (Django's ``templatize``,
as ``makemessages`` does, and Python's ``ast``), so a string added to a trainee page fails
here until someone runs ``makemessages`` and translates it.
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils.translation.template import templatize

LANGUAGES = ["nl", "fr", "es"]
LOCALE = Path(settings.BASE_DIR) / "locale"

# The pages trainees use; what these include or extend is followed from here.
TRAINEE_TEMPLATES = [
    "base.html",
    "registration/login.html",
    "lms/home/trainee.html",
    "worksheets/mine.html",
    "worksheets/fill.html",
    "assessments/self_assessment/form.html",
    "assessments/self_assessment/change.html",
    "assessments/quizzes/quiz.html",
    "assessments/quizzes/attempt.html",
    "assessments/quizzes/result.html",
    "assessments/h5p/play.html",
    "assessments/evaluation/consent.html",
    "assessments/evaluation/fill.html",
    "assessments/evaluation/thanks.html",
    "assessments/evaluation/mine.html",
    "assessments/evaluation/withdraw.html",
    "certificates/holder/mine.html",
    "training/people/account.html",
    "training/people/account_email_confirm.html",
    "training/sign_in/choose.html",
    "training/sign_in/email_check.html",
    "training/sign_in/change_current.html",
    "training/sign_in/change.html",
    "registration/password_reset_form.html",
    "registration/password_reset_done.html",
    "registration/password_reset_confirm.html",
    "registration/password_reset_complete.html",
    "registration/locked_out.html",
    "registration/too_many_tries.html",
    "assessments/h5p/frame_refused.html",
    "training/register/check_in.html",
    "training/register/check_in_done.html",
    "training/completion/my_progress.html",
    "curriculum/session_plan_trainee.html",
    "curriculum/programme_page.html",
]
# Worksheet parts are chosen by kind at run time: every part template counts.
PART_TEMPLATES = ("worksheets/fill.html", "_part_*.html")

# What the views of those pages say in Python: messages, statuses, errors, PDF labels.
TRAINEE_MODULES = [
    "worksheets/views/trainee.py",
    "worksheets/pdf.py",
    "assessments/views/self_assessment.py",
    "assessments/views/h5p.py",
    "assessments/self_assessment.py",
    "assessments/templatetags/online_activities.py",
    "training/views/completion.py",
    "training/completion.py",
    "assessments/completion.py",
    "training/models/attendance.py",
    "certificates/views/holder.py",
    "certificates/pdf.py",
    "curriculum/timing.py",
    "training/sign_in.py",
    "training/views/sign_in.py",
    "training/login_cards.py",
    "lms/sessions.py",
    "assessments/xapi.py",
]

GETTEXT_FUNCTIONS = {
    "_": "gettext",
    "gettext": "gettext",
    "gettext_lazy": "gettext",
    "gettext_noop": "gettext",
    "ngettext": "ngettext",
    "ngettext_lazy": "ngettext",
    "pgettext": "pgettext",
    "pgettext_lazy": "pgettext",
    "npgettext": "npgettext",
    "npgettext_lazy": "npgettext",
}


# --- collecting the strings -----------------------------------------------------------------


def template_path(name):
    return Path(engines["django"].engine.find_template(name)[0].origin.name)


def trainee_templates():
    """Every template file a trainee page is made of."""
    found, todo = [], list(TRAINEE_TEMPLATES)
    beside, pattern = PART_TEMPLATES
    todo += [f"worksheets/{path.name}" for path in template_path(beside).parent.glob(pattern)]
    while todo:
        path = template_path(todo.pop())
        if path in found:
            continue
        found.append(path)
        todo += re.findall(r'{%\s*(?:include|extends)\s+"([^"]+)"', path.read_text())
    return found


LITERAL = r"u?'(?:[^'\\]|\\.)*'"
CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(({LITERAL}(?:,\s*{LITERAL})*)")


def template_messages(path):
    """``(context, msgid, msgid_plural)`` of each translatable string in a template, read as
    ``makemessages`` reads it."""
    for function, args in CALL.findall(templatize(path.read_text(), origin=str(path))):
        literals = [ast.literal_eval(text) for text in re.findall(LITERAL, args)]
        yield _message(function, literals)


def _message(function, literals):
    if function == "gettext":
        return (None, literals[0], None)
    if function == "ngettext":
        return (None, literals[0], literals[1])
    if function == "pgettext":
        return (literals[0], literals[1], None)
    return (literals[0], literals[1], literals[2])


def module_messages(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        function = GETTEXT_FUNCTIONS.get(name)
        literals = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
        if function and literals and all(isinstance(value, str) for value in literals):
            needed = {"gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}[function]
            if len(literals) >= needed:
                yield _message(function, literals)


def trainee_messages():
    messages = {}
    for path in trainee_templates():
        for message in template_messages(path):
            messages.setdefault(message, str(path.relative_to(settings.BASE_DIR)))
    for module in TRAINEE_MODULES:
        path = Path(settings.BASE_DIR) / module
        for message in module_messages(path):
            messages.setdefault(message, module)
    return messages


def catalogue(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def translated(translations, message):
    context, msgid, plural = message
    key = f"{context}\x04{msgid}" if context else msgid
    entries = translations._catalog
    if plural is None:
        return bool(entries.get(key))
    forms = [
        value for found, value in entries.items() if isinstance(found, tuple) and found[0] == key
    ]
    return bool(forms) and all(forms)


# --- the tests --------------------------------------------------------------------------------


def test_the_trainee_pages_have_strings_to_translate():
    """Guards the collection itself: an empty list would pass every test below."""
    messages = trainee_messages()
    assert len(messages) > 400
    assert (None, "What is next for me", None) in messages
    assert (None, "Hand in my worksheet", None) in messages
    assert (None, "Certificate", None) in messages  # certificates/pdf.py


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_trainee_pages_is_translated(language):
    translations = catalogue(language)
    missing = [
        f"{where}: {message[1]!r}"
        for message, where in trainee_messages().items()
        if not translated(translations, message)
    ]
    assert not missing, (
        f"{len(missing)} strings have no {language} translation. Run `manage.py makemessages "
        f"-l {language}` (see locale/README.md), translate them, then compilemessages:\n"
        + "\n".join(missing[:40])
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_left_fuzzy(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    assert "#, fuzzy" not in text and ", fuzzy" not in text


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_compiled_from_the_po_file(language, tmp_path):
    """A fresh clone works without gettext, so the .mo files are committed: they must say
    what the .po files say. ``msgfmt --check`` also checks placeholders and plural forms."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
    with open(compiled, "rb") as mo:
        fresh = gettext.GNUTranslations(mo)
    assert fresh._catalog == catalogue(language)._catalog


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    """A translation that drops or renames %(name)s would crash the page in that language."""
    placeholder = re.compile(r"%\(\w+\)[sd]")
    translations = catalogue(language)
    wrong = []
    for key, value in translations._catalog.items():
        # Plural forms are left to msgfmt --check: a singular may leave the count out.
        if isinstance(key, tuple) or not key or not value:
            continue
        msgid = key.split("\x04")[-1]
        if set(placeholder.findall(value)) != set(placeholder.findall(msgid)):
            wrong.append((msgid, value))
    assert not wrong
