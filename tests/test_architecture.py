"""The house rules a newcomer relies on to find a room (scripts/imports, docs/architecture.md):
the demo data set in its folder, no circle of imports, shared services that know no feature,
and modules small enough to read in one sitting."""

from __future__ import annotations

import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def house():
    loader = SourceFileLoader("house_imports", str(ROOT / "scripts" / "imports"))
    module = module_from_spec(spec_from_loader("house_imports", loader))
    sys.modules["house_imports"] = module  # its dataclass looks its module up by name
    loader.exec_module(module)
    return module


def test_the_portal_keeps_the_house_rules(house):
    assert house.problems() == []


def test_no_demo_module_at_the_top_and_no_shared_service_imports_a_feature(house):
    package = house.PACKAGE
    assert house.top_level_demo(package) == []
    assert (package / "demo" / "__init__.py").is_file()
    folders = {p.parent.name for p in package.glob("*/__init__.py")}
    edges = house.imports(house.modules(package))
    ups = house.upward(edges, folders)
    assert len(ups) <= house.MAX_UPWARD and all(edge.reason for edge in ups)
    # The page cache and the models' registry learn the features from them, by name or at start-up.
    assert not [
        e
        for e in edges
        if e.source in ("portal.page_cache", "portal.models") and house.room(e.target) in folders
    ]


def test_the_known_long_modules_are_still_long(house):
    """An exception is dropped once its module is split (else it would hide a regrowth)."""
    for path in house.KNOWN_LONG:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        assert len(lines) > house.MAX_LINES, f"{path} was split: remove it from KNOWN_LONG"


def _write(package: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_the_check_finds_each_broken_rule(house, tmp_path, monkeypatch):
    """A house built wrong on purpose: each rule names what breaks it and where."""
    monkeypatch.setitem(house.KNOWN_LONG, "portal/search/queries.py", "being split")
    package = _write(
        tmp_path / "portal",
        {
            "__init__.py": "from portal import cache, maps\n",
            "demo_names.py": "",
            "cache.py": "from portal.maps.models import Point\n"
            "from portal.search.models import Word\n"
            "# upward: the map's tiles are cached by name\n"
            "from portal.maps.tiles import TILES\n"
            "def later():\n    from portal.search.index import rebuild\n",
            "maps/__init__.py": "",
            "maps/models.py": "Point = 1\n",
            "maps/tiles.py": "TILES = 2\n",
            "maps/views.py": "from portal.search.views import bp\n",
            "search/__init__.py": "",
            "search/models.py": "Word = 1\n",
            "search/index.py": "def rebuild(): pass\n",
            "search/views.py": "bp = 1\ndef page():\n    from portal.maps.views import page\n",
            "search/queries.py": "x = 1\n" * (house.MAX_LINES + 1),
        },
    )
    found = "\n".join(house.problems(package))
    assert "portal/demo_names.py: the demo data set lives in portal/demo/" in found
    # An import inside a function still makes the circle.
    assert "circle of imports: portal.maps.views -> portal.search.views" in found
    assert "4 upward imports (at most 3)" in found
    assert "upward import portal/cache.py:1 -> portal.maps.models (say why" in found
    assert "portal/search/queries.py" not in found  # a known exception, while being split
    _write(package, {"maps/render.py": "x = 1\n" * (house.MAX_LINES + 1)})
    assert "portal/maps/render.py: 451 lines" in "\n".join(house.problems(package))


def test_the_registry_idiom_is_not_a_circle(house, tmp_path):
    package = _write(
        tmp_path / "portal",
        {
            "__init__.py": "def create_app():\n    from portal import cli\n",
            "cli.py": "from portal import create_app\n",
            "importer/__init__.py": "",
            "importer/sources/__init__.py": "from portal.importer.sources import mef\n"
            "class SourceSpec: pass\n",
            "importer/sources/mef.py": "from portal.importer.sources import SourceSpec\n",
        },
    )
    assert house.problems(package) == []
