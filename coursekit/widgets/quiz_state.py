"""What the quiz widget draws, computed from a :class:`~coursekit.quiz.session.QuizSession` (pure, no widgets).

The browser side (``quiz.js``) is a thin view: it draws this dictionary and
sends the learner's actions back. Everything it shows is decided here.
"""

from __future__ import annotations

from typing import Any

from coursekit.quiz.countdown import countdown, local_deadline
from coursekit.quiz.review import GRADING_METHODS, attempt_history, attempt_result
from coursekit.quiz.scoring import is_answered
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import Question
from coursekit.quiz.types import question_type


def question_view(session: QuizSession, question: Question, number: int) -> dict[str, Any]:
    """One question as the widget draws it: text, points and what its type adds (options in this learner's order)."""
    view: dict[str, Any] = {"id": question.id, "type": question.type, "number": number, "text": question.text,
                            "points": question.points}
    view.update(question_type(question).view(question, session.option_ids(question)))
    return view


def header_text(session: QuizSession) -> str:
    """``Attempt 2 · attempts left: unlimited · pass rate: 75 %``."""
    if session.finished:
        return f"All attempts used ({len(session.submitted)}) · pass rate: {session.settings.pass_rate:g} %"
    left = "unlimited" if session.attempts_left is None else str(session.attempts_left)
    number = min(session.attempt_number, len(session.submitted) + 1)
    return f"Attempt {number} · attempts left: {left} · pass rate: {session.settings.pass_rate:g} %"


def answered_count(session: QuizSession, answers: dict[str, Any]) -> int:
    """How many of the quiz's questions ``answers`` answers (of any attempt: with pools, of its questions drawn)."""
    return sum(1 for q in session.questions_of(None) if is_answered(q, answers.get(q.id)))


def quiz_view(session: QuizSession, phase: str = "question", show_result: bool = False) -> dict[str, Any]:
    """The widget's whole state (without the message and focus, which the widget adds).

    Parameters
    ----------
    session
        The learner's session.
    phase
        ``"question"``, ``"confirm"`` (Submit with unanswered questions) or ``"result"`` (after Submit).
    show_result
        Whether to include the last attempt's result panel.
    """
    nav = session.navigator
    missing = session.unanswered()
    numbers = [str(n) for n, q in enumerate(session.questions, 1) if q.id in missing]
    verdicts = [session.feedback(a) for a in session.submitted]
    view: dict[str, Any] = {
        "header": header_text(session),
        "layout": session.settings.layout,
        "navigation": session.settings.navigation,
        "questions": [question_view(session, q, n) for n, q in enumerate(session.questions, 1)],
        "answers": dict(session.answers),
        "answered": [q.id for q in session.questions if q.id not in missing],
        "index": nav.index,
        "can_back": nav.can_back,
        "can_next": nav.can_next,
        "finished": session.finished,
        "attempt": session.attempt_number,
        "phase": phase,
        "confirm_text": (f"{len(missing)} question(s) unanswered ({', '.join(numbers)}). "
                         "Submit this attempt anyway?"),
        "history": attempt_history(session.settings, session.questions, session.submitted, verdicts,
                                   [session.questions_of(a.draw) for a in session.submitted]),
        "grading_note": GRADING_METHODS[session.settings.grading_method],
        "result": None,
    }
    if show_result and session.submitted:
        last = session.submitted[-1]
        view["result"] = attempt_result(session.settings, session.questions_of(last.draw), last,
                                        answered_count(session, last.answers), verdicts[-1])
    return view


SERVER_NOTE = "Recorded and marked by the quiz server; what is shown follows the quiz's review options."


def _server_submitted(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in state.get("attempts", []) if a.get("state") == "submitted"]


def service_view(view: dict[str, Any], session: QuizSession, state: dict[str, Any] | None,
                 show_result: bool) -> dict[str, Any]:
    """``view`` with what the quiz service says: attempts left, the attempts it recorded, its result panel.

    With no state (the service not reached yet) the view is left as the file makes it.
    """
    if not state:
        return view
    from coursekit.quiz.review import readable_time

    submitted = _server_submitted(state)
    allowed = state.get("attempts_allowed")
    # The service counts an open attempt as used; the learner working on it still has it to submit.
    left = None if allowed is None else max(0, int(allowed) - len(submitted))
    parts = [f"Attempt {len(submitted) + 1}", f"attempts left: {'unlimited' if left is None else left}",
             f"pass rate: {session.settings.pass_rate:g} %"]
    if left == 0:
        parts[:2] = [f"All attempts used ({len(submitted)})"]
    view["header"] = " · ".join(parts)
    view["attempt"] = len(submitted) + 1  # "Start attempt N" and the header count as the service does
    view["finished"] = left == 0
    view["history"] = [{"number": a["number"], "submitted_at": readable_time(a["submitted_at"]),
                        "submitted_iso": a["submitted_at"],
                        "marks": (a.get("review") or {}).get("marks"),
                        "max_marks": (a.get("review") or {}).get("max_marks"), "counts": False}
                       for a in submitted]
    view["result"] = None
    if show_result and submitted:
        last, review = submitted[-1], submitted[-1].get("review") or {}
        local = session.submitted[-1].answers if session.submitted else {}
        view["result"] = {
            "number": last["number"], "submitted_at": readable_time(last["submitted_at"]),
            "submitted_iso": last["submitted_at"],
            "answered": answered_count(session, last.get("answers", local)), "total": len(session.questions),
            "marks": review.get("marks"), "max_marks": review.get("max_marks"), "percent": review.get("percent"),
            "passed": review.get("passed"), "pass_rate": review.get("pass_rate"), "verdicts": review.get("verdicts"),
            "questions": _server_rows(session, last.get("answers", local), {**review, "draw": last.get("draw")}),
            "note": SERVER_NOTE if review.get("marks") is not None or review.get("verdicts") else None,
        }
    return view


def _server_rows(session: QuizSession, answers: Any, review: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's rows from the service's review: its outcomes per question and (when allowed) right answers."""
    from coursekit.quiz.review import result_rows

    outcomes = {int(o["number"]): o for o in review.get("outcomes") or [] if isinstance(o, dict) and "number" in o}
    if not outcomes and review.get("verdicts"):  # a service from before outcomes: right or not only
        outcomes = {int(v["number"]): {"state": "right" if v.get("right") else "wrong"} for v in review["verdicts"]}
    right = {int(r["number"]): str(r["answer"]) for r in review.get("right_answers") or []
             if isinstance(r, dict) and "number" in r}
    draw = review.get("draw") if isinstance(review.get("draw"), dict) else None
    return result_rows(session.questions_of(draw), answers, outcomes or None, right or None)


def service_timer(state: dict[str, Any] | None, elapsed: float) -> dict[str, Any] | None:
    """The timer of the service's open attempt, ``elapsed`` seconds after its state arrived (None: no deadline).

    The seconds left come from the server's ``server_time`` and the attempt's ``deadline``, both from the service.
    """
    if not state or not state.get("server_time"):
        return None
    open_attempt = next((a for a in state.get("attempts", []) if a.get("state") == "open"), None)
    if not open_attempt or not open_attempt.get("deadline"):
        return None
    try:
        return countdown(open_attempt["deadline"], state["server_time"], elapsed)
    except ValueError:
        return None


def local_timer(session: QuizSession) -> dict[str, Any] | None:
    """Without the service: the timer of the attempt in progress from its start and ``time_limit`` (local clock)."""
    started = session.responses.in_progress.started_at
    try:
        ends = local_deadline(started, session.settings.time_limit)
        return None if ends is None else countdown(ends, session.clock())
    except ValueError:
        return None
