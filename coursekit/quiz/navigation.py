"""Moving between the pages of a quiz: ``free`` (Back and the question map) or ``sequential``."""

from __future__ import annotations

from typing import Literal


class NavigationError(ValueError):
    """A move the quiz's navigation does not allow."""


class Navigator:
    """Which question page is shown, and where the learner may go from it."""

    def __init__(self, count: int, mode: Literal["free", "sequential"] = "free", start: int = 0) -> None:
        if count < 1:
            raise NavigationError("a quiz needs at least one question")
        self.count = count
        self.mode = mode
        self.index = 0
        self.visited: set[int] = {0}
        if start:
            self.go(start)

    @property
    def can_back(self) -> bool:
        """Whether Back is allowed from here."""
        return self.mode == "free" and self.index > 0

    @property
    def can_next(self) -> bool:
        """Whether Next is allowed from here."""
        return self.index < self.count - 1

    def next(self) -> int:
        """Go to the next question; return its index."""
        return self.go(self.index + 1)

    def back(self) -> int:
        """Go to the previous question (free navigation only); return its index."""
        return self.go(self.index - 1)

    def go(self, index: int) -> int:
        """Go to question ``index`` (0-based); sequential navigation only allows the next one."""
        if not 0 <= index < self.count:
            raise NavigationError(f"no question {index + 1}: the quiz has {self.count}")
        if self.mode == "sequential" and index != self.index + 1 and index != self.index:
            raise NavigationError("this quiz does not allow going back or skipping ahead")
        self.index = index
        self.visited.add(index)
        return index
