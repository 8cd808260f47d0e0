"""Grading: the nbgrader plug-ins, named by string outside this package, so their paths stay stable.

* :mod:`coursekit.grading.hidden`: imported by the hidden tests inside every
  graded notebook (``source/``) and stored with them in existing gradebooks;
* :class:`coursekit.grading.escape.EscapeLearnerAnswers`: formgrader's HTML
  preprocessor (``grader/nbgrader_config.py``, ``deploy/jupyterhub_config.py``);
* :mod:`coursekit.grading.feedback_page`: the learner's feedback page as HTML
  blocks (pure), which :mod:`coursekit.results.feedback` fills from the grade
  record;
* :mod:`coursekit.grading.formgrader_guard`: the Jupyter server extension that
  makes formgrader show learner names and ids as text (trainer mode,
  ``deploy/jupyterhub_config.py``).

The grading engine is :mod:`coursekit.autograde`, the gradebook
:mod:`coursekit.gradebook`, what is computed from grades :mod:`coursekit.results`.
Importing this package is cheap: hidden tests import :mod:`coursekit.grading.hidden`
inside every graded notebook, so nothing here imports nbgrader at module level
except the modules that plug into it.
"""
