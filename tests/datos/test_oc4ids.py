"""The OC4IDS package validates against the official 0.9 schema, offline, with codelist statuses."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from portal.datos.oc4ids import FUNCTION_SECTORS, project_status
from portal.datos.snapshot import datos_root, list_days

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "portal" / "data" / "oc4ids"


def _codes(name: str) -> set[str]:
    with (SCHEMA_DIR / "codelists" / f"{name}.csv").open(encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


def _validator() -> jsonschema.Validator:
    """The package schema, its $ref to the project schema resolved from the copies in the repo."""
    resources = []
    for name in ("project-package-schema.json", "project-schema.json"):
        schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        resources.append((schema["id"], Resource.from_contents(schema, DRAFT4)))
    registry = Registry().with_resources(resources)
    package = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(
        package, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def package(demo_app) -> dict:
    day = list_days(datos_root(demo_app.config))[0]
    return demo_app.test_client().get(f"/datos/{day.day}/oc4ids.json").get_json()


def test_the_package_validates_against_the_official_schema(package):
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_a_broken_project_is_caught_by_the_same_validation(package):
    broken = json.loads(json.dumps(package))
    broken["projects"][0]["status"] = "paralizada"
    broken["projects"][0]["budget"]["amount"]["amount"] = "13765425.30"
    assert len(list(_validator().iter_errors(broken))) == 2


def test_one_project_per_investment_with_codelist_values(demo_app, package):
    from sqlalchemy import func, select

    from portal.db import get_session
    from portal.investments.models import Investment

    with demo_app.app_context():
        count = get_session().scalar(select(func.count()).select_from(Investment))
    projects = package["projects"]
    assert len(projects) == count
    assert len({p["id"] for p in projects}) == count
    assert all(p["id"].startswith("oc4ids-vigia0-") for p in projects)
    assert {p["status"] for p in projects} <= _codes("projectStatus")
    sectors = {s for p in projects for s in p.get("sector", [])}
    assert sectors and sectors <= _codes("projectSector")
    assert all(p["budget"]["amount"]["currency"] == "PEN" for p in projects if "budget" in p)


def test_closed_investments_carry_completion_and_every_project_its_authority(package):
    closed = [p for p in package["projects"] if p["status"] == "completion"]
    assert closed and all("completion" in p for p in closed)
    with_unit = [p for p in package["projects"] if "publicAuthority" in p]
    assert with_unit
    for project in with_unit:
        party = project["parties"][0]
        assert party["roles"] == ["publicAuthority"]
        assert party["id"] == project["publicAuthority"]["id"]
    located = [p for p in package["projects"] if p.get("locations")]
    assert any("geometry" in p["locations"][0] for p in located)
    assert all(
        len(p["locations"][0]["gazetteer"]["identifiers"][0]) == 6
        for p in located
        if "gazetteer" in p["locations"][0]
    )


@pytest.mark.parametrize(
    ("status", "phase", "expected"),
    [
        ("sin_iniciar", "formulacion", "preparation"),
        ("en_ejecucion", "ejecucion", "implementation"),
        ("paralizada", "ejecucion", "implementation"),
        ("finalizada", "funcionamiento", "completion"),
        ("sin_iniciar", "cierre", "completion"),
    ],
)
def test_status_mapping_uses_the_codelist(status, phase, expected):
    assert project_status(status, phase) == expected
    assert expected in _codes("projectStatus")


def test_every_mapped_sector_is_in_the_codelist():
    assert {s for codes in FUNCTION_SECTORS.values() for s in codes} <= _codes("projectSector")
