"""Which responses files grading rejects as a whole (coursekit.quiz.verdict): one rule for grades and item analysis."""

from __future__ import annotations

from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import AttemptRecord, empty_responses
from coursekit.quiz.spec import parse_quiz
from coursekit.quiz.verdict import Rejection, recorded_attempts, rejection

SPEC = parse_quiz({"title": "Q", "settings": {"attempts": 2}, "questions": [
    {"slot": "p", "pool": [{"id": qid, "type": "true_false", "text": qid, "answer": True, "source": "x"}
                           for qid in ("p-a", "p-b", "p-c")]},
    {"id": "f", "type": "true_false", "text": "f", "answer": True, "source": "x"}]})


def _responses(learner: str, draws: list[dict[str, str]], saved_by: str | None = None, section: str = "s"):
    """``learner``'s file with one submitted attempt per draw (saved under the name ``saved_by``)."""
    responses = empty_responses(saved_by or learner, section, "hash")
    responses.attempts = [AttemptRecord(number=n, submitted_at=f"2026-12-0{n}T09:00:00", answers={"f": True},
                                        draw=draw) for n, draw in enumerate(draws, 1)]
    return responses


def _honest(learner: str, attempts: int) -> list[dict[str, str]]:
    return [draw_for_attempt(SPEC, learner, "s", n) for n in range(1, attempts + 1)]


def test_the_submitter_s_own_file_with_their_draws_is_taken():
    assert rejection(SPEC, _responses("ada", _honest("ada", 2)), "s", "ada", "s.json") is None
    assert [a.number for a in recorded_attempts(_responses("ada", _honest("ada", 2)))] == [1, 2]


def test_a_copy_another_section_or_an_unknown_submitter_scores_zero():
    copied = rejection(SPEC, _responses("ben", _honest("ada", 1), saved_by="ada"), "s", "ben", "s.json")
    assert copied == Rejection("s.json: saved by learner 'ada', not by the submitter 'ben' (copied; not counted)")
    other = rejection(SPEC, _responses("ada", _honest("ada", 1), section="t"), "s", "ada", "s.json")
    assert other == Rejection("s.json: answers belong to section 't' (not counted)")
    unknown = rejection(SPEC, _responses("ada", _honest("ada", 1)), "s", None, "s.json")
    assert unknown is not None and "the submitter is not known" in unknown.problem and not unknown.not_graded


def test_a_draw_edited_is_not_graded_at_all():
    draws = _honest("ada", 2)
    draws[1] = {"p": next(q for q in ("p-a", "p-b", "p-c") if q != draws[1]["p"])}
    edited = rejection(SPEC, _responses("ada", draws), "s", "ada", "s.json")
    assert edited is not None and edited.not_graded
    assert edited.problem.startswith("s.json: the questions recorded are not the ones this learner was given: "
                                     "attempt 2: slot 'p' records question")
    assert edited.problem.endswith("(draw edited)")
    missing = rejection(SPEC, _responses("ada", [_honest("ada", 1)[0], None]), "s", "ada", "s.json")
    assert missing is not None and missing.not_graded and "no draw recorded" in missing.problem


def test_only_the_attempts_within_the_limit_are_checked():
    """A third attempt is ignored by grading (limit 2), so its draw decides nothing; the draw key does."""
    beyond = [*_honest("ada", 2), {"p": "not-in-the-pool"}]
    assert rejection(SPEC, _responses("ada", beyond), "s", "ada", "s.json") is None
    secret = bytes(32)
    keyed = [draw_for_attempt(SPEC, "ada", "s", n, secret) for n in (1, 2)]
    assert rejection(SPEC, _responses("ada", keyed), "s", "ada", "s.json", secret) is None
    publicly = [rejection(SPEC, _responses(who, [draw_for_attempt(SPEC, who, "s", 1, secret)]), "s", who, "s.json")
                for who in ("ada", "ben", "cy", "dee", "eve", "fay")]
    assert any(r is not None and r.not_graded for r in publicly)  # the service's draws are not the public ones
