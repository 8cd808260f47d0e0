"""The review page of a reflection question: learner text escaped, the passage shown."""

from __future__ import annotations

from project_support import REPO

from coursekit.authoring.course import load_course
from coursekit.results.review import Answer, render_review_page


def test_review_page_escapes_learner_text_and_shows_the_passage():
    course = load_course(REPO / "course")
    section = course.sections[0]
    question = section.comments[0]
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    answers = [Answer("ada", "nb1", hostile, False, None, question.points, "<b>see me</b>"),
               Answer("<i>bob</i>", "nb2", "", True, None, question.points, "")]
    page = render_review_page(course, section.id, question.id, answers, {"ada": "Ada <Lovelace>"})
    assert "<script>" not in page and "<img" not in page and "<b>see me" not in page and "<i>bob" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Ada &lt;Lovelace&gt;" in page
    assert " ".join(question.source.split())[:40].replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "not reviewed yet" in page and "blank (left as given or too short): 0 points" in page
    assert "2 submissions · 1 answered · 0 reviewed · 1 blank" in page
