"""Quiz navigation: free (Back and jumps allowed) and sequential (forward only, no revisiting)."""

from __future__ import annotations

import pytest

from coursekit.quiz.navigation import NavigationError, Navigator


def test_free_navigation_moves_anywhere_in_range():
    nav = Navigator(3)
    assert (nav.index, nav.count, nav.mode, nav.visited) == (0, 3, "free", {0})
    assert not nav.can_back and nav.can_next
    assert nav.next() == 1
    assert nav.next() == 2
    assert not nav.can_next and nav.can_back
    assert nav.back() == 1
    assert nav.go(0) == 0
    assert nav.go(2) == 2
    assert nav.index == 2 and nav.visited == {0, 1, 2}


def test_free_navigation_can_jump_ahead_without_visiting_between():
    nav = Navigator(4)
    nav.go(3)
    assert nav.visited == {0, 3}
    nav.back()
    assert nav.index == 2


@pytest.mark.parametrize("mode", ["free", "sequential"])
def test_out_of_range_is_refused_and_leaves_the_page(mode):
    nav = Navigator(3, mode)
    with pytest.raises(NavigationError, match=r"^no question 4: the quiz has 3$"):
        nav.go(3)
    with pytest.raises(NavigationError, match="no question 0"):
        nav.go(-1)
    nav.next()
    nav.next()
    with pytest.raises(NavigationError, match="no question 4"):
        nav.next()
    assert nav.index == 2


def test_free_back_on_the_first_page_is_refused():
    nav = Navigator(3)
    with pytest.raises(NavigationError, match="no question 0"):
        nav.back()
    assert nav.index == 0


def test_sequential_allows_no_going_back_or_revisiting():
    nav = Navigator(4, "sequential")
    assert not nav.can_back and nav.can_next
    with pytest.raises(NavigationError, match=r"^this quiz does not allow going back$"):
        nav.back()  # even on the first page the reason is the mode
    nav.next()
    assert nav.index == 1 and not nav.can_back
    with pytest.raises(NavigationError, match="does not allow going back"):
        nav.back()
    with pytest.raises(NavigationError, match="does not allow going back or skipping ahead"):
        nav.go(0)  # no revisiting
    with pytest.raises(NavigationError, match="skipping ahead"):
        nav.go(3)  # no skipping
    assert nav.index == 1 and nav.visited == {0, 1}
    assert nav.go(1) == 1  # staying put is harmless
    assert nav.go(2) == 2
    nav.next()
    with pytest.raises(NavigationError, match="does not allow"):
        nav.go(2)
    assert nav.index == 3 and not nav.can_next and not nav.can_back
    assert nav.visited == {0, 1, 2, 3}


def test_start_page_for_resuming():
    nav = Navigator(4, "sequential", start=2)
    assert nav.index == 2 and nav.visited == {0, 1, 2}
    with pytest.raises(NavigationError):
        nav.go(1)
    free = Navigator(4, start=2)
    assert free.index == 2 and free.visited == {2} and free.can_back
    with pytest.raises(NavigationError, match="no question 5: the quiz has 4"):
        Navigator(4, start=4)


def test_a_single_question_has_nowhere_to_go():
    nav = Navigator(1)
    assert not nav.can_back and not nav.can_next


@pytest.mark.parametrize(("args", "message"), [
    ((0,), "a quiz needs at least one question"),
    ((3, "random"), "unknown navigation 'random'"),
])
def test_invalid_navigators_are_refused(args, message):
    with pytest.raises(NavigationError, match=message):
        Navigator(*args)
