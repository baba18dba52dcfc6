"""The OC4IDS package: the OCP's checker (libcoveoc4ids) and the 0.9 schema find nothing in it,
offline; stalled works, costs, closures and companies are said the way the standard allows."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import http.server
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import requests.adapters
from flask import Flask
from libcoveoc4ids.api import oc4ids_json_output
from libcoveoc4ids.config import LibCoveOC4IDSConfig
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import select

from portal.config import load_config
from portal.datos.oc4ids import (
    FUNCTION_SECTORS,
    PROJECT_FIELDS,
    WORK_FIELDS,
    build_project,
    project_status,
)
from portal.datos.snapshot import datos_root, list_days, write_after_import
from portal.db import get_session
from portal.investments.models import InfobrasWork, Investment

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "portal" / "data" / "oc4ids"


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
    from sqlalchemy import func

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


# --- The Open Contracting Partnership's checker, offline -------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def schema_server():
    """The bundled schema and codelists over HTTP on 127.0.0.1: libcove fetches them with
    ``requests`` from ``schema_host``, which here is this server, never the standard's site."""
    handler = functools.partial(_QuietHandler, directory=str(SCHEMA_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def only_local_requests(monkeypatch):
    """Any request the checker makes to another host fails the test (no network in tests)."""
    send = requests.adapters.HTTPAdapter.send

    def local_send(self, request, *args, **kwargs):
        assert request.url.startswith("http://127.0.0.1:"), request.url
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", local_send)


def _cove(data: dict, schema_host: str) -> dict:
    config = LibCoveOC4IDSConfig(
        {"schema_host": schema_host, "schema_codelists": {"0.9": schema_host + "codelists/"}}
    )
    with tempfile.TemporaryDirectory() as work:
        return oc4ids_json_output(work, json_data=data, lib_cove_oc4ids_config=config)


def test_the_ocp_checker_finds_no_errors_and_no_additional_fields(
    package, schema_server, only_local_requests
):
    result = _cove(package, schema_server)
    assert result["validation_errors"] == []
    assert result["additional_fields_count"] == 0, result["data_only"][:5]
    assert result["additional_closed_codelist_values"] == {}
    # The one open-codelist value of ours: Peru's ubigeo as the places' gazetteer (documented).
    assert {k: v["values"] for k, v in result["additional_open_codelist_values"].items()} == {
        "projects/locations/gazetteer/scheme": ["PE-INEI-UBIGEO"]
    }
    assert result["conformance_checks"] == []  # the project-id prefix has the registered form
    assert result["additional_checks"] == []  # no empty fields, no orphan party references
    assert result["deprecated_fields"] == {}
    assert not result.get("structure_warnings")


def test_the_checker_does_report_what_it_should(package, schema_server, only_local_requests):
    broken = json.loads(json.dumps({**package, "projects": package["projects"][:3]}))
    project = broken["projects"][0]
    project["contratista"] = "X"
    project["publicAuthority"]["id"] = "PE-SEC_EJEC-nadie"
    project["id"] = "vigia-" + project["id"]
    result = _cove(broken, schema_server)
    assert result["additional_fields_count"] == 1
    assert [c["check_id"] for c in result["additional_checks"]] == ["missing-org-refs"]
    assert [c["check_id"] for c in result["conformance_checks"]] == ["invalid-project-ids"]


# --- What the projects say ---------------------------------------------------------------------


def _load(app, query) -> list:
    """Rows of the demo database, detached whole (read after the app context ends)."""
    with app.app_context():
        session = get_session()
        rows = list(session.scalars(query))
        session.expunge_all()
    return rows


def _by_cui(package) -> dict[str, dict]:
    return {p["identifiers"][0]["id"]: p for p in package["projects"]}


def _lima(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00-05:00"


def test_stalled_works_are_implementation_with_a_completion_milestone_not_met(demo_app, package):
    works = _load(
        demo_app,
        select(InfobrasWork)
        .join(Investment, Investment.cui == InfobrasWork.cui)
        .where(Investment.status == "paralizada", InfobrasWork.stalled.is_(True)),
    )
    assert works
    projects = _by_cui(package)
    for work in works:
        project = projects[work.cui]
        assert project["status"] == "implementation"
        milestone = next(
            m for m in project["milestones"] if m["id"] == f"paralizacion-{work.infobras_code}"
        )
        assert (milestone["code"], milestone["status"]) == ("completion", "notMet")
        assert f"desde el {work.stalled_on:%d/%m/%Y}" in milestone["description"]
        assert work.stall_cause.rstrip(".") in milestone["description"]
    running = [p for p in package["projects"] if p["status"] != "implementation"]
    assert not any(
        m["id"].startswith("paralizacion") for p in running for m in p.get("milestones", [])
    )


def test_budget_is_the_updated_cost_without_the_viability_date_which_dates_the_viable_cost(
    demo_app, package
):
    investments = _load(demo_app, select(Investment).order_by(Investment.cui))
    projects = _by_cui(package)
    checked = 0
    for inv in investments:
        budget = projects[inv.cui].get("budget", {})
        assert "approvalDate" not in budget  # the MEF publishes no date for the updated cost
        if inv.updated_cost is not None:
            assert Decimal(str(budget["amount"]["amount"])) == inv.updated_cost
        if inv.viable_cost is not None and inv.viable_on is not None:
            (viable,) = budget["budgetBreakdowns"][0]["budgetBreakdown"]
            assert Decimal(str(viable["amount"]["amount"])) == inv.viable_cost
            assert viable["approvalDate"] == _lima(inv.viable_on)
            checked += 1
    assert checked > 100


def test_closure_carries_the_liquidation_and_the_end_dates(demo_app, package):
    closed = _load(demo_app, select(Investment).where(Investment.liquidation_total.is_not(None)))
    assert closed
    projects = _by_cui(package)
    for inv in closed:
        completion = projects[inv.cui]["completion"]
        assert Decimal(str(completion["finalValue"]["amount"])) == inv.liquidation_total
        assert "liquidación" in completion["finalValueDetails"]
        if inv.closed_on:
            assert completion["endDate"] == _lima(inv.closed_on)
            assert f"{inv.closed_on:%d/%m/%Y}" in completion["endDateDetails"]


def test_contractor_and_supervisor_are_supplier_parties_of_their_contracts(demo_app, package):
    works = _load(
        demo_app,
        select(InfobrasWork).where(
            InfobrasWork.contractor_ruc.is_not(None), InfobrasWork.supervisor_ruc.is_not(None)
        ),
    )
    assert works
    projects = _by_cui(package)
    for work in works:
        project = projects[work.cui]
        parties = {p["id"]: p for p in project["parties"]}
        processes = {c["id"]: c["summary"] for c in project["contractingProcesses"]}
        for ruc, name, kind, nature in (
            (work.contractor_ruc, work.contractor, "obra", "construction"),
            (work.supervisor_ruc, work.supervisor, "supervision", "supervision"),
        ):
            party = parties[f"PE-RUC-{ruc}"]
            assert party["identifier"] == {"scheme": "PE-RUC", "id": ruc, "legalName": name}
            assert "supplier" in party["roles"]
            summary = processes[f"INFOBRAS-{work.infobras_code}-{kind}"]
            assert summary["nature"] == [nature]
            assert summary["suppliers"] == [{"id": party["id"], "name": party["name"]}]
    # Every organisation reference names a party of its project.
    for project in package["projects"]:
        ids = {p["id"] for p in project.get("parties", [])}
        for process in project.get("contractingProcesses", []):
            assert {s["id"] for s in process["summary"]["suppliers"]} <= ids


def _row(**values) -> tuple:
    base = dict.fromkeys(PROJECT_FIELDS)
    base.update(cui="2999999", name="OBRA", status="paralizada", phase="ejecucion")
    base.update(values)
    return tuple(base[f] for f in PROJECT_FIELDS)


def test_stalled_by_the_mef_alone_and_unknown_dates_are_left_out():
    project = build_project(
        _row(viable_cost=Decimal("100.00"), updated_cost=Decimal("130.00")),
        "oc4ids-vigia0",
        "http://127.0.0.1:5000/inversiones/2999999",
        False,
    )
    assert project["status"] == "implementation"
    (milestone,) = project["milestones"]
    assert milestone["status"] == "notMet"
    assert "estado situacional del MEF" in milestone["description"]
    assert "approvalDate" not in project["budget"]["budgetBreakdowns"][0]["budgetBreakdown"][0]
    assert "contractingProcesses" not in project and "completion" not in project


def test_a_company_without_ruc_is_still_a_referenced_party():
    work = dict.fromkeys(WORK_FIELDS)
    work.update(infobras_code="77", cui="2999999", status="En Ejecución", contractor="ACME SAC:")
    project = build_project(
        _row(status="en_ejecucion"), "oc4ids-vigia0", "http://x/i", False, [tuple(work.values())]
    )
    (process,) = project["contractingProcesses"]
    (supplier,) = process["summary"]["suppliers"]
    assert supplier == {"id": "INFOBRAS-77-contratista", "name": "ACME SAC"}
    assert supplier["id"] in {p["id"] for p in project["parties"]}
    assert process["summary"]["status"] == "active"


# --- The public address: what ./scripts/start serves, and production without one -------------


def _urls(data) -> list[str]:
    if isinstance(data, dict):
        return [u for v in data.values() for u in _urls(v)]
    if isinstance(data, list):
        return [u for v in data for u in _urls(v)]
    return [data] if isinstance(data, str) and data.startswith("http") else []


def test_the_package_links_to_the_public_address(demo_app, monkeypatch, tmp_path):
    monkeypatch.setitem(demo_app.config, "PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setitem(demo_app.config, "PORTAL_PUBLIC_URL", "http://127.0.0.1:5077/")
    write_after_import(demo_app)()
    (day,) = list_days(tmp_path / "datos")
    package = json.loads((tmp_path / "datos" / str(day.day) / "oc4ids.json").read_text("utf-8"))
    assert package["uri"] == f"http://127.0.0.1:5077/datos/{day.day}/oc4ids.json"
    official = ("infobras", "creativecommons", "contratacionesabiertas.oece.gob.pe")
    ours = [u for u in _urls(package) if not any(host in u for host in official)]
    assert len(ours) > len(package["projects"])
    assert all(u.startswith("http://127.0.0.1:5077/") for u in ours), ours[:3]


def test_production_publishes_no_package_with_a_localhost_address(
    demo_app, monkeypatch, tmp_path, caplog
):
    monkeypatch.setitem(demo_app.config, "PORTAL_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setitem(demo_app.config, "PORTAL_ENV", "production")
    with caplog.at_level(logging.ERROR):
        write_after_import(demo_app)()
    assert not (tmp_path / "datos").exists()
    assert "PORTAL_PUBLIC_URL='http://localhost:5000': production needs" in caplog.text


def _config(monkeypatch, **settings) -> dict:
    for key in [k for k in os.environ if k.startswith("PORTAL_")]:
        monkeypatch.delenv(key)
    app = Flask(__name__)
    load_config(app, {"PORTAL_INSTANCE_DIR": "/tmp/vigia-config-test", **settings})
    return app.config


@pytest.mark.parametrize("url", [None, "", "http://localhost:5000", "http://127.0.0.1:8000"])
def test_production_does_not_start_without_its_public_address(monkeypatch, url):
    settings = {"PORTAL_ENV": "production"}
    if url is not None:
        settings["PORTAL_PUBLIC_URL"] = url
    with pytest.raises(ValueError, match="production needs the portal's public address"):
        _config(monkeypatch, **settings)


def test_production_starts_with_its_public_address_and_development_without(monkeypatch):
    config = _config(monkeypatch, PORTAL_ENV="production", PORTAL_PUBLIC_URL="https://vigia.pe")
    assert config["SESSION_COOKIE_SECURE"] is True
    assert _config(monkeypatch)["PORTAL_PUBLIC_URL"] == "http://localhost:5000"


def test_an_unregistrable_oc4ids_prefix_stops_the_start(monkeypatch):
    with pytest.raises(ValueError, match="is not an OC4IDS project identifier prefix"):
        _config(monkeypatch, PORTAL_OC4IDS_PREFIX="vigia")


def test_scripts_start_publishes_the_address_it_serves(tmp_path):
    """./scripts/start with a stand-in ``portal``: the import and the server get the address."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(Path(sys.executable))
    log = tmp_path / "calls"
    (venv / "bin" / "portal").write_text(
        f'#!/bin/sh\necho "$1 $PORTAL_PUBLIC_URL" >> {log}\n', encoding="utf-8"
    )
    (venv / "bin" / "portal").chmod(0o755)
    locks = (ROOT / "pyproject.toml").read_bytes() + (ROOT / "requirements.txt").read_bytes()
    (venv / f".installed-requirements-{hashlib.sha1(locks).hexdigest()[:12]}").touch()  # noqa: S324
    env = {
        "PATH": os.environ["PATH"],
        "VENV": str(venv),
        "PORT": "5077",
        "PORTAL_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    subprocess.run([ROOT / "scripts" / "start"], cwd=tmp_path, env=env, check=True, timeout=60)
    assert log.read_text("utf-8").splitlines() == [
        "demo-data http://127.0.0.1:5077",
        "import http://127.0.0.1:5077",
        "run http://127.0.0.1:5077",
    ]


def test_places_are_spelt_as_on_the_pages(package):
    """'Jaén, Jaén, Cajamarca', not the file's capitals title-cased ('Jaen')."""
    from portal.places import place_name

    descriptions = {
        loc["gazetteer"]["identifiers"][0]: loc["description"]
        for project in package["projects"]
        for loc in project.get("locations", [])
        if "gazetteer" in loc
    }
    district = next(
        code for code in descriptions if len(code) == 6 and not place_name(code).isascii()
    )
    expected = place_name(district)
    assert descriptions[district].startswith(expected)
    assert descriptions[district].endswith("Cajamarca")
    assert not any("Jaen" in d.split(", ") for d in descriptions.values())


def test_oece_processes_are_contracting_processes_and_their_suppliers_parties(demo_app, package):
    from portal.contracts.models import ContractAward, ContractingProcess

    processes = _load(demo_app, select(ContractingProcess))
    awards = {a.ocid: a for a in _load(demo_app, select(ContractAward))}
    assert len(processes) >= 10
    projects = _by_cui(package)
    for process in processes:
        project = projects[process.cui]
        [summary] = [
            c["summary"] for c in project["contractingProcesses"] if c["id"] == process.ocid
        ]
        award = awards[process.ocid]
        assert summary["ocid"] == process.ocid and summary["nature"] == ["construction"]
        assert summary["tender"]["numberOfTenderers"] == process.tenderers
        assert summary["tender"]["costEstimate"]["amount"] == float(process.estimated_amount)
        assert summary["contractValue"]["amount"] == float(award.contract_amount)
        party = {p["id"]: p for p in project["parties"]}[f"PE-RUC-{award.ruc}"]
        assert party["identifier"]["id"] == award.ruc  # as published, a consortium's too
        assert summary["suppliers"] == [{"id": party["id"], "name": party["name"]}]
        assert len(summary.get("modifications", [])) == award.amendments
    amended = [
        m for p in package["projects"] for c in p.get("contractingProcesses", [])
        for m in c["summary"].get("modifications", [])
    ]  # fmt: skip
    assert amended and all(m["type"] == "duration" for m in amended)
