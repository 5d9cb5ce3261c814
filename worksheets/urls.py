from django.urls import path

from .views import answer_files, printing, review, trainee

app_name = "worksheets"

urlpatterns = [
    # Trainees: their own worksheets.
    path("worksheets/", trainee.my_worksheets, name="mine"),
    path("worksheets/portfolio/", trainee.portfolio_pdf, name="portfolio"),
    path("worksheets/<int:enrolment_id>/<int:worksheet_id>/", trainee.fill, name="fill"),
    path("worksheets/<int:enrolment_id>/<int:worksheet_id>/save/", trainee.save, name="save"),
    path("worksheets/<int:enrolment_id>/<int:worksheet_id>/submit/", trainee.submit, name="submit"),
    path(
        "worksheets/<int:enrolment_id>/<int:worksheet_id>/files/",
        answer_files.change,
        name="answer_files",
    ),
    # A recording or picture, to whoever may read the answer it belongs to.
    path("worksheets/answers/<int:file_id>/", answer_files.serve, name="answer_file"),
    # The photo or scan of the trainee's own paper copy.
    path(
        "worksheets/<int:enrolment_id>/<int:worksheet_id>/scan/",
        trainee.my_scan,
        name="my_scan",
    ),
    path(
        "worksheets/<int:enrolment_id>/<int:worksheet_id>/pdf/",
        trainee.response_pdf,
        name="response_pdf",
    ),
    # Printing a blank copy for a room without Wi-Fi.
    path("worksheets/<int:worksheet_id>/blank/", printing.blank_pdf, name="blank_pdf"),
    # Trainers: review within the cohorts they train.
    path("cohorts/<int:cohort_id>/worksheets/", review.grid, name="grid"),
    path("cohorts/<int:cohort_id>/responses/<int:response_id>/", review.review, name="review"),
    path(
        "cohorts/<int:cohort_id>/responses/<int:response_id>/scan/",
        review.scan,
        name="scan",
    ),
    path(
        "cohorts/<int:cohort_id>/worksheets/<int:worksheet_id>/summary/",
        review.summary,
        name="summary",
    ),
    path(
        "cohorts/<int:cohort_id>/worksheets/<int:worksheet_id>/paper/<int:enrolment_id>/",
        review.paper,
        name="paper",
    ),
]
