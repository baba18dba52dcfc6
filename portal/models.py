"""Every model, imported in one place so migrations and tests see the whole schema."""

from portal.alerts.models import Subscriber, Subscription
from portal.committees.models import Committee, CommitteeMember, SignInLink
from portal.complaints.models import (
    AuditEntry,
    Moderator,
    Observation,
    ObservationEvent,
    ObservationPhoto,
    OutboxMessage,
)
from portal.contracts.models import ContractAward, ContractingProcess
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
    "AuditEntry",
    "Committee",
    "CommitteeMember",
    "SignInLink",
    "Moderator",
    "Observation",
    "ObservationEvent",
    "ObservationPhoto",
    "OutboxMessage",
    "ChangeLogEntry",
    "ContractAward",
    "ContractingProcess",
    "ExecutingUnit",
    "F12BMonth",
    "F12BReport",
    "ImportRun",
    "InfobrasWork",
    "Investment",
    "Place",
    "Prioritisation",
    "SituationEntry",
    "Subscriber",
    "Subscription",
    "YearlyExecution",
]
