"""The errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations

from coursekit.authoring.course import CourseError
from coursekit.authoring.release import ReleaseError
from coursekit.deployment import DeploymentError
from coursekit.gradebook.learner_ids import LearnerIdError
from coursekit.quiz.spec import QuizSpecError
from coursekit.shared import SharedProjectError

USER_ERRORS: tuple[type[Exception], ...] = (
    CourseError, QuizSpecError, ReleaseError, LearnerIdError, DeploymentError, FileNotFoundError, SharedProjectError,
)
