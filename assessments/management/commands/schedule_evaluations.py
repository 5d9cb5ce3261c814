"""``manage.py schedule_evaluations``: run it once a day (cron or a systemd timer).

It creates the evaluation invitations enrolments are owed and have not got yet (trainees
completed by the completion rule, follow-ups whose months have passed, schedules added
after people enrolled), then emails reminders. Running it twice in a row sends nothing new.
"""

from django.core.management.base import BaseCommand

from assessments.evaluation import enrolments_to_schedule, ensure_invitations, send_reminders

CHUNK = 500


class Command(BaseCommand):
    help = "Create missing evaluation invitations and email reminders that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-reminders", action="store_true", help="Only create the missing invitations."
        )

    def handle(self, *args, **options):
        created = 0
        batch = []
        for enrolment in enrolments_to_schedule().iterator(chunk_size=CHUNK):
            batch.append(enrolment)
            if len(batch) >= CHUNK:
                created += ensure_invitations(batch)
                batch = []
        if batch:
            created += ensure_invitations(batch)
        sent = 0 if options["no_reminders"] else send_reminders()
        if options["verbosity"]:
            self.stdout.write(f"{created} invitations created, {sent} reminder emails sent.")
