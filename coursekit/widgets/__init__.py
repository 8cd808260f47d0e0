"""The learner's quiz and Comment fields in JupyterLab: ``show_quiz`` and ``show_comment`` in locked cells."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from coursekit.quiz.contract import PUBLIC_SPEC_NAME


def load_quiz(section: str, folder: Path | None = None) -> tuple[Any, Any, str | None]:
    """Build the session and store of a section's quiz from the files beside the notebook.

    Returns ``(session, store, message)``; ``message`` is for the learner (a
    set-aside file, a changed quiz) or None.

    Raises
    ------
    FileNotFoundError
        When ``quiz.json`` is not beside the notebook.
    """
    from coursekit.quiz.session import QuizSession
    from coursekit.quiz.spec import spec_hash
    from coursekit.widgets.store import ResponseStore, current_learner, now_iso

    folder = Path(folder or Path.cwd())
    spec_path = folder / PUBLIC_SPEC_NAME
    if not spec_path.is_file():
        raise FileNotFoundError(f"{spec_path}: the quiz file is missing; ask your trainer for the section again")
    public = json.loads(spec_path.read_text(encoding="utf-8"))
    if public.get("section") != section:
        raise ValueError(f"{spec_path}: holds the quiz of {public.get('section')!r}, not {section!r}")
    store = ResponseStore(folder, section, current_learner(), spec_hash(public))
    loaded = store.load()
    if service_client() is not None:  # the service marks: no key digest stays in this kernel
        public = without_digests(public)
    return QuizSession(public, loaded.responses, now_iso), store, loaded.message


def service_client() -> Any:
    """The quiz service's client when the kernel's environment configures one (JupyterHub), else None."""
    from coursekit.service.client import QuizServiceClient

    return QuizServiceClient.from_environment()


def without_digests(public: dict[str, Any]) -> dict[str, Any]:
    """The public spec without the salted key digests and their salt (the service marks instead)."""
    return {**public, "salt": None,
            "questions": [{k: v for k, v in q.items() if k != "answer_digest"} for q in public["questions"]]}


def quiz_view_for(section: str, folder: Path | None = None) -> Any:
    """The quiz's :class:`~coursekit.widgets.quiz.QuizView`, linked to the quiz service when one is configured.

    Raises
    ------
    OSError, ValueError
        When the quiz file is missing or is another section's.
    """
    from coursekit.widgets.quiz import QuizView
    from coursekit.widgets.service_link import ServiceLink

    folder = Path(folder or Path.cwd())
    session, store, message = load_quiz(section, folder)
    client = service_client()
    return QuizView(session, store, message, ServiceLink(client, section, folder) if client else None)


def show_quiz(section: str, folder: str | Path | None = None) -> None:
    """Show a section's quiz below the cell, with the learner's saved answers restored."""
    from IPython.display import HTML, display

    try:
        view = quiz_view_for(section, Path(folder) if folder else None)
    except (OSError, ValueError) as exc:
        display(HTML(f'<p role="alert" style="color:#a61b1b">The quiz cannot be shown: {html.escape(str(exc))}</p>'))
        return
    display(view.root)


def show_comment(section: str, question_id: str, heading: str = "", question: str = "",
                 folder: str | Path | None = None) -> None:
    """Show the Comment field of one reflection, holding the text the learner saved."""
    from IPython.display import display

    from coursekit.cell_ids import comment_cell_id
    from coursekit.widgets.comment import CommentField
    from coursekit.widgets.comment_store import CommentStore
    from coursekit.widgets.store import current_learner

    store = CommentStore(Path(folder or Path.cwd()), section, current_learner())
    display(CommentField(store, comment_cell_id(question_id), heading, question).root)
