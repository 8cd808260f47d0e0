"""The widgets' browser modules, assembled from their files (one ES module each, no build step).

anywidget loads a widget's module from a string, so one module cannot import
another; what both widgets share (the key shield, ``key_shield.js``) is
written once and inserted into each at its marker when the widget class is
made.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
KEY_SHIELD = HERE / "key_shield.js"
KEY_SHIELD_MARKER = "/* coursekit:key-shield */"


def with_key_shield(source: str, origin: str) -> str:
    """``source`` with the shared key shield (``shieldKeys(root)``) inserted at its marker.

    Raises
    ------
    ValueError
        If ``source`` (named by ``origin``) has no marker: the widget would let keys reach JupyterLab.
    """
    if KEY_SHIELD_MARKER not in source:
        raise ValueError(f"{origin}: no {KEY_SHIELD_MARKER} marker to insert the key shield at")
    return source.replace(KEY_SHIELD_MARKER, KEY_SHIELD.read_text(encoding="utf-8"), 1)


def widget_module(name: str) -> str:
    """The browser module ``coursekit/widgets/<name>`` with the key shield inserted."""
    path = HERE / name
    return with_key_shield(path.read_text(encoding="utf-8"), str(path))
