"""In-process execution: the widget cells (quiz, Comment fields) are not run; every other code cell is."""

from __future__ import annotations

import nbformat

from coursekit.autograde.inprocess import execute_notebook


def _cell(source: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def test_comment_and_quiz_fields_keep_no_output_and_the_tests_run_in_order():
    notebook = nbformat.v4.new_notebook(cells=[
        _cell("print('comment field ran')", ["comment"]),
        _cell("print('quiz widget ran')", ["quiz"]),
        nbformat.v4.new_markdown_cell("The learner's answer"),
        _cell("marks = 2\nprint('hidden test', marks)"),
        _cell("marks + 1"),
    ])
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="<CommentWidget at 0x1>\n")]

    executed = execute_notebook(notebook)

    comment, quiz, _, test, last = executed.cells
    assert comment.outputs == [] and comment.execution_count is None
    assert quiz.outputs == [] and quiz.execution_count is None
    assert test.execution_count == 1 and test.outputs[0].text == "hidden test 2\n"
    assert last.execution_count == 2 and last.outputs[0].data["text/plain"] == "3"
