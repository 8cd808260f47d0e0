"""What to change next in the course's quizzes: each question to rewrite, drop or keep, with the reason in words.

:func:`question_verdict` reads the same figures as the tables of the item analysis (one row of
:func:`coursekit.cohort.metrics.item_stats`, the question's options as :class:`~coursekit.cohort.advice.OptionFigures`
and the section's Cronbach's alpha) and decides:

* **rewrite** when the figures point at the wording or the key: weaker learners did better than stronger ones
  (negative discrimination), few strong learners chose the key, a wrong option drew
  :data:`STRONG_DISTRACTOR` or more of the top third (or more of them than of the bottom third), few learners
  got it right (too hard), or it barely separates stronger from weaker learners;
* **drop** when it adds nothing the rest of the quiz does not: almost everyone got it right and it does not
  separate learners, or it weighs far less in the totals than its points say and the quiz would be more
  consistent without it;
* **keep** otherwise (said with its facility and discrimination).

Pure: no Jupyter, no SQL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from coursekit.cohort.advice import STRONG_DISTRACTOR, WEIGHT_RATIO_LOW, OptionFigures

REWRITE, DROP, KEEP = "rewrite", "drop", "keep"
ORDER = {REWRITE: 0, DROP: 1, KEEP: 2}
ALPHA_GAIN = 0.01


@dataclass(frozen=True)
class Verdict:
    """What to do with one question and why (sentences built from its statistics)."""

    action: str
    reasons: list[str]


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def strong_distractors(options: list[OptionFigures]) -> list[OptionFigures]:
    """Wrong options that drew strong learners.

    Those chosen by at least :data:`~coursekit.cohort.advice.STRONG_DISTRACTOR` of the top third, or by more
    of the top third than of the bottom third with a positive point-biserial.
    """
    return [o for o in options if not o.is_key and (
        o.share_top >= STRONG_DISTRACTOR or (o.share_top > o.share_bottom and o.point_biserial > 0))]


def _key_problems(options: list[OptionFigures]) -> list[str]:
    said = []
    for option in options:
        if option.is_key and (option.share_top < option.share_bottom or option.point_biserial < 0):
            said.append(f"only {100 * option.share_top:.0f} % of the top third chose the key {_quote(option.text)} "
                        f"against {100 * option.share_bottom:.0f} % of the bottom third")
    for option in strong_distractors(options):
        said.append(f"{100 * option.share_top:.0f} % of the top third chose the wrong option {_quote(option.text)}")
    return said


def question_verdict(item: Mapping[str, object], options: list[OptionFigures],
                     section_alpha: float = math.nan) -> Verdict:
    """Rewrite, drop or keep one question, with the reasons (see the module's rules).

    Parameters
    ----------
    item
        One row of :func:`coursekit.cohort.metrics.item_stats` (``facility``, ``discrimination_index``,
        ``flags``, ``effective_weight``, ``intended_weight``, ``weight_ratio``, ``alpha_if_deleted``).
    options
        The question's options as counted (empty for typed answers).
    section_alpha
        Cronbach's alpha of the question's section.
    """
    flags = str(item.get("flags") or "")
    facility = _number(item.get("facility"))
    discrimination = _number(item.get("discrimination_index"))
    if math.isnan(facility):
        return Verdict(KEEP, ["no graded answers yet"])
    rewrite = []
    if "negative discrimination" in flags:
        rewrite.append(f"weaker learners did better on it than stronger ones (discrimination {discrimination:.0f})")
    rewrite += _key_problems(options)
    if rewrite:
        return Verdict(REWRITE, [*rewrite, "check the key and the wording"])
    ratio, without = _number(item.get("weight_ratio")), _number(item.get("alpha_if_deleted"))
    alpha_rises = not math.isnan(section_alpha) and without > section_alpha + ALPHA_GAIN
    weighs_little = ratio < WEIGHT_RATIO_LOW
    if "too easy" in flags and "weak discrimination" in flags:
        return Verdict(DROP, [f"almost everyone got it right (facility {facility:.0f} %) and it barely separates "
                              f"stronger from weaker learners (discrimination {discrimination:.0f})"])
    if weighs_little and alpha_rises:
        return Verdict(DROP, [
            f"it weighs less in the totals than its points say (effective weight "
            f"{_number(item.get('effective_weight')):.1f} % against {_number(item.get('intended_weight')):.1f} % "
            f"intended)", f"the quiz would be more consistent without it (alpha {section_alpha:.2f} → {without:.2f})"])
    if "too hard" in flags:
        return Verdict(REWRITE, [f"few learners got it right (facility {facility:.0f} %): check that the course "
                                 "teaches it and that the wording is clear"])
    if "weak discrimination" in flags:
        return Verdict(REWRITE, [f"it barely separates stronger from weaker learners (discrimination "
                                 f"{discrimination:.0f}): sharpen the wording or the options"])
    said = [f"facility {facility:.0f} %, discrimination {discrimination:.0f}"]
    if "too easy" in flags:
        said.append("easy, but it still separates stronger from weaker learners (a warm-up)")
    return Verdict(KEEP, said)
