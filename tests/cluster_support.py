"""A real Dask cluster on loopback for tests: one scheduler, workers each in its own empty folder and account."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from process_support import traversable
from trainer_support import free_port

BIN = Path(sys.executable).parent


@dataclass
class Worker:
    """One ``dask worker`` process (its own session, so it can be killed with everything it started)."""

    address: str
    folder: Path
    process: subprocess.Popen

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@dataclass
class LocalCluster:
    """The scheduler's address and its workers."""

    address: str
    workers: list[Worker] = field(default_factory=list)
    account: str | None = None


@contextlib.contextmanager
def system_account() -> Iterator[str | None]:
    """As root: a fresh system account (no home, no shell), deleted after; otherwise None (this user)."""
    if os.geteuid() != 0:
        yield None
        return
    name = f"ckdask{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group",
                    name], check=True)
    repo = Path(__file__).resolve().parent.parent
    try:
        with traversable([Path(os.path.realpath(sys.executable)), Path(sys.executable), repo]):
            yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        subprocess.run(["userdel", name], check=False)
        subprocess.run(["groupdel", name], check=False, stderr=subprocess.DEVNULL)


def _empty_folder(account: str | None) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="coursekit-dask-worker-"))
    if account:
        shutil.chown(folder, account, account)
    return folder


def _env(folder: Path) -> dict[str, str]:
    env = {"PATH": f"{BIN}{os.pathsep}/usr/bin:/bin", "HOME": str(folder), "TMPDIR": str(folder), "LANG": "C.UTF-8"}
    if os.environ.get("PYTHONPATH"):  # the workers import the code under test, as the client does
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def start_workers(address: str, count: int, account: str | None, log_dir: Path, into: list[Worker]) -> None:
    """Start ``count`` single-thread workers at once (no nanny), each in its own empty folder, into ``into``."""
    for _ in range(count):
        folder, port = _empty_folder(account), free_port()
        command = [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                   "--worker-port", str(port), "--no-dashboard", "--local-directory", str(folder)]
        try:
            with (log_dir / f"worker-{port}.log").open("w") as log:
                process = subprocess.Popen(command, cwd=folder, env=_env(folder), stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True, user=account, group=account,
                                           extra_groups=[] if account else None)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        into.append(Worker(f"tcp://127.0.0.1:{port}", folder, process))


def wait_for_workers(address: str, count: int, timeout: float = 120.0) -> None:
    """Return when the scheduler knows ``count`` workers."""
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(count, timeout=timeout)


@contextlib.contextmanager
def local_cluster(workers: int, log_dir: Path, account: str | None) -> Iterator[LocalCluster]:
    """A ``dask scheduler`` and ``workers`` workers on loopback; everything killed and removed after."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with (log_dir / "scheduler.log").open("w") as log:
        scheduler = subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=log_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    cluster = LocalCluster(address, account=account)
    try:
        time.sleep(0.5)
        start_workers(address, workers, account, log_dir, cluster.workers)
        wait_for_workers(address, workers)
        yield cluster
    finally:
        for worker in cluster.workers:
            worker.kill()
            shutil.rmtree(worker.folder, ignore_errors=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(scheduler.pid, signal.SIGKILL)
        scheduler.wait(timeout=30)
