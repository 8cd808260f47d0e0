"""LMS exports: learners' sortable names and the Moodle feedback of a submission not graded."""

from __future__ import annotations

from coursekit.results.lms import sortable_name


def test_sortable_name():
    assert sortable_name("Ada King Lovelace", "ada") == "Lovelace, Ada King"
    assert sortable_name("Cher", "cher") == "Cher"
    assert sortable_name("", "bob") == "bob"


def test_moodle_feedback_of_a_submission_not_graded_names_the_reason_without_markup():
    from coursekit.results.lms import quiz_outcome

    row = {"status": "not graded", "late": "", "late_penalty": 0.0,
           "problems": "'x.ipynb': a symlink (refused); not graded: nothing of the learner's work could be read "
                       "('<img src=x onerror=alert(1)>.ipynb': a symlink (refused))"}
    assert quiz_outcome(row) == ("not graded: nothing of the learner's work could be read "
                                   "('‹img src=x onerror=alert(1)›.ipynb': a symlink (refused))")
    assert quiz_outcome({**row, "problems": "learner id 'a b' has white space: not graded"}) == (
        "not graded: learner id 'a b' has white space: not graded")
    assert quiz_outcome({**row, "problems": ""}) == "not graded"


def test_the_late_penalty_reads_as_the_feedback_page_shows_it():
    from coursekit.grading.feedback_page import Summary, header_html
    from coursekit.results.lms import quiz_outcome

    row = {"status": "failed", "late": "6 d 5 h", "late_penalty": 7.666667, "problems": ""}
    outcome = quiz_outcome(row)
    assert outcome == "failed; submitted 6 d 5 h late (late penalty 7.67 points)"
    page = header_html(Summary("S", "ada", 0.0, 15.0, 75.0, 0.0, 0.0, 0, outcome=outcome, late_penalty=7.666667))
    assert page.count("7.67 points") == 2 and "7.66667" not in page
