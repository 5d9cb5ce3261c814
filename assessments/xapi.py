"""xAPI statements from the H5P player: checked, stored, and turned into a result.

The player runs in a sandboxed frame and tells the page about each statement; the page adds
an actor made from the user id (``player_actor``), a statement id and the attempt the page
opened (``context.registration``), and posts it. A statement is refused, with nothing
stored, when it names no attempt, someone else's or a closed one, is about someone else or
another activity, is already stored (replay), malformed, or too big. The statement and the
result it changes are written in one transaction; completion is told on commit.

**What the server can check, and what it cannot.** The trainee's own browser sends every
statement, so whoever controls that browser (the trainee, or a library inside the package)
can send any statement a real play could send. What is checked (``score_flag``) for a score
of the whole activity: that it is inside what the activity allows (``raw <= max``), that its
parts agree (``scaled = raw / max``), that the highest score is the package's
(``H5PAttempt.max_score``) and the same all through the attempt, that it is the sum of the
latest per-question scores where the content type sends them, and that it did not arrive
within seconds of opening the activity. A score that fails is stored with its ``flag`` for the
trainer to see and never counts towards passing or completion. A forger who opens the
activity, waits, and sends per-question answers that add up to the total still gets a full
score: only playing the activity on the server would tell, and H5P content runs in the
browser.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from training.signals import progress_inputs_changed

from .models import H5PAttempt, H5PResult, XAPIStatement

MAX_BODY_BYTES = 64 * 1024
MAX_RESPONSE_CHARS = 5000
ACTOR_DOMAIN = "learners.peer-support.invalid"
# What the server records; other verbs (interacted, progressed...) are noise for results.
RECORDED_VERBS = frozenset({"answered", "completed", "passed", "failed", "scored"})
ATTEMPT_VERBS = frozenset({"answered", "completed"})
SUB_CONTENT = "?subContentId="
# A whole-activity result sooner than this after the page opened was not played by a person.
QUICK_SECONDS = 5
# H5P rounds the scaled score to four decimals.
SCALED_TOLERANCE = 0.001
Flag = XAPIStatement.Flag


class StatementRefused(Exception):
    def __init__(self, message, code, status=400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def actor_mail(user):
    # Built from the id, not the e-mail address: nothing personal travels in statements.
    return f"learner-{user.pk}@{ACTOR_DOMAIN}"


def player_actor(user):
    """The ``user`` option h5p-standalone gets; H5P turns it into the statement's actor."""
    return {"name": user.get_short_name() or user.get_username(), "mail": actor_mail(user)}


@dataclass
class Parsed:
    statement_id: uuid.UUID
    verb: str
    object_id: str
    sub_content_id: str
    score_raw: float | None
    score_max: float | None
    score_scaled: float | None
    success: bool | None
    completion: bool | None
    response: str
    interaction_type: str
    timestamp: object
    raw: dict
    registration: uuid.UUID | None = None

    @property
    def is_whole(self):
        """A statement about the whole activity that changes the trainee's result."""
        return not self.sub_content_id and self.verb in ATTEMPT_VERBS


def parse_body(body):
    if len(body) > MAX_BODY_BYTES:
        raise StatementRefused(_("This answer is too big to store."), "too_big", status=413)
    try:
        statement = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise StatementRefused(_("This answer could not be read."), "malformed") from None
    if not isinstance(statement, dict):
        raise StatementRefused(_("This answer could not be read."), "malformed")
    return statement


def _number(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise StatementRefused(_("The score in this answer is not a number."), "malformed")
    return float(value)


def _bool(value):
    if value is None or isinstance(value, bool):
        return value
    raise StatementRefused(_("This answer could not be read."), "malformed")


def _parent_ids(parents):
    """The ids of the activities a statement says it is part of: its
    ``context.contextActivities.parent``, one activity or a list of them."""
    if isinstance(parents, dict):
        parents = [parents]
    return tuple(
        str(p.get("id"))[:300] for p in parents or [] if isinstance(p, dict) and p.get("id")
    )


def check_statement(statement, *, user, activity):
    """Validate one statement for this user and activity; return its parsed fields."""
    try:
        statement_id = uuid.UUID(str(statement.get("id", "")))
    except ValueError:
        raise StatementRefused(_("This answer has no valid id."), "malformed") from None

    actor = statement.get("actor")
    mbox = actor.get("mbox") if isinstance(actor, dict) else None
    if mbox != f"mailto:{actor_mail(user)}":
        raise StatementRefused(
            _("This answer is about someone else, so it was not stored."), "actor", status=403
        )

    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise StatementRefused(_("This answer could not be read."), "malformed")
    verb_name = verb_id.rstrip("/").rsplit("/", 1)[-1][:40]
    if verb_name not in RECORDED_VERBS:
        raise StatementRefused(_("This kind of statement is not recorded."), "verb")

    obj = statement.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else None
    iri = activity.activity_iri
    sub_content_id = ""
    if object_id == iri:
        pass
    elif isinstance(object_id, str) and object_id.startswith(iri + SUB_CONTENT):
        sub_content_id = object_id[len(iri + SUB_CONTENT) :]
        if not sub_content_id or len(sub_content_id) > 64:
            raise StatementRefused(_("This answer could not be read."), "malformed")
    else:
        raise StatementRefused(
            _("This answer belongs to another activity, so it was not stored."),
            "object",
            status=403,
        )
    definition = obj.get("definition") if isinstance(obj.get("definition"), dict) else {}
    interaction_type = definition.get("interactionType") or ""
    if not isinstance(interaction_type, str):
        interaction_type = ""

    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise StatementRefused(_("This answer could not be read."), "malformed")
    score = result.get("score") or {}
    if not isinstance(score, dict):
        raise StatementRefused(_("This answer could not be read."), "malformed")
    raw, top = _number(score.get("raw")), _number(score.get("max"))
    scaled = _number(score.get("scaled"))
    if scaled is None and raw is not None and top:
        scaled = raw / top
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementRefused(_("The score in this answer is out of range."), "malformed")
    response = result.get("response", "")
    if not isinstance(response, str):
        raise StatementRefused(_("This answer could not be read."), "malformed")
    if len(response) > MAX_RESPONSE_CHARS:
        raise StatementRefused(_("This answer is too long to store."), "too_big", status=413)

    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    registration = None
    if context.get("registration") is not None:
        try:
            registration = uuid.UUID(str(context["registration"]))
        except ValueError:
            raise StatementRefused(_("This answer could not be read."), "malformed") from None

    timestamp = None
    if isinstance(statement.get("timestamp"), str):
        timestamp = parse_datetime(statement["timestamp"])
    now = timezone.now()
    if timestamp is None or timezone.is_naive(timestamp) or timestamp > now:
        # The server's clock decides; a phone's clock may be wrong.
        timestamp = now

    return Parsed(
        statement_id=statement_id,
        verb=verb_name,
        object_id=object_id[:300],
        sub_content_id=sub_content_id,
        score_raw=raw,
        score_max=top,
        score_scaled=scaled,
        success=_bool(result.get("success")),
        completion=_bool(result.get("completion")),
        response=response,
        interaction_type=interaction_type[:40],
        timestamp=timestamp,
        raw=statement,
        registration=registration,
    )


def _apply(result, parsed, activity):
    """Change a trainee's result by one accepted statement: attempts and scores come from
    the whole activity's own answered/completed statements, never from one question."""
    if not parsed.is_whole:
        return False
    result.attempts = min(result.attempts + 1, 32767)
    if parsed.score_scaled is not None:
        result.last_scaled = parsed.score_scaled
        if result.best_scaled is None or parsed.score_scaled > result.best_scaled:
            result.best_scaled = parsed.score_scaled
    if parsed.verb == "completed" or parsed.completion:
        if not result.completed:
            result.completed_at = timezone.now()
        result.completed = True
    if activity.pass_percent:
        result.passed = (
            result.best_scaled is not None
            and result.best_scaled * 100 >= activity.pass_percent - 1e-9
        )
    else:
        result.passed = result.completed
    return True


# --- the open attempt ----------------------------------------------------------------------


def open_attempt(parsed, *, enrolment, activity):
    """The attempt the statement names, locked until the transaction ends; refused when there
    is none, it is someone else's or another activity's, or it is closed."""
    attempt = None
    if parsed.registration is not None:
        attempt = (
            H5PAttempt.objects.select_for_update()
            .filter(registration=parsed.registration, enrolment=enrolment, activity=activity)
            .first()
        )
    if attempt is None:
        raise StatementRefused(
            _("This answer does not come from an activity you opened. Open it again to answer."),
            "attempt",
            status=403,
        )
    if not attempt.is_open():
        raise StatementRefused(
            _("This try of the activity is closed. Open the activity again to answer."),
            "closed",
            status=409,
        )
    return attempt


# --- believing a score ---------------------------------------------------------------------


@dataclass
class Earlier:
    """A statement the attempt already holds, as the score check needs it."""

    sub_content_id: str
    verb: str
    score_raw: float | None
    score_max: float | None
    parent_ids: tuple


def _earlier(attempt):
    # Only the parents out of each stored statement, not the whole of it (answers in the
    # trainee's own words run to thousands of characters).
    rows = (
        XAPIStatement.objects.filter(attempt=attempt)
        .order_by("pk")
        .values_list(
            "sub_content_id",
            "verb",
            "score_raw",
            "score_max",
            "raw__context__contextActivities__parent",
        )
    )
    return [
        Earlier(sub, verb, raw_score, top, _parent_ids(parents))
        for sub, verb, raw_score, top, parents in rows
    ]


def question_scores(earlier, activity_iri):
    """The latest score of each question of the whole activity, from the last round of
    answers: statements about sub-content whose parent is the activity itself (a question
    inside a question belongs to its own parent), between two whole-activity results. When
    the newest round holds no answers (a content type that sends "answered" and "completed"
    for the whole), the round before it is the one the total is about."""
    rounds = [[]]
    for item in earlier:
        if not item.sub_content_id:
            if item.verb in ATTEMPT_VERBS:
                rounds.append([])
            continue
        if item.score_max is None or (item.parent_ids and activity_iri not in item.parent_ids):
            continue
        rounds[-1].append(item)
    for answers in reversed(rounds):
        if answers:
            latest = {}
            for item in answers:
                latest[item.sub_content_id] = item
            return list(latest.values())
    return []


def score_flag(parsed, *, attempt, earlier, activity_iri, now=None):
    """Why a whole-activity result cannot be believed (a ``Flag``), or '' when it can."""
    if not parsed.is_whole:
        return ""
    now = now or timezone.now()
    if (now - attempt.opened_at).total_seconds() < QUICK_SECONDS:
        return Flag.TOO_QUICK
    raw, top, scaled = parsed.score_raw, parsed.score_max, parsed.score_scaled
    questions = question_scores(earlier, activity_iri)
    if raw is None or top is None:
        if attempt.max_score is not None or questions or scaled is not None:
            return Flag.NO_SCORE
        return ""
    if top <= 0 or raw < 0 or raw > top + 1e-9:
        return Flag.OUT_OF_RANGE
    if scaled is not None and abs(scaled - raw / top) > SCALED_TOLERANCE:
        return Flag.INCONSISTENT
    if attempt.max_score is not None and abs(top - attempt.max_score) > 1e-9:
        return Flag.MAX_MISMATCH
    if questions:
        total = sum(q.score_raw or 0 for q in questions)
        highest = sum(q.score_max or 0 for q in questions)
        if abs(total - raw) > 1e-6 or abs(highest - top) > 1e-6:
            return Flag.NOT_THE_SUM
    return ""


def record_statement(statement, *, user, enrolment, activity):
    """Store one statement; return ``(XAPIStatement, H5PResult or None)``. A flagged result
    is stored but changes nothing; the result returned is then the one as it was."""
    parsed = check_statement(statement, user=user, activity=activity)
    if XAPIStatement.objects.filter(statement_id=parsed.statement_id).exists():
        raise StatementRefused(_("This answer was already stored."), "duplicate", status=409)
    try:
        with transaction.atomic():
            # Locked: two statements of one attempt are checked one after the other.
            attempt = open_attempt(parsed, enrolment=enrolment, activity=activity)
            flag = ""
            if parsed.is_whole:
                flag = score_flag(
                    parsed,
                    attempt=attempt,
                    earlier=_earlier(attempt),
                    activity_iri=activity.activity_iri,
                )
            stored = XAPIStatement.objects.create(
                statement_id=parsed.statement_id,
                activity=activity,
                enrolment=enrolment,
                attempt=attempt,
                flag=flag,
                user=user,
                verb=parsed.verb,
                object_id=parsed.object_id,
                sub_content_id=parsed.sub_content_id,
                score_raw=parsed.score_raw,
                score_max=parsed.score_max,
                score_scaled=parsed.score_scaled,
                success=parsed.success,
                completion=parsed.completion,
                response=parsed.response,
                interaction_type=parsed.interaction_type,
                timestamp=parsed.timestamp,
                raw=parsed.raw,
            )
            result = None
            if parsed.is_whole and flag:
                result = H5PResult.objects.filter(activity=activity, enrolment=enrolment).first()
            elif parsed.is_whole:
                if attempt.max_score is None and parsed.score_max:
                    attempt.max_score = parsed.score_max
                    attempt.save(update_fields=["max_score"])
                # Lock the row so two statements arriving together both count.
                result, _created = H5PResult.objects.select_for_update().get_or_create(
                    activity=activity, enrolment=enrolment
                )
                _apply(result, parsed, activity)
                result.save()
                enrolment_id = enrolment.pk
                transaction.on_commit(
                    lambda: progress_inputs_changed.send(
                        sender=H5PResult, enrolment_ids=[enrolment_id]
                    )
                )
    except IntegrityError:
        # The same statement id arrived twice at the same moment.
        raise StatementRefused(
            _("This answer was already stored."), "duplicate", status=409
        ) from None
    return stored, result
