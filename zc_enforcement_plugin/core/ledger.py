"""The verification ledger (台帐): what callers use as ledger.X.

The ledger is split by concern; this module gathers its interface in one place:
- ledger_records: the records, errors and the LedgerStore interface;
- ledger_sql: SqlLedger, what every SQL store does alike (ledger_postgis adds PostGIS), with
  its mixins by domain: ledger_sql_spots, ledger_sql_verdicts, ledger_sql_cases and
  ledger_sql_patrols;
- ledger_gpkg: the GeoPackage file and GeoPackageLedger;
- ledger_rows: case opening, records from rows and save conflicts, shared by every store;
- ledger_delivery: vetting a delivery and a re-delivery; ledger_verdicts: validating a verdict.
Reading delivered spot files is in spot_files, evidence files and photo EXIF in evidence.
"""

from __future__ import annotations

from .ledger_gpkg import (
    GeoPackageLedger,
    create_ledger_file,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
    union_bounds,
)
from .ledger_records import (
    BatchSummary,
    CaseConflictError,
    CaseError,
    CaseFilter,
    CaseRecord,
    ConflictError,
    CopyCancelled,
    EvidenceProblem,
    EvidenceRecord,
    ImportCancelled,
    ImportIssue,
    ImportReport,
    LedgerError,
    LedgerStore,
    PhotoPoints,
    ReadReport,
    SavedWithoutReply,
    Spot,
    SpotFileError,
    SpotFilter,
    SpotPage,
    SpotRecord,
    SpotSummary,
    Verdict,
    VerdictError,
    WithdrawCancelled,
)
from .ledger_rows import (
    setting_text,
    spot_version,
)
from .ledger_sql import SqlLedger
from .ledger_verdicts import unchecked_areas_reason, validate_verdict

__all__ = [
    "BatchSummary",
    "CaseError",
    "CaseFilter",
    "CaseRecord",
    "CaseConflictError",
    "ConflictError",
    "CopyCancelled",
    "create_ledger_file",
    "decode_gpkg_geometry",
    "encode_gpkg_geometry",
    "EvidenceProblem",
    "EvidenceRecord",
    "GeoPackageLedger",
    "ImportCancelled",
    "ImportIssue",
    "ImportReport",
    "LedgerError",
    "LedgerStore",
    "PhotoPoints",
    "ReadReport",
    "SavedWithoutReply",
    "setting_text",
    "Spot",
    "spot_version",
    "SpotFileError",
    "SpotFilter",
    "SpotPage",
    "SpotRecord",
    "SpotSummary",
    "SqlLedger",
    "unchecked_areas_reason",
    "union_bounds",
    "validate_verdict",
    "Verdict",
    "VerdictError",
    "WithdrawCancelled",
]
