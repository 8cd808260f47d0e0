"""Run the quiz service: migrate the tables (under the schema lock), then serve the API until stopped."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from coursekit.gradebook.state import make_engine
from coursekit.service.app import MAX_BODY_BYTES, HubIdentity, Identify, make_app
from coursekit.service.book import AttemptBook
from coursekit.service.migrate import migrate
from coursekit.service.trusted import TrustedQuizzes


async def serve(db_url: str, source_root: Path, port: int, prefix: str = "/", address: str = "127.0.0.1",
                identify: Identify | None = None) -> None:
    """Serve the quiz API on ``address:port`` until cancelled."""
    migrate(db_url)
    engine = make_engine(db_url)
    app = make_app(AttemptBook(engine), TrustedQuizzes(source_root), identify or HubIdentity(), prefix)
    server = app.listen(port, address, max_body_size=MAX_BODY_BYTES, xheaders=True)
    logging.getLogger("coursekit.service").info("quiz service on http://%s:%s%s", address, port, prefix)
    try:
        await asyncio.Event().wait()
    finally:
        server.stop()
        engine.dispose()


def run(db_url: str, source_root: Path, port: int, prefix: str = "/", address: str = "127.0.0.1") -> None:
    """Serve the quiz API (blocking; Ctrl-C or SIGTERM ends it)."""
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    asyncio.run(serve(db_url, source_root, port, prefix, address))
