"""A fresh clone installs exactly what was tested: every dependency is pinned in the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement ("Flask-WTF>=1.2" → "flask-wtf")."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return {_name(m.group(1)): m.group(2) for m in re.finditer(r"^([\w.-]+)==(\S+)", text, re.M)}


def test_every_runtime_and_test_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    locked = _locked()

    missing = sorted({_name(r) for r in wanted} - locked.keys())

    assert not missing, f"not in requirements.txt (run scripts/lock): {missing}"
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert all("--hash=sha256:" in block for block in re.split(r"\n(?=[\w.-]+==)", lock)[1:])


def test_the_licence_is_an_spdx_expression():
    """setuptools warns on every install about the old `license = { text = … }` table."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    assert project["license"] == "AGPL-3.0-or-later"
