"""How many xAPI statements per second the H5P endpoint stores.

Run: .venv/bin/python benchmarks/xapi_statements.py [--statements 2000] [--trainees 9]
     [--database-url postgres://...]

Builds a throw-away SQLite database (or uses --database-url, an empty database: migrate
creates the tables), loads the demo and the demo H5P activity (unpacked into temporary
MEDIA_ROOT and PRIVATE_MEDIA_ROOT folders), then posts statements through the real endpoint
with Django's test Client, logged in as the demo trainees, CSRF checks on and the token in
the header as the player sends it. Each trainee plays like the player does: one "answered"
per question, one for the open question, then "completed" with the total, all naming the
attempt their play page opened (``context.registration``), as the page adds it. Prints
statements stored per second, and checks every statement was stored, none was held back,
and the results add up.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid

from delivery_pages import empty_database


def statement(
    user, activity, verb, *, sub=None, raw=None, top=None, response=None, registration=None
):
    from assessments.xapi import actor_mail

    body = {
        "id": str(uuid.uuid4()),
        "actor": {"name": user.first_name, "mbox": f"mailto:{actor_mail(user)}"},
        "context": {"registration": str(registration)},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {
            "id": activity.activity_iri + (f"?subContentId={sub}" if sub else ""),
            "definition": {"interactionType": "long-fill-in" if response else "choice"},
        },
        "result": {"completion": True},
    }
    if raw is not None:
        body["result"]["score"] = {"raw": raw, "max": top, "scaled": raw / top}
    if response is not None:
        body["result"]["response"] = response
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--trainees", type=int, default=9)
    parser.add_argument("--database-url", help="an empty database to use instead of SQLite")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    empty_database(args.database_url)

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-bench-media-")
    # H5P packages are unpacked in the private folder: not the working copy's.
    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-bench-private-")
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from assessments import demo_h5p
    from assessments.models import H5PResult, XAPIStatement
    from training.models import Enrolment

    activity = demo_h5p.load()
    enrolments = list(
        Enrolment.objects.filter(cohort__name="Kent, spring 2027", status="active")
        .select_related("trainee")
        .order_by("pk")[: args.trainees]
    )
    from datetime import timedelta

    from django.utils import timezone

    from assessments.h5p_package import declared_max_score
    from assessments.models import H5PAttempt

    players = []
    for enrolment in enrolments:
        client = Client(enforce_csrf_checks=True)
        client.force_login(enrolment.trainee)
        client.get(reverse("home"))
        token = client.cookies["csrftoken"].value
        url = reverse("assessments:h5p_xapi", args=[enrolment.pk, activity.pk])
        # The attempt the play page opens, a minute ago: a score sent within seconds of
        # opening is held back (assessments/xapi.py).
        attempt = H5PAttempt.open_for(
            enrolment=enrolment, activity=activity, max_score=declared_max_score(activity)
        )
        H5PAttempt.objects.filter(pk=attempt.pk).update(
            opened_at=timezone.now() - timedelta(minutes=1)
        )
        players.append((client, token, url, enrolment.trainee, attempt.registration))

    questions = ["lived-experience", "listening", "boundaries", "confidentiality"]
    # One play: four choice answers, the open answer, then "completed".
    plan = [("answered", q, 1, 1, None) for q in questions]
    plan += [
        ("answered", "own-words", None, None, "Calm and honest."),
        ("completed", None, 4, 4, None),
    ]
    sent = 0
    by_verb = {"answered": [0, 0.0], "completed": [0, 0.0]}
    started = time.perf_counter()
    while sent < args.statements:
        for client, token, url, user, registration in players:
            for verb, sub, raw, top, response in plan:
                body = statement(
                    user,
                    activity,
                    verb,
                    sub=sub,
                    raw=raw,
                    top=top,
                    response=response,
                    registration=registration,
                )
                one = time.perf_counter()
                reply = client.post(
                    url, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
                )
                by_verb[verb][0] += 1
                by_verb[verb][1] += time.perf_counter() - one
                if reply.status_code != 201:
                    sys.exit(f"refused: {reply.status_code} {reply.content[:200]}")
                sent += 1
    seconds = time.perf_counter() - started
    stored = XAPIStatement.objects.count()
    # Only the benchmark's trainees: the demo's finished cohort has results of its own.
    attempts = sum(
        H5PResult.objects.filter(enrolment__in=enrolments).values_list("attempts", flat=True)
    )
    assert stored == sent, (stored, sent)
    assert not XAPIStatement.objects.exclude(flag="").exists()
    assert attempts == sent // len(plan), (attempts, sent)
    print(f"database: {connection.vendor}, {len(players)} trainees, {sent} statements")
    print(f"stored {sent} statements in {seconds:.2f} s: {sent / seconds:.0f} statements/s")
    for verb, (count, spent) in by_verb.items():
        # "completed" also updates the result and, on commit, recomputes completion.
        print(f"  {verb:<10} {count:>6} statements, {count / spent:>7.0f} statements/s")


if __name__ == "__main__":
    main()
