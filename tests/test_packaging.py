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


def _locked(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {_name(m.group(1)): m.group(2) for m in re.finditer(r"^([\w.-]+)==(\S+)", text, re.M)}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _hashed(lock: str) -> bool:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return all("--hash=sha256:" in block for block in re.split(r"\n(?=[\w.-]+==)", text)[1:])


def test_what_the_portal_runs_on_is_pinned_with_hashes_and_nothing_more():
    """./scripts/start installs requirements.txt: every runtime dependency, no test tool."""
    locked = _locked("requirements.txt")
    missing = sorted({_name(r) for r in _project()["dependencies"]} - locked.keys())
    assert not missing, f"not in requirements.txt (run scripts/lock): {missing}"
    test_tools = {_name(r) for r in _project()["optional-dependencies"]["test"]}
    assert not test_tools & locked.keys(), "test tools belong in requirements-test.txt"
    assert {"pytest", "playwright", "schemathesis", "hypothesis", "ruff"}.isdisjoint(locked)
    assert _hashed("requirements.txt")


def test_the_test_toolchain_is_pinned_with_hashes_and_agrees_with_the_running_pins():
    """./scripts/test installs requirements-test.txt: the same versions as a newcomer runs,
    plus the tests' tools."""
    project = _project()
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    running, testing = _locked("requirements.txt"), _locked("requirements-test.txt")
    missing = sorted({_name(r) for r in wanted} - testing.keys())
    assert not missing, f"not in requirements-test.txt (run scripts/lock): {missing}"
    assert {name: testing.get(name) for name in running} == running
    assert _hashed("requirements-test.txt")


def test_start_installs_the_running_lock_and_test_the_test_lock():
    venv = (ROOT / "scripts" / "_venv").read_text(encoding="utf-8")
    assert 'REQUIREMENTS="${REQUIREMENTS:-requirements.txt}"' in venv
    assert "--require-hashes" in venv
    assert "REQUIREMENTS=requirements-test.txt" in (ROOT / "scripts" / "test").read_text()
    assert "REQUIREMENTS" not in (ROOT / "scripts" / "start").read_text()


def test_the_licence_is_an_spdx_expression():
    """setuptools warns on every install about the old `license = { text = … }` table."""
    assert _project()["license"] == "AGPL-3.0-or-later"
