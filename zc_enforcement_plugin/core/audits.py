"""Approval audits: temporary land, facility agricultural land and mining against the ground.

What callers use as audits.X, gathered from: audit_base (inputs, result, the run and its column
readers), audit_approvals (the overlay the two approval audits share), audit_temporary,
audit_facility and audit_mining (one audit each).
"""

from __future__ import annotations

from .audit_base import (
    ELLIPSOIDAL,
    PLANAR,
    Approvals,
    AuditResult,
    Cancelled,
    Ground,
    Licences,
)
from .audit_facility import audit_facility_land
from .audit_mining import audit_mining, audited_activities
from .audit_temporary import audit_temporary_land

__all__ = [
    "ELLIPSOIDAL",
    "PLANAR",
    "Approvals",
    "AuditResult",
    "Cancelled",
    "Ground",
    "Licences",
    "audit_facility_land",
    "audit_mining",
    "audit_temporary_land",
    "audited_activities",
]
