"""Short answers read as a trainer would: one normalisation for scoring, digests and the widget's feedback."""

from __future__ import annotations

import json

import pytest

from coursekit.quiz.normalise import count_words, normalise_text
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.scoring import score_question
from coursekit.quiz.session import QuizSession
from coursekit.quiz.spec import QuizSpec, QuizSpecError, ShortAnswer, parse_quiz, public_spec, spec_hash

MOU = ShortAnswer(type="short_answer", id="mou", text="t", answer=["Memorandum of Understanding"])
OPEN_DAYS = ShortAnswer(type="short_answer", id="open-days", text="t", answer=["open days"])
PH = ShortAnswer(type="short_answer", id="ph", text="t", answer=["pH"], case_sensitive=True)

# Each variant below scored 0 before answers were normalised as a trainer reads them.
ACCEPTED = [
    (MOU, "Memorandum of Understanding."),           # full stop at the end
    (MOU, "Memorandum of Understanding ;"),          # semicolon after a space
    (MOU, "“Memorandum of Understanding”"),          # typographic quotes around it
    (MOU, "'memorandum of understanding!'"),
    (MOU, "Memorandum of Under\u00adstanding"),      # soft hyphen
    (MOU, "\ufeffMemorandum of Understanding"),      # byte order mark
    (MOU, "Ｍｅｍｏｒａｎｄｕｍ ｏｆ Ｕｎｄｅｒｓｔａｎｄｉｎｇ"),  # full-width letters
    (OPEN_DAYS, "open-days"),
    (OPEN_DAYS, "Open\u2013Days"),                    # en dash
    (OPEN_DAYS, "open - days"),
    (OPEN_DAYS, "open days\u200b"),                   # trailing zero-width space
    (OPEN_DAYS, "open\u200c days\u200d"),             # zero-width non-joiner and joiner
    (OPEN_DAYS, "open \u2060days\u2060"),             # word joiner
    (OPEN_DAYS, "ｏｐｅｎ－ｄａｙｓ。"),                # full-width hyphen-minus and ideographic full stop
    (PH, "pH."),
    (PH, " pH\u200b "),
]
REFUSED = [
    (MOU, "Memorandum"),
    (MOU, "Memorandum of Understanding or not"),
    (OPEN_DAYS, "opendays"),
    (OPEN_DAYS, "open.days"),                         # punctuation inside the answer is kept
    (OPEN_DAYS, "."),
    (OPEN_DAYS, "\u200b"),
    (PH, "PH"),
    (PH, "ph"),
]


@pytest.mark.parametrize(("text", "expected"), [
    ("Memorandum of Understanding.", "memorandum of understanding"),
    ("open-days", "open days"),
    ("open\u2014days", "open days"),                 # em dash
    ("open \u2212 days", "open days"),                # minus sign
    ("open days\u200b", "open days"),
    ("\ufeffopen days", "open days"),
    ("o\u00adpen days", "open days"),
    ("ｏｐｅｎ ｄａｙｓ", "open days"),
    ("ﬁle", "file"),                                  # ligature
    ("open\u00a0days", "open days"),                  # no-break space
    ("open\u3000days", "open days"),                  # ideographic space
    ("  open \t\n days  ", "open days"),
    ("«open days», ", "open days"),
    ("...", ""),
    ("\u200b\u00ad\ufeff", ""),
    ("A.B.", "a.b"),
    ("C#", "c#"),                                     # symbols that can carry meaning stay
    ("50 %", "50 %"),
    ("Straße", "strasse"),
    # every other invisible format character (category Cf) goes too, not only the usual ones named
    ("open days\u200e", "open days"),                # left-to-right mark at the end
    ("\u202eopen days\u202c", "open days"),          # right-to-left override and its pop
    ("open\u2063days", "opendays"),                  # invisible separator: invisible, so no space
    ("open\u200edays", "opendays"),
    # punctuation and quotes at the edges, however many and in whatever order, with spaces between
    ("open days?!...", "open days"),
    ('"open days."', "open days"),
    ('  " open days " .  ', "open days"),
    ("¿¡open days!?", "open days"),
    ("...open days", "open days"),
    ("open. days", "open. days"),                     # inside the answer it stays
])
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


def test_case_sensitive_keeps_case_only():
    assert normalise_text("  “pH-Value”. ", case_sensitive=True) == "pH Value"
    assert normalise_text("  “pH-Value”. ") == "ph value"


@pytest.mark.parametrize(("question", "answer"), ACCEPTED)
def test_variants_a_trainer_accepts_earn_the_points(question, answer):
    assert score_question(question, answer) == question.points


@pytest.mark.parametrize(("question", "answer"), REFUSED)
def test_other_answers_earn_nothing(question, answer):
    assert score_question(question, answer) == 0.0


def _immediate_session(question: ShortAnswer) -> QuizSession:
    spec = QuizSpec(title="q", settings={"feedback": "immediate"}, questions=[question])
    public = json.loads(json.dumps(public_spec(spec, "sec", salt="pepper")))
    clock = iter(f"2026-11-01T10:00:{s:02d}" for s in range(60))
    return QuizSession(public, empty_responses("ada", "sec", spec_hash(public)), lambda: next(clock))


@pytest.mark.parametrize(("question", "answer", "right"),
                         [(q, a, True) for q, a in ACCEPTED] + [(q, a, False) for q, a in REFUSED])
def test_immediate_feedback_digests_agree_with_grading(question, answer, right):
    session = _immediate_session(question)
    session.set_answer(question.id, answer)
    verdict = session.feedback(session.submit().attempts[-1])[question.id]
    assert verdict is right
    assert verdict == (score_question(question, answer) == question.points)


def test_digests_of_a_key_are_of_its_normalised_forms():
    question = ShortAnswer(type="short_answer", id="s", text="t", answer=["Open days.", "open-days", "open day"])
    spec = QuizSpec(title="q", settings={"feedback": "immediate"}, questions=[question])
    assert len(public_spec(spec, "sec", salt="pepper")["questions"][0]["answer_digest"]) == 2


def test_case_sensitivity_is_in_the_public_spec_only_when_set():
    spec = QuizSpec(title="q", questions=[MOU, PH])
    public = public_spec(spec, "sec")
    assert "case_sensitive" not in public["questions"][0]
    assert public["questions"][1]["case_sensitive"] is True
    assert "answer" not in public["questions"][1]


def test_case_sensitive_from_yaml_and_refused_blank_keys():
    data = {"title": "q", "questions": [{"id": "ph", "type": "short_answer", "text": "t", "answer": ["pH"],
                                         "case_sensitive": True}]}
    assert parse_quiz(data, require_source=False).questions[0].case_sensitive is True
    data["questions"][0]["answer"] = ["pH", " .. "]
    with pytest.raises(QuizSpecError, match=r"<quiz>: question 'ph'.*accepted answer ' \.\. ' is blank"):
        parse_quiz(data, require_source=False)


@pytest.mark.parametrize(("text", "words"), [
    (".", 0),
    ("- . ** ...", 0),
    ("\u200b\ufeff", 0),
    ("YOUR ANSWER HERE", 0),
    ("your answer here.", 0),
    ("YOUR ANSWER HERE We agree.", 2),
    ("We meet partners.", 3),
    ("well-known partner schools", 3),
    ("Ｗｅ\u00a0meet\u200bpartners", 2),                # a zero-width space joins, it does not separate
    ("**We** meet *partners* .", 3),
    ("We\u200emeet partners", 2),                    # a direction mark joins, as every format character
    ("\u202eWe meet partners\u202c", 3),
])
def test_count_words(text, words):
    assert count_words(text, ignore="YOUR ANSWER HERE") == words
