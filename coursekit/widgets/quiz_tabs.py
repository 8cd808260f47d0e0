"""The quiz widget when another tab moved on: that tab submitted an attempt whose next one draws other questions.

A mixin of :class:`~coursekit.widgets.quiz.QuizView`. With question pools,
the attempt after the one shown here may give other questions. When another
tab (or window) of the same quiz submitted the attempt this tab shows, an
answer or a submit from this tab would be for questions the new attempt does
not give, which the quiz service refuses. So, before writing, the change is
checked against the file (under its lock): when another tab submitted
meanwhile, nothing is written, this tab takes up the new attempt (the file's
answers and the service's draw), and the learner is told plainly what
happened, in the live region like every message, and at the top of the
question area (:data:`AT_QUESTION`), where a sighted learner sees it without
scrolling. An answer to a question the new attempt still gives is saved there;
nothing saved by the other tab is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from coursekit.quiz.responses import Responses
from coursekit.quiz.session import QuizSession
from coursekit.widgets.service_link import ServiceLink
from coursekit.widgets.store import ResponseStore

AT_QUESTION = "question"
"""The view's ``message_place`` of these messages: drawn at the top of the question area, beside the question."""


class OtherTabSubmitted(Exception):
    """Another tab submitted the attempt this tab shows (pools: the next attempt may give other questions)."""

    def __init__(self, submitted: int) -> None:
        super().__init__(f"another tab submitted attempt {submitted}")
        self.submitted = submitted


class OtherTabs:
    """Guard this tab's writes against another tab's submit, and take up the new attempt."""

    session: QuizSession
    store: ResponseStore
    link: ServiceLink | None

    if TYPE_CHECKING:  # provided by QuizView
        def _catch_up(self) -> None: ...

    def _guarded(self, change: Callable[[Responses], Responses]) -> Callable[[Responses], Responses]:
        """``change``, refused with :class:`OtherTabSubmitted` when the file holds attempts this tab has not seen.

        Only quizzes with pools are guarded: without them the next attempt gives the same questions and
        this tab's work is saved as before (an answer goes to the next attempt; a submit is an attempt of
        its own).
        """
        if not self.session.spec.has_pools:
            return change
        known = len(self.session.submitted)

        def guarded(current: Responses) -> Responses:
            if len(current.attempts) > known:
                raise OtherTabSubmitted(len(current.attempts))
            return change(current)

        return guarded

    def _take_up_new_attempt(self) -> tuple[dict[str, int], int]:
        """Show the attempt the other tab began: the service's draw, the file's answers.

        Returns the numbers of the questions as this tab showed them (before), and the number of the
        attempt now shown.
        """
        shown = {q.id: n for n, q in enumerate(self.session.questions, 1)}
        if self.link is not None:
            self.link.refresh()  # the new attempt's draw is the service's
        self._catch_up()
        return shown, self.session.attempt_number

    def other_tab_note(self, submitted: int, now: int) -> str:
        """What to tell the learner when another tab submitted attempt ``submitted``."""
        return (f"Attempt {submitted} was submitted in another tab or window of this quiz. This tab now shows "
                f"attempt {now}, whose questions were drawn for it; answers already saved for it are filled in.")

    def not_kept_note(self, number: int | None, now: int) -> str:
        """What to tell the learner about an answer to a question (``number`` as shown before) not given now."""
        which = f"Your answer to question {number}" if number else "Your last answer"
        return (f"{which} was for a question attempt {now} does not give, so it is not saved; "
                "answer the questions shown now.")
