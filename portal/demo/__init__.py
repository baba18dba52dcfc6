"""A believable demo data set for Cajamarca, written in the real published file formats.

The portal needs something to show before the first real import, and the importer needs files
that carry the quirks of the real ones. Everything is invented but consistent: the same CUIs run
through every file, budgets add up, coordinates fall inside their district. The output is
byte-identical for a given seed (no clock, fixed workbook metadata), so it can be committed,
diffed and used as a test fixture.
"""

from __future__ import annotations

import random
from pathlib import Path

from portal.demo import names
from portal.demo.generator import build, works
from portal.demo.infobras import write_demo_infobras
from portal.demo.mef import (
    cierre_row,
    detalle_row,
    estado_rows,
    f12b_row,
    pp_rows,
    seguimiento_rows,
    write_csv,
)
from portal.demo.model import AS_OF, SEGUIMIENTO_YEARS, STARTED, YEAR
from portal.demo.oece import write_demo_oece

__all__ = ["write_demo_data"]


def write_demo_data(outdir: Path, seed: int = 2026) -> list[Path]:
    """Write the demo files into `outdir` and return their paths (same seed, same bytes)."""
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    invs = build(rng)
    active = [i for i in invs if i.stage != "cerrada"]
    running = [i for i in active if i.stage in STARTED]
    paths = [
        write_csv(
            outdir / "DETALLE_INVERSIONES.csv",
            names.DETALLE_HEADER,
            [detalle_row(i) for i in active],
        ),
        write_csv(
            outdir / "CIERRE_INVERSIONES.csv",
            names.CIERRE_HEADER,
            [cierre_row(i) for i in invs if i.stage == "cerrada"],
        ),
        write_csv(
            outdir / "FORMATO_12B.csv", names.F12B_HEADER, [f12b_row(rng, i) for i in running]
        ),
        write_csv(
            outdir / "ESTADO_SITUACIONAL.csv",
            names.ESTADO_HEADER,
            [row for i in running for row in estado_rows(rng, i)],
        ),
    ]
    # One file carries every year, as the published {YEAR}-Seguimiento-PI.csv does.
    rows = [
        row
        for year in SEGUIMIENTO_YEARS
        for i in invs
        if year in i.budget
        for row in seguimiento_rows(i, year)
    ]
    paths.append(write_csv(outdir / f"{YEAR}-Seguimiento-PI.csv", names.SEGUIMIENTO_HEADER, rows))
    paths.append(
        write_demo_infobras(
            outdir / f"DataSet-Obras-Publicas {AS_OF:%d-%m-%Y}.xlsx", rng, works(invs), AS_OF, seed
        )
    )
    paths.append(
        write_csv(
            outdir / "presupuesto_participativo.csv",
            names.PP_HEADER,
            pp_rows(rng, invs),
            mef=False,
        )
    )
    paths.append(write_demo_oece(outdir / "oece" / "oece-demo-2026-10.json", invs, seed))
    return paths
