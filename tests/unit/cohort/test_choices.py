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
