"""Who delivers the training and what happened in it.

- ``people``: partner organisations, cohorts, trainers, enrolments and trainee profiles.
- ``schedule``: a cohort's sessions on the calendar, with their rescheduling history.
- ``attendance``: the register, one mark per trainee and session.
- ``completion``: a programme's completion rule, catch-ups and each trainee's stored progress.
- ``targets``: how many peer supporters an organisation has promised to train.
- ``sign_in``: the log of login cards, each with its one-time sign-in code.
"""

from .attendance import AttendanceMark
from .completion import CatchUp, CompletionRule, ProgrammeProgress
from .people import Cohort, CohortTrainer, Enrolment, Organisation, TraineeProfile
from .schedule import ScheduleChange, ScheduledSession
from .sign_in import SignInCode
from .targets import TrainingTarget

__all__ = [
    "AttendanceMark",
    "CatchUp",
    "Cohort",
    "CohortTrainer",
    "CompletionRule",
    "Enrolment",
    "Organisation",
    "ProgrammeProgress",
    "ScheduleChange",
    "ScheduledSession",
    "SignInCode",
    "TraineeProfile",
    "TrainingTarget",
]
