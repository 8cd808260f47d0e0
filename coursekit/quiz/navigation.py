"""Moving between the pages of a quiz: ``free`` (Back and the question map) or ``sequential``.

A tiny state machine: :class:`Navigator` holds the current page and refuses
the moves the quiz's navigation setting does not allow.
"""

from __future__ import annotations

from typing import Literal

NavigationMode = Literal["free", "sequential"]
MODES: tuple[str, ...] = ("free", "sequential")


class NavigationError(ValueError):
    """A move the quiz's navigation does not allow, or to a page that does not exist."""


class Navigator:
    """Which question page is shown, and where the learner may go from it.

    Parameters
    ----------
    count
        Number of question pages (at least 1).
    mode
        ``"free"``: Back and jumping to any page are allowed; ``"sequential"``:
        only forward, one page at a time, with no revisiting.
    start
        The page shown first (0-based), e.g. when resuming; with sequential
        navigation the pages before it count as visited.

    Raises
    ------
    NavigationError
        If ``count``, ``mode`` or ``start`` is invalid.
    """

    def __init__(self, count: int, mode: NavigationMode = "free", start: int = 0) -> None:
        if count < 1:
            raise NavigationError("a quiz needs at least one question")
        if mode not in MODES:
            raise NavigationError(f"unknown navigation {mode!r}; expected one of {', '.join(MODES)}")
        self._count = count
        self._mode: NavigationMode = mode
        self._index = self._check_range(start)
        self.visited: set[int] = set(range(start + 1)) if mode == "sequential" else {start}

    @property
    def count(self) -> int:
        """Number of question pages."""
        return self._count

    @property
    def mode(self) -> NavigationMode:
        """The navigation mode, ``"free"`` or ``"sequential"``."""
        return self._mode

    @property
    def index(self) -> int:
        """The page shown (0-based)."""
        return self._index

    @property
    def can_back(self) -> bool:
        """Whether Back is allowed from here."""
        return self._mode == "free" and self._index > 0

    @property
    def can_next(self) -> bool:
        """Whether Next is allowed from here."""
        return self._index < self._count - 1

    def next(self) -> int:
        """Go to the next page and return its index.

        Raises
        ------
        NavigationError
            On the last page.
        """
        return self.go(self._index + 1)

    def back(self) -> int:
        """Go to the previous page (free navigation only) and return its index.

        Raises
        ------
        NavigationError
            With sequential navigation, or on the first page.
        """
        if self._mode == "sequential":
            raise NavigationError("this quiz does not allow going back")
        return self.go(self._index - 1)

    def go(self, index: int) -> int:
        """Go to page ``index`` (0-based) and return it.

        Free navigation allows any page; sequential navigation only the next
        one (staying on the current page is a no-op).

        Raises
        ------
        NavigationError
            If the page does not exist or the move is not allowed.
        """
        self._check_range(index)
        if self._mode == "sequential" and index not in (self._index, self._index + 1):
            raise NavigationError("this quiz does not allow going back or skipping ahead")
        self._index = index
        self.visited.add(index)
        return index

    def _check_range(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self._count:
            raise NavigationError(f"no question {index + 1 if isinstance(index, int) else index}: "
                                  f"the quiz has {self._count}")
        return index


def check_sequential_answer(mode: NavigationMode, index: int, reached: int) -> int:
    """Where a learner has reached after answering question ``index`` (0-based); refuse going back.

    With ``sequential`` navigation an answer may only be given on the page
    reached so far or a later one (the server keeps ``reached``, so a reloaded
    notebook cannot go back either); with ``free`` every page may be answered.

    Raises
    ------
    NavigationError
        When a sequential quiz is answered on a page before the one reached.
    """
    if mode == "sequential" and index < reached:
        raise NavigationError(f"this quiz does not allow going back: question {index + 1} was left behind "
                              f"(you reached question {reached + 1})")
    return max(index, reached)
