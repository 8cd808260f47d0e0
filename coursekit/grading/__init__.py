"""Grading: nbgrader glue for autograde, statuses, feedback and exports.

Importing this package is cheap: hidden tests import
:mod:`coursekit.grading.hidden` inside every graded notebook, so nothing here
imports nbgrader at module level except the modules that plug into it.
"""
