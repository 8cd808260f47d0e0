"""Files and values between the trainer's machine and a grading process: framed pickles, folders as bytes.

Used by the cluster client (:mod:`.cluster`), the grading process beside each
Dask worker (:mod:`.cluster_worker`) and the gradebook writer (:mod:`.record`).
Paths inside a folder are checked (:func:`safe_relative`): nothing is written
outside the folder it belongs to.
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

_HEADER = struct.Struct(">Q")


def write_frame(stream: BinaryIO, value: Any) -> None:
    """Write one pickled value with its length."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """Read one value written by :func:`write_frame`; ``EOFError`` when the stream ended."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("stream closed")
    size = _HEADER.unpack(header)[0]
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("stream closed mid-frame")
    return pickle.loads(payload)


def safe_relative(name: str) -> PurePosixPath:
    """``name`` as a relative path inside a folder, or ``ValueError`` (absolute, ``..``, empty)."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise ValueError(f"unsafe path in a submission: {name[:80]!r}")
    return path


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Create ``folder`` with ``files`` (relative posix path -> bytes) in it."""
    folder.mkdir(parents=True)
    for name, data in files.items():
        target = folder.joinpath(*safe_relative(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def read_files(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` (symlinks skipped), by relative posix path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}
