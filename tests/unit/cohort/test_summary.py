"""What to change next: each question to rewrite, drop or keep, with its reason (coursekit.cohort.summary)."""

from __future__ import annotations

import math

from coursekit.cohort.advice import OptionFigures, item_advice
from coursekit.cohort.summary import DROP, KEEP, REWRITE, question_verdict


def _item(**figures) -> dict:
    base = {"facility": 60.0, "discrimination_index": 40.0, "flags": "", "effective_weight": 9.0,
            "intended_weight": 9.1, "weight_ratio": 1.0, "alpha_if_deleted": 0.70}
    return {**base, **figures}


def _option(text, key, top, bottom, biserial=0.1, everyone=None):
    return OptionFigures(text, key, (top + bottom) / 2 if everyone is None else everyone, top, bottom, biserial)


GOOD = [_option("Right", True, 0.9, 0.3, 0.5), _option("Wrong A", False, 0.05, 0.4, -0.3),
        _option("Wrong B", False, 0.05, 0.3, -0.2)]


def test_a_question_that_separates_learners_is_kept_with_its_figures():
    verdict = question_verdict(_item(), GOOD, 0.72)
    assert verdict.action == KEEP and verdict.reasons == ["facility 60 %, discrimination 40"]


def test_a_wrong_key_is_rewritten_and_says_who_chose_what():
    options = [_option("Planted key", True, 0.2, 0.5, -0.2), _option("Real answer", False, 0.7, 0.3, 0.3)]
    verdict = question_verdict(_item(facility=35.0, discrimination_index=-20.0,
                                     flags="negative discrimination"), options, 0.7)
    assert verdict.action == REWRITE
    assert verdict.reasons == [
        "weaker learners did better on it than stronger ones (discrimination -20)",
        "only 20 % of the top third chose the key “Planted key” against 50 % of the bottom third",
        "70 % of the top third chose the wrong option “Real answer”", "check the key and the wording"]


def test_two_distractors_that_draw_strong_learners_are_said_in_the_summary_and_the_note():
    """28 % of the top third on each of two wrong options: even with fewer of them than of the bottom third."""
    options = [_option("Key", True, 0.44, 0.10, 0.3), _option("Tempting A", False, 0.28, 0.45, -0.1),
               _option("Tempting B", False, 0.28, 0.45, -0.1)]
    verdict = question_verdict(_item(), options, 0.7)
    assert verdict.action == REWRITE
    assert "28 % of the top third chose the wrong option “Tempting A”" in verdict.reasons
    assert "28 % of the top third chose the wrong option “Tempting B”" in verdict.reasons
    said = item_advice(_item(), options, 0.7)
    assert said and sum("28 % of the strong learners (top third) chose the wrong option" in s for s in said) == 2


def test_an_easy_question_that_separates_nobody_is_dropped():
    verdict = question_verdict(_item(facility=97.0, discrimination_index=5.0, flags="too easy, weak discrimination"),
                               [_option("Right", True, 1.0, 0.95, 0.05), _option("Wrong", False, 0.0, 0.05, -0.05)],
                               0.7)
    assert verdict.action == DROP
    assert verdict.reasons == ["almost everyone got it right (facility 97 %) and it barely separates stronger from "
                               "weaker learners (discrimination 5)"]


def test_an_easy_question_that_still_separates_is_kept_as_a_warm_up():
    verdict = question_verdict(_item(facility=93.0, flags="too easy"), [], 0.7)
    assert verdict.action == KEEP and verdict.reasons[1].endswith("(a warm-up)")


def test_a_question_that_weighs_little_and_lowers_alpha_is_dropped():
    verdict = question_verdict(_item(weight_ratio=0.3, effective_weight=2.7, alpha_if_deleted=0.76), [], 0.72)
    assert verdict.action == DROP
    assert verdict.reasons == ["it weighs less in the totals than its points say (effective weight 2.7 % against "
                               "9.1 % intended)", "the quiz would be more consistent without it (alpha 0.72 → 0.76)"]
    # weighing little alone, with alpha unchanged without it, is no reason to drop it
    assert question_verdict(_item(weight_ratio=0.3, alpha_if_deleted=0.70), [], 0.72).action == KEEP


def test_too_hard_or_weak_questions_are_rewritten():
    hard = question_verdict(_item(facility=12.0, flags="too hard"), GOOD, 0.7)
    assert hard.action == REWRITE and hard.reasons[0].startswith("few learners got it right (facility 12 %)")
    weak = question_verdict(_item(discrimination_index=8.0, flags="weak discrimination"), GOOD, 0.7)
    assert weak.action == REWRITE and "(discrimination 8)" in weak.reasons[0]


def test_no_graded_answers_is_said():
    assert question_verdict(_item(facility=math.nan), [], math.nan).reasons == ["no graded answers yet"]
