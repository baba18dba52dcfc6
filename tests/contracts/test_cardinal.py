"""Cardinal's indicators on a compiled release, with the settings in Cardinal's INI format, and
what Cardinal's own coverage says the OECE data allow."""

from __future__ import annotations

import json

import ocdscardinal

from portal.contracts.cardinal import CardinalSettings, bundled_settings, process_signals
from tests.importer.test_oece_ocds import OECE


def _release(**tender) -> dict:
    return {"ocid": "ocds-dgv273-seacev3-1", "tender": tender}


def _period(days_later: str) -> dict:
    return {"startDate": "2025-07-17T09:00:00-05:00", "endDate": days_later}


def _codes(release, settings=None) -> list[str]:
    return [row["code"] for row in process_signals(release, settings)]


def test_the_bundled_settings_are_read_as_cardinal_reads_them():
    settings = bundled_settings()

    assert settings.short_period_days == 8
    assert settings.short_period_methods == frozenset()
    assert settings.single_bid_methods == {"open", "selective"}


def test_r018_needs_a_competitive_method_and_one_integer_tenderer():
    assert _codes(_release(procurementMethod="selective", numberOfTenderers=1)) == ["R018"]
    assert _codes(_release(procurementMethod="direct", numberOfTenderers=1)) == []
    assert _codes(_release(numberOfTenderers=1)) == []  # no method published: not assessed
    assert _codes(_release(procurementMethod="open", numberOfTenderers=1.0)) == []
    assert _codes(_release(procurementMethod="open", numberOfTenderers=2)) == []


def test_r003_counts_whole_days_against_the_threshold_of_the_settings():
    seven_days_23_hours = _period("2025-07-25T08:00:00-05:00")
    release = _release(tenderPeriod=seven_days_23_hours)

    assert process_signals(release) == [
        {
            "ocid": "ocds-dgv273-seacev3-1",
            "value": 1.0,
            "code": "R003",
            "observed": 7,
            "threshold": 8,
        }
    ]
    looser = CardinalSettings.read("[R003]\nthreshold = 7 ; days\n")
    assert _codes(release, looser) == []
    assert _codes(_release(tenderPeriod=_period("2025-07-17T09:00:00-05:00"))) == []
    assert _codes(_release(tenderPeriod=_period("2025-07-20"))) == []  # no offset: unreadable


def test_an_indicator_without_its_section_is_disabled():
    settings = CardinalSettings.read("[R003]\n")
    release = _release(
        procurementMethod="open",
        numberOfTenderers=1,
        tenderPeriod=_period("2025-07-18T09:00:00-05:00"),
    )

    assert settings.short_period_days == 15  # Cardinal's default
    assert _codes(release, settings) == ["R003"]


def test_cardinals_coverage_finds_no_bids_in_oece_data(tmp_path):
    """Why R024 and R058 are listed as not computable on /metodologia."""
    lines = tmp_path / "oece.jsonl"
    with lines.open("w") as out:
        for path in sorted(OECE.glob("*.json")):
            package = json.loads(path.read_text())
            releases = package.get("releases") or [r["compiledRelease"] for r in package["records"]]
            out.writelines(json.dumps(release) + "\n" for release in releases)

    counts = ocdscardinal.coverage(str(lines))

    assert counts[""] > 20 and counts["/tender/numberOfTenderers"] > 20
    assert not any(path.startswith("/bids") for path in counts)
