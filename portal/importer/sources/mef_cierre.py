"""MEF's CIERRE_INVERSIONES.csv: closed investments, same concepts under ``NOM_*`` header names.

A CUI closed here wins over its active row: closure is the later fact.
"""

from portal.importer.sources.mef_inversiones import investment_source

SOURCE = investment_source("mef-cierre", "MEF, Invierte.pe — CIERRE_INVERSIONES.csv")
