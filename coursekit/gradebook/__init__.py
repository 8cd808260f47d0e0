"""The gradebook: nbgrader's database and coursekit's tables beside it.

Locks, the engine factory and grading state, the roster, extensions and due
dates, the learner ids nbgrader accepts, and lateness.
"""
