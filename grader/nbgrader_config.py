"""nbgrader configuration of the trainer workspace (run nbgrader from this folder).

Source notebooks are generated into ../source and releases into ../release by
`coursekit build` / `coursekit release`; submissions, autograded copies,
feedback and the gradebook live here and are not committed.
"""

import os
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
COURSE = yaml.safe_load((HERE.parent / "course" / "course.yml").read_text(encoding="utf-8"))

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = COURSE["course_id"]
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.source_directory = str(HERE.parent / "source")
c.CourseDirectory.release_directory = str(HERE.parent / "release")
c.CourseDirectory.db_url = os.environ.get("COURSEKIT_DB_URL", f"sqlite:///{HERE / 'gradebook.db'}")
# Several trainers sharing this folder through a group (group-writable or setgid): what nbgrader makes is theirs.
c.CourseDirectory.groupshared = bool(HERE.stat().st_mode & 0o2020)
# The sections (course/course.yml) become nbgrader assignments when `coursekit release` runs.

# The exchange (where learners fetch and submit); a trainer can move it.
c.Exchange.root = os.environ.get("COURSEKIT_EXCHANGE", str(HERE / "exchange"))
c.Exchange.path_includes_course = True

# A reflection's graded cell says where its answer comes from (the Comment field), not "YOUR ANSWER HERE".
from coursekit.nbgrader_glue import ANSWER_PLACEHOLDER  # noqa: E402

c.ClearSolutions.text_stub = ANSWER_PLACEHOLDER

# A learner's run-away cell must not stall grading.
c.ExecutePreprocessor.timeout = 60

# Learner text is shown as text in every HTML view of a submission (formgrader, feedback): nbgrader's templates
# render Markdown answers unsanitised, so answer cells are escaped before export; outputs are sanitised too.
c.HTMLExporter.preprocessors = ["coursekit.grading.escape.EscapeLearnerAnswers"]
c.HTMLExporter.sanitize_html = True

# Feedback (formgrader's Generate/Release Feedback buttons, `nbgrader generate_feedback`) is coursekit's page:
# the learner's answers, verdicts and the trainer's remarks, never a hidden test or the key. Submissions with
# answers not yet reviewed get no feedback ("provisional" gives it, marked as such). The course is read from
# ../course.
from coursekit.results.feedback import configure_feedback  # noqa: E402

configure_feedback(c, HERE.parent / "course", pending="refuse")
