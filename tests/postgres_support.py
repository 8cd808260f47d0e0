"""A throwaway PostgreSQL server on loopback (Debian's packages), for gradebook tests on a real database."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<n>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run as the 'postgres' system user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_postgres(password: str | None = None) -> Iterator[str]:
    """Start a fresh cluster under /tmp on a free loopback port; yield a server URL without database.

    With ``password``, TCP connections need a password (scram-sha-256); without, loopback is trusted.
    """
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql")
    folder = Path(tempfile.mkdtemp(prefix="coursekit-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    auth = ["--auth=trust"]
    if password:
        pwfile = folder / "pwfile"
        pwfile.write_text(password, encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", *auth,
                                 "-E", "UTF8"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                                 "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True)
    try:
        secret = f":{password}" if password else ""
        yield f"postgresql+psycopg2://postgres{secret}@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server; return its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + 20
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            break
        except Exception:  # the server may still be starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    engine.dispose()
    return f"{server_url}/{name}"
