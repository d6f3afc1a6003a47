"""The participants app's models, one module per subject; `from participants.models import X` names any of them."""

from .consents import Consent, ConsentText, DestructionAct, PersonalDataSubject
from .diagnostics import (
    DiagnosticAnswer,
    DiagnosticAttempt,
    DiagnosticBand,
    DiagnosticInstrument,
    DiagnosticOption,
    DiagnosticQuestion,
    DiagnosticResult,
    DiagnosticScale,
    DiagnosticVersion,
)
from .import_jobs import ImportJob
from .invitations import GuardianInvitation, NavigatorInvitation
from .people import Guardian, Guardianship, Navigator, Student

__all__ = [
    "Consent",
    "ConsentText",
    "DestructionAct",
    "DiagnosticAnswer",
    "DiagnosticAttempt",
    "DiagnosticBand",
    "DiagnosticInstrument",
    "DiagnosticOption",
    "DiagnosticQuestion",
    "DiagnosticResult",
    "DiagnosticScale",
    "DiagnosticVersion",
    "Guardian",
    "GuardianInvitation",
    "Guardianship",
    "ImportJob",
    "Navigator",
    "NavigatorInvitation",
    "PersonalDataSubject",
    "Student",
]
