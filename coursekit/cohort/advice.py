"""What an item's statistics mean for its author, in words (pure: no Jupyter, no SQL).

:func:`item_advice` reads one row of :func:`coursekit.cohort.metrics.item_stats`
and the question's options (share of the top and bottom third, point-biserial,
whether the option is a key) and says what to check, e.g. "Few strong learners
chose the key …: check the key or the wording."
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

WEIGHT_RATIO_LOW = 0.5
WEIGHT_RATIO_HIGH = 2.0
STRONG_DISTRACTOR = 0.2
"""A wrong option chosen by this share of the top third (or more) is worth a look, whatever the bottom third did."""


@dataclass(frozen=True)
class OptionFigures:
    """One option of a question as the item analysis counted it (shares are fractions, NaN when unknown)."""

    text: str
    is_key: bool
    share_all: float
    share_top: float
    share_bottom: float
    point_biserial: float


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def _from_flags(flags: str, facility: float) -> list[str]:
    said = []
    if "too easy" in flags:
        said.append(f"Almost everyone got it right (facility {facility:.0f} %): it tells stronger from weaker "
                    "learners apart little; make it harder or keep it as a warm-up.")
    if "too hard" in flags:
        said.append(f"Few learners got it right (facility {facility:.0f} %): check that the course teaches it and "
                    "that the wording is clear.")
    if "negative discrimination" in flags:
        said.append("Weaker learners did better on it than stronger ones: check the key or the wording.")
    elif "weak discrimination" in flags:
        said.append("It barely separates stronger from weaker learners: sharpen the wording or the options.")
    return said


def _from_options(options: list[OptionFigures], choice: bool) -> list[str]:
    said = []
    for option in options:
        top, bottom, biserial = option.share_top, option.share_bottom, option.point_biserial
        if option.is_key and (top < bottom or biserial < 0):
            said.append(f"Few strong learners chose the key {_quote(option.text)}: check the key or the wording.")
        elif not option.is_key and top > bottom and biserial > 0:
            said.append(f"Strong learners were drawn to the wrong option {_quote(option.text)}: it may be right "
                        "too, or ambiguous.")
        elif not option.is_key and top >= STRONG_DISTRACTOR:
            said.append(f"{100 * top:.0f} % of the strong learners (top third) chose the wrong option "
                        f"{_quote(option.text)}: check that it is clearly wrong and the key clearly best.")
        elif choice and not option.is_key and option.share_all == 0:
            said.append(f"Nobody chose {_quote(option.text)}: it distracts no one; replace it with a likelier "
                        "mistake.")
    return said


def _from_weights(item: Mapping[str, object], section_alpha: float) -> list[str]:
    said = []
    ratio = _number(item.get("weight_ratio"))
    if ratio < WEIGHT_RATIO_LOW:
        said.append(f"It weighs less in the total than its points say (effective / intended weight {ratio:.2f}): "
                    "its scores hardly move with the rest of the quiz.")
    elif ratio > WEIGHT_RATIO_HIGH:
        said.append(f"It weighs more in the total than its points say (effective / intended weight {ratio:.2f}).")
    without = _number(item.get("alpha_if_deleted"))
    if not math.isnan(section_alpha) and without > section_alpha + 0.01:
        said.append(f"The quiz would be more consistent without it (alpha {section_alpha:.2f} → {without:.2f}).")
    return said


def item_advice(item: Mapping[str, object], options: list[OptionFigures], section_alpha: float = math.nan,
                choice: bool = True) -> list[str]:
    """Sentences that say what to check about one question; empty when nothing stands out.

    Parameters
    ----------
    item
        One row of :func:`coursekit.cohort.metrics.item_stats` (``flags``, ``facility``, ``weight_ratio``,
        ``alpha_if_deleted``).
    options
        The question's options as counted (an option nobody picked has shares 0 and a NaN point-biserial).
    section_alpha
        Cronbach's alpha of the question's section (to tell whether it would rise without the question).
    choice
        Whether the options are a fixed list learners pick from (then an option nobody picked is worth saying).
    """
    flags = str(item.get("flags") or "")
    said = _from_flags(flags, _number(item.get("facility")))
    said += _from_options(options, choice)
    said += _from_weights(item, section_alpha)
    return said
