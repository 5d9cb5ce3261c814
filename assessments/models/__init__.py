"""How a trainee shows what they learnt, and how a programme changed them.

- ``self_assessment``: before and after ratings against a session's learning outcomes.
- ``quizzes``: quizzes, attempts, answers and each trainee's counted result.
- ``h5p``: uploaded H5P packages, attempts, the xAPI statements their player sends, and
  results.
- ``evaluation``: questionnaires taken before, after and some months after a programme,
  with the trainee's consent.
"""

from .evaluation import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSchedule,
    Instrument,
    InstrumentItem,
)
from .h5p import H5PActivity, H5PAttempt, H5PResult, XAPIStatement
from .quizzes import Quiz, QuizAnswer, QuizAttempt, QuizResult
from .self_assessment import SelfAssessment, SelfRating

__all__ = [
    "EvaluationConsent",
    "EvaluationInvitation",
    "EvaluationResponse",
    "EvaluationSchedule",
    "H5PActivity",
    "H5PAttempt",
    "H5PResult",
    "Instrument",
    "InstrumentItem",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "QuizResult",
    "SelfAssessment",
    "SelfRating",
    "XAPIStatement",
]
