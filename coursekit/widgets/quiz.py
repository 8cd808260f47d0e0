"""The quiz widget: a thin view of :class:`~coursekit.quiz.session.QuizSession`.

``quiz.js`` (an ES module run by anywidget, no build step) draws the state
computed by :func:`~coursekit.widgets.quiz_state.quiz_view` with native form
controls: each question is a ``fieldset`` whose ``legend`` is the question; a
single choice is a radio group (one Tab stop, arrow keys move and choose); the
boxes of a multiple choice share one Tab stop too (arrow keys move, Space
ticks); a matching question is a labelled ``select`` per item (Alt+Down or
Space opens it, letters jump). No key pressed inside the quiz reaches
JupyterLab. After Next, Back or a question-map button the focus moves to the
new question's legend, after Submit to the result. One live region, kept for
the widget's life, announces saves and results; when another tab submitted
the attempt shown (:mod:`coursekit.widgets.quiz_tabs`), what it says is drawn
at the top of the question area instead, seen without scrolling at 400 px,
and the live region keeps it for screen readers only. The question map is one Tab
stop (arrow keys, Home and End move along it). A timed quiz states its limit
and close date and waits for *Start attempt* (:mod:`coursekit.widgets.quiz_timed`).
Times are sent as ISO 8601 and written by the browser in the learner's own time zone.

The kernel side here only turns the learner's actions into session changes,
saved through :class:`~coursekit.widgets.store.ResponseStore`. With the quiz
service (a :class:`~coursekit.widgets.service_link.ServiceLink`), each saved
change is then sent to it, and the header, attempts and result panel show
what the service recorded. While the attempt has a deadline, the header shows
"Time left 0:12:34" (:mod:`coursekit.quiz.countdown`): with the service from its
time and deadline, without it from the attempt's start and ``time_limit``; at 0
the browser sends ``time_up`` and the attempt is submitted at its deadline with
the answers given until then (:meth:`~coursekit.widgets.quiz_timed.TimedAttempt.time_up`). CSS classes
(``coursekit-next``, ``coursekit-submit``, …) name the parts for tests and themes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets

from coursekit.quiz.attempts import AttemptLimitError
from coursekit.quiz.navigation import NavigationError
from coursekit.quiz.scoring import AnswerError
from coursekit.quiz.session import QuizSession
from coursekit.quiz.timed_attempt import waits_for_start
from coursekit.quiz.types import REGISTRY, question_type
from coursekit.widgets.element_ids import OwnIdsWidget
from coursekit.widgets.esm import widget_module
from coursekit.widgets.quiz_state import quiz_view, service_view
from coursekit.widgets.quiz_tabs import AT_QUESTION, OtherTabs, OtherTabSubmitted
from coursekit.widgets.quiz_timed import TimedAttempt
from coursekit.widgets.service_link import ServiceLink
from coursekit.widgets.store import ResponseStore, StoreError

HERE = Path(__file__).parent
VIEWS_DIR = HERE / "views"
VIEWS_MARKER = "/* coursekit:views */"


def view_modules() -> dict[str, Path]:
    """The view module of every registered question type that has one, by type name."""
    found = {}
    for name, kind in REGISTRY.items():
        path = kind.view_module or VIEWS_DIR / f"{name}.js"
        if path.is_file():
            found[name] = path
    return found


def assemble_esm() -> str:
    """``quiz.js`` with the key shield and every registered type's view module inserted (one ES module)."""
    core = widget_module("quiz.js")
    views = "\n".join(path.read_text(encoding="utf-8") for path in view_modules().values())
    return core.replace(VIEWS_MARKER, views, 1)


class QuizWidget(OwnIdsWidget):
    """The browser side of the quiz: draws ``view`` and sends the learner's actions as messages."""

    _css = HERE / "quiz.css"
    view = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._esm = assemble_esm()  # the question types registered now, each drawn by its view module
        super().__init__(**kwargs)


class QuizView(TimedAttempt, OtherTabs):
    """Connects a :class:`QuizWidget` to a session and its store."""

    def __init__(self, session: QuizSession, store: ResponseStore, message: str | None = None,
                 link: ServiceLink | None = None) -> None:
        self.session = session
        self.store = store
        self.link = link
        self.phase = "question"
        self.show_result = False
        self._message = ("Answers restored." if session.answers or session.submitted else
                         "Your answers are saved automatically as you go.")
        self._warn = False
        if message:
            self._message, self._warn = message, True
        if link is not None:
            session.given_draws = link.draw_of  # the service draws with its own key: its questions are shown
            outcome = link.refresh()
            if not outcome.message and link.pending(session.submitted):
                outcome = link.flush(session.submitted)
            if outcome.message:
                self._message, self._warn = outcome.message, outcome.warn
        self._message_seq = 1
        self._message_time: str | None = None
        self._message_place: str | None = None
        self._focus = ""
        self._focus_seq = 0
        self._time_up: dict[str, Any] | None = None
        self.root = QuizWidget()
        self.root.on_msg(self._on_message)
        timer = self._timer()
        if (timer is not None and timer["seconds"] <= 0) or self._finished_by_service():
            self.time_up()  # the attempt's time ran out while the quiz was closed: submitted at its deadline
        else:
            self._render()

    # --- drawing ------------------------------------------------------------------------------

    def _render(self) -> None:
        view = quiz_view(self.session, self.phase, self.show_result)
        if self.link is not None and not self.link.pending(self.session.submitted):
            # an attempt kept on this computer (the service not reached) is shown as the file has it, with
            # the file's numbers, until the service has recorded it: never the service's older attempt
            view = service_view(view, self.session, self.link.state, self.show_result)
        view["timer"] = self._timer()
        view["timing"] = self._timing()
        if view["phase"] == "question" and waits_for_start(self._timed(), self._started(), view["finished"]):
            view["phase"] = "start"
        view["time_up"] = self._time_up if view["phase"] == "result" else None
        view.update(message=self._message, warn=self._warn, message_seq=self._message_seq,
                    message_time=self._message_time, message_place=self._message_place, focus=self._focus,
                    focus_seq=self._focus_seq)
        self.root.view = view

    def _say(self, text: str, warn: bool = False, at: str | None = None, place: str | None = None) -> None:
        """Announce ``text``; a ``{time}`` in it is written by the browser as ``at`` in the learner's local time.

        ``place``: :data:`~coursekit.widgets.quiz_tabs.AT_QUESTION` shows the text at the top of the question
        area too (the status line, still the one live region, then shows it only to screen readers).
        """
        self._message, self._warn, self._message_time, self._message_place = text, warn, at, place
        self._message_seq += 1

    def _move_focus(self, target: str) -> None:
        self._focus = target
        self._focus_seq += 1

    def _focus_question(self) -> None:
        current = self.session.questions[self.session.navigator.index]
        self._move_focus(f"legend:{current.id}")

    # --- actions ------------------------------------------------------------------------------

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        action = content.get("action")
        if action == "answer":
            self.answer(str(content.get("question")), content.get("value"))
        elif action == "go":
            index = content.get("index")
            if isinstance(index, int) and not isinstance(index, bool):
                self.go(index)
        elif action == "submit":
            self.submit()
        elif action == "confirm":
            self.submit(confirmed=True)
        elif action == "cancel":
            self.phase = "question"
            self._move_focus("btn:coursekit-submit")
            self._render()
        elif action == "time_up":
            self.time_up()
        elif action == "start":
            self.start()
        elif action == "again":
            self.phase, self.show_result, self._time_up = "question", False, None
            if self._timed():
                self.start()
                return
            self._focus_question()
            self._render()

    def answer(self, question_id: str, answer: Any) -> None:
        """Save an answer to the attempt in progress (through the store's lock) and show what the file holds.

        In a timed quiz no answer is taken before Start attempt.
        """
        if question_id not in {q.id for q in self.session.questions}:
            return
        if waits_for_start(self._timed(), self._started(), self.session.finished):
            self._say("Press Start attempt first: the time limit starts with it.", warn=True)
            self._render()
            return
        question = self.session.question(question_id)
        given = answer
        answer = question_type(question).from_widget(question, answer)
        try:
            saved = self.store.update(self.session.responses, self._guarded(
                lambda current: self.session.with_answer(current, question_id, answer)))
        except OtherTabSubmitted as moved:
            shown, now = self._take_up_new_attempt()
            if question_id in {q.id for q in self.session.questions}:  # still given: saved in the new attempt
                self.answer(question_id, given)
                self._say(f"{self.other_tab_note(moved.submitted, now)} {self._message}", warn=True,
                          at=self._message_time, place=AT_QUESTION)
            else:
                self._say(f"{self.other_tab_note(moved.submitted, now)} "
                          f"{self.not_kept_note(shown.get(question_id), now)}", warn=True, place=AT_QUESTION)
                self._focus_question()
            self._render()
            return
        except (AnswerError, AttemptLimitError, StoreError) as exc:
            if isinstance(exc, AttemptLimitError):
                self._catch_up()
            self._say(f"Not saved: {exc}", warn=True)
            self._render()
            return
        submitted_elsewhere = len(saved.attempts) - len(self.session.submitted)
        self.session.adopt(saved)
        note = (f" Another copy of this quiz submitted an attempt; this is attempt {self.session.attempt_number}."
                if submitted_elsewhere else "")
        hint = question_type(question).typing_hint(question, answer)
        saved_at = self.session.responses.in_progress.updated_at
        self._say(f"Saved at {{clock}}.{note}"
                  + (f" Question {self._number(question_id)}: {hint}" if hint else ""), warn=bool(hint), at=saved_at)
        if self.link is not None:
            flushed = self.link.flush(self.session.submitted)
            outcome = flushed if flushed.warn else self.link.save(self.session.answers)
            if outcome.message or flushed.message:
                self._say(outcome.message or flushed.message, warn=outcome.warn,
                          at=outcome.at if outcome.message else flushed.at)
        self._render()

    def _number(self, question_id: str) -> int:
        return next(n for n, q in enumerate(self.session.questions, 1) if q.id == question_id)

    def go(self, index: int) -> None:
        """Show question ``index`` (the session refuses what the navigation setting does not allow)."""
        try:
            self.session.navigator.go(index)
        except NavigationError as exc:
            self._say(str(exc), warn=True)
        else:
            self.phase = "question"
            self._message_place = None  # a note shown beside the question left goes back to the status line
            self._focus_question()
        self._render()

    def _save_submission(self, change: Any) -> Any | None:
        """Write a submission through the store and adopt it; when refused, say why, show the questions, None."""
        try:
            saved = self.store.update(self.session.responses, self._guarded(change))
        except OtherTabSubmitted as moved:  # that attempt is submitted already; this one gives other questions
            _, now = self._take_up_new_attempt()
            self.phase, self.show_result, self._time_up = "question", False, None
            self._say(f"Not submitted from this tab: {self.other_tab_note(moved.submitted, now)} "
                      "Submit again when you are ready.", warn=True, place=AT_QUESTION)
            self._focus_question()
            self._render()
            return None
        except (AttemptLimitError, StoreError) as exc:
            if isinstance(exc, AttemptLimitError):
                self._catch_up()
            self.phase = "question"
            self._say(f"Not submitted: {exc}", warn=True)
            self._render()
            return None
        self.session.adopt(saved)
        return saved

    def submit(self, confirmed: bool = False, time_ran_out: bool = False, deadline: str | None = None) -> None:
        """Submit the attempt; with unanswered questions ask first (unless ``confirmed``).

        ``time_ran_out``: submitted because the attempt's time is up at ``deadline``: the attempt is
        recorded at that time with the answers given until then, and the screen says so.
        """
        if time_ran_out and deadline:
            self._submit_time_up(deadline)
            return
        if waits_for_start(self._timed(), self._started(), self.session.finished):
            self._say("Press Start attempt first: the time limit starts with it.", warn=True)
            self._render()
            return
        missing = self.session.unanswered()
        if missing and not confirmed:
            self.phase = "confirm"
            self._move_focus("confirm")
            self._say(f"{len(missing)} question(s) unanswered. Submit anyway, or keep answering.")
            self._render()
            return
        saved = self._save_submission(self.session.with_submission)
        if saved is None:
            return
        attempt = saved.attempts[-1]
        self.phase, self.show_result = "result", True
        self._move_focus("result")
        result = quiz_view(self.session, "result", True)["result"]
        said = f"Attempt {attempt.number} submitted and saved at {{clock}}."
        if result and result["marks"] is not None:
            verdict = "passed" if result["passed"] else "not yet passed"
            said += f" Marks {result['marks']} out of {result['max_marks']}: {verdict}."
        if self.session.finished:
            said += " No attempts left."
        if time_ran_out:
            said = f"Time is up. {said}"
        self._say(said, warn=time_ran_out, at=attempt.submitted_at)
        if self.link is not None:
            outcome = self.link.flush(self.session.submitted, just_submitted=attempt.id)
            if outcome.accepted is None:  # kept here (queued) or refused: say both
                said = f"{said} {outcome.message}".strip()
            elif time_ran_out and "Time ran out" not in outcome.message:
                outcome.message = f"Time is up. {outcome.message}"
            self._say(outcome.message if outcome.accepted is not None else said,
                      warn=outcome.warn or time_ran_out,
                      at=outcome.at if outcome.accepted is not None else attempt.submitted_at)
        self._render()

    def _catch_up(self) -> None:
        """Show the file as it is (another copy of the quiz may have used the last attempt)."""
        try:
            self.session.adopt(self.store.save(self.session.responses))
        except StoreError:
            return
