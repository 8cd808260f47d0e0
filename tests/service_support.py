"""The quiz service for tests: a trusted source folder with chosen settings, the app on a free port, a clock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from project_support import REPO

from coursekit.gradebook.state import make_engine
from coursekit.grading.hidden import key_from_notebook
from coursekit.service.app import Identity, make_app
from coursekit.service.book import AttemptBook
from coursekit.service.client import QuizServiceClient
from coursekit.service.migrate import migrate
from coursekit.service.trusted import TrustedQuizzes

SECTION = "cooperation_networking"


class Clock:
    """The service's clock, moved by the test."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def service_token(name: str) -> str:
    """The hub token of ``name`` in these tests."""
    return f"tok-{name}"


def service_tokens(learners: list[str], trainer: str | None = None) -> dict[str, Identity]:
    """The service's tokens: one per learner, and one for ``trainer`` (who may read everyone's attempts)."""
    known = {service_token(name): Identity(name) for name in learners}
    if trainer is not None:
        known[service_token(trainer)] = Identity(trainer, trainer=True)
    return known


def service_client(url: str, name: str, **options: Any) -> QuizServiceClient:
    """A service client speaking as ``name``."""
    return QuizServiceClient(url, service_token(name), **options)


def quiz_source(folder: Path, section: str = SECTION, pools: bool = False, **settings: Any) -> Path:
    """A copy of the project's ``source/<section>`` whose quiz.json has ``settings`` changed; the source root.

    Without ``pools`` the quiz is the seed quiz's fixed form: each slot keeps its first question
    (:func:`fixed_right_answers` answers it); with ``pools`` the service draws from the seed's pools.
    """
    root = folder / "source"
    shutil.copytree(REPO / "source" / section, root / section, dirs_exist_ok=True)
    spec_file = root / section / "quiz.json"
    public = json.loads(spec_file.read_text(encoding="utf-8"))
    public["settings"].update(settings)
    if not pools:
        kept = _first_questions(public)
        public.pop("slots", None)
        public["questions"] = [q for q in public["questions"] if q["id"] in kept]
    spec_file.write_text(json.dumps(public), encoding="utf-8")
    return root


def right_answers(section: str = SECTION) -> dict[str, Any]:
    """The key's answers, as a learner would give them."""
    key = key_from_notebook(REPO / "source" / section / f"{section}.ipynb")
    public = json.loads((REPO / "source" / section / "quiz.json").read_text(encoding="utf-8"))
    kinds = {q["id"]: q["type"] for q in public["questions"]}
    return {qid: (k["answer"][0] if kinds[qid] == "short_answer" else k["answer"]) for qid, k in key.items()}


def _first_questions(public: dict[str, Any]) -> set[str]:
    return {slot["questions"][0] for slot in public.get("slots") or [{"questions": [q["id"]]}
                                                                      for q in public["questions"]]}


def fixed_right_answers(section: str = SECTION) -> dict[str, Any]:
    """:func:`right_answers` to the questions of the seed quiz's fixed form (``quiz_source`` without pools)."""
    public = json.loads((REPO / "source" / section / "quiz.json").read_text(encoding="utf-8"))
    kept = _first_questions(public)
    return {qid: answer for qid, answer in right_answers(section).items() if qid in kept}


def service_draw_key(db_url: str) -> bytes:
    """The key the quiz service of ``db_url`` draws pooled questions with (made when its tables were migrated)."""
    from coursekit.service.draw_key import read_draw_key

    engine = make_engine(db_url)
    try:
        return read_draw_key(engine)
    finally:
        engine.dispose()


def sqlite_service_db(folder: Path) -> tuple[str, bytes]:
    """A SQLite gradebook ``folder/gradebook.db`` with the quiz service's tables made: its URL and draw key."""
    db_url = f"sqlite:///{folder / 'gradebook.db'}"
    migrate(db_url)
    return db_url, service_draw_key(db_url)


def as_learner(monkeypatch: Any, url: str, learner: str) -> None:
    """Set the environment a learner's kernel has under the hub: the quiz service's ``url`` and their token."""
    monkeypatch.setenv("COURSEKIT_QUIZ_URL", url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", service_token(learner))
    monkeypatch.setenv("JUPYTERHUB_USER", learner)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_service(db_url: str, source_root: Path, tokens: dict[str, Identity], clock: Clock,
                    port: int | None = None) -> Iterator[str]:
    """Serve the quiz API in a thread (its own event loop); yield its base URL. Tokens name identities."""
    migrate(db_url)
    engine = make_engine(db_url)
    port = port or _free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def identify(token: str) -> Identity | None:
        return tokens.get(token)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        app = make_app(AttemptBook(engine, clock), TrustedQuizzes(source_root), identify, "/services/quiz/")
        server = app.listen(port, "127.0.0.1")
        started.set()
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}/services/quiz/"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        engine.dispose()
