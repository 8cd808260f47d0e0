"""The quiz as ipywidgets: a thin view of :class:`~coursekit.quiz.session.QuizSession`.

Every control has a visible label, and all of them are native form controls
(radio buttons, check boxes, selects, text fields, buttons), so the quiz can be
done with the keyboard alone: Tab moves between controls (each radio button is a
stop of its own), Space picks a radio button or ticks a box, Space or Alt+Down
opens a select's list (arrows and Enter choose), Enter or Space presses a button.
In JupyterLab the bare arrow keys belong to the notebook (they move to the next
cell), so they do not choose an option. CSS classes
(``coursekit-next``, ``coursekit-submit``, …) name the parts for tests and themes.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as w

from coursekit.quiz.attempts import AttemptLimitError
from coursekit.quiz.navigation import NavigationError
from coursekit.quiz.scoring import AnswerError
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import Matching, MultipleChoice, Question, ShortAnswer, SingleChoice, TrueFalse
from coursekit.widgets.store import ResponseStore, StoreError

UNCHOSEN = "— choose —"


class QuestionControl:
    """The controls of one question, with a getter and a setter for the learner's answer."""

    def __init__(self, question: Question, number: int, option_ids: list[str], on_change: Callable[[], None]):
        self.question = question
        label = w.HTML(f"<b>Question {number}.</b> {html.escape(question.text)}"
                       f"<br><small>{question.points:g} point{'s' if question.points != 1 else ''}</small>")
        self._build(option_ids)
        for control in self.controls:
            control.observe(lambda _change: on_change(), names="value")
        self.box = w.VBox([label, *self.controls])
        self.box.add_class("coursekit-question")
        self.box.add_class(f"coursekit-question-{question.id}")

    def _build(self, option_ids: list[str]) -> None:
        q = self.question
        if isinstance(q, SingleChoice):
            texts = {o.id: o.text for o in q.options}
            self.controls = [w.RadioButtons(options=[(texts[i], i) for i in option_ids], value=None,
                                            description="Your answer", layout=w.Layout(width="auto"))]
        elif isinstance(q, TrueFalse):
            self.controls = [w.RadioButtons(options=[("True", True), ("False", False)], value=None,
                                            description="Your answer")]
        elif isinstance(q, MultipleChoice):
            texts = {o.id: o.text for o in q.options}
            self.controls = [w.Checkbox(value=False, description=texts[i], indent=False,
                                        layout=w.Layout(width="auto")) for i in option_ids]
            self._ids = option_ids
        elif isinstance(q, Matching):
            texts = {c.id: c.text for c in q.choices}
            options = [(UNCHOSEN, None), *((texts[i], i) for i in option_ids)]
            self.controls = [w.Dropdown(options=options, value=None, description=item.text,
                                        style={"description_width": "initial"}, layout=w.Layout(width="auto"))
                             for item in q.items]
            self._ids = [item.id for item in q.items]
        elif isinstance(q, ShortAnswer):
            self.controls = [w.Text(value="", description="Your answer", placeholder="Type your answer",
                                    continuous_update=False)]
        else:  # pragma: no cover - the spec admits no other type
            raise TypeError(type(q).__name__)

    def get(self) -> Any:
        """The answer the controls show (None when nothing is chosen)."""
        q = self.question
        if isinstance(q, MultipleChoice):
            return [i for i, box in zip(self._ids, self.controls, strict=True) if box.value]
        if isinstance(q, Matching):
            return {i: d.value for i, d in zip(self._ids, self.controls, strict=True) if d.value is not None}
        value = self.controls[0].value
        return value if value != "" else None

    def set(self, answer: Any) -> None:
        """Show a saved answer (None clears)."""
        q = self.question
        if isinstance(q, MultipleChoice):
            for i, box in zip(self._ids, self.controls, strict=True):
                box.value = i in (answer or [])
        elif isinstance(q, Matching):
            for i, dropdown in zip(self._ids, self.controls, strict=True):
                dropdown.value = (answer or {}).get(i)
        elif isinstance(q, ShortAnswer):
            self.controls[0].value = answer or ""
        else:
            self.controls[0].value = answer

    def enable(self, enabled: bool) -> None:
        """Allow or stop changes (stopped when no attempt is left)."""
        for control in self.controls:
            control.disabled = not enabled


class QuizView:
    """The whole quiz: header, questions (paged or on one page), navigation and Submit."""

    def __init__(self, session: QuizSession, store: ResponseStore, message: str | None = None) -> None:
        self.session = session
        self.store = store
        self._quiet = False
        settings = session.settings
        self.header = w.HTML()
        self.status = w.HTML()
        self.status.add_class("coursekit-status")
        self.feedback = w.HTML()
        self.feedback.add_class("coursekit-feedback")
        self.questions = [
            QuestionControl(q, n, session.option_ids(q), lambda q=q: self._changed(q.id))
            for n, q in enumerate(session.questions, 1)
        ]
        self.back = self._button("Back", "coursekit-back", "Go to the previous question", self._on_back)
        self.next = self._button("Next", "coursekit-next", "Go to the next question", self._on_next)
        self.submit = self._button("Submit attempt", "coursekit-submit", "Submit this attempt", self._on_submit)
        self.submit.button_style = "primary"
        self.map = [self._button(str(n), f"coursekit-map-{n}", f"Go to question {n}",
                                 lambda _b, i=n - 1: self._go(i)) for n in range(1, len(self.questions) + 1)]
        self.confirm = w.HBox([])
        self.page = w.VBox([])
        parts: list[w.Widget] = [self.header]
        if settings.layout == "paged":
            if settings.navigation == "free":
                parts.append(w.HBox([w.Label("Questions:"), *self.map]))
            parts += [self.page, w.HBox([self.back, self.next])]
        else:
            self.page.children = [q.box for q in self.questions]
            parts.append(self.page)
        parts += [w.HBox([self.submit]), self.confirm, self.status, self.feedback]
        self.root = w.VBox(parts)
        self.root.add_class("coursekit-quiz")
        self._restore()
        self._render()
        self._say(message or ("Answers restored." if session.answers or session.submitted else
                              "Your answers are saved automatically as you go."), warn=bool(message))

    @staticmethod
    def _button(text: str, css: str, tooltip: str, handler: Callable[[Any], None]) -> w.Button:
        button = w.Button(description=text, tooltip=tooltip, layout=w.Layout(width="auto"))
        button.add_class(css)
        button.on_click(handler)
        return button

    @contextlib.contextmanager
    def _silently(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _restore(self) -> None:
        with self._silently():
            for control in self.questions:
                control.set(self.session.answers.get(control.question.id))

    def _say(self, text: str, warn: bool = False) -> None:
        color = "#a61b1b" if warn else "#1b5e20"
        self.status.value = f'<span role="status" style="color:{color}">{html.escape(text)}</span>'

    def _render(self) -> None:
        s, nav = self.session, self.session.navigator
        left = "unlimited" if s.attempts_left is None else str(s.attempts_left)
        self.header.value = (f"<b>Attempt {min(s.attempt_number, len(s.submitted) + 1)}</b> · "
                             f"attempts left: {left} · pass rate: {s.settings.pass_rate:g} %")
        if s.settings.layout == "paged":
            self.page.children = [w.HTML(f"Question {nav.index + 1} of {nav.count}"),
                                  self.questions[nav.index].box]
            self.back.disabled = not nav.can_back
            self.back.layout.display = "none" if s.settings.navigation == "sequential" else None
            self.next.disabled = not nav.can_next
        self._render_map()
        for control in self.questions:
            control.enable(not s.finished)
        self.submit.disabled = s.finished

    def _render_map(self) -> None:
        """Mark the question map: the current page, and the questions already answered."""
        unanswered = set(self.session.unanswered())
        for index, (button, control) in enumerate(zip(self.map, self.questions, strict=True)):
            answered = control.question.id not in unanswered
            button.button_style = "info" if index == self.session.navigator.index else (
                "success" if answered else "")
            button.tooltip = f"Question {index + 1}: {'answered' if answered else 'not answered yet'}"

    def _changed(self, question_id: str) -> None:
        if self._quiet:
            return
        control = next(c for c in self.questions if c.question.id == question_id)
        answer = control.get()
        try:
            saved = self.store.update(self.session.responses,
                                      lambda current: self.session.with_answer(current, question_id, answer))
        except (AnswerError, AttemptLimitError, StoreError) as exc:
            if isinstance(exc, AttemptLimitError):
                self._catch_up()
            self._say(f"Not saved: {exc}", warn=True)
            return
        submitted_elsewhere = len(saved.attempts) - len(self.session.submitted)
        self._adopt(saved)
        note = (f" Another copy of this quiz submitted an attempt; this is attempt {self.session.attempt_number}."
                if submitted_elsewhere else "")
        self._say(f"Saved at {self.session.responses.in_progress.updated_at[11:19]} UTC.{note}")

    def _adopt(self, saved: Any) -> None:
        """Show what the file holds now: answers saved in another tab appear here too.

        The page is drawn again only when an attempt was submitted (here or in
        another tab), so the control being used keeps the focus.
        """
        new_attempt = len(saved.attempts) != len(self.session.submitted)
        self.session.adopt(saved)
        self._restore()
        if new_attempt:
            self._render()
        else:
            self._render_map()

    def _catch_up(self) -> None:
        """Show the file as it is (another copy of the quiz may have used the last attempt)."""
        with contextlib.suppress(StoreError):
            self._adopt(self.store.save(self.session.responses))

    def _go(self, index: int) -> None:
        try:
            self.session.navigator.go(index)
        except NavigationError as exc:
            self._say(str(exc), warn=True)
        self._render()

    def _on_back(self, _button: Any) -> None:
        self._go(self.session.navigator.index - 1)

    def _on_next(self, _button: Any) -> None:
        self._go(self.session.navigator.index + 1)

    def _on_submit(self, _button: Any) -> None:
        missing = self.session.unanswered()
        if not missing:
            self._do_submit()
            return
        yes = self._button("Submit anyway", "coursekit-confirm", "Submit with unanswered questions",
                           lambda _b: self._do_submit())
        no = self._button("Keep answering", "coursekit-cancel", "Go back to the quiz", lambda _b: self._clear_confirm())
        numbers = ", ".join(str(i + 1) for i, q in enumerate(self.session.questions) if q.id in missing)
        self.confirm.children = [w.HTML(f"{len(missing)} question(s) unanswered ({numbers}). "), yes, no]

    def _clear_confirm(self) -> None:
        self.confirm.children = []

    def _do_submit(self) -> None:
        self._clear_confirm()
        try:
            saved = self.store.update(self.session.responses, self.session.with_submission)
        except (AttemptLimitError, StoreError) as exc:
            if isinstance(exc, AttemptLimitError):
                self._catch_up()
            self._say(f"Not submitted: {exc}", warn=True)
            return
        self._adopt(saved)
        attempt = saved.attempts[-1]
        self._show_feedback(attempt)
        done = " No attempts left." if self.session.finished else ""
        self._say(f"Attempt {attempt.number} submitted and saved at {attempt.submitted_at[11:19]} UTC.{done}")

    def _show_feedback(self, attempt: Any) -> None:
        verdicts = self.session.feedback(attempt)
        if verdicts is None:
            self.feedback.value = "<i>Your trainer returns feedback on this quiz after grading.</i>"
            return
        rows = "".join(f"<li>Question {n}: {'right ✓' if verdicts[q.id] else 'not right ✗'}</li>"
                       for n, q in enumerate(self.session.questions, 1))
        self.feedback.value = f"<b>Attempt {attempt.number}</b><ul>{rows}</ul>"
