"""``coursekit`` command line: thin wrappers over the Python API.

Every command imports its machinery lazily, so ``coursekit --help`` starts
fast (nbgrader alone takes seconds to import).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def _paths(args: argparse.Namespace):
    from coursekit.paths import ProjectPaths

    workspace = Path(args.workspace).resolve() if args.workspace else None
    return ProjectPaths(Path(args.root).resolve(), workspace)


def _db_url(args: argparse.Namespace, paths) -> str:
    """The gradebook URL: ``--db-url``, else the deployment's ``COURSEKIT_DB_URL``, else the workspace's SQLite."""
    from coursekit.deployment import deployment_db_url

    return args.db_url or deployment_db_url() or paths.gradebook_url


def _report_sync(result, check: bool, what: str, fix: str) -> int:
    for path in result.changed:
        print(f"{path}: {'differs from what course/ makes' if check else 'written'}")
    for path in result.extra:
        print(f"{path}: {'not made from course/' if check else 'removed'}")
    for problem in result.problems:
        print(problem)
    if check and not result.ok:
        print(f"{what} is out of date: run `{fix}`", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"{what}: {len(result.changed)} written, {len(result.unchanged)} unchanged" if not check
          else f"{what}: up to date ({len(result.unchanged)} files)")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Generate source/ from course/."""
    from coursekit.authoring.build import build
    from coursekit.authoring.course import load_course

    paths = _paths(args)
    course = load_course(paths.course)
    result = build(course, paths.source, check=args.check)
    for section in course.sections:
        if section.unsourced:
            print(f"note: {section.id}: {len(section.unsourced)} imported question(s) cite no passage of section.md "
                  f"(source:): {', '.join(section.unsourced)}")
    return _report_sync(result, args.check, "source/", "coursekit build")


def cmd_import(args: argparse.Namespace) -> int:
    """Import a Moodle XML or GIFT question bank as a new section of course/."""
    from coursekit.authoring.interchange import BankImportError, import_bank
    from coursekit.bank.record import BankFormatError

    paths = _paths(args)
    try:
        result = import_bank(paths.course, Path(args.file), args.section, args.format, args.title)
    except (BankFormatError, BankImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    for path in result.written:
        print(f"wrote {path}")
    print(f"imported into section {result.section}: {len(result.questions)} quiz question(s), "
          f"{len(result.comments)} essay(s) as reflection questions, {len(result.skipped)} skipped")
    for skipped in result.skipped:
        print(f"skipped: {skipped.describe()}")
    for note in result.notes:
        print(f"sanitised: {note}")
    if result.reordered:
        print("reordered: the bank's keys sat on the same option positions; the choices are rotated so that "
              "a learner answering by position scores no more than chance")
    for finding in result.guessable:
        print(f"warning: coursekit release will refuse this quiz until the keys are spread: {finding}",
              file=sys.stderr)
    if result.unsourced:
        print(f"no source: passage (cite section.md when you write it): {', '.join(result.unsourced)}")
    print("next: coursekit build && coursekit release")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export the course's quizzes (and reflections, as essays) as a Moodle XML or GIFT question bank."""
    from coursekit.authoring.course import load_course
    from coursekit.authoring.interchange import EXPORT_EXTENSIONS, course_to_bank, write_bank

    paths = _paths(args)
    course = load_course(paths.course)
    questions = course_to_bank(course, [args.section] if args.section else None)
    out = Path(args.output) if args.output else Path(f"{args.section or course.id}{EXPORT_EXTENSIONS[args.format]}")
    data = write_bank(questions, args.format)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"wrote {out}: {len(questions)} questions ({args.format})")
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    """Generate release/ from source/ with nbgrader."""
    from coursekit.authoring.course import load_course
    from coursekit.authoring.release import release, review_notes

    paths = _paths(args)
    course = load_course(paths.course)
    result = release(course, paths.source, paths.release, paths.grader, check=args.check, db_url=_db_url(args, paths))
    for note in review_notes(course):
        print(f"note: {note}")
    status = _report_sync(result, args.check, "release/", "coursekit release")
    if args.exchange and not args.check and status == EXIT_OK:
        from coursekit.autograde.exchange import exchange_folder, release_to_exchange
        from coursekit.shared import check_exchange, share_exchange, shared_project

        course_folder = exchange_folder(course, paths, "outbound").parent
        check_exchange(course_folder, paths.grader, "outbound")
        try:
            for section in release_to_exchange(course, paths, _db_url(args, paths)):
                print(f"released {section} to the exchange")
        finally:
            if (project := shared_project(paths.grader)) is not None:
                share_exchange(course_folder, project)  # the other trainers collect and release there too
    return status


def cmd_collect(args: argparse.Namespace) -> int:
    """Collect learners' submissions from the nbgrader exchange into grader/submitted/."""
    from coursekit.authoring.course import load_course
    from coursekit.autograde.exchange import collect, inbound_folder, refused_learners
    from coursekit.gradebook.learner_ids import describe_id
    from coursekit.shared import check_exchange

    paths = _paths(args)
    course = load_course(paths.course)
    check_exchange(inbound_folder(course, paths).parent, paths.grader, "inbound")
    for section, count in collect(course, paths, _db_url(args, paths)).items():
        print(f"{section}: {count} submissions in {paths.grader / 'submitted'}")
    refused = refused_learners(paths.grader / "submitted", inbound_folder(course, paths))
    for learner, problem in refused:
        print(f"refused: learner id {describe_id(learner)} {problem}; autograde will not grade it", file=sys.stderr)
    return EXIT_PROBLEM if refused else EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    """Write a synthetic cohort into grader/submitted/ and put it on the gradebook's roster."""
    from coursekit.authoring.course import load_course
    from coursekit.gradebook.roster import register_learners
    from coursekit.simulate import simulate

    paths = _paths(args)
    plan = simulate(load_course(paths.course), paths.release, paths.grader / "submitted", args.learners, args.seed)
    register_learners(_db_url(args, paths), plan.learners)
    print(f"simulated {len(plan.learners)} learners into {paths.grader / 'submitted'}: "
          f"{len(plan.not_submitted)} sections not submitted, {len(plan.blank_comments)} with blank comments, "
          f"{len(plan.tampered)} tampered")
    return EXIT_OK


def cmd_autograde(args: argparse.Namespace) -> int:
    """Autograde submissions in parallel; exit 1 if any submission had a problem."""
    from coursekit.authoring.course import load_course
    from coursekit.autograde.runner import format_summary, grade_workspace

    paths = _paths(args)
    course = load_course(paths.course)
    known = [s.id for s in course.sections]
    if args.section and args.section not in known:
        print(f"error: {paths.course}: no section {args.section!r} (sections: {', '.join(known)})", file=sys.stderr)
        return EXIT_PROBLEM
    submitted = paths.grader / "submitted"
    if args.learner and not (submitted / args.learner).is_dir():
        print(f"error: {submitted}: no submissions of learner {args.learner!r}", file=sys.stderr)
        return EXIT_PROBLEM
    from coursekit.autograde.cluster import ClusterError, cluster_address

    try:
        cluster = cluster_address(args.cluster, paths.grader)
        result = grade_workspace(
            course, paths, _db_url(args, paths), sections=[args.section] if args.section else None,
            learners=[args.learner] if args.learner else None, jobs=args.jobs, force=args.force, quiet=args.quiet,
            executor=args.executor, timeout=args.timeout, cluster=cluster,
        )
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    print(format_summary(result))
    synced = _sync_after_autograde(args, paths)
    return EXIT_PROBLEM if result.problems or result.stopped or not synced else EXIT_OK


def _sync_after_autograde(args: argparse.Namespace, paths) -> bool:
    """``coursekit lms sync`` when grader/lti_tool.json says ``sync_after_autograde``; False when it failed."""
    from coursekit.lms.config import CONFIG_NAME, LmsError, load_tool_config

    if not (paths.grader / CONFIG_NAME).is_file():
        return True
    try:
        config = load_tool_config(paths.grader / CONFIG_NAME)
        if config.sync_after_autograde:
            _lms_sync(args, paths, config)
    except LmsError as exc:
        print(f"error: lms sync after autograde: {exc} (the grades are saved; run `coursekit lms sync` again)",
              file=sys.stderr)
        return False
    return True


def cmd_report(args: argparse.Namespace) -> int:
    """Write grades, statuses, LMS exports and item statistics to grader/reports/."""
    from coursekit.authoring.course import load_course
    from coursekit.results.report import write_report

    paths = _paths(args)
    report = write_report(_db_url(args, paths), load_course(paths.course), paths.reports,
                          submitted_root=paths.grader / "submitted", moodle_id=args.moodle_id)
    if report.moodle_left_out:
        print(f"moodle_grades.csv: {len(report.moodle_left_out)} learner(s) left out, the roster has no "
              f"{args.moodle_id} for them: {', '.join(report.moodle_left_out[:20])}", file=sys.stderr)
    counts = report.grades.groupby(["section", "status"]).size().unstack(fill_value=0)
    print(counts.to_string())
    print(f"copied responses: {len(report.copies)} group(s) of learners with identical attempts"
          + (" (see copied_responses.csv)" if report.copies else ""))
    for group in report.copies:
        print(f"  {group.section}: {', '.join(group.learners)}")
    for path in report.files:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_roster(args: argparse.Namespace) -> int:
    """Import the roster CSV (login, name, email, idnumber, group, lms_user_id) into the gradebook."""
    from coursekit.gradebook.roster_file import RosterError, import_roster, read_roster

    paths = _paths(args)
    try:
        entries = read_roster(Path(args.file))
    except RosterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    added, updated = import_roster(_db_url(args, paths), entries)
    print(f"roster: {len(entries)} learners from {args.file} ({added} added, {updated} updated)")
    return EXIT_OK


def cmd_lms(args: argparse.Namespace) -> int:
    """LTI 1.3 Advantage: grades to the LMS (sync), its membership into the roster (roster), the tool's keys (jwks)."""
    import json

    from coursekit.lms.config import CONFIG_NAME, LmsError, load_tool_config

    paths = _paths(args)
    config_path = Path(args.config) if args.config else paths.grader / CONFIG_NAME
    try:
        config = load_tool_config(config_path)
        if args.action == "jwks":
            from coursekit.lms.keys import load_private_key, public_jwks

            print(json.dumps(public_jwks(load_private_key(config.private_key_file)), indent=2))
            return EXIT_OK
        if args.action == "deep-link":
            return _lms_deep_link(args, paths, config)
        return _lms_sync(args, paths, config) if args.action == "sync" else _lms_roster(args, paths, config)
    except LmsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM


def _with_services(args: argparse.Namespace, paths, config):
    """``config`` with the service URLs: lti_tool.json's, else those the hub recorded from the LMS's launches."""
    from coursekit.lms.services import SERVICES_NAME, resolve_services

    return resolve_services(config, paths.grader / SERVICES_NAME, getattr(args, "context", None))


def _lms_sync(args: argparse.Namespace, paths, config) -> int:
    import fcntl

    from coursekit.authoring.course import load_course
    from coursekit.lms.client import PlatformClient
    from coursekit.lms.sync import current_grades, sync_grades

    config = _with_services(args, paths, config)
    course = load_course(paths.course)
    with open(paths.grader / ".lti_sync.lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one sync at a time (after autograde, after a review, by hand)
        grades = current_grades(_db_url(args, paths), course)
        result = sync_grades(config, grades, course, PlatformClient(config, ["lineitem", "score"]))
    print(f"lms sync: {len(result.created)} line item(s) created, {len(result.updated)} updated, "
          f"{len(result.found)} found, {result.scores} score(s) posted to {config.lineitems_url}")
    if result.duplicates:
        print(f"lms sync: the platform holds these line items more than once, scores went to the first: "
              f"{', '.join(result.duplicates)}", file=sys.stderr)
    if result.left_out:
        print(f"lms sync: {len(result.left_out)} learner(s) left out, no LMS user id on the roster "
              f"(run `coursekit lms roster`): {', '.join(result.left_out[:20])}", file=sys.stderr)
    return EXIT_OK


def _lms_deep_link(args: argparse.Namespace, paths, config) -> int:
    from coursekit.authoring.course import load_course
    from coursekit.lms.config import LmsError
    from coursekit.lms.deep_linking import auto_post_form, deep_linking_response

    if not args.return_url:
        raise LmsError("deep-link needs --return-url (the deep_link_return_url of the platform's request)")
    token = deep_linking_response(config, load_course(paths.course), args.section or [], args.data)
    page = auto_post_form(args.return_url, token)
    if args.out:
        Path(args.out).write_text(page, encoding="utf-8")
        print(f"lms deep-link: {len(args.section)} section(s); open {args.out} to post them to the platform")
    else:
        print(page)
    return EXIT_OK


def _lms_roster(args: argparse.Namespace, paths, config) -> int:
    from coursekit.gradebook.roster_file import import_roster
    from coursekit.lms.client import PlatformClient
    from coursekit.lms.roster import fetch_members, members_to_roster

    config = _with_services(args, paths, config)
    client = PlatformClient(config, ["members"])
    membership = members_to_roster(fetch_members(client, config.memberships_url), config.login_from,
                                   config.memberships_url)
    added, updated = import_roster(_db_url(args, paths), membership.learners)
    print(f"lms roster: {len(membership.learners)} learners from {config.memberships_url} ({added} added, "
          f"{updated} updated); {membership.staff} staff and {membership.inactive} inactive member(s) left aside")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    """Write one page with every learner's answer to one reflection question."""
    from coursekit.authoring.course import load_course
    from coursekit.results.review import write_review_page

    paths = _paths(args)
    out, answers = write_review_page(_db_url(args, paths), load_course(paths.course), args.section, args.question,
                                     paths.grader, Path(args.out) if args.out else None, args.formgrader_url)
    written = sum(1 for a in answers if not a.blank)
    pending = sum(1 for a in answers if not a.blank and a.points is None)
    print(f"{out}: {len(answers)} submissions, {written} answered, {pending} to review")
    return EXIT_OK


def cmd_extend(args: argparse.Namespace) -> int:
    """Give one learner a later due date for one section, recorded with who set it."""
    import getpass

    from coursekit.authoring.course import load_course
    from coursekit.authoring.grading_settings import parse_datetime
    from coursekit.gradebook.extensions import UnknownLearnerError, extension_until, grant_extension

    paths = _paths(args)
    course = load_course(paths.course)
    course.section(args.section)
    try:
        until = parse_datetime(args.until) if args.until else None
    except ValueError as exc:
        print(f"error: --until: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        until = extension_until(course.grading.due.get(args.section), days=args.days, until=until)
    except ValueError as exc:
        print(f"error: {paths.course / 'course.yml'}: section {args.section!r}: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        extension = grant_extension(_db_url(args, paths), course, args.section, args.learner, until,
                                    args.by or getpass.getuser())
    except UnknownLearnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"{args.learner} / {args.section}: due {extension.until.strftime('%Y-%m-%d %H:%M UTC')} "
          f"(set by {extension.set_by})")
    return EXIT_OK


def cmd_feedback(args: argparse.Namespace) -> int:
    """Key-free feedback for every autograded submission; refuse those not yet reviewed; optionally release."""
    from coursekit.authoring.course import load_course
    from coursekit.results.feedback import describe_pending, make_feedback

    paths = _paths(args)
    run = make_feedback(load_course(paths.course), paths, _db_url(args, paths), provisional=args.provisional,
                        release=args.release)
    print(f"feedback: {len(run.written)} files in {paths.grader / 'feedback'}")
    for learner, section in run.provisional:
        print(f"provisional: {learner} / {section} (answers not yet reviewed)")
    for learner, section in run.released:
        print(f"released: {learner} / {section}")
    for (learner, section), cells in run.refused.items():
        print(f"refused: {learner} / {section}: not yet reviewed: {describe_pending(cells)}", file=sys.stderr)
    if run.refused:
        print(f"{len(run.refused)} submission(s) without feedback: review them in formgrader (`coursekit grade`), "
              "or run `coursekit feedback --provisional`", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def cmd_grade(args: argparse.Namespace) -> int:
    """Trainer mode: JupyterLab with formgrader on the trainer workspace."""
    from coursekit.authoring.course import load_course
    from coursekit.trainer import run_trainer_lab

    paths = _paths(args)
    return run_trainer_lab(load_course(paths.course), paths, _db_url(args, paths), args.port)


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Execute the analyst notebooks against the gradebook and export HTML without code."""
    from coursekit.cohort.dashboard import DashboardError, build_dashboards

    paths = _paths(args)
    try:
        written = build_dashboards(paths, _db_url(args, paths), section=args.section, learner=args.learner)
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Walk the whole flow on a simulated cohort and print where to look."""
    from coursekit.demo import run_demo

    return run_demo(_paths(args), learners=args.learners, seed=args.seed)


def cmd_lab(args: argparse.Namespace) -> int:
    """JupyterLab on a learner copy of release/, instructor panels hidden."""
    from coursekit.learner import run_lab

    paths = _paths(args)
    return run_lab(paths.release, Path(args.dest).resolve() if args.dest else paths.root / ".learner", args.port)


def _add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learners", type=int, default=60, help="size of the simulated cohort")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the simulated cohort")


def _add_lab(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--dest", default=None, help="learner folder (default: .learner/)")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db-url", default=None,
                        help="gradebook SQLAlchemy URL (default: $COURSEKIT_DB_URL, else grader/gradebook.db)")


def _add_dashboard(parser: argparse.ArgumentParser) -> None:
    _add_db(parser)
    parser.add_argument("--learner", default=None, help="whose progress report to make (default: the first learner)")
    parser.add_argument("--section", default=None, help="only this section (default: every section)")


def _add_simulate(parser: argparse.ArgumentParser) -> None:
    _add_demo(parser)
    _add_db(parser)


def _add_autograde(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--section", default=None, help="grade only this section")
    parser.add_argument("--learner", default=None, help="grade only this learner")
    parser.add_argument("--timeout", type=float, default=60.0, help="time limit per cell, in seconds")
    parser.add_argument("--executor", choices=("inprocess", "kernel"), default="inprocess",
                        help="run trusted cells in the worker (fast) or in a kernel per notebook")
    parser.add_argument("--force", action="store_true", help="re-grade unchanged submissions too")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--cluster", default=None, metavar="ADDRESS",
                        help="grade on this Dask scheduler (tcp://host:8786) instead of local processes "
                             "(default: $COURSEKIT_DASK_SCHEDULER, else c.Coursekit.dask_scheduler in "
                             "grader/nbgrader_config.py, else local)")
    _add_db(parser)


def _add_feedback(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provisional", action="store_true",
                        help="also give feedback on submissions not yet reviewed, marked provisional")
    parser.add_argument("--release", action="store_true",
                        help="return the feedback to the learners through the nbgrader exchange")
    _add_db(parser)


def _add_grade(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8888)
    _add_db(parser)


def _add_release(parser: argparse.ArgumentParser) -> None:
    _add_check(parser)
    parser.add_argument("--exchange", action="store_true", help="also release every section to the exchange")
    _add_db(parser)


def _add_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--moodle-id", choices=("username", "email", "idnumber"), default="username",
                        help="identifier column of moodle_grades.csv (email and idnumber from the roster)")
    _add_db(parser)


def _add_roster(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("import",), help="import: add or update learners from FILE")
    parser.add_argument("file", help="CSV with columns login, name, email, idnumber, group (lms_user_id)")
    _add_db(parser)


def _add_lms(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("sync", "roster", "jwks", "deep-link"),
                        help="sync: grades to the LMS's gradebook; roster: the LMS's learners into the roster; "
                             "jwks: print the tool's public key set (to register the tool); deep-link: the page "
                             "that adds sections to the LMS course (--section, --return-url)")
    parser.add_argument("--section", action="append", help="deep-link: a section to add (repeat for more)")
    parser.add_argument("--return-url", default=None, help="deep-link: the platform's deep_link_return_url")
    parser.add_argument("--data", default=None, help="deep-link: the request's data value, sent back as it came")
    parser.add_argument("--out", default=None, help="deep-link: write the page to this file (default: print it)")
    parser.add_argument("--config", default=None, help="the tool's LTI registration (default: grader/lti_tool.json)")
    parser.add_argument("--context", default=None,
                        help="sync, roster: the LMS course (context id) whose recorded service URLs to use, when "
                             "launches from several are recorded in grader/lti_services.json")
    _add_db(parser)


def _add_review(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", required=True, help="section id")
    parser.add_argument("--question", required=True, help="reflection question id (comments.yml)")
    parser.add_argument("--out", default=None, help="HTML file (default: reports/review_<section>_<question>.html)")
    parser.add_argument("--formgrader-url", default="",
                        help="formgrader's address (e.g. http://localhost:8888/formgrader) to link each answer")
    _add_db(parser)


def _add_extend(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", required=True, help="section id")
    parser.add_argument("--learner", required=True, help="learner id (login)")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--until", help="new due date, ISO 8601 (2026-12-08T17:00+01:00; no offset: UTC)")
    when.add_argument("--days", type=float, help="days after the section's due date (more than 0, at most 365)")
    parser.add_argument("--by", default=None, help="who grants it (default: the current user)")
    _add_db(parser)


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="Moodle XML (.xml) or GIFT (.gift, .txt) file")
    parser.add_argument("--section", required=True, help="the new section's id (folder under course/)")
    parser.add_argument("--format", choices=("moodle-xml", "gift"), default=None,
                        help="the file's format (default: from its extension)")
    parser.add_argument("--title", default=None, help="the quiz title (default: 'Quiz: <section>')")


def _add_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("moodle-xml", "gift"), required=True, help="the bank format")
    parser.add_argument("--section", default=None, help="only this section (default: every section)")
    parser.add_argument("--output", default=None,
                        help="file to write (default: <section or course id>.xml, or .txt for GIFT)")


def cmd_service(args: argparse.Namespace) -> int:
    """``service migrate``: create or update the quiz service's tables; ``service run``: serve its API."""
    import os

    from coursekit.service.migrate import migrate

    paths = _paths(args)
    db_url = _db_url(args, paths)
    if args.action == "migrate":
        before, after = migrate(db_url)
        print(f"quiz service tables: version {after}" + (f" (migrated from {before})" if before != after
                                                        else " (already up to date)"))
        return EXIT_OK
    from coursekit.service.app import service_port
    from coursekit.service.run import run

    source = Path(args.source).resolve() if args.source else paths.source
    prefix = args.prefix or os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    run(db_url, source, args.port or service_port(), prefix, args.ip)
    return EXIT_OK


def _missing_gradebook(db_url: str) -> Path | None:
    """The SQLite gradebook file of ``db_url`` when it does not exist (connecting would fail or create it)."""
    from coursekit.gradebook.locks import sqlite_file

    database = sqlite_file(db_url)
    return database if database is not None and not database.is_file() else None


def _service_book(args: argparse.Namespace):
    from coursekit.service.grading import open_book

    paths = _paths(args)
    db_url = _db_url(args, paths)
    missing = _missing_gradebook(db_url)
    if missing is not None:
        raise FileNotFoundError(f"{missing}: no gradebook yet: run `coursekit service migrate`")
    book = open_book(db_url)
    if book is None:
        raise FileNotFoundError("the gradebook has no quiz service tables: run `coursekit service migrate`")
    return paths, book


def cmd_attempts(args: argparse.Namespace) -> int:
    """List (or export as CSV) the attempts the quiz service recorded."""
    from coursekit.service.grading import attempt_rows
    from coursekit.service.trusted import TrustedQuizzes

    paths, book = _service_book(args)
    try:
        rows = attempt_rows(book, TrustedQuizzes(paths.source), args.section, args.learner)
    finally:
        book.engine.dispose()
    if args.csv:
        import pandas as pd

        from coursekit.csv_export import write_csv

        columns = ["learner", "section", "attempt", "state", "started_at", "submitted_at", "auto_submitted",
                   "answered", "marks", "max_marks", "attempt_id"]
        write_csv(pd.DataFrame(rows, columns=columns), Path(args.csv))
        print(f"{len(rows)} attempt(s) written to {args.csv}")
        return EXIT_OK
    for row in rows:
        marks = "" if row["marks"] is None else f"{row['marks']:g}/{row['max_marks']:g}"
        late = " (time ran out)" if row["auto_submitted"] else ""
        print(f"{row['learner']!r:24} {row['section']:28} #{row['attempt']:<3} {row['state']:10} "
              f"{row['submitted_at'] or row['started_at']:30} {marks}{late}")
    print(f"{len(rows)} attempt(s)")
    return EXIT_OK


def _show_in_force(args: argparse.Namespace) -> int:
    """``override --show``: every override and extension in force, per learner and section, with who and when."""
    from coursekit.gradebook.extensions import load_extensions
    from coursekit.quiz.overrides import in_force_lines
    from coursekit.service.grading import open_book

    paths = _paths(args)
    db_url = _db_url(args, paths)
    missing = _missing_gradebook(db_url)
    if missing is not None:
        print(f"{missing}: no gradebook yet, so no override or extension is in force")
        return EXIT_OK
    book = open_book(db_url)
    try:
        overrides = book.overrides(args.section) if book is not None else []
    finally:
        if book is not None:
            book.engine.dispose()
    extensions = [e for e in load_extensions(db_url).values() if args.section in (None, e.section)]
    overrides = [o for o in overrides if args.learner in (None, o.learner)]
    extensions = [e for e in extensions if args.learner in (None, e.learner)]
    lines = in_force_lines(overrides, extensions)
    for line in lines:
        print(line)
    print(f"{len(lines)} learner(s) and section(s) with an override or extension")
    return EXIT_OK


def cmd_override(args: argparse.Namespace) -> int:
    """Give one learner other attempts, close date or time limit for one section (Moodle's user override).

    Only the fields given change; ``--show`` lists what is in force.
    """
    import getpass

    from coursekit.authoring.course import load_course
    from coursekit.authoring.grading_settings import parse_datetime
    from coursekit.gradebook.extensions import UnknownLearnerError, check_on_roster
    from coursekit.quiz.overrides import attempts_problem, time_limit_problem

    if args.show:
        return _show_in_force(args)
    if not args.section or not args.learner:
        print("error: give --section and --learner (or --show)", file=sys.stderr)
        return EXIT_USAGE
    paths = _paths(args)
    course = load_course(paths.course)
    section = course.section(args.section)
    if args.attempts is None and args.close is None and args.time_limit is None:
        print("error: give at least one of --attempts, --close, --time-limit", file=sys.stderr)
        return EXIT_USAGE
    problem = attempts_problem(args.attempts) or time_limit_problem(args.time_limit)
    if problem is not None:
        option = "--attempts" if attempts_problem(args.attempts) else "--time-limit"
        print(f"error: {option}: {problem}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        close = parse_datetime(args.close) if args.close else None
    except ValueError as exc:
        print(f"error: --close: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    by = args.by or getpass.getuser()
    _, book = _service_book(args)
    try:
        with book.engine.connect() as conn:
            check_on_roster(conn, args.learner, book.engine.url.render_as_string(hide_password=True))
        recorded = book.change_override(args.learner, args.section, by, attempts=args.attempts, close=close,
                                        time_limit_minutes=args.time_limit, settings=section.quiz.settings)
    except (ValueError, UnknownLearnerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        book.engine.dispose()
    parts = [f"attempts {recorded.attempts}" if recorded.attempts else "",
             f"closes {recorded.close.strftime('%Y-%m-%d %H:%M UTC')}" if recorded.close else "",
             f"time limit {recorded.time_limit_minutes:g} min" if recorded.time_limit_minutes else ""]
    print(f"{args.learner} / {args.section}: {', '.join(p for p in parts if p)} (set by {recorded.set_by})")
    return EXIT_OK


def _add_service(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("migrate", "run"),
                        help="migrate: create or update the tables; run: serve the API (as a JupyterHub service)")
    parser.add_argument("--source", default=None, help="trusted source folder (default: the project's source/)")
    parser.add_argument("--port", type=int, default=None, help="port (default: from $JUPYTERHUB_SERVICE_URL)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--prefix", default=None, help="URL prefix (default: $JUPYTERHUB_SERVICE_PREFIX)")
    _add_db(parser)


def _add_attempts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", default=None, help="only this section")
    parser.add_argument("--learner", default=None, help="only this learner")
    parser.add_argument("--csv", default=None, help="write the attempts to this CSV file")
    _add_db(parser)


def _add_override(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", default=None, help="section id (with --show: only this section)")
    parser.add_argument("--learner", default=None, help="learner id (login) (with --show: only this learner)")
    parser.add_argument("--attempts", type=int, default=None, help="attempts allowed in total (1 to 1000)")
    parser.add_argument("--close", default=None, help="close date, ISO 8601 (no offset: UTC)")
    parser.add_argument("--time-limit", type=float, default=None, help="minutes per attempt (at most a year)")
    parser.add_argument("--show", action="store_true",
                        help="list the overrides and extensions in force, with who set them and when")
    parser.add_argument("--by", default=None, help="who sets it (default: the current user)")
    _add_db(parser)


def _add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and name the files that differ")


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str, Callable[[argparse.ArgumentParser], None]]] = {
    "build": (cmd_build, "turn course/ into nbgrader source notebooks in source/", _add_check),
    "release": (cmd_release, "generate the learners' release/ with nbgrader (key-free)", _add_release),
    "collect": (cmd_collect, "collect submissions from the nbgrader exchange", _add_db),
    "simulate": (cmd_simulate, "write a synthetic cohort as nbgrader submissions", _add_simulate),
    "autograde": (cmd_autograde, "autograde submissions in parallel (resumable, with a summary)", _add_autograde),
    "report": (cmd_report, "grades, statuses, Moodle/Canvas exports and item statistics", _add_report),
    "roster": (cmd_roster, "import the learners' roster (names, emails, id numbers, groups)", _add_roster),
    "lms": (cmd_lms, "LTI 1.3: grades to the LMS, its membership into the roster", _add_lms),
    "review": (cmd_review, "one page with every answer to one reflection question", _add_review),
    "extend": (cmd_extend, "a later due date for one learner and section", _add_extend),
    "feedback": (cmd_feedback, "key-free feedback for reviewed submissions (--provisional, --release)",
                 _add_feedback),
    "grade": (cmd_grade, "trainer mode: JupyterLab with formgrader on the trainer workspace", _add_grade),
    "dashboard": (cmd_dashboard, "execute the analyst notebooks and export HTML dashboards", _add_dashboard),
    "demo": (cmd_demo, "run a simulated cohort through the whole flow and print where to look", _add_demo),
    "lab": (cmd_lab, "start JupyterLab as a learner sees it (no instructor panels)", _add_lab),
    "import": (cmd_import, "import a Moodle XML or GIFT question bank as a new section", _add_import),
    "export": (cmd_export, "export the course's quizzes as a Moodle XML or GIFT question bank", _add_export),
    "service": (cmd_service, "the quiz service: migrate its tables, or run it (JupyterHub service)", _add_service),
    "attempts": (cmd_attempts, "list or export (CSV) the attempts the quiz service recorded", _add_attempts),
    "override": (cmd_override, "one learner's attempts, close date or time limit (Moodle's user override)",
                 _add_override),
}


WRITES_GRADER = frozenset({"lms", "release", "collect", "simulate", "autograde", "report", "review", "feedback",
                           "grade", "dashboard"})
"""Commands that write into grader/: in a shared project they first check that every folder there is writable."""


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="coursekit",
        description="Jupyter course kit: build, release, grade and analyse course sections.",
    )
    parser.add_argument("--root", default=".", help="project folder holding course/, source/, release/, grader/")
    parser.add_argument("--workspace", default=None,
                        help="trainer workspace with submissions, gradebook and reports (default: grader/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (func, help_text, add_args) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_args(command)
        command.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a ``coursekit`` command; return its exit code."""
    args = make_parser().parse_args(argv)
    if args.command == "autograde":
        from coursekit.autograde.startup import leave_out_unused_imports

        leave_out_unused_imports()
    from coursekit.errors import USER_ERRORS
    from coursekit.shared import enter_project, leave_project, permission_problem

    paths = _paths(args)
    try:
        project = enter_project(paths.grader, check=args.command in WRITES_GRADER)
        try:
            return args.func(args)
        finally:
            leave_project(project)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except PermissionError as exc:  # a folder of the project or the exchange the user may not use
        print(f"error: {permission_problem(Path(exc.filename or paths.grader), paths.grader, 'usable')}",
              file=sys.stderr)
        return EXIT_PROBLEM


def run() -> None:
    """The ``coursekit`` program: :func:`main`, then the process ends with its exit code.

    Every object of the process lives until it ends, so they are frozen out of the garbage collector first:
    the interpreter's collections at exit would otherwise walk the whole heap of nbgrader, nbconvert and
    SQLAlchemy for nothing (0.3 s after an autograde). :func:`main` itself, called in a longer-lived process,
    leaves the collector alone.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
