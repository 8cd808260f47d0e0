"""Write a submission graded elsewhere into the gradebook, as nbgrader's autograde would have.

A Dask worker (:mod:`.cluster`) grades a submission in its own folder with a
gradebook of its own and returns the graded folder: the rebuilt, executed
notebook with its outputs, ``timestamp.txt`` and the saved answers. The trainer's
machine then runs :class:`RecordAutograde` on those files: nbgrader's own
autograde, less the sanitize step and the execution, so the gradebook gets
exactly what a local run writes (the submission and its timestamp, every
automatic score, the late penalty, a reviewed override kept reviewed) from the
one process that writes it.
"""

from __future__ import annotations

import time
from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.converters.base import BaseConverter
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput
from nbgrader.utils import capture_log, setenv, temp_attrs

from coursekit.grading.converter import CoursekitAutograde, SaveAutoGradesKeepingOverrides

RECORD_PREPROCESSORS = [
    IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGradesKeepingOverrides, AssignLatePenalties,
    CheckCellMetadata,
]
"""nbgrader's second autograde pass without ``Execute``: each step gives the same notebook when run again."""


class RecordAutograde(CoursekitAutograde):
    """nbgrader ``Autograde`` of an already executed submission: copy, record scores, write ``autograded/``."""

    def _init_preprocessors(self) -> None:
        self.exporter._preprocessors = []
        for preprocessor in RECORD_PREPROCESSORS:
            self.exporter.register_preprocessor(preprocessor)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        """Record the executed notebook's scores (no sanitize pass, no execution)."""
        self._sanitizing = True  # read from the submitted (here: returned) folder, write to autograded/
        self._init_preprocessors()
        with setenv(NBGRADER_EXECUTION="autograde"):
            BaseConverter.convert_single_notebook(self, notebook_filename)


def record_graded(api: Any, learner: str, section: str, returned_step: str, retries: int = 5) -> dict[str, Any]:
    """Record the graded folder ``<returned_step>/<learner>/<section>/`` in the gradebook of ``api``.

    Parameters
    ----------
    api
        An ``NbGraderAPI`` on the trainer's gradebook and workspace.
    learner, section
        The submission.
    returned_step
        The folder holding the returned files, relative to the workspace root (the "submitted" step).
    retries
        Attempts while SQLite answers "database is locked".

    Returns
    -------
    dict
        nbgrader's ``capture_log`` result (``success``, ``log``, ``error``).
    """
    result: dict[str, Any] = {}
    for attempt in range(retries):
        with temp_attrs(api.coursedir, assignment_id=section, student_id=learner, submitted_directory=returned_step):
            app = RecordAutograde(coursedir=api.coursedir, parent=api)
            app.force = True
            app.create_student = True
            result = capture_log(app)
        if result.get("success") or "database is locked" not in str(result) or attempt == retries - 1:
            break
        time.sleep(0.2 * (attempt + 1))
    return result
