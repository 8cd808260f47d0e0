"""The quiz service with a learner trying to get the key or break the record: every reply read byte by byte."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from service_support import (
    SECTION,
    Clock,
    fixed_right_answers,
    quiz_source,
    running_service,
    service_client,
    service_token,
    service_tokens,
)

from coursekit.gradebook.state import make_engine
from coursekit.quiz.describe import describe_answer
from coursekit.quiz.overrides import Override
from coursekit.quiz.types import question_type
from coursekit.service.book import AttemptBook
from coursekit.service.trusted import TrustedQuizzes

pytestmark = pytest.mark.slow

ADA, BOB = "ada", "bob"
TOKENS = service_tokens([ADA, BOB])


def _raw(url: str, name: str, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    """One request as the learner's kernel (or anyone with the token) sends it: the status and every byte back."""
    request = urllib.request.Request(url + path, data=body, method=method,
                                     headers={"Authorization": f"token {service_token(name)}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wrong_answers(spec) -> dict[str, Any]:
    return {q.id: question_type(q).wrong_answer(q) for q in spec.questions}


def _key_material(source, section: str = SECTION) -> tuple[list[bytes], set[str]]:
    """Byte strings that give the key away (right answers in words, digests, the salt) and the keys' option ids."""
    quiz = TrustedQuizzes(source).get(section)
    texts = [json.dumps(describe_answer(q, q.answer[0] if q.type == "short_answer" else q.answer)).encode()
             for q in quiz.spec.questions]
    texts += [json.dumps(question_type(q).key_text(q)).encode() for q in quiz.spec.questions]  # as review words it
    public = json.loads((source / section / "quiz.json").read_text(encoding="utf-8"))
    digests = [d.encode() for q in public["questions"] for d in _leaf_strings(q.get("answer_digest"))]
    assert len(digests) >= len(public["questions"])
    texts += [*digests, public["salt"].encode(), b"answer_digest", b"salt"]
    ids: set[str] = set()
    for question in quiz.spec.questions:
        answer = question.answer
        if question.type == "single_choice":
            ids.add(answer)
        elif question.type == "multiple_choice":
            ids.update(answer)
    return texts, ids


def _without_own_answers(reply: Any) -> Any:
    """A reply with each attempt's own answers taken out (the learner's own choices, shown by the 'attempt' row)."""
    if isinstance(reply, dict):
        return {k: _without_own_answers(v) for k, v in reply.items() if k != "answers"}
    if isinstance(reply, list):
        return [_without_own_answers(v) for v in reply]
    return reply


def _leaf_strings(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_leaf_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_leaf_strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def test_no_reply_carries_the_key_while_an_attempt_is_left(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=2)  # Moodle's default review options: right answers everywhere
    quiz = TrustedQuizzes(source).get(SECTION)
    assert quiz.spec.settings.review.shows("immediately", "right_answer")
    assert quiz.spec.settings.review.shows("open", "right_answer")
    key_texts, key_ids = _key_material(source)
    wrong = _wrong_answers(quiz.spec)
    clock = Clock()
    with running_service(postgres_db, source, TOKENS, clock) as url:
        replies = [
            _raw(url, ADA, "POST", f"api/sections/{SECTION}/start", b"{}"),
            _raw(url, ADA, "PUT", f"api/sections/{SECTION}/answers", json.dumps({"answers": wrong}).encode()),
            _raw(url, ADA, "POST", f"api/sections/{SECTION}/submit",
                 json.dumps({"attempt_id": "ada-1", "answers": wrong}).encode()),
            _raw(url, ADA, "GET", f"api/sections/{SECTION}"),
            _raw(url, ADA, "GET", "api/attempts"),
        ]
        clock.advance(10)  # "later, while the quiz is still open"
        replies += [_raw(url, ADA, "GET", f"api/sections/{SECTION}"), _raw(url, ADA, "GET", "api/attempts"),
                    _raw(url, ADA, "POST", f"api/sections/{SECTION}/start", b"{}")]
    assert [status for status, _ in replies] == [200] * len(replies)
    for _, body in replies:
        for material in key_texts:
            assert material not in body, (material, body[:400])
        assert not _leaf_strings(_without_own_answers(json.loads(body))) & key_ids
    reviews = [a["review"] for a in json.loads(replies[3][1])["attempts"] + json.loads(replies[5][1])["attempts"]
               if a["review"]]
    assert [r["column"] for r in reviews] == ["immediately", "open"]
    assert all(r["right_answers"] is None and r["verdicts"] is not None for r in reviews)  # the rest stays


def test_right_answers_appear_after_the_last_attempt_and_after_close(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=2, close="2026-12-01T12:00:00Z")
    quiz = TrustedQuizzes(source).get(SECTION)
    expected = [{"number": n, "answer": question_type(q).key_text(q)} for n, q in enumerate(quiz.spec.questions, 1)]
    assert {"number": 11, "answer": "open days / open day"} in expected  # a short answer: every accepted form
    clock = Clock()
    with running_service(postgres_db, source, TOKENS, clock) as url:
        ada, bob = service_client(url, ADA), service_client(url, BOB)
        ada.submit(SECTION, "ada-1", _wrong_answers(quiz.spec))
        last = ada.submit(SECTION, "ada-2", fixed_right_answers())  # no attempt left: the review may show the key
        assert last["attempt"]["review"]["right_answers"] == expected
        assert [a["review"]["right_answers"] for a in last["state"]["attempts"]] == [expected, expected]
        bob.submit(SECTION, "bob-1", {"partner-schools": "b"})
        assert bob.state(SECTION)["attempts"][0]["review"]["right_answers"] is None  # one attempt left
        clock.advance(3 * 60 + 1)  # after close
        closed = bob.state(SECTION)["attempts"][0]["review"]
        assert closed["column"] == "closed" and closed["right_answers"] == expected


def test_an_override_with_another_attempt_hides_the_key_again(postgres_db, tmp_path):
    source = quiz_source(tmp_path, attempts=1)
    clock = Clock()
    with running_service(postgres_db, source, TOKENS, clock) as url:
        ada = service_client(url, ADA)
        assert ada.submit(SECTION, "ada-1", {"partner-schools": "b"})["attempt"]["review"]["right_answers"]
        book = AttemptBook(make_engine(postgres_db), clock)
        book.set_override(Override(ADA, SECTION, attempts=2, set_by="tess"))
        book.engine.dispose()
        assert ada.state(SECTION)["attempts"][0]["review"]["right_answers"] is None


def test_text_that_is_not_unicode_is_refused_and_nothing_is_recorded(postgres_db, tmp_path):
    source = quiz_source(tmp_path)
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        ada = service_client(url, ADA)
        ada.save(SECTION, {"open-days": "open days"})
        lone = b'{"answers": {"open-days": "open \\ud800days"}}'
        status, body = _raw(url, ADA, "PUT", f"api/sections/{SECTION}/answers", lone)
        assert status == 400
        assert json.loads(body)["message"] == ("the request: answers.open-days: text that is not valid Unicode "
                                               "(half of a character, such as a lone surrogate)")
        status, body = _raw(url, ADA, "POST", f"api/sections/{SECTION}/submit",
                            b'{"attempt_id": "x1", "answers": {"\\udc00": "a"}}')
        assert status == 400 and b"not valid Unicode" in body
        status, body = _raw(url, ADA, "PUT", f"api/sections/{SECTION}/answers", b'{"answers": "\xff"}')
        assert status == 400 and json.loads(body)["message"].startswith("the request: not UTF-8 text")
        assert ada.state(SECTION)["attempts"][0]["answers"] == {"open-days": "open days"}


def test_a_body_nested_200000_deep_is_a_bad_request(postgres_db, tmp_path):
    source = quiz_source(tmp_path)
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        status, body = _raw(url, ADA, "PUT", f"api/sections/{SECTION}/answers", b"[" * 200_000)
        assert status == 400
        assert json.loads(body) == {"error": "http", "message": "the request: not JSON (nested too deep)"}
        assert service_client(url, ADA).state(SECTION)["attempts"] == []


def test_an_override_stored_before_it_was_checked_keeps_the_quizs_settings(postgres_db, tmp_path):
    from coursekit.service.tables import OVERRIDE

    source = quiz_source(tmp_path, time_limit=30)
    with running_service(postgres_db, source, TOKENS, Clock()) as url:
        engine = make_engine(postgres_db)
        with engine.begin() as conn:  # as `coursekit override --time-limit 1e12` and `inf` wrote them before
            conn.execute(OVERRIDE.insert(), [
                {"learner": ADA, "section": SECTION, "attempts": None, "close": None, "time_limit_minutes": 1e12,
                 "set_by": "tess", "set_at": "2026-12-01T08:00:00.000+00:00"},
                {"learner": BOB, "section": SECTION, "attempts": None, "close": None,
                 "time_limit_minutes": float("inf"), "set_by": "tess", "set_at": "2026-12-01T08:00:00.000+00:00"}])
        engine.dispose()
        for name in (ADA, BOB):
            client = service_client(url, name)
            saved = client.save(SECTION, {"partner-schools": "a"})["attempt"]
            assert saved["deadline"] == "2026-12-01T09:30:00.000+00:00"  # the quiz's own 30 minutes
            assert client.state(SECTION)["time_limit_minutes"] == 30
        with pytest.raises(ValueError, match="at most 525,600"):
            Override(ADA, SECTION, time_limit_minutes=1e12)
