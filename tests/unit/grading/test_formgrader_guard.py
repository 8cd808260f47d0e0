"""formgrader as coursekit runs it: template scripts get the response's nonce, nothing else inline runs."""

from __future__ import annotations

import base64
import hashlib

from coursekit.grading.formgrader_guard import PLACEHOLDER, escaped_resources, handler_hashes, mark_scripts, policy
from coursekit.trainer import FORMGRADER_GUARD, trainer_config_dir


def test_only_inline_scripts_of_the_templates_are_marked_for_the_nonce():
    source = ('<script src="/static/a.js"></script>\n<script>\nvar id = "{{ student_id }}";\n</script>\n'
              '<SCRIPT type="text/javascript">x()</SCRIPT><scripts>')
    marked = mark_scripts(source, "P")
    assert marked.count('nonce="P"') == 2
    assert '<script src="/static/a.js">' in marked and '<script nonce="P">' in marked
    assert '<script nonce="P" type="text/javascript">' in marked and "<scripts>" in marked
    assert len(PLACEHOLDER) > 16 and PLACEHOLDER not in mark_scripts("no script here")


def test_the_templates_own_onclick_handlers_are_allowed_by_hash_and_nothing_else_inline():
    code = "toggle_name(true);"
    expected = f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
    assert handler_hashes([f'<span onclick="{code}"></span>', f"<a onClick='{code}'>"]) == [expected]
    header = policy("N0nce", [expected])
    assert header.startswith(f"script-src 'self' 'nonce-N0nce' 'unsafe-hashes' {expected};")
    assert "unsafe-inline" not in header and "object-src 'none'" in header and "frame-ancestors 'self'" in header
    assert "unsafe-hashes" not in policy("N0nce")


def test_names_and_ids_given_to_the_submission_view_are_escaped():
    given = {"student": "ana", "first_name": "<img src=x onerror=alert(1)>", "last_name": 'A"na', "index": 2}
    assert escaped_resources(given) == {"student": "ana", "first_name": "&lt;img src=x onerror=alert(1)&gt;",
                                        "last_name": "A&quot;na", "index": 2}


def test_trainer_mode_turns_the_guard_on_beside_nbgrader(tmp_path):
    import json

    config = json.loads((trainer_config_dir(tmp_path) / "jupyter_server_config.json").read_text(encoding="utf-8"))
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions[FORMGRADER_GUARD] is True and extensions["nbgrader.server_extensions.formgrader"] is True
