"""Every element id a widget renders is its own: built from the model's id prefix, never a shared literal.

The browser test (tests/browser/test_widget_ids_browser.py) reads the accessibility tree; this
checks the same without a browser, on the widgets' Python side and on their ES modules' source.
"""

from __future__ import annotations

import re

import pytest

from coursekit.widgets.comment import HERE, CommentWidget
from coursekit.widgets.element_ids import fresh_prefix
from coursekit.widgets.quiz import QuizWidget, assemble_esm

ID_KEYS = {"id", "for", "name", "aria-labelledby", "aria-describedby", "aria-controls"}
ROOTS = {"uid", "ctx.uid"}  # the render function's prefix, and the same as the view modules see it
UID_DEFINITION = 'const uid = `${model.get("id_prefix")}-${++views}`;'


def modules() -> dict[str, str]:
    """The widgets' ES modules as anywidget receives them (the quiz with its question types' views)."""
    return {"comment.js": (HERE / "comment.js").read_text(encoding="utf-8"), "quiz.js": assemble_esm()}


def el_attributes(source: str) -> list[tuple[str, str]]:
    """``(key, value expression)`` of every entry of the attribute objects passed to ``el(tag, {...})``."""
    entries = []
    for match in re.finditer(r'\bel\("\w+",\s*\{', source):
        depth, start, parts = 1, match.end(), []
        for index in range(match.end(), len(source)):
            char = source[index]
            depth += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(char, 0)
            if depth == 0 or (depth == 1 and char == ","):
                parts.append(source[start:index].strip())
                start = index + 1
            if depth == 0:
                break
        for part in filter(None, parts):
            key, _, value = part.partition(":")
            key = key.strip().strip('"')
            entries.append((key, value.strip() or key))  # `{ id }` is `{ id: id }`
    return entries


def id_expressions(source: str) -> list[str]:
    """Every expression a module gives an element as an id or as a reference to one."""
    found = re.findall(r"\.(?:id|htmlFor)\s*=(?!=)\s*([^;]+);", source)
    found += re.findall(r'setAttribute\("(?:id|for|name|aria-(?:labelledby|describedby|controls))",\s*([^)]+)\)',
                        source)
    return found + [value for key, value in el_attributes(source) if key in ID_KEYS]


def built_from_prefix(expression: str, source: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``expression`` starts with the widget's prefix: `${uid}-…`, or a name every definition of which does."""
    expression = expression.strip()
    literal = re.fullmatch(r"`\$\{([\w.]+)\}-.*`", expression, re.S)
    if literal:
        expression = literal.group(1)
    elif not re.fullmatch(r"\w+", expression):
        return False  # a fixed string, or an expression not built from the prefix
    if expression in ROOTS:
        return UID_DEFINITION in source
    definitions = re.findall(rf"\bconst {re.escape(expression)} = ([^;]+);", source)
    return bool(definitions) and expression not in seen and all(
        built_from_prefix(definition, source, seen | {expression}) for definition in definitions)


@pytest.mark.parametrize("name", ["comment.js", "quiz.js"])
def test_every_id_a_module_renders_is_built_from_the_models_prefix(name):
    source = modules()[name]
    assert UID_DEFINITION in source  # per model (id_prefix) and per view of that model
    expressions = id_expressions(source)
    assert len(expressions) >= (4 if name == "comment.js" else 12), expressions
    assert [e for e in expressions if not built_from_prefix(e, source)] == []


def test_the_check_refuses_an_id_shared_by_every_render():
    shared = 'const uid = `ckc${++instances}`;\nlabel.htmlFor = `${uid}-text`;\narea.id = "comment-text";'
    assert [e for e in id_expressions(shared) if not built_from_prefix(e, shared)] == ["`${uid}-text`",
                                                                                      '"comment-text"']


def test_two_comment_fields_and_two_quizzes_never_share_a_prefix():
    widgets = [CommentWidget(heading=f"Reflection {n}") for n in (1, 2)] + [QuizWidget() for _ in (1, 2)]
    try:
        prefixes = [w.id_prefix for w in widgets]
        assert len(set(prefixes)) == 4, prefixes
        assert all(re.fullmatch(r"ck[0-9a-f]{12}", p) for p in prefixes), prefixes  # a valid id start
        assert all(w.get_state()["id_prefix"] == w.id_prefix for w in widgets)  # the browser gets it
    finally:
        for widget in widgets:
            widget.close()


def test_fresh_prefixes_differ():
    assert len({fresh_prefix() for _ in range(1000)}) == 1000
