"""Item flags and option figures said in words (coursekit.cohort.advice)."""

from __future__ import annotations

import math

from coursekit.cohort.advice import OptionFigures, item_advice

NAN = math.nan


def option(text: str, key: bool, all_: float, top: float, bottom: float, biserial: float) -> OptionFigures:
    return OptionFigures(text, key, all_, top, bottom, biserial)


def test_a_key_few_strong_learners_chose_is_named():
    said = item_advice({"flags": "negative discrimination", "facility": 40.0},
                       [option("Peer support", True, 0.4, 0.1, 0.7, -0.3),
                        option("Mentoring", False, 0.5, 0.8, 0.2, 0.35)])
    assert "Weaker learners did better on it than stronger ones: check the key or the wording." in said
    assert "Few strong learners chose the key “Peer support”: check the key or the wording." in said
    assert any(s.startswith("Strong learners were drawn to the wrong option “Mentoring”") for s in said)


def test_a_sound_question_says_nothing_and_an_unpicked_distractor_is_named():
    good = [option("Right", True, 0.7, 0.9, 0.4, 0.5), option("Wrong", False, 0.3, 0.1, 0.6, -0.4)]
    assert item_advice({"flags": "", "facility": 70.0, "weight_ratio": 1.0, "alpha_if_deleted": 0.5}, good,
                       section_alpha=0.6) == []
    unpicked = [*good, option("Nobody", False, 0.0, 0.0, 0.0, NAN)]
    assert item_advice({"flags": ""}, unpicked) == [
        "Nobody chose “Nobody”: it distracts no one; replace it with a likelier mistake."]
    assert item_advice({"flags": ""}, unpicked, choice=False) == []


def test_flags_weights_and_alpha_in_words():
    said = item_advice({"flags": "too easy, weak discrimination", "facility": 96.4, "weight_ratio": 0.31,
                        "alpha_if_deleted": 0.72}, [], section_alpha=0.65)
    assert said[0].startswith("Almost everyone got it right (facility 96 %)")
    assert said[1].startswith("It barely separates stronger from weaker learners")
    assert "effective / intended weight 0.31" in said[2]
    assert said[3] == "The quiz would be more consistent without it (alpha 0.65 → 0.72)."
    assert item_advice({"flags": "too hard", "facility": 12.0}, [])[0].startswith("Few learners got it right "
                                                                                  "(facility 12 %)")
