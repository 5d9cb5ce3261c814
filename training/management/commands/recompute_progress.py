"""Recompute the stored progress of every enrolment, or of one programme's enrolments.

Progress is kept up to date as things change; run this after an import that bypassed the
usual saves, or after changing how completion is computed.
"""

from django.core.management.base import BaseCommand, CommandError

from curriculum.models import ProgrammePage
from training.completion import recompute_enrolments
from training.models import Enrolment


class Command(BaseCommand):
    help = "Recompute trainees' stored progress and completion status."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="Only this programme (page id).")

    def handle(self, *args, programme=None, **options):
        enrolments = Enrolment.objects.all()
        if programme is not None:
            if not ProgrammePage.objects.filter(pk=programme).exists():
                raise CommandError(f"No programme with id {programme}.")
            enrolments = enrolments.filter(cohort__programme_id=programme)
        ids = list(enrolments.values_list("pk", flat=True))
        progresses = recompute_enrolments(ids)
        complete = sum(1 for p in progresses if p.is_complete)
        self.stdout.write(f"Recomputed {len(ids)} enrolments; {complete} complete.")
