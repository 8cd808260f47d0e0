"""``coursekit roster import``: the training centre's list of learners into the gradebook.

The CSV file has a header row with ``login`` (required: the Jupyter user name
the learner submits under) and any of ``name``, ``email``, ``idnumber``,
``group`` and ``lms_user_id`` (Canvas's numeric user id). Every learner goes
into nbgrader's ``student`` table (first and last name, e.g. for formgrader,
email, ``lms_user_id``); the whole name, the id number and the group go into
coursekit's ``coursekit_roster`` table, for the exports. A bad file is refused
as a whole with one line per problem naming the file and the line; nothing is
written then.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table, inspect, select

from coursekit.gradebook.learner_ids import check_learner_ids, describe_id, learner_id_problem, login_key, text_problem
from coursekit.gradebook.roster import ensure_gradebook, register_learners
from coursekit.gradebook.roster_table import MAX_FIELD, ROSTER
from coursekit.gradebook.state import ensure_tables, make_engine

COLUMNS = ("login", "name", "email", "idnumber", "group", "lms_user_id")
MAX_FILE = 10 * 1024 * 1024


class RosterError(ValueError):
    """The roster file cannot be imported; one line per problem, naming the file and the line."""


@dataclass(frozen=True)
class RosterEntry:
    """One learner of the roster."""

    login: str
    name: str = ""
    email: str = ""
    idnumber: str = ""
    group: str = ""
    lms_user_id: str = ""

    @property
    def first_last(self) -> tuple[str, str]:
        """(first name, last name): the last word is the last name (``"Ada King Lovelace"`` → ``Ada King``)."""
        words = self.name.split()
        if len(words) < 2:
            return (self.name.strip(), "")
        return (" ".join(words[:-1]), words[-1])


def parse_roster(text: str, origin: str) -> list[RosterEntry]:
    """The learners of a roster CSV text (pure).

    Raises
    ------
    RosterError
        Naming ``origin`` and the line of each problem: no ``login`` column, an unknown column, a missing
        or invalid login (not a plain login name: upper case, non-ASCII, look-alike letters, markup; see
        :mod:`coursekit.gradebook.learner_ids`), a login given twice, a field too long or holding a line
        break, a bidi control or another control or format character.
    """
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise RosterError(f"{origin}: empty file (expected a header row: {', '.join(COLUMNS)})") from None
    except csv.Error as exc:
        raise RosterError(f"{origin}: line 1: not CSV ({exc})") from None
    names = [h.strip().lower() for h in header]
    problems = []
    unknown = [h for h in names if h not in COLUMNS]
    if "login" not in names:
        problems.append(f"{origin}: line 1: no 'login' column (columns: {', '.join(COLUMNS)})")
    if unknown:
        problems.append(f"{origin}: line 1: unknown column(s) {', '.join(map(repr, unknown))} "
                        f"(columns: {', '.join(COLUMNS)})")
    if len(set(names)) != len(names):
        problems.append(f"{origin}: line 1: a column is named twice")
    if problems:
        raise RosterError("\n".join(problems))
    entries: list[RosterEntry] = []
    first_line: dict[str, int] = {}
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                problems.append(f"{origin}: line {line}: {len(row)} fields, the header has {len(names)}")
                continue
            values = dict(zip(names, row, strict=True))
            login = values["login"]
            problem = learner_id_problem(login)
            if problem:
                problems.append(f"{origin}: line {line}: login {describe_id(login)} {problem}")
                continue
            if login_key(login) in first_line:
                problems.append(f"{origin}: line {line}: login {login!r} already on line "
                                f"{first_line[login_key(login)]}")
                continue
            long = [k for k, v in values.items() if len(v) > MAX_FIELD]
            if long:
                problems.append(f"{origin}: line {line}: {', '.join(long)}: longer than {MAX_FIELD} characters")
                continue
            odd = [f"{k}: {problem}" for k, v in values.items() if (problem := text_problem(v))]
            if odd:
                problems.append(f"{origin}: line {line}: " + "; ".join(odd))
                continue
            first_line[login_key(login)] = line
            entries.append(RosterEntry(**{k: (v if k == "login" else v.strip()) for k, v in values.items()}))
    except csv.Error as exc:
        problems.append(f"{origin}: line {rows.line_num}: not CSV ({exc})")
    if problems:
        raise RosterError("\n".join(problems))
    return entries


def read_roster(path: Path) -> list[RosterEntry]:
    """The learners of a roster file (UTF-8 CSV, a byte-order mark allowed); see :func:`parse_roster`."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE:
        raise RosterError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    return parse_roster(text, str(path))


def import_roster(db_url: str, entries: list[RosterEntry]) -> tuple[int, int]:
    """Put ``entries`` into the gradebook; return (learners added, learners updated).

    Learners already known keep their grades; their names, email and ids are replaced by the roster's.
    """
    check_learner_ids(e.login for e in entries)
    ensure_gradebook(db_url)
    ensure_tables(db_url, [ROSTER])
    added = register_learners(db_url, [e.login for e in entries])
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            student = Table("student", MetaData(), autoload_with=conn)
            for entry in entries:
                first, last = entry.first_last
                conn.execute(student.update().where(student.c.id == entry.login).values(
                    first_name=first or None, last_name=last or None, email=entry.email or None,
                    lms_user_id=entry.lms_user_id or None))
                conn.execute(ROSTER.delete().where(ROSTER.c.learner == entry.login))
                conn.execute(ROSTER.insert().values(learner=entry.login, name=entry.name, idnumber=entry.idnumber,
                                                    group_name=entry.group))
    finally:
        engine.dispose()
    return added, len(entries) - added


ROSTER_FIELDS = ["learner", "name", "email", "idnumber", "group", "lms_user_id"]


def load_roster(db_url: str):
    """Every learner of the gradebook with name, email, idnumber, group and lms_user_id (a DataFrame).

    Learners who were never imported from a roster have empty fields (their name from nbgrader's first and
    last name when set).
    """
    import pandas as pd

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            student = Table("student", MetaData(), autoload_with=conn)
            people = pd.DataFrame(conn.execute(select(
                student.c.id, student.c.first_name, student.c.last_name, student.c.email,
                student.c.lms_user_id)).all(), columns=["learner", "first", "last", "email", "lms_user_id"])
            extra = pd.DataFrame(columns=["learner", "name", "idnumber", "group"])
            if inspect(conn).has_table(ROSTER.name):
                extra = pd.DataFrame(conn.execute(select(ROSTER)).all(),
                                     columns=["learner", "name", "idnumber", "group"])
    finally:
        engine.dispose()
    table = people.merge(extra, on="learner", how="left").fillna("")
    fallback = (table["first"].astype(str) + " " + table["last"].astype(str)).str.strip()
    table["name"] = table["name"].where(table["name"] != "", fallback)
    return table[ROSTER_FIELDS].astype(str)
