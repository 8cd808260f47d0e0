"""nbgrader's Autograde, hardened: untrusted files pruned, submissions rebuilt, in-process execution.

:class:`CoursekitAutograde` is nbgrader's own ``Autograde`` converter with
four changes, each a small override:

* after nbgrader copies a submission (the runner's snapshot of it, with no
  symlink in it), every file the section's source does not have is removed
  but the learner's ``responses/<section>.json``. A learner's ``json.py`` or
  ``coursekit/`` folder can therefore not shadow a module of the grader;
* the sanitize step starts with :class:`~.preprocessors.RebuildFromRelease`,
  so no learner-added cell runs;
* with ``executor = "inprocess"`` (the default) the trusted cells run in the
  worker's process instead of a new kernel (see :mod:`.inprocess`);
  ``executor = "kernel"`` keeps nbgrader's ``Execute``;
* a trainer's reviewed override of a quiz question stays reviewed on regrade
  (:class:`SaveAutoGradesKeepingOverrides`);
* nbgrader's gradebook steps read their lookups once per section and write a
  notebook's grades in one transaction (:mod:`.gradebook_steps`), and its
  metadata check compiles its schema once (:mod:`.metadata_check`); the
  exporter copies each notebook once and validates it before the gradebook
  writes and at the end (:mod:`.exporter`).

Problems found on the way are collected in :attr:`CoursekitAutograde.problems`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.converters import Autograde, BaseConverter
from nbgrader.preprocessors import (
    ClearOutput,
    DeduplicateIds,
    Execute,
    IgnorePattern,
    LimitOutput,
)
from traitlets import Enum, List, Type, Unicode

from coursekit.autograde.exporter import GradingExporter, reread
from coursekit.autograde.gradebook_steps import (
    AssignLatePenaltiesShared,
    OverwriteCellsPreloaded,
    OverwriteKernelspecPreloaded,
    SaveAutoGradesPreloaded,
    worker_gradebook,
)
from coursekit.autograde.gradebook_submission import record_submission
from coursekit.autograde.metadata_check import CheckCellMetadataOnce
from coursekit.autograde.preprocessors import InProcessExecute, RebuildFromRelease
from coursekit.autograde.snapshot import learner_files


def prune_untrusted(dest: Path, source: Path, section: str) -> list[str]:
    """Remove from ``dest`` every file neither in ``source`` nor among the section's saved answers.

    Returns the problems found (symlinks refused, foreign files are not
    problems: they are simply not graded).
    """
    problems = []
    allowed = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    allowed |= {*learner_files(section), "timestamp.txt", "submission_secret.txt"}
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest).as_posix()
        if path.is_symlink() or (path.is_file() and rel not in allowed):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return problems


class SaveAutoGradesKeepingOverrides(SaveAutoGradesPreloaded):
    """nbgrader's ``SaveAutoGrades``; a trainer's reviewed override of a quiz question stays reviewed.

    nbgrader never overwrites a manual score on regrade (the trainer's override is kept), but it flags
    every overridden cell as needing manual grading again, so each ``autograde --force`` would reopen
    every review. Here a quiz (code) grade cell whose override was reviewed stays reviewed when its
    automatic score is the same as before; when the automatic score changed, nbgrader's flag stays.
    """

    def _add_score(self, cell: Any, resources: Any) -> None:
        """Save the automatic score as nbgrader does, then keep a reviewed override reviewed."""
        # self.gradebook: the submission's preloaded rows; db.commit() flushes, the notebook commits once
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        before, reviewed = grade.auto_score, grade.manual_score is not None and not grade.needs_manual_grade
        super()._add_score(cell, resources)
        unchanged = before is not None and grade.auto_score is not None and abs(grade.auto_score - before) < 1e-6
        if cell.cell_type == "code" and reviewed and unchanged and grade.needs_manual_grade:
            grade.needs_manual_grade = False
            self.gradebook.db.commit()


class CoursekitAutograde(Autograde):
    """nbgrader ``Autograde`` that rebuilds submissions and prunes untrusted files."""

    executor = Enum(["inprocess", "kernel"], "inprocess",
                    help="Run the trusted cells in this process, or in a new kernel per notebook.").tag(config=True)
    release_directory = Unicode("", help="Folder of the release notebooks (the rebuild templates).").tag(config=True)
    exporter_class = Type(GradingExporter, klass=Exporter).tag(config=True)
    sanitize_preprocessors = List([
        RebuildFromRelease, ClearOutput, DeduplicateIds, OverwriteKernelspecPreloaded, OverwriteCellsPreloaded,
        CheckCellMetadataOnce,
    ]).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems: dict[tuple[str, str], list[str]] = {}
        execute = InProcessExecute if self.executor == "inprocess" else Execute
        self.autograde_preprocessors = [
            execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGradesKeepingOverrides,
            AssignLatePenaltiesShared, CheckCellMetadataOnce,
        ]

    def _note(self, student_id: str, assignment_id: str, problem: str) -> None:
        self.problems.setdefault((student_id, assignment_id), []).append(problem)

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        """Copy and record the submission as nbgrader does, then prune what the source does not have.

        The submission read here is the runner's snapshot (:mod:`.snapshot`): symlinks and other
        non-regular files were left out of it, and its notebooks repaired, before nbgrader started.
        """
        BaseConverter.init_assignment(self, assignment_id, student_id)
        gradebook = worker_gradebook(self.coursedir.db_url, self.coursedir.course_id)
        try:
            self.notebooks = record_submission(self, gradebook, assignment_id, student_id)
        except BaseException:
            gradebook.db.rollback()
            raise
        dest = Path(self._format_dest(assignment_id, student_id))
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment_id))
        prune_untrusted(dest, source, assignment_id)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        """Sanitize, then autograde the notebook, as nbgrader does, in one conversion.

        nbgrader writes the sanitized notebook to ``autograded/`` and reads it back to autograde it;
        here the autograde pass starts from that same notebook in memory (:func:`.exporter.reread`),
        and the file is written once, autograded.
        """
        import datetime

        from nbgrader import utils

        self.log.info("Sanitizing %s", notebook_filename)
        self._sanitizing = True
        self._init_preprocessors()
        resources = self.init_single_notebook_resources(notebook_filename)
        self.exporter.keep_node = True
        try:
            sanitized, resources = self.exporter.from_filename(notebook_filename, resources=resources)
        finally:
            self.exporter.keep_node = False
        self._keep_problems(resources)
        build_directory = self._format_dest(resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])
        os.makedirs(build_directory, exist_ok=True)  # nbgrader's writer would have made it for the first pass
        notebook_filename = os.path.join(build_directory, os.path.basename(notebook_filename))
        self.log.info("Autograding %s", notebook_filename)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            resources = self.init_single_notebook_resources(notebook_filename)
            resources["metadata"] = {  # what nbconvert's from_filename would say of the file just written
                "name": os.path.splitext(os.path.basename(notebook_filename))[0],
                "path": os.path.dirname(notebook_filename),
                "modified_date": datetime.datetime.now(tz=datetime.UTC).strftime("%B %-d, %Y"),
            }
            with utils.setenv(NBGRADER_EXECUTION="autograde"):
                output, resources = self.exporter.from_notebook_node(reread(sanitized), resources=resources)
                self.write_single_notebook(output, resources)
        finally:
            self._sanitizing = True

    def _keep_problems(self, resources: dict[str, Any]) -> None:
        info = resources.get("nbgrader", {})
        for problem in resources.get("coursekit_problems", []):
            self._note(info.get("student"), info.get("assignment"), problem)

    def write_single_notebook(self, output: str, resources: dict[str, Any]) -> None:
        """Keep the problems the rebuild found, then write as nbgrader does."""
        self._keep_problems(resources)
        super().write_single_notebook(output, resources)


def configure(config: Any, release_directory: str | os.PathLike[str], executor: str = "inprocess") -> None:
    """Set the coursekit autograde options on an nbgrader traitlets ``Config``."""
    config.CoursekitAutograde.release_directory = str(release_directory)
    config.CoursekitAutograde.executor = executor
    config.RebuildFromRelease.release_directory = str(release_directory)
