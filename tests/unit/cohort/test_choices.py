"""Short answers in the option-level analysis are grouped as grading reads them."""

import json
from pathlib import Path

from coursekit.authoring.course import load_course
from coursekit.cohort.responses import load_choices
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
                     "answers": {"open-days": text}}]
        doc = responses_document(course, section, learner, attempts)
        (folder / f"{SECTION}.json").write_text(json.dumps(doc), encoding="utf-8")
    choices = load_choices(tmp_path, [SECTION])
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
                 "answers": {question.id: answer}} for n, answer in ((1, question.answer), (2, wrong))]
    doc = responses_document(course, section, "ada", attempts)
    (folder / f"{SECTION}.json").write_text(json.dumps(doc), encoding="utf-8")
    graded = load_choices(tmp_path, [SECTION], quizzes={SECTION: quiz})
    assert graded[graded["item"] == question.id]["option"].tolist() == [question.answer]
    assert graded["attempt"].unique().tolist() == [1]
    last = load_choices(tmp_path, [SECTION])
    assert last[last["item"] == question.id]["option"].tolist() == [wrong]
