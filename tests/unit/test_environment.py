"""environment.yml and pyproject.toml list the same packages with the same ranges."""

from __future__ import annotations

import re
import tomllib

import yaml
from project_support import REPO

CONDA_NAMES = {"python-fastjsonschema": "fastjsonschema"}
"""conda-forge names that differ from PyPI's."""


def _normal(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip()).groups()
    name = name.lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), ",".join(sorted(s.strip() for s in spec.split(",") if s.strip()))


def test_environment_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_normal(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    listed = dict(_normal(d) for d in env["dependencies"]
                  if isinstance(d, str) and _normal(d)[0] not in ("python", "pip"))
    assert listed == wanted
    for required in ("jupyterlab", "ipywidgets", "nbgrader", "pandas", "pytest", "nbval"):
        assert required in listed
