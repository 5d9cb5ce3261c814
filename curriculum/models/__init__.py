from .pages import (
    CurriculumIndexPage,
    ProgrammeLearningOutcome,
    ProgrammePage,
    ProgrammeValue,
    SessionLearningOutcome,
    SessionPlanPage,
)
from .snippets import CaseScenario, ContentNote, PeerSupportValue

__all__ = [
    "CaseScenario",
    "ContentNote",
    "CurriculumIndexPage",
    "PeerSupportValue",
    "ProgrammeLearningOutcome",
    "ProgrammePage",
    "ProgrammeValue",
    "SessionLearningOutcome",
    "SessionPlanPage",
]
