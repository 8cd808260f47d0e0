"""The quiz widget's timed attempt (Moodle's *Timing*): Start attempt, the countdown, time-up.

A mixin of :class:`~coursekit.widgets.quiz.QuizView`. A timed quiz states its
limit and close date and waits for *Start attempt* (the clock starts then,
with the service on its clock); at 0 the browser sends ``time_up`` and the
attempt is submitted at its deadline with the answers given until then
(:meth:`TimedAttempt.time_up`). An attempt whose time ran out while the quiz
was closed is submitted so when the quiz is shown again; answers given after
the deadline go to the next attempt, or are shown as not counted
(:mod:`coursekit.quiz.timed_attempt`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coursekit.quiz.attempts import AttemptLimitError
from coursekit.quiz.session import QuizSession
from coursekit.quiz.timed_attempt import late_note, not_carried, replaced_note, timing_statement
from coursekit.widgets.quiz_state import local_timer, service_timer
from coursekit.widgets.service_link import ServiceLink
from coursekit.widgets.store import ResponseStore, StoreError

TIME_UP_SLACK_SECONDS = 2.0
"""A "time is up" from the browser is acted on when the kernel's count has at most this much left."""


class TimedAttempt:
    """Start attempt, the timer and time-up for :class:`~coursekit.widgets.quiz.QuizView`."""

    session: QuizSession
    store: ResponseStore
    link: ServiceLink | None
    phase: str
    show_result: bool
    _time_up: dict[str, Any] | None

    if TYPE_CHECKING:  # provided by QuizView
        def _say(self, text: str, warn: bool = False, at: str | None = None,
                 place: str | None = None) -> None: ...
        def _render(self) -> None: ...
        def _focus_question(self) -> None: ...
        def _move_focus(self, target: str) -> None: ...
        def _number(self, question_id: str) -> int: ...
        def _catch_up(self) -> None: ...

        def submit(self, confirmed: bool = False, time_ran_out: bool = False, deadline: str | None = None) -> None:
            """Submit the attempt (QuizView's)."""

    def _rules(self) -> tuple[float | None, str | None]:
        """The time limit (minutes) and close date this learner works under: the service's, else the quiz's."""
        state = self.link.state if self.link is not None else None
        if state:
            return state.get("time_limit_minutes"), state.get("close")
        return self.session.settings.time_limit, self.session.settings.close

    def _timed(self) -> bool:
        return bool(self._rules()[0])

    def _timing(self) -> dict[str, Any] | None:
        return timing_statement(*self._rules())

    def _started(self) -> bool:
        """Whether an attempt is running: open on the service, or (without it) started in the file."""
        if self.link is not None and self.link.state and self.link.reachable:
            return self.link.has_open_attempt()
        return bool(self.session.responses.in_progress.started_at)

    def _timer(self) -> dict[str, Any] | None:
        """The attempt's countdown: from the service's time and deadline, else from the quiz's ``time_limit``."""
        if self.link is not None:
            return service_timer(self.link.state, self.link.state_age)
        return local_timer(self.session)

    def start(self) -> None:
        """Start the attempt (Start attempt): its clock runs from now; answers kept from before are sent with it."""
        queued = ""
        if self.link is not None:
            outcome = self.link.start()
            if outcome.refused is not None:  # closed, no attempt left…: the service's words
                self._say(outcome.message, warn=True)
                self._render()
                return
            queued = outcome.message  # not reachable: the attempt starts here; the service learns of it later
        try:
            saved = self.store.update(self.session.responses, self.session.with_start)
        except (AttemptLimitError, StoreError) as exc:
            self._say(f"Not started: {exc}", warn=True)
            self._render()
            return
        self.session.adopt(saved)
        dropped = self._drop_undrawn()
        self.phase, self.show_result, self._time_up = "question", False, None
        limit = self._timing() or {}
        said = f"Attempt {self.session.attempt_number} started."
        if limit.get("limit"):
            said += f" Time limit: {limit['limit']}."
        if dropped:
            said += f" {dropped}"
        if self.session.answers:
            said += " Your answers given after the last attempt's time ran out are filled in."
            if self.link is not None:
                outcome = self.link.save(self.session.answers)
                if outcome.message:
                    said = f"{dropped} {outcome.message}".strip()
        self._say(f"{said} {queued}".strip(), warn=bool(queued) or bool(dropped))
        self._focus_question()
        self._render()

    def _drop_undrawn(self) -> str:
        """Drop answers in progress to questions this attempt does not give (pools); what to tell the learner.

        Answers carried from the last attempt (given after its time ran out) are kept only for the
        questions this attempt gives; under the quiz service its draw is known once it started the
        attempt. Numbers are those of the last attempt, where the learner gave those answers.
        """
        if not self.session.spec.has_pools:
            return ""
        dropped: list[str] = []

        def change(current: Any) -> Any:
            kept, dropped[:] = self.session.without_undrawn(current)
            return kept

        try:
            saved = self.store.update(self.session.responses, change)
        except StoreError:
            return ""
        self.session.adopt(saved)
        if not dropped:
            return ""
        last = self.session.submitted[-1] if self.session.submitted else None
        numbers = {q.id: n for n, q in enumerate(self.session.questions_of(last.draw if last else None), 1)}
        listed = sorted(numbers[q] for q in dropped if q in numbers)
        if not listed or last is None:
            return "Answers saved for questions this attempt does not give are not kept."
        return replaced_note(listed, self.session.attempt_number, last.number)

    def time_up(self) -> None:
        """The browser's countdown reached 0: submit the attempt with what was saved, unasked.

        With the service, the attempt is sent with its id: the service records it
        once, at its deadline with the answers saved before (or, arriving just
        before the deadline, as submitted now). A countdown that ran ahead of the
        kernel's (more than :data:`TIME_UP_SLACK_SECONDS` left) is only redrawn.
        """
        timer = self._timer()
        if timer is None and self.link is not None:
            self.link.refresh()  # the service may have finished the attempt already: show what it says
            timer = self._timer()
        due = timer is not None and timer["seconds"] <= TIME_UP_SLACK_SECONDS
        if due:
            self.submit(confirmed=True, time_ran_out=True, deadline=timer["deadline"])  # type: ignore[index]
        elif timer is None and self._finished_by_service():
            last = self.link.state["attempts"][-1]  # type: ignore[union-attr,index]
            self.submit(confirmed=True, time_ran_out=True, deadline=last["submitted_at"])
        else:  # no deadline here (or not reached yet): nothing to submit, only redraw
            self._render()

    def _finished_by_service(self) -> bool:
        """Whether the service submitted this learner's attempt when its time ran out, and this file has it open."""
        attempts = ((self.link.state or {}).get("attempts") or []) if self.link is not None else []
        last = attempts[-1] if attempts else {}
        return (bool(self.session.responses.in_progress.started_at) and last.get("state") == "submitted"
                and bool(last.get("auto_submitted")) and not last.get("attempt_id"))

    def _submit_time_up(self, deadline: str) -> None:
        """Submit the attempt whose time ran out at ``deadline``; answers given later go to the next attempt."""
        split: list[Any] = []

        def change(current: Any) -> Any:
            saved, parts = self.session.with_time_up(current, deadline)
            split[:] = [parts]
            return saved

        saved = self._save_submission(change)
        if saved is None:
            return
        attempt = saved.attempts[-1]
        at, extra = attempt.submitted_at, ""
        if self.link is not None:
            outcome = self.link.flush(self.session.submitted, just_submitted=attempt.id)
            if outcome.accepted is not None:
                at = outcome.accepted["submitted_at"]
            elif outcome.message:
                extra = f" {outcome.message}"
        # numbered as in the attempt just submitted (with pools the next attempt gives other questions)
        numbers = {q.id: n for n, q in enumerate(self.session.questions_of(attempt.draw), 1)}
        finished = self.link.state is not None and not self._attempt_left() if self.link is not None \
            else self.session.finished
        late_ids = list(split[0].late) if split else []
        replaced = not_carried(split[0], not finished, saved.in_progress) if split else []
        late = sorted(numbers[q] for q in late_ids if q in numbers and q not in replaced)
        note = late_note(late, None if finished else attempt.number + 1,
                         sorted(numbers[q] for q in replaced if q in numbers))
        self._time_up = {"number": attempt.number, "at": at, "note": note}
        self.phase, self.show_result = "result", True
        self._move_focus("timeup")
        self._say("Time is up: your attempt was submitted at {time}, with the answers given until then."
                  + (f" {note}" if note else "") + extra, warn=True, at=at)
        self._render()

    def _attempt_left(self) -> bool:
        """Whether the service allows another attempt."""
        state = self.link.state if self.link is not None else None
        if not state or state.get("attempts_allowed") is None:
            return True
        done = sum(1 for a in state.get("attempts", []) if a.get("state") == "submitted")
        return int(state["attempts_allowed"]) > done
