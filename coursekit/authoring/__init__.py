"""Authoring: ``course/`` (Markdown + YAML) into nbgrader source and release notebooks."""
