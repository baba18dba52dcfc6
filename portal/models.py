"""Every model, imported in one place so migrations and tests see the whole schema."""

from portal.alerts.models import Subscriber, Subscription
from portal.complaints.models import (
    AuditEntry,
    Moderator,
    Observation,
    ObservationEvent,
    ObservationPhoto,
    OutboxMessage,
)
from portal.importer.models import ImportRun
from portal.investments.figures_store import PrecomputedFigure
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
    "AuditEntry",
    "Moderator",
    "Observation",
    "ObservationEvent",
    "ObservationPhoto",
    "OutboxMessage",
    "ChangeLogEntry",
    "ExecutingUnit",
    "F12BMonth",
    "F12BReport",
    "ImportRun",
    "PrecomputedFigure",
    "InfobrasWork",
    "Investment",
    "Place",
    "Prioritisation",
    "SituationEntry",
    "Subscriber",
    "Subscription",
    "YearlyExecution",
]
