"""nbgrader's ``Autograde.init_assignment`` on one gradebook session instead of five.

The same steps in the same order: the learner created or updated, the section
checked, the submission recorded with its timestamp, the source's other files
copied over the submission's, notebooks the gradebook does not know skipped,
and the notebooks not handed in scored zero.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters.base import NbGraderException


def record_submission(converter: Any, gb: Gradebook, assignment_id: str, student_id: str) -> list[str]:
    """Do what nbgrader's ``Autograde.init_assignment`` does after copying; return the notebooks to grade."""
    log = converter.log
    student: dict[str, Any] = {}
    if student or converter.create_student:
        log.info("Creating/updating student with ID '%s': %s", student_id, student)
        gb.update_or_create_student(student_id, **student)
    else:
        try:
            gb.find_student(student_id)
        except MissingEntry:
            msg = f"No student with ID '{student_id}' exists in the database"
            log.error(msg)
            raise NbGraderException(msg) from None
    try:
        gb.find_assignment(assignment_id)
    except MissingEntry:
        msg = f"No assignment with ID '{assignment_id}' exists in the database"
        log.error(msg)
        raise NbGraderException(msg) from None

    src_path = converter._format_source(assignment_id, student_id)
    timestamp = converter.coursedir.get_existing_timestamp(src_path)
    if timestamp:
        submission = gb.update_or_create_submission(assignment_id, student_id, timestamp=timestamp)
        log.info("%s submitted at %s", submission, timestamp)
        if submission.total_seconds_late > 0:
            log.warning("%s is %s seconds late", submission, submission.total_seconds_late)
    else:
        gb.update_or_create_submission(assignment_id, student_id)

    log.info("Overwriting files with master versions from the source directory")
    dest_path = converter._format_dest(assignment_id, student_id)
    coursedir = converter.coursedir
    source_path = coursedir.format_path(coursedir.source_directory, ".", assignment_id)
    source_files = set(utils.find_all_files(source_path, [*coursedir.ignore, "*.ipynb"]))
    exclude = {os.path.join(source_path, x) for x in converter.exclude_overwriting.get(assignment_id, [])}
    for filename in list(source_files - exclude):
        dest = os.path.join(dest_path, os.path.relpath(filename, source_path))
        if not os.path.exists(os.path.dirname(dest)):
            os.makedirs(os.path.dirname(dest))
        if os.path.exists(dest):
            os.remove(dest)
        log.info("Copying %s -> %s", filename, dest)
        shutil.copy(filename, dest)

    notebooks = []
    for notebook in converter.notebooks:
        notebook_id = os.path.splitext(os.path.basename(notebook))[0]
        try:
            gb.find_notebook(notebook_id, assignment_id)
        except MissingEntry:
            log.warning("Skipping unknown notebook: %s", notebook)
            continue
        notebooks.append(notebook)
    if not notebooks:
        msg = "No notebooks found, did you forget to run 'nbgrader generate_assignment'?"
        log.error(msg)
        raise NbGraderException(msg)

    assignment = gb.find_assignment(assignment_id)
    for notebook in assignment.notebooks:
        path = os.path.join(coursedir.format_path(coursedir.submitted_directory, student_id, assignment_id),
                            f"{notebook.name}.ipynb")
        if not os.path.exists(path):
            log.warning("No submitted file: %s", path)
            submitted = gb.find_submission_notebook(notebook.name, assignment_id, student_id)
            for grade in submitted.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()
    gb.db.commit()
    return notebooks
