"""Short answers in the option-level analysis are grouped as grading reads them."""

import json
from pathlib import Path

import pytest

from coursekit.authoring.course import load_course
from coursekit.cohort.questions import option_labels
from coursekit.cohort.responses import load_choices
from coursekit.quiz.draw import draw_for_attempt
from coursekit.quiz.responses import empty_responses
from coursekit.quiz.spec import parse_quiz
from coursekit.simulate import responses_document

REPO = Path(__file__).resolve().parents[3]
SECTION = "cooperation_networking"


def test_short_answers_are_counted_in_their_normalised_form(tmp_path):
    course = load_course(REPO / "course")
    section = course.section(SECTION)
    given = {"ada": "Open-days.", "bob": "open days\u200b", "cy": "ＯＰＥＮ ＤＡＹＳ", "dee": ".", "eve": "open day"}
    for learner, text in given.items():
        folder = tmp_path / learner / SECTION / "responses"
        folder.mkdir(parents=True)
        attempts = [{"number": 1, "started_at": "2026-10-01T09:00:00", "submitted_at": "2026-10-01T09:10:00",
                     "answers": {"open-days": text}, "draw": draw_for_attempt(section.quiz, learner, SECTION, 1)}]
        doc = responses_document(course, section, learner, attempts)
        (folder / f"{SECTION}.json").write_text(json.dumps(doc), encoding="utf-8")
    choices = load_choices(tmp_path, {SECTION: section.quiz})
    picked = choices[choices["item"] == "open-days"].set_index("learner")["option"].to_dict()
    assert picked == {"ada": "open days", "bob": "open days", "cy": "open days", "eve": "open day"}


def test_options_count_the_attempt_the_grade_reflects(tmp_path):
    """Under "highest" the best attempt counts, not the last: the option tables and the facility agree."""
    course = load_course(REPO / "course")
    section = course.section(SECTION)
    quiz = section.quiz.model_copy(update={"settings": section.quiz.settings.model_copy(
        update={"grading_method": "highest"})})
    question = next(q for q in quiz.questions if q.type == "single_choice")
    wrong = next(o.id for o in question.options if o.id != question.answer)
    folder = tmp_path / "ada" / SECTION / "responses"
    folder.mkdir(parents=True)
    attempts = [{"number": n, "started_at": f"2026-10-0{n}T09:00:00", "submitted_at": f"2026-10-0{n}T09:10:00",
                 "answers": {question.id: answer}, "draw": draw_for_attempt(quiz, "ada", SECTION, n)}
                for n, answer in ((1, question.answer), (2, wrong))]
    doc = responses_document(course, section, "ada", attempts)
    (folder / f"{SECTION}.json").write_text(json.dumps(doc), encoding="utf-8")
    graded = load_choices(tmp_path, {SECTION: quiz})
    assert graded[graded["item"] == question.id]["option"].tolist() == [question.answer]
    assert graded["attempt"].unique().tolist() == [1]
    last = load_choices(tmp_path, {SECTION: quiz}, attempts="last")
    assert last[last["item"] == question.id]["option"].tolist() == [wrong]


QUIZ = {"title": "t", "questions": [
    {"id": "one", "type": "single_choice", "text": "One?", "answer": "opt-b",
     "options": [{"id": "opt-a", "text": "A"}, {"id": "opt-b", "text": "B"}]},
    {"id": "some", "type": "multiple_choice", "text": "Some?", "answer": ["a", "c"],
     "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]},
    {"id": "pairs", "type": "matching", "text": "Match.", "answer": {"x": "one", "y": "two"},
     "items": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}],
     "choices": [{"id": "one", "text": "1"}, {"id": "two", "text": "2"}]},
    {"id": "sure", "type": "true_false", "text": "Sure?", "answer": False},
    {"id": "typed", "type": "short_answer", "text": "Days?", "answer": ["open days"]},
    {"id": "number", "type": "numerical", "text": "How many?", "answer": [{"value": 4}]},
]}


def write_answers(root: Path, learner: str, answers: dict) -> None:
    folder = root / learner / "sec" / "responses"
    folder.mkdir(parents=True)
    attempt = {"id": "a1", "number": 1, "started_at": "2026-10-01T09:00:00", "submitted_at": "2026-10-01T09:05:00",
               "answers": answers}
    doc = json.loads(empty_responses(learner, "sec", "hash").model_dump_json(by_alias=True))
    doc["attempts"] = [attempt]
    (folder / "sec.json").write_text(json.dumps(doc), encoding="utf-8")


def test_each_answer_is_counted_as_its_type_reads_it_back(tmp_path):
    """Every type flattens its own answer; each value is one its type labels (an option id with a hyphen kept)."""
    quiz = parse_quiz(QUIZ, require_source=False)
    write_answers(tmp_path, "ada", {"one": "opt-b", "some": ["a", "b"], "pairs": {"x": "one", "y": "one"},
                                    "sure": False, "typed": "Open-Days.", "number": "4.0", "gone": "removed"})
    choices = load_choices(tmp_path, {"sec": quiz})
    picked = choices.groupby("item")["option"].apply(list).to_dict()
    assert picked == {"one": ["opt-b"], "some": ["a", "b"], "pairs": ["x=one", "y=one"], "sure": ["false"],
                      "typed": ["open days"], "number": ["4.0"]}
    keys = {item: [label.option for label in option_labels(quiz.question(item), values) if label.is_key]
            for item, values in picked.items()}
    assert keys == {"one": ["opt-b"], "some": ["a", "c"], "pairs": ["x=one", "y=two"], "sure": ["false"],
                    "typed": ["open days"], "number": ["4.0"]}


def test_an_answer_of_another_shape_is_counted_as_text(tmp_path):
    """A learner's file is untrusted: an answer of another shape is counted as its text, never as a key."""
    quiz = parse_quiz(QUIZ, require_source=False)
    write_answers(tmp_path, "bob", {"some": "A, C", "pairs": ["x"], "sure": "yes", "one": 3})
    picked = load_choices(tmp_path, {"sec": quiz}).groupby("item")["option"].apply(list).to_dict()
    assert picked == {"some": ["a, c"], "pairs": ["['x']"], "sure": ["yes"], "one": ["3"]}
    labels = [label for item, values in picked.items() for label in option_labels(quiz.question(item), values)
              if label.option in values]
    assert len(labels) == 4 and not any(label.is_key for label in labels)


def test_an_unknown_choice_of_attempts_is_refused(tmp_path):
    with pytest.raises(ValueError, match="attempts must be 'graded', 'last' or 'every', not 'first'"):
        load_choices(tmp_path, {"sec": parse_quiz(QUIZ, require_source=False)}, attempts="first")  # type: ignore[arg-type]
