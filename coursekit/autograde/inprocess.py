"""Execute a rebuilt notebook's code cells in this process instead of a new kernel.

After :mod:`coursekit.autograde.rebuild` every code cell left in a submission is
the course's own (restored from the release and the gradebook): the quiz cell
and the hidden tests. Running them does not need the isolation of a fresh
kernel, and starting one per learner is most of stock nbgrader's cost. This
runner produces the outputs nbgrader's grading reads, the way a kernel would:
``stream`` outputs for stdout and stderr, an ``execute_result`` with the
``text/plain`` repr of a cell's last expression, an ``error`` output for an
exception. Display-only cells are not run and keep no output: the quiz widget
(tag ``quiz``) and each Comment field (tag ``comment``), whose only output
would be the widget's repr with a memory address. The trainer reads a Comment
answer in its graded answer cell, written there from the learner's saved text
by :mod:`coursekit.autograde.rebuild`, never in the field's output.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import signal
import traceback
from collections.abc import Iterator
from typing import Any

from nbformat import NotebookNode

DISPLAY_ONLY_TAGS = frozenset({"quiz", "comment"})
"""Tags of the widget cells that grading does not run (the quiz, the Comment fields)."""


class CellTimeoutError(TimeoutError):
    """A cell ran longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CellTimeoutError` in this (main) thread when the block runs longer than ``seconds``."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise CellTimeoutError(f"cell did not finish within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _working_directory(path: str | None) -> Iterator[None]:
    if not path:
        yield
        return
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _output(output_type: str, **fields: Any) -> NotebookNode:
    """``nbformat.v4.new_output`` without its schema check: the outputs built here have the schema's shape."""
    output = NotebookNode(output_type=output_type, **fields)
    if output_type == "execute_result":
        output.setdefault("metadata", NotebookNode())
    return output


def run_source(source: str, namespace: dict[str, Any], execution_count: int,
               timeout: float | None = None) -> list[NotebookNode]:
    """Run one cell's source in ``namespace``; return the outputs a kernel would produce."""
    stdout, stderr = io.StringIO(), io.StringIO()
    outputs: list[NotebookNode] = []
    result: Any = None
    error: BaseException | None = None
    try:
        tree = ast.parse(source, mode="exec")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), time_limit(timeout):
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                result = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    except BaseException as exc:  # a cell's failure is its output, as in a kernel
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        error = exc
    if stdout.getvalue():
        outputs.append(_output("stream", name="stdout", text=stdout.getvalue()))
    if stderr.getvalue():
        outputs.append(_output("stream", name="stderr", text=stderr.getvalue()))
    if error is not None:
        outputs.append(_output(
            "error", ename=type(error).__name__, evalue=str(error),
            traceback=traceback.format_exception_only(type(error), error),
        ))
    elif result is not None:
        outputs.append(_output("execute_result", data=NotebookNode({"text/plain": repr(result)}),
                               execution_count=execution_count))
    return outputs


def execute_notebook(notebook: NotebookNode, cwd: str | None = None,
                     timeout: float | None = None) -> NotebookNode:
    """Execute every code cell of ``notebook`` (but display-only ones) in one fresh namespace."""
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    count = 0
    with _working_directory(cwd):
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            if DISPLAY_ONLY_TAGS.intersection(cell.get("metadata", {}).get("tags", [])):
                cell.execution_count = None
                continue
            count += 1
            cell.execution_count = count
            cell.outputs = run_source(cell.source, namespace, count, timeout)
    return notebook
