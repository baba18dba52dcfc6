"""MEF's DETALLE_INVERSIONES.csv: the Invierte.pe bank of active investments.

Closed investments (CIERRE_INVERSIONES.csv) share the concepts under other header names, so the
aliases below cover both layouts and every year's drift (``AÑO``/``ANIO``, ``NOM_*``/``NOMBRE_*``).

Layout facts (tests/fixtures/published holds a sample of each file):

- DETALLE 2026: 68 columns, names and order checked against real rows; CIERRE: 53 columns,
  ``NOM_OPMI``/``NOM_UF``/``NOM_UEI``/``NOM_UEP`` and ``CONTROL_CONCURR`` where DETALLE writes
  ``NOMBRE_*`` and ``CTRL_CONCURR``. Columns are matched by name, never by position.
- UTF-8 with BOM, every field double-quoted, CRLF, line breaks inside quoted names; re-saved
  copies arrive as cp1252 with ``;`` (the reader detects both).
- ``CTRL_CONCURR``/``CONTROL_CONCURR``, ``MONTO_LAUDO`` and ``MONTO_FIANZA`` are **amounts** in
  soles (the Contraloría's concurrent control, arbitration awards, bonds), ``0.0`` when none.
- Amounts as ``140250.0``, ``696980`` or ``5687524.777``; empty means unknown, not zero;
  ``SALDO_EJECUTAR`` can be negative. Dates ``YYYY-MM-DD HH:MM:SS``; ``PRIMER_DEVENGADO`` and
  ``ULTIMO_DEVENGADO`` as ``YYYYMM``. Flags ``SI``/``NO``.
- ``UBIGEO`` is published as a number (``60101``: the leading zero is restored); a
  department-wide investment has ``DD0000`` with province and district ``- TODOS -``; a
  multi-department one ``DEPARTAMENTO = -MUL.DEP-``. ``LATITUD``/``LONGITUD`` are often ``0.0``
  or empty, sometimes swapped. ``AVANCE_FISICO`` can exceed 100.

Required: ``CODIGO_UNICO``, ``NOMBRE_INVERSION``, ``UBIGEO``, ``COSTO_ACTUALIZADO`` (an unreadable
value rejects the row with its line). Any other value that cannot be read is left empty and
counted per column (``Row.parse``): a column that changed type costs no rows.
"""

from __future__ import annotations

from portal.importer.reading import (
    PERU_BBOX,
    normalize_name,
    parse_coordinates,
    parse_date,
    parse_decimal,
    parse_flag,
    parse_int,
    parse_period,
    parse_progress,
    parse_ubigeo,
)
from portal.importer.sources import (
    ImportContext,
    Record,
    Row,
    SourceSpec,
    clean_code,
    clean_text,
    reject_negative,
)
from portal.investments.models import Investment

COLUMNS = {
    "cui": ("CODIGO_UNICO", "COD_UNICO", "CUI"),
    "snip": ("CODIGO_SNIP", "COD_SNIP"),
    "name": ("NOMBRE_INVERSION", "NOMBRE_PROYECTO", "NOM_INVERSION"),
    "level": ("NIVEL",),
    "sector": ("SECTOR",),
    "entity": ("ENTIDAD",),
    "formulating_unit": ("NOMBRE_UF", "NOM_UF"),
    "executing_unit_name": ("NOMBRE_UEP", "NOM_UEP", "NOMBRE_UEI", "NOM_UEI"),
    "sec_ejec": ("SEC_EJEC",),
    "state": ("ESTADO",),
    "situation": ("SITUACION",),
    "viable_cost": ("MONTO_VIABLE",),
    "updated_cost": ("COSTO_ACTUALIZADO",),
    "concurrent_control_amount": ("CTRL_CONCURR", "CONTROL_CONCURR"),
    "arbitration_award_amount": ("MONTO_LAUDO",),
    "bond_amount": ("MONTO_FIANZA",),
    "registered_on": ("FECHA_REGISTRO",),
    "viable_on": ("FECHA_VIABILIDAD",),
    "function": ("FUNCION",),
    "program": ("PROGRAMA",),
    "subprogram": ("SUBPROGRAMA",),
    "framework": ("MARCO",),
    "investment_type": ("TIPO_INVERSION",),
    "modality": ("DES_MODALIDAD",),
    "has_technical_file": ("EXPEDIENTE_TECNICO",),
    "first_devengado_on": ("PRIMER_DEVENGADO",),
    "last_devengado_on": ("ULTIMO_DEVENGADO",),
    "devengado_previous_years": ("DEVEN_ACUMUL_ANIO_ANT", "DEVEN_ACUMUL_AÑO_ANT"),
    "devengado_current": ("DEV_ANIO_ACTUAL", "DEV_AÑO_ACTUAL"),
    "devengado_accumulated": ("DEVEN_ACUMULADO", "DEVENGADO_ACUMULADO"),
    "pia_current": ("PIA_ANIO_ACTUAL", "PIA_AÑO_ACTUAL"),
    "pim_current": ("PIM_ANIO_ACTUAL", "PIM_AÑO_ACTUAL"),
    "certified_current": ("CERTIF_ANIO_ACTUAL", "CERTIF_AÑO_ACTUAL"),
    "balance_to_execute": ("SALDO_EJECUTAR",),
    "has_f12b": ("TIENE_F12B",),
    "physical_progress": ("AVANCE_FISICO",),
    "execution_progress": ("AVANCE_EJECUCION",),
    "typology": ("DES_TIPOLOGIA",),
    "department": ("DEPARTAMENTO",),
    "province": ("PROVINCIA",),
    "district": ("DISTRITO",),
    "ubigeo": ("UBIGEO",),
    "latitude": ("LATITUD",),
    "longitude": ("LONGITUD",),
    "execution_start_on": ("FEC_INI_EJECUCION",),
    "execution_end_on": ("FEC_FIN_EJECUCION",),
    "physical_start_on": ("FEC_INI_EJEC_FISICA", "INICIO_EJEC_FISICA"),
    "physical_end_on": ("FEC_FIN_EJEC_FISICA", "CULMINA_EJEC_FISICA"),
    "beneficiaries": ("NUM_HABITANTES_BENEF", "BENEFICIARIO", "BENEFICIARIOS"),
    "closed_on": ("FEC_CIERRE",),
    "closure_note": ("DES_CIERRE",),
    "culminated": ("CULMINADA",),
    "liquidation_total": ("TOTAL_LIQUIDACION",),
    "process_year": ("ANIO_PROCESO", "AÑO_PROCESO"),
}
REQUIRED = frozenset({"cui", "name", "ubigeo", "updated_cost"})

TEXT_FIELDS = (
    "name",
    "level",
    "sector",
    "entity",
    "formulating_unit",
    "executing_unit_name",
    "state",
    "situation",
    "function",
    "program",
    "subprogram",
    "framework",
    "investment_type",
    "modality",
    "typology",
    "department",
    "province",
    "district",
    "closure_note",
)
MONEY_FIELDS = (
    "viable_cost",
    "updated_cost",
    "devengado_previous_years",
    "devengado_current",
    "devengado_accumulated",
    "pia_current",
    "pim_current",
    "certified_current",
    "balance_to_execute",
    "liquidation_total",
    "concurrent_control_amount",
    "arbitration_award_amount",
    "bond_amount",
)
DATE_FIELDS = (
    "registered_on",
    "viable_on",
    "execution_start_on",
    "execution_end_on",
    "physical_start_on",
    "physical_end_on",
    "closed_on",
)
FLAG_FIELDS = ("has_technical_file", "has_f12b", "culminated")
#: Amounts that cannot be below zero (a cost, a budget, what was spent up to a date, a bond): a
#: negative one is an error of the file, and the row is rejected with its line rather than shown.
#: ``SALDO_EJECUTAR`` (balance) and ``DEV_ANIO_ACTUAL`` (a year's net spending, after reversals)
#: can be negative.
NON_NEGATIVE_FIELDS = tuple(
    f for f in MONEY_FIELDS if f not in ("balance_to_execute", "devengado_current")
)
#: Percentages shown as progress bars: below zero is impossible (above 100 is published, kept).
PROGRESS_FIELDS = ("physical_progress", "execution_progress")
#: Every field the import writes: the change log and the row hash compare exactly these.
TRACKED_FIELDS = (
    ("snip", "sec_ejec", "ubigeo", "latitude", "longitude", "coords_status")
    + TEXT_FIELDS
    + MONEY_FIELDS
    + DATE_FIELDS
    + FLAG_FIELDS
    + (
        "first_devengado_on",
        "last_devengado_on",
        "physical_progress",
        "execution_progress",
        "beneficiaries",
        "process_year",
    )
)


#: DEPARTAMENTO of an investment spanning several departments (MEF writes no ubigeo of its own).
MULTI_DEPARTMENT = "-MUL.DEP-"


def in_region(ubigeo: str | None, row: Row, context: ImportContext) -> bool:
    """By the ubigeo's department code; a row without ubigeo, by its department's name.

    So a department-wide row ('210000' → '21') is the region's; a multi-department row with no
    district of the region is counted outside it (only ``all`` publishes it, with no place).
    """
    if context.national:
        return True
    if ubigeo:
        return ubigeo[:2] == context.region
    return normalize_name(row["department"]) == context.region_name


def parse_investment(row: Row, context: ImportContext, source: str) -> list[Record]:
    """One investment record, or none when it lies outside the region."""
    # A multi-department investment may carry the marker in UBIGEO too: it names no one place.
    multi = row["ubigeo"].upper().startswith(MULTI_DEPARTMENT)
    ubigeo = None if multi else row.parse("ubigeo", parse_ubigeo)
    if not in_region(ubigeo, row, context):
        return []
    cui = row.parse("cui", clean_code)
    if cui is None:
        raise ValueError("CODIGO_UNICO is empty")
    name = clean_text(row["name"])
    if name is None:
        raise ValueError("NOMBRE_INVERSION is empty")
    record: dict = {field: clean_text(row[field]) for field in TEXT_FIELDS}
    record.update({field: row.parse(field, parse_decimal) for field in MONEY_FIELDS})
    reject_negative(row, {field: record[field] for field in NON_NEGATIVE_FIELDS})
    reject_negative(row, {field: _signed_percent(row[field]) for field in PROGRESS_FIELDS})
    record.update({field: row.parse(field, parse_date) for field in DATE_FIELDS})
    record.update({field: row.parse(field, parse_flag) for field in FLAG_FIELDS})
    latitude, longitude, coords_status = parse_coordinates(
        row["latitude"], row["longitude"], PERU_BBOX
    )
    record.update(
        cui=cui,
        snip=row.parse("snip", clean_code),
        sec_ejec=row.parse("sec_ejec", clean_code),
        ubigeo=ubigeo,
        latitude=latitude,
        longitude=longitude,
        coords_status=coords_status,
        first_devengado_on=row.parse("first_devengado_on", parse_period),
        last_devengado_on=row.parse("last_devengado_on", parse_period),
        physical_progress=row.parse("physical_progress", parse_progress),
        execution_progress=row.parse("execution_progress", parse_progress),
        beneficiaries=row.parse("beneficiaries", parse_int),
        process_year=row.parse("process_year", parse_int),
        source=source,
    )
    if record["devengado_accumulated"] is None and (
        record["devengado_previous_years"] is not None or record["devengado_current"] is not None
    ):
        record["devengado_accumulated"] = (record["devengado_previous_years"] or 0) + (
            record["devengado_current"] or 0
        )
    return [(Investment.__table__, record)]


def _signed_percent(text: str):
    """The percentage as written, sign included (the progress parser refuses negatives)."""
    try:
        return parse_decimal(text.removesuffix("%"))
    except ValueError:
        return None  # unreadable: left empty and counted by ``Row.parse``


def investment_source(name: str, description: str) -> SourceSpec:
    """Active and closed investments: one parser, told which file a record came from."""
    return SourceSpec(
        name=name,
        description=description,
        file_format="csv",
        columns=COLUMNS,
        required=REQUIRED,
        tables=(Investment.__table__,),
        parse_row=lambda row, context: parse_investment(row, context, name),
        mode="investments",
        key_columns=("cui",),
    )


SOURCE = investment_source("mef-inversiones", "MEF, Invierte.pe — DETALLE_INVERSIONES.csv")
