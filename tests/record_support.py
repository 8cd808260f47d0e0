"""Reading the grade record back from the files people read: feedback pages and CSV exports, for tests."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from bs4 import BeautifulSoup


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file coursekit wrote, as dicts by header."""
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def feedback_facts(html: str) -> dict[str, object]:
    """What a feedback page tells the learner, read from its text: score, penalty, status, due date, comments."""
    text = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    quiz = re.search(r"Quiz: ([\d.]+) of ([\d.]+) points? \((\d+) %\), (passed|not yet passed)", text)
    penalty = re.search(r"Late penalty: ([\d.]+) points", text)
    status = re.search(r"Status: (.*?)\. Due: ", text) or re.search(r"Status: (.*?)\. ", text)
    due = re.search(r"Due: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)", text)
    comments = re.search(r"Comments: ([\d.]+) of ([\d.]+)( points)?(, (\d+) not yet reviewed)?", text)
    assert quiz and status, text[:600]
    return {"score": float(quiz.group(1)), "penalty": float(penalty.group(1)) if penalty else 0.0,
            "status": status.group(1), "due": due.group(1) if due else "",
            "comments": float(comments.group(1)) if comments else None,
            "pending": int(comments.group(5)) if comments and comments.group(5) else 0,
            "provisional": "Provisional" in text, "text": text}


def feedback_pages(grader: Path) -> dict[tuple[str, str], str]:
    """Every feedback page under ``grader/feedback/<learner>/<section>/``, by (learner, section)."""
    return {(p.parent.parent.name, p.parent.name): p.read_text(encoding="utf-8")
            for p in (grader / "feedback").glob("*/*/*.html")}
