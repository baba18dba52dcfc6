"""Every model, imported in one place so migrations and tests see the whole schema."""

from portal.importer.models import ImportRun
from portal.investments.models import (
    ChangeLogEntry,
    ExecutingUnit,
    F12BMonth,
    F12BReport,
    InfobrasWork,
    Investment,
    Place,
    Prioritisation,
    SituationEntry,
    YearlyExecution,
)

__all__ = [
    "ChangeLogEntry",
    "ExecutingUnit",
    "F12BMonth",
    "F12BReport",
    "ImportRun",
    "InfobrasWork",
    "Investment",
    "Place",
    "Prioritisation",
    "SituationEntry",
    "YearlyExecution",
]
