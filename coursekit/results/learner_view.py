"""Every learner's results for the learner page, as data one page renders for any learner (pure: no Jupyter).

``learner_progress.html#learner0042`` shows learner0042: the page embeds what every learner shares (section
titles, questions, cohort means) as JSON in the script element with id
:data:`coursekit.cohort.assets.LEARNER_DATA_ID`, and each learner's own rows sit in one of a few data files beside
it (:func:`split_learner_data`: about :data:`LEARNERS_PER_FILE` learners a file, the file picked by a hash of the
id, :func:`learner_file`), so the page stays small at 50,000 learners. Its script
(``templates/offline/learner.js``) loads the one file that holds the learner named after ``#`` and renders that
learner into the tables of the first learner the notebook drew. Texts are ready to show (numbers formatted), so
the script only places them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from coursekit.results.follow_up import status_reason

LEARNERS_PER_FILE = 100
"""About how many learners one data file of the learner page holds (a file is read when one of them is shown)."""
SECTION_COLUMNS = ["Section", "Quiz score", "Of", "Score (%)", "Pass rate (%)", "Status", "Why not passed",
                   "Comments answered", "Comments", "Review", "Attempts", "Submitted", "Late penalty"]
QUESTION_COLUMNS = ["Section", "No.", "Question", "Score", "Of", "Cohort mean"]


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fixed(value: object, digits: int = 1) -> str:
    number = _number(value)
    return "" if number is None else f"{number:.{digits}f}"


def _whole(value: object) -> str:
    number = _number(value)
    return "" if number is None else str(int(number))


def _penalty(value: object) -> str:
    """Points taken off for lateness as the feedback page says them (``1.5``), empty when none."""
    number = _number(value)
    return "" if not number else f"{round(number, 2):g}"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def section_rows(grades: pd.DataFrame, titles: Mapping[str, str]) -> list[list[str]]:
    """One learner's rows of ``grades.csv`` as the texts of :data:`SECTION_COLUMNS`, sections in ``titles``' order."""
    return _rows(grades.to_dict("records"), titles)


def _rows(records: list[dict], titles: Mapping[str, str]) -> list[list[str]]:
    order = {sid: position for position, sid in enumerate(titles)}
    rows = []
    for row in sorted((r for r in records if r["section"] in order), key=lambda r: order[r["section"]]):
        rows.append([titles[row["section"]], _fixed(row.get("quiz_score")), _fixed(row.get("quiz_max"), 0),
                     _fixed(row.get("quiz_percent")), _fixed(row.get("pass_rate"), 0), _text(row.get("status")),
                     status_reason(_text(row.get("status")), _text(row.get("problems"))),
                     _whole(row.get("comments_answered")), _whole(row.get("comments_total")),
                     _text(row.get("review")), _whole(row.get("attempts")), _text(row.get("submitted_at")),
                     _penalty(row.get("late_penalty"))])
    return rows


def learner_data(grades: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame,
                 titles: Mapping[str, str]) -> dict[str, object]:
    """Every learner's results, ready for the learner page.

    Parameters
    ----------
    grades
        Rows of ``grades.csv`` (learner, section, status, quiz_score, quiz_max, quiz_percent, pass_rate, …).
    scores
        :func:`coursekit.cohort.gradebook.item_scores` (learner, section, item, score, max_score).
    catalogue
        :func:`coursekit.cohort.questions.question_catalogue` of the sections shown.
    titles
        Section id to title, in course order (the sections shown).

    Returns
    -------
    dict
        ``learners`` (ids, sorted), ``titles`` (the sections' titles), ``sections`` (id → rows of
        :data:`SECTION_COLUMNS` whose first cell is the section's index in ``titles``, to keep the page small),
        ``questions`` (rows of :data:`QUESTION_COLUMNS` with an empty score), ``scores`` (id → one score per
        question, in ``questions``' order, ``None`` when not graded). :func:`learner_rows` makes them the rows
        the page shows.
    """
    catalogue = catalogue[catalogue["section"].isin(titles)].reset_index(drop=True)
    scores = scores[scores["section"].isin(titles)]
    mean = scores.groupby(["section", "item"])["score"].mean()
    maxima = scores.groupby(["section", "item"])["max_score"].max()
    keys = list(zip(catalogue["section"], catalogue["item"], strict=True))
    questions = [[titles[sid], str(number), text, "", _fixed(maxima.get((sid, item)), 0),
                  _fixed(mean.get((sid, item)), 2)]
                 for (sid, item), number, text in zip(keys, catalogue["number"], catalogue["text"], strict=True)]
    position = {key: i for i, key in enumerate(keys)}
    learners = sorted(str(learner) for learner in grades["learner"].unique())
    table: dict[str, list[float | None]] = {learner: [None] * len(keys) for learner in learners}
    for learner, sid, item, score in zip(scores["learner"], scores["section"], scores["item"], scores["score"],
                                         strict=True):
        at = position.get((sid, item))
        if at is not None and str(learner) in table:
            table[str(learner)][at] = _number(score)
    records: dict[str, list[dict]] = {}
    for row in grades.to_dict("records"):
        records.setdefault(str(row["learner"]), []).append(row)
    index = {title: i for i, title in enumerate(titles.values())}
    sections = {learner: [[index[row[0]], *row[1:]] for row in _rows(rows, titles)]
                for learner, rows in records.items()}
    return {"learners": learners, "titles": list(titles.values()), "sections": sections, "questions": questions,
            "scores": table}


def learner_rows(data: Mapping[str, object], learner: str) -> tuple[list[list[str]], list[list[str]]]:
    """The rows one learner's page shows: results per section and score per question (``learner.js`` too).

    ``data`` is :func:`learner_data`'s; an unknown learner has no section rows and empty scores.
    """
    titles: list[str] = data["titles"]  # type: ignore[assignment]
    sections = [[titles[row[0]], *row[1:]] for row in data["sections"].get(learner, [])]  # type: ignore[attr-defined]
    questions: list[list[str]] = data["questions"]  # type: ignore[assignment]
    scores = data["scores"].get(learner, [None] * len(questions))  # type: ignore[attr-defined]
    return sections, [[*row[:3], _fixed(score, 2), *row[4:]] for row, score in zip(questions, scores, strict=True)]


def chart_finding(learner: str, rows: list[list[str]]) -> str:
    """The finding of the learner's chart from the section rows :func:`learner_rows` makes (``learner.js`` too)."""
    parts = []
    for row in rows:
        title, percent, rate, status = row[0], row[3], row[4], row[5]
        if percent == "":
            parts.append(f"{title}: {status}")
        else:
            parts.append(f"{title}: {float(percent):.0f} % (pass rate {rate} %), {status}")
    return f"{learner}: " + "; ".join(parts)


def learner_file(learner: str, files: int) -> int:
    """The data file (0 to ``files`` - 1) that holds ``learner``: FNV-1a (32 bits) of the id's UTF-8, modulo ``files``.

    ``learner.js`` computes the same from the id named in the address, so it reads only that one file.
    """
    if files < 1:
        raise ValueError(f"a learner page needs at least one data file, not {files}")
    text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in learner)  # as the browser encodes it
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % files


def split_learner_data(data: Mapping[str, object], per_file: int = LEARNERS_PER_FILE
                       ) -> tuple[dict[str, object], list[dict[str, list]]]:
    """:func:`learner_data` cut into what the page embeds and the learners' data files.

    Returns
    -------
    tuple
        The page's part: ``titles``, ``questions`` and ``files`` (how many data files); and one entry per file,
        in file order: ``learners`` (ids), ``sections`` and ``scores`` (that learner's entry of
        :func:`learner_data`, in the same order). Lists side by side, never an object keyed by learner id (an id
        such as ``__proto__`` stays an id). Every learner is in exactly one file, :func:`learner_file` of its id.
    """
    if per_file < 1:
        raise ValueError(f"learners per data file must be 1 or more, not {per_file}")
    learners: list[str] = data["learners"]  # type: ignore[assignment]
    sections: Mapping[str, list] = data["sections"]  # type: ignore[assignment]
    scores: Mapping[str, list] = data["scores"]  # type: ignore[assignment]
    files = max(1, math.ceil(len(learners) / per_file))
    chunks: list[dict[str, list]] = [{"learners": [], "sections": [], "scores": []} for _ in range(files)]
    for learner in learners:
        chunk = chunks[learner_file(learner, files)]
        chunk["learners"].append(learner)
        chunk["sections"].append(sections.get(learner, []))
        chunk["scores"].append(scores.get(learner, []))
    page = {"titles": data["titles"], "questions": data["questions"], "files": files}
    return page, chunks
