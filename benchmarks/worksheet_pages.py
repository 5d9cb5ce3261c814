"""Time the worksheet pages of trainees and trainers on the demo cohort, with every trainee
having answered and handed in every demo worksheet.

Run: .venv/bin/python benchmarks/worksheet_pages.py [--repeat 30]
"""

import argparse

from common import client_for, demo_database, time_pages


def fill_in_everything():
    """Each demo trainee answers every prompt of every worksheet and hands it in."""
    from training.models import Cohort
    from worksheets import services
    from worksheets.selectors import programme_worksheets

    cohort = Cohort.objects.get(organisation__slug="kent")
    worksheets = [w for _session, w in programme_worksheets(cohort.programme)]
    for enrolment in cohort.enrolments.select_related("trainee"):
        for worksheet in worksheets:
            parts = worksheet.layout(programme=cohort.programme)
            answers = {
                prompt.key: (prompt.choices[0] if prompt.choices else "An answer " * 20)
                for part in parts
                for prompt in part.prompts
            }
            if not answers:
                continue
            result = services.response_save(
                user=enrolment.trainee,
                enrolment=enrolment,
                worksheet=worksheet,
                changes=answers,
                base_version=0,
            )
            services.response_submit(user=enrolment.trainee, response=result.response)
    return cohort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    demo_database()
    from django.urls import reverse

    from worksheets.models import Worksheet, WorksheetResponse

    cohort = fill_in_everything()
    # The original: the demo's adaptation has a copy with the same title.
    secrecy = Worksheet.objects.filter(title="Secrecy and confidentiality").order_by("pk").first()
    enrolment = cohort.enrolments.get(trainee__username="marie")
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=secrecy)
    time_pages(
        client_for("marie"),
        {
            "trainee home": "/",
            "trainee worksheet": reverse("worksheets:fill", args=(enrolment.pk, secrecy.pk)),
            "trainee portfolio PDF": reverse("worksheets:portfolio"),
        },
        args.repeat,
    )
    time_pages(
        client_for("trainer"),
        {
            "trainer grid": reverse("worksheets:grid", args=(cohort.pk,)),
            "trainer review": reverse("worksheets:review", args=(cohort.pk, response.pk)),
            "class summary": reverse("worksheets:summary", args=(cohort.pk, secrecy.pk)),
            "blank worksheet PDF": reverse("worksheets:blank_pdf", args=(secrecy.pk,)),
        },
        args.repeat,
    )


if __name__ == "__main__":
    main()
