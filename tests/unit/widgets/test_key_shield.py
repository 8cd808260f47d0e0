"""One key shield for both widgets: written once in key_shield.js, inserted into the quiz and the Comment field."""

from __future__ import annotations

import re

import pytest

from coursekit.widgets.comment import CommentWidget
from coursekit.widgets.esm import HERE, KEY_SHIELD, KEY_SHIELD_MARKER, with_key_shield
from coursekit.widgets.quiz import assemble_esm


def test_both_widgets_carry_the_one_shield_and_call_it():
    shield = KEY_SHIELD.read_text(encoding="utf-8")
    assert "data-lm-suppress-shortcuts" in shield and "stopPropagation" in shield
    for module in (CommentWidget._esm, assemble_esm()):
        assert module.count(shield) == 1 and KEY_SHIELD_MARKER not in module
        assert len(re.findall(r"function shieldKeys\(", module)) == 1
        assert "shieldKeys(root);" in module


def test_no_widget_file_writes_its_own_shield():
    for path in sorted(HERE.rglob("*.js")):
        if path != KEY_SHIELD:
            text = path.read_text(encoding="utf-8")
            assert "function shieldKeys" not in text and "data-lm-suppress-shortcuts" not in text, path.name


def test_a_module_without_the_marker_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^views/x\.js: no /\* coursekit:key-shield \*/ marker"):
        with_key_shield("function render() {}", "views/x.js")
