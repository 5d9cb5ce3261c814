"""xAPI statements from the H5P player: checked, stored, and turned into a result.

The player is configured with an actor made from the user id (``player_actor``), the
activity's IRI as object id, and a statement id the page adds. A statement is refused, with
nothing stored, when it is about someone else, about another activity, already stored
(replay), malformed, or too big. The statement and the result it changes are written in one
transaction; completion is told on commit.
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

from .models import H5PResult, XAPIStatement

MAX_BODY_BYTES = 64 * 1024
MAX_RESPONSE_CHARS = 5000
ACTOR_DOMAIN = "learners.peer-support.invalid"
# What the server records; other verbs (interacted, progressed...) are noise for results.
RECORDED_VERBS = frozenset({"answered", "completed", "passed", "failed", "scored"})
ATTEMPT_VERBS = frozenset({"answered", "completed"})
SUB_CONTENT = "?subContentId="


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
    )


def _apply(result, parsed, activity):
    """Change a trainee's result by one accepted statement: attempts and scores come from
    the whole activity's own answered/completed statements, never from one question."""
    if parsed.sub_content_id or parsed.verb not in ATTEMPT_VERBS:
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


def record_statement(statement, *, user, enrolment, activity):
    """Store one statement; return ``(XAPIStatement, H5PResult)``."""
    parsed = check_statement(statement, user=user, activity=activity)
    if XAPIStatement.objects.filter(statement_id=parsed.statement_id).exists():
        raise StatementRefused(_("This answer was already stored."), "duplicate", status=409)
    try:
        with transaction.atomic():
            stored = XAPIStatement.objects.create(
                statement_id=parsed.statement_id,
                activity=activity,
                enrolment=enrolment,
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
            if not parsed.sub_content_id and parsed.verb in ATTEMPT_VERBS:
                # Lock the row so two statements arriving together both count.
                H5PResult.objects.get_or_create(activity=activity, enrolment=enrolment)
                result = H5PResult.objects.select_for_update().get(
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
