"""MEF's CIERRE_INVERSIONES.csv: closed investments, same concepts under ``NOM_*`` header names.

A CUI closed here wins over its active row: closure is the later fact.
"""

from portal.importer.sources import SourceSpec
from portal.importer.sources.mef_inversiones import COLUMNS, REQUIRED, parse_investment
from portal.investments.models import Investment

SOURCE = SourceSpec(
    name="mef-cierre",
    description="MEF, Invierte.pe — CIERRE_INVERSIONES.csv",
    file_format="csv",
    columns=COLUMNS,
    required=REQUIRED,
    tables=(Investment.__table__,),
    parse_row=lambda row, context: parse_investment(row, context, "mef-cierre"),
    mode="investments",
    key_columns=("cui",),
)
