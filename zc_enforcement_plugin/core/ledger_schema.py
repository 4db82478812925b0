"""The verification ledger's facts in one place: tables, columns, verdict words and migrations."""

from __future__ import annotations

from .domain import (
    AGRICULTURAL_AREA,
    BASIC_FARMLAND_AREA,
    CONSTRUCTION_AREA,
    CRIMINAL_FLAG,
    CULTIVATED_AREA,
    CULTIVATED_FLAG,
    EPSG_GK3_ZONE39_PREFIXED,
    OFFICE_NAME,
    OVERLAY_LAYERS,
    RED_LINE_AREA,
    REVIEW_PRIORITY,
    SPOT_AREA,
    SPOT_NUMBER,
    SUGGESTED_VERDICT,
    TOWN_NAME,
    UNUSED_AREA,
)

# --- the GeoPackage container ----------------------------------------------------------------
GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
# 1.2 rather than 1.3: every GDAL since 2.2 (QGIS 3.x on all platforms) reads it without warnings,
# and nothing here needs a 1.3 feature.
GPKG_USER_VERSION = 10200
LEDGER_SRS_ID = EPSG_GK3_ZONE39_PREFIXED  # spots are stored as the bureau measures them
SPOT_GEOMETRY_TYPE = "MULTIPOLYGON"

# --- tables ----------------------------------------------------------------------------------
T_META = "ledger_meta"
T_BATCHES = "ledger_batches"
T_SPOTS = "ledger_spots"
T_VERDICTS = "ledger_verdicts"
T_EVIDENCE = "ledger_evidence"
T_CASES = "ledger_cases"  # schema version 3 on
T_CASE_EVENTS = "ledger_case_events"
T_PATROLS = "ledger_patrols"
T_SETTINGS = "ledger_settings"
T_PATROL_WITHDRAWALS = "ledger_patrol_withdrawals"  # schema version 9 on
LEDGER_TABLES = (
    T_META,
    T_BATCHES,
    T_SPOTS,
    T_VERDICTS,
    T_EVIDENCE,
    T_CASES,
    T_CASE_EVENTS,
    T_PATROLS,
    T_SETTINGS,
    T_PATROL_WITHDRAWALS,
)

META_SCHEMA_VERSION = "schema_version"
META_CREATED_AT = "created_at"
META_OFFICE = "office"

# --- columns shared by several tables -----------------------------------------------------------
C_ID = "id"  # integer primary key of the attribute tables (OGR uses it as feature id)
C_FID = "fid"  # integer primary key of the spots feature table, also the spot id of the API
C_GEOM = "geom"
C_SPOT_ID = "spot_id"
C_RECORDED_AT = "recorded_at"  # UTC time the row was written
C_NOTE = "note"

# ledger_batches
C_BATCH_NAME = "name"
C_BATCH_SOURCE = "source"  # file the batch was last read from
C_IMPORTED_AT = "imported_at"
C_UPDATED_AT = "updated_at"

# ledger_spots: the key, the delivered + screening fields as JSON, and the key figures as real
# columns so the list can be filtered and sorted in SQL (and styled in QGIS).
C_BATCH_ID = "batch_id"
C_SPOT_NUMBER = SPOT_NUMBER
C_ATTRIBUTES = "attributes"
SPOT_AREA_COLUMNS = (SPOT_AREA, CULTIVATED_AREA, BASIC_FARMLAND_AREA)  # REAL, m²
SPOT_TEXT_COLUMNS = (TOWN_NAME, OFFICE_NAME, SUGGESTED_VERDICT)
C_PRIORITY = REVIEW_PRIORITY  # INTEGER, 1 = review first
SPOT_FLAG_COLUMNS = (
    CULTIVATED_FLAG,
    *(layer.flag_field for layer in OVERLAY_LAYERS),
    CRIMINAL_FLAG,
)

# ledger_verdicts
C_CATEGORY = "category"
C_KIND = "kind"  # basis of a legal verdict, kind of an illegal or other one
C_APPROVAL_NUMBER = "approval_number"
C_VERIFIER = "verifier"
C_VERIFIED_ON = "verified_on"
C_AREAS = "areas"  # JSON: area field -> m²
C_CORRECTS = "corrects"  # id of the earlier verdict (or case event) this one corrects
C_DETAILS = "details"  # JSON: the DETAIL_* fields of the verdict form (schema 4)

# Keys of a verdict's details.
DETAIL_APPROVAL_DATE = "approval_date"  # ISO date of the approval (legal verdicts)
DETAIL_APPROVED_AREA = "approved_area"  # m² the approval grants (legal verdicts)
DETAIL_ACTUAL_USE = "actual_use"  # 实际用途 found on site
DETAIL_PARTY = "party"  # 当事人, the party responsible
DETAIL_STOP_ORDER = "stop_order"  # True when a stop order (责令停止违法行为通知书) was issued
DETAIL_KEYS = (
    DETAIL_APPROVAL_DATE,
    DETAIL_APPROVED_AREA,
    DETAIL_ACTUAL_USE,
    DETAIL_PARTY,
    DETAIL_STOP_ORDER,
)

# ledger_evidence (the last five arrived with schema version 2)
C_EVIDENCE_KIND = "kind"
C_PATH = "path"  # relative to the evidence folder, '/'-separated
C_SHA256 = "sha256"
C_SIZE = "size"
C_ORIGINAL_NAME = "original_name"
C_FILE_MODIFIED = "file_modified"
# When the file says it was made (capture_metadata): a photo's EXIF DateTimeOriginal as the
# camera wrote it (local time), a phone's video or recording in Beijing time (+08:00), another
# camera's as its clock showed
C_TAKEN_AT = "taken_at"
C_GPS_LON = "gps_lon"
C_GPS_LAT = "gps_lat"

# ledger_cases (schema version 3): how a case was opened; everything after is in its events.
C_ORIGIN = "origin"  # cases.ORIGIN_SPOT or cases.ORIGIN_PATROL
C_PATROL_ID = "patrol_id"  # the patrol (its patrol_number) whose finding opened the case
C_OFFICE = "office"
C_TOWN = "town"
C_OPENED_AT = "opened_at"  # date of the discover event
C_CULTIVATED_SQM = "cultivated_sqm"  # GDMJ occupied (basic farmland included), m²
C_BASIC_FARMLAND_SQM = "basic_farmland_sqm"  # YJJBNTMJ occupied, m²
# ISO day a case event's figures were found on site, when the event is dated later (schema 5)
C_MEASURED_ON = "measured_on"
C_DB_USER = "db_user"  # the database login that saved a history row (shared ledger only)

# ledger_case_events
C_CASE_ID = "case_id"
C_STAGE = "stage"  # cases.Stage value
C_DATE = "date"
C_PERSON = "person"
C_DOCUMENTS = "documents"  # JSON list of document names
C_EVIDENCE_IDS = "evidence_ids"  # JSON list of evidence ids (text)
# A correction's: the corrected event's remarks as they should read; NULL keeps them (schema 8)
C_CORRECTED_NOTE = "corrected_note"

# ledger_patrols: a feature table, so QGIS draws the routes
C_REASON = "reason"  # why a patrol was withdrawn (version 9)
C_PATROL_NUMBER = "patrol_number"  # the bureau's patrol id (PatrolRecord.id), unique
C_STAFF = "staff"  # JSON list
C_FINDINGS = "findings"
C_SPOT_NUMBERS = "spot_numbers"  # JSON list of JCBH
C_CASE_IDS = "case_ids"  # JSON list
ROUTE_GEOMETRY_TYPE = "MULTILINESTRING"

# ledger_settings: key -> JSON value
C_KEY = "key"
C_VALUE = "value"
SETTING_DEADLINE_RULES = "deadline_rules"  # overrides for deadlines.rules_from_dict
SETTING_REPORT_WEIGHTS = "report_weights"  # score weights of the office ranking (reports.py)
SETTING_HOLIDAYS = "holidays"  # a shared ledger's holiday schedule, as a holiday file's JSON
SETTING_OFFICE_ALIASES = "office_aliases"  # an office renamed: old name (SMC) -> current name

# --- verdicts (DOMAIN.md §2) ----------------------------------------------------------------
VERDICT_LEGAL = "合法"
VERDICT_ILLEGAL = "违法"
VERDICT_OTHER = "其他"
VERDICT_CATEGORIES = (VERDICT_LEGAL, VERDICT_ILLEGAL, VERDICT_OTHER)
CATEGORY_LABELS_EN = {VERDICT_LEGAL: "legal", VERDICT_ILLEGAL: "illegal", VERDICT_OTHER: "other"}

LEGAL_BASES = ("农转用", "增减挂钩", "其他批准")
ILLEGAL_KINDS = (
    "未报即用",
    "边报边用",
    "未供即用",
    "超占用地",
    "擅自改变用途",
    "非法批地",
    "占用基本农田",
    "其他违法",
)
OTHER_KINDS = ("设施农用地", "临时用地", "农村道路", "实地未变化", "伪变化")
VERDICT_KINDS = {
    VERDICT_LEGAL: LEGAL_BASES,
    VERDICT_ILLEGAL: ILLEGAL_KINDS,
    VERDICT_OTHER: OTHER_KINDS,
}
KIND_LABELS_EN = {
    "农转用": "approved conversion",
    "增减挂钩": "linked quota",
    "其他批准": "other approval",
    "未报即用": "used without applying",
    "边报边用": "used while applying",
    "未供即用": "used before supply",
    "超占用地": "occupied beyond approval",
    "擅自改变用途": "use changed without approval",
    "非法批地": "illegal approval",
    "占用基本农田": "occupies basic farmland",
    "其他违法": "other illegal",
    "设施农用地": "facility agricultural land",
    "临时用地": "temporary land",
    "农村道路": "rural road",
    "实地未变化": "no change on site",
    "伪变化": "false change",
}

# Areas a verdict may state (m²). The four land groups split the spot and must add up to it.
VERDICT_SPLIT_FIELDS = (CULTIVATED_AREA, AGRICULTURAL_AREA, CONSTRUCTION_AREA, UNUSED_AREA)
VERDICT_AREA_FIELDS = (*VERDICT_SPLIT_FIELDS, BASIC_FARMLAND_AREA, RED_LINE_AREA)
# Four figures each rounded to 0.01 m² may miss the rounded total by a few hundredths.
AREA_TOLERANCE_SQM = 0.05

# --- spot status -----------------------------------------------------------------------------
# Derived, never stored: a spot is verified once it has a verdict record.
STATUS_UNVERIFIED = "unverified"
STATUS_VERIFIED = "verified"
SPOT_STATUSES = (STATUS_UNVERIFIED, STATUS_VERIFIED)

# --- evidence --------------------------------------------------------------------------------
EVIDENCE_PHOTO = "photo"
EVIDENCE_VIDEO = "video"
EVIDENCE_AUDIO = "audio"
EVIDENCE_KINDS = (EVIDENCE_PHOTO, EVIDENCE_VIDEO, EVIDENCE_AUDIO)
EVIDENCE_KIND_LABELS_ZH = {EVIDENCE_PHOTO: "照片", EVIDENCE_VIDEO: "视频", EVIDENCE_AUDIO: "录音"}
EVIDENCE_DIR_NAME = "evidence"  # folder beside the ledger file
# What a stored evidence path (C_PATH) may not hold, as regular expressions that Python's re
# and PostgreSQL's (the server's CHECK, migration 6) read alike. A path names a file under the
# evidence folder: one written by hand (psql, a crafted GeoPackage) must not reach outside it.
# A backslash (a separator on Windows), a colon (a drive letter, C:, or an NTFS stream) or a
# control character anywhere:
EVIDENCE_PATH_BAD_CHARACTER = r"[\\:\x01-\x1f\x7f]"
# an empty, '.' or '..' segment (a leading '/', '//', a trailing '/', '../' and './'):
EVIDENCE_PATH_BAD_SEGMENT = r"(^|/)\.{0,2}(/|$)"

# --- schema versions and migrations -----------------------------------------------------------
# MIGRATIONS[n] takes a ledger from schema version n to n + 1; version 0 is an empty GeoPackage
# container (gpkg_* tables and the SRS rows, written by the storage code). A migration that has
# shipped is history: never edit it, append a new one.


def _quoted(values) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _append_only(table: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE: no tool (QGIS editing, sqlite3) rewrites history."""
    message = f"{table} is append-only: add a correcting record instead (只能追加，不能修改或删除)"
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _register(table: str, data_type: str, description: str, srs_id: int | None = None) -> str:
    srs = "NULL" if srs_id is None else str(srs_id)
    return (
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        f"VALUES ('{table}', '{data_type}', '{table}', '{description}', {srs})"
    )


_SPOT_COLUMNS_SQL = ",\n".join(
    [f'"{name}" REAL' for name in SPOT_AREA_COLUMNS]
    + [f'"{name}" TEXT' for name in SPOT_TEXT_COLUMNS]
    + [f'"{C_PRIORITY}" INTEGER']
    + [f'"{name}" BOOLEAN' for name in SPOT_FLAG_COLUMNS]
)

MIGRATION_1 = [
    f"""CREATE TABLE {T_META} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        value TEXT)""",
    f"""CREATE TABLE {T_BATCHES} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_BATCH_NAME} TEXT NOT NULL UNIQUE,
        {C_BATCH_SOURCE} TEXT,
        {C_IMPORTED_AT} DATETIME NOT NULL,
        {C_UPDATED_AT} DATETIME NOT NULL)""",
    f"""CREATE TABLE {T_SPOTS} (
        {C_FID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_GEOM} {SPOT_GEOMETRY_TYPE},
        {C_BATCH_ID} INTEGER NOT NULL REFERENCES {T_BATCHES} ({C_ID}),
        "{C_SPOT_NUMBER}" TEXT NOT NULL,
        {_SPOT_COLUMNS_SQL},
        {C_ATTRIBUTES} TEXT NOT NULL,
        {C_IMPORTED_AT} DATETIME NOT NULL,
        {C_UPDATED_AT} DATETIME NOT NULL,
        UNIQUE ({C_BATCH_ID}, "{C_SPOT_NUMBER}"))""",
    f"""CREATE TABLE {T_VERDICTS} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_SPOT_ID} INTEGER NOT NULL REFERENCES {T_SPOTS} ({C_FID}),
        {C_CATEGORY} TEXT NOT NULL CHECK ({C_CATEGORY} IN ({_quoted(VERDICT_CATEGORIES)})),
        {C_KIND} TEXT,
        {C_APPROVAL_NUMBER} TEXT,
        {C_VERIFIER} TEXT NOT NULL,
        {C_VERIFIED_ON} DATE NOT NULL,
        {C_AREAS} TEXT NOT NULL DEFAULT '{{}}',
        {C_NOTE} TEXT NOT NULL DEFAULT '',
        {C_CORRECTS} INTEGER REFERENCES {T_VERDICTS} ({C_ID}),
        {C_RECORDED_AT} DATETIME NOT NULL)""",
    f"CREATE INDEX {T_VERDICTS}_spot ON {T_VERDICTS} ({C_SPOT_ID}, {C_ID})",
    *_append_only(T_VERDICTS),
    f"""CREATE TABLE {T_EVIDENCE} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_SPOT_ID} INTEGER NOT NULL REFERENCES {T_SPOTS} ({C_FID}),
        {C_EVIDENCE_KIND} TEXT NOT NULL CHECK ({C_EVIDENCE_KIND} IN ({_quoted(EVIDENCE_KINDS)})),
        {C_PATH} TEXT NOT NULL,
        {C_SHA256} TEXT NOT NULL,
        {C_SIZE} INTEGER NOT NULL,
        {C_NOTE} TEXT NOT NULL DEFAULT '',
        {C_RECORDED_AT} DATETIME NOT NULL)""",
    f"CREATE INDEX {T_EVIDENCE}_spot ON {T_EVIDENCE} ({C_SPOT_ID}, {C_ID})",
    # A spot that carries verdicts or evidence must never disappear, whoever edits the layer.
    f"""CREATE TRIGGER {T_SPOTS}_keep_verified BEFORE DELETE ON {T_SPOTS}
        WHEN EXISTS (SELECT 1 FROM {T_VERDICTS} WHERE {C_SPOT_ID} = OLD.{C_FID})
          OR EXISTS (SELECT 1 FROM {T_EVIDENCE} WHERE {C_SPOT_ID} = OLD.{C_FID})
        BEGIN SELECT RAISE(ABORT, 'spot has verdicts or evidence: it cannot be deleted \
(图斑已有判定或证据，不能删除)'); END""",
    _register(T_META, "attributes", "ledger schema version and settings"),
    _register(T_BATCHES, "attributes", "spot batches"),
    _register(T_SPOTS, "features", "satellite spots of the ledger", LEDGER_SRS_ID),
    "INSERT INTO gpkg_geometry_columns "
    "(table_name, column_name, geometry_type_name, srs_id, z, m) "
    f"VALUES ('{T_SPOTS}', '{C_GEOM}', '{SPOT_GEOMETRY_TYPE}', {LEDGER_SRS_ID}, 0, 0)",
    _register(T_VERDICTS, "attributes", "verdicts, append-only"),
    _register(T_EVIDENCE, "attributes", "evidence files"),
]

# Version 2: photo metadata on evidence, evidence made append-only like verdicts, and an index
# for the review order of the spot list.
MIGRATION_2 = [
    f"ALTER TABLE {T_EVIDENCE} ADD COLUMN {C_ORIGINAL_NAME} TEXT NOT NULL DEFAULT ''",
    f"ALTER TABLE {T_EVIDENCE} ADD COLUMN {C_FILE_MODIFIED} DATETIME",
    f"ALTER TABLE {T_EVIDENCE} ADD COLUMN {C_TAKEN_AT} TEXT",
    f"ALTER TABLE {T_EVIDENCE} ADD COLUMN {C_GPS_LON} REAL",
    f"ALTER TABLE {T_EVIDENCE} ADD COLUMN {C_GPS_LAT} REAL",
    *_append_only(T_EVIDENCE),
    f'CREATE INDEX {T_SPOTS}_review_order ON {T_SPOTS} ("{C_PRIORITY}", "{C_SPOT_NUMBER}")',
]

# Case stage values as cases.Stage stores them; spelled here too because a shipped migration must
# not change when the enum grows (a new stage is a new migration).
_CASE_STAGES_V3 = (
    "discover",
    "verify",
    "stop",
    "file",
    "investigate",
    "notify",
    "penalise",
    "demand",
    "transfer",
    "close",
)

# Version 3: cases and their events, patrols with their routes, and bureau settings. Cases, case
# events and patrols are append-only like verdicts: a case's state is replayed from its events.
MIGRATION_3 = [
    f"""CREATE TABLE {T_PATROLS} (
        {C_FID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_GEOM} {ROUTE_GEOMETRY_TYPE},
        {C_PATROL_NUMBER} TEXT NOT NULL UNIQUE,
        {C_OFFICE} TEXT NOT NULL,
        {C_DATE} DATE NOT NULL,
        {C_STAFF} TEXT NOT NULL DEFAULT '[]',
        {C_FINDINGS} TEXT NOT NULL DEFAULT '',
        {C_SPOT_NUMBERS} TEXT NOT NULL DEFAULT '[]',
        {C_CASE_IDS} TEXT NOT NULL DEFAULT '[]',
        {C_EVIDENCE_IDS} TEXT NOT NULL DEFAULT '[]',
        {C_RECORDED_AT} DATETIME NOT NULL)""",
    f"CREATE INDEX {T_PATROLS}_office_date ON {T_PATROLS} ({C_OFFICE}, {C_DATE})",
    *_append_only(T_PATROLS),
    f"""CREATE TABLE {T_CASES} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_ORIGIN} TEXT NOT NULL CHECK ({C_ORIGIN} IN ('spot', 'patrol')),
        {C_SPOT_ID} INTEGER REFERENCES {T_SPOTS} ({C_FID}),
        {C_PATROL_ID} TEXT REFERENCES {T_PATROLS} ({C_PATROL_NUMBER}),
        {C_OFFICE} TEXT,
        {C_TOWN} TEXT,
        {C_OPENED_AT} DATE NOT NULL,
        {C_CULTIVATED_SQM} REAL,
        {C_BASIC_FARMLAND_SQM} REAL,
        {C_RECORDED_AT} DATETIME NOT NULL,
        CHECK (({C_ORIGIN} = 'spot' AND {C_SPOT_ID} IS NOT NULL)
            OR ({C_ORIGIN} = 'patrol' AND {C_PATROL_ID} IS NOT NULL)))""",
    f"CREATE INDEX {T_CASES}_spot ON {T_CASES} ({C_SPOT_ID})",
    *_append_only(T_CASES),
    f"""CREATE TABLE {T_CASE_EVENTS} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_CASE_ID} INTEGER NOT NULL REFERENCES {T_CASES} ({C_ID}),
        {C_STAGE} TEXT NOT NULL CHECK ({C_STAGE} IN ({_quoted(_CASE_STAGES_V3)})),
        {C_DATE} DATE NOT NULL,
        {C_PERSON} TEXT NOT NULL,
        {C_DOCUMENTS} TEXT NOT NULL DEFAULT '[]',
        {C_EVIDENCE_IDS} TEXT NOT NULL DEFAULT '[]',
        {C_NOTE} TEXT NOT NULL DEFAULT '',
        {C_CULTIVATED_SQM} REAL,
        {C_BASIC_FARMLAND_SQM} REAL,
        {C_RECORDED_AT} DATETIME NOT NULL)""",
    f"CREATE INDEX {T_CASE_EVENTS}_case ON {T_CASE_EVENTS} ({C_CASE_ID}, {C_ID})",
    *_append_only(T_CASE_EVENTS),
    f"""CREATE TABLE {T_SETTINGS} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_KEY} TEXT NOT NULL UNIQUE,
        {C_VALUE} TEXT NOT NULL)""",
    # Like verdicts and evidence, a case keeps its spot in the ledger, whoever edits the layer.
    f"""CREATE TRIGGER {T_SPOTS}_keep_cased BEFORE DELETE ON {T_SPOTS}
        WHEN EXISTS (SELECT 1 FROM {T_CASES} WHERE {C_SPOT_ID} = OLD.{C_FID})
        BEGIN SELECT RAISE(ABORT, 'spot has a case: it cannot be deleted \
(图斑已立案件，不能删除)'); END""",
    _register(T_PATROLS, "features", "patrols and their routes, append-only", LEDGER_SRS_ID),
    "INSERT INTO gpkg_geometry_columns "
    "(table_name, column_name, geometry_type_name, srs_id, z, m) "
    f"VALUES ('{T_PATROLS}', '{C_GEOM}', '{ROUTE_GEOMETRY_TYPE}', {LEDGER_SRS_ID}, 0, 0)",
    _register(T_CASES, "attributes", "enforcement cases, append-only"),
    _register(T_CASE_EVENTS, "attributes", "case events, append-only"),
    _register(T_SETTINGS, "attributes", "bureau settings (JSON values)"),
]

# Version 4: the rest of the verdict form (approval date and area, actual use, the party
# responsible, whether a stop order was issued), as JSON so the form can grow without migrations.
MIGRATION_4 = [
    f"ALTER TABLE {T_VERDICTS} ADD COLUMN {C_DETAILS} TEXT NOT NULL DEFAULT '{{}}'",
]

# Version 5: the day a case's figures were measured, when the event carrying them is dated later
# (a verdict corrected after the case moved on): the referral scale counts from that day.
MIGRATION_5 = [
    f"ALTER TABLE {T_CASE_EVENTS} ADD COLUMN {C_MEASURED_ON} TEXT",
]

# Version 6: one case per spot, and the login that saved each history row. A trigger, not a
# unique index: a file that already holds two cases on a spot (written by hand) must still open,
# and an index could not be built on it. The file has no logins, so db_user stays empty here;
# it is the shared ledger's (ledger_postgis_server) and is kept when a ledger is copied.
CASE_PER_SPOT = f"{T_CASES}_one_per_spot"
HISTORY_WITH_LOGIN = (T_VERDICTS, T_EVIDENCE, T_CASES, T_CASE_EVENTS, T_PATROLS)
# ledger_migrate drops it while a copy loads the cases and creates it again with this statement:
# a copy keeps a spot's second case its source holds, as opening the file keeps it.
CASE_PER_SPOT_TRIGGER = f"""CREATE TRIGGER {CASE_PER_SPOT} BEFORE INSERT ON {T_CASES}
        WHEN NEW.{C_SPOT_ID} IS NOT NULL
         AND EXISTS (SELECT 1 FROM {T_CASES} WHERE {C_SPOT_ID} = NEW.{C_SPOT_ID})
        BEGIN SELECT RAISE(ABORT, 'spot already has a case (图斑已有案件)'); END"""
MIGRATION_6 = [
    CASE_PER_SPOT_TRIGGER,
    *(f"ALTER TABLE {table} ADD COLUMN {C_DB_USER} TEXT" for table in HISTORY_WITH_LOGIN),
]

# Version 7: a case event may correct an earlier one (cases.CaseEvent.corrects): a step
# recorded with the wrong date is put right by a new row, as a verdict is, and both are kept.
# A column, not a new stage value: the correction's stage is the corrected step's, so the
# stage CHECK of version 3 (which SQLite cannot alter) stands as it is.
MIGRATION_7 = [
    f"ALTER TABLE {T_CASE_EVENTS} ADD COLUMN {C_CORRECTS} INTEGER REFERENCES {T_CASE_EVENTS} "
    f"({C_ID})",
]

# Version 8: a correction may put right the corrected step's remarks too (a decision number
# mistyped in them), as it puts right its date: the remarks are kept as first recorded, and
# the correction's own note stays its reason. NULL in every row already stored: nothing
# corrected their remarks.
MIGRATION_8 = [
    f"ALTER TABLE {T_CASE_EVENTS} ADD COLUMN {C_CORRECTED_NOTE} TEXT",
]

# The indexes of an import's look-up of the numbers other batches hold (SqlSpotsMixin._numbered):
# a number leading zeros aside, which SQLite and PostgreSQL both read as ltrim(…, '0'), and the
# few numbers an earlier version stored spelled otherwise than in printable ASCII (full width, an
# invisible character, a space), which only number_compared reads. Indexes, not a migration: they
# change no row, and a ledger without them (a server install has not yet run on) is looked up
# the same, by a scan. A GeoPackage gets them at its next import (opening never writes), the
# shared ledger at install.
SPOTS_NUMBER_UNZEROED = f"{T_SPOTS}_number_unzeroed"
SPOTS_NUMBER_SPELLED_OTHERWISE = f"{T_SPOTS}_number_spelled_otherwise"
# The shared ledger's (number_lookup_indexes keyed): the test the key, not the predicate.
SPOTS_NUMBER_SPELLED_OTHERWISE_KEYED = f"{T_SPOTS}_number_spelled_otherwise_keyed"


def number_unzeroed(column: str) -> str:
    """The SQL of a spot number ``column`` with its leading zeros removed."""
    return f"ltrim({column}, '0')"


def number_lookup_indexes(spelled_otherwise: str, keyed: bool = False) -> list[str]:
    """The statements making the look-up's indexes where they are missing; ``spelled_otherwise``
    the dialect's test of a number outside printable ASCII, ``{}`` standing for the column
    (SqlLedger._SPELLED_OTHERWISE). The look-up's own SQL says each expression alike, or the
    database would not use the index.

    ``keyed``: PostgreSQL's, the test the key of an index of every spot rather than a partial
    index's predicate. Under row security (every login of the shared ledger) its planner may
    not read the number column's statistics through ~, which is not leakproof: it took the
    test to hold for nearly every spot and read them all (a partial index of the few is
    costed by that guess). The key's own statistics, the share of spots for which the test is
    true, it reads through boolean equality, which is leakproof; no policy is changed."""
    column = f'"{C_SPOT_NUMBER}"'
    if keyed:
        spelled = (
            f"CREATE INDEX IF NOT EXISTS {SPOTS_NUMBER_SPELLED_OTHERWISE_KEYED} ON {T_SPOTS} "
            f"(({spelled_otherwise.format(column)}))"
        )
    else:
        spelled = (
            f"CREATE INDEX IF NOT EXISTS {SPOTS_NUMBER_SPELLED_OTHERWISE} ON {T_SPOTS} "
            f"({C_BATCH_ID}, {column}) WHERE {spelled_otherwise.format(column)}"
        )
    return [
        f"CREATE INDEX IF NOT EXISTS {SPOTS_NUMBER_UNZEROED} ON {T_SPOTS} "
        f"(({number_unzeroed(column)}))",
        spelled,
    ]


# The index of an attach's look-up of the spots a file is recorded for already (by its hash,
# SqlVerdictsMixin.add_evidence), which read every evidence row under the spot's lock without
# it. An index, not a migration, as the number look-up's: a GeoPackage gets it at its next
# attach, the shared ledger at install.
EVIDENCE_SHA256_INDEX = f"{T_EVIDENCE}_sha256"
EVIDENCE_SHA256_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {EVIDENCE_SHA256_INDEX} ON {T_EVIDENCE} ({C_SHA256})"
)


# Version 9: a patrol recorded by mistake (another day's, another office's, one never made, the
# same patrol twice under two numbers) is withdrawn by a row of its own, with its reason: the
# patrol stays as recorded (append-only) and nothing counts it again, neither the weekly check
# nor the reports. A patrol a case was opened from stays (the case rests on it), and no case is
# opened from a patrol withdrawn: triggers, so no tool writes either.
# What Python's str.strip takes off (every character str.isspace finds; none lies above U+3000,
# the ideographic space of a Chinese input method): SQLite's trim of ASCII spaces alone let a
# reason of "\u3000" through, which the plugin refuses as blank.
PYTHON_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def patrol_cased(number: str = "") -> str:
    """The refusal of a withdrawal of a patrol a case was opened from; `number` the patrol's
    (% for a server's RAISE, which puts it in)."""
    zh, en = (f"巡查 {number} ", f"patrol {number}") if number else ("巡查", "the patrol")
    return (
        f"{zh}已据以立案，不能撤销，未撤销 / {en} opened a case, which rests on it: it cannot be "
        "withdrawn, nothing was withdrawn"
    )


def patrol_withdrawn(number: str = "") -> str:
    """The refusal of a case opened from a withdrawn patrol (see patrol_cased)."""
    zh, en = (f"巡查 {number} ", f"patrol {number}") if number else ("巡查", "the patrol")
    return (
        f"{zh}已撤销，不能据以立案，未立案 / {en} was withdrawn: no case is opened from it, "
        "nothing was recorded"
    )


MIGRATION_9 = [
    f"""CREATE TABLE {T_PATROL_WITHDRAWALS} (
        {C_ID} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
        {C_PATROL_NUMBER} TEXT NOT NULL UNIQUE REFERENCES {T_PATROLS} ({C_PATROL_NUMBER}),
        {C_REASON} TEXT NOT NULL CHECK (trim({C_REASON}, '{PYTHON_SPACES}') <> ''),
        {C_DB_USER} TEXT,
        {C_RECORDED_AT} DATETIME NOT NULL)""",
    *_append_only(T_PATROL_WITHDRAWALS),
    # The reference, whatever writes: sqlite3's command line leaves foreign keys unchecked.
    f"""CREATE TRIGGER {T_PATROL_WITHDRAWALS}_of_a_patrol BEFORE INSERT ON {T_PATROL_WITHDRAWALS}
        WHEN NOT EXISTS (SELECT 1 FROM {T_PATROLS} WHERE {C_PATROL_NUMBER} = NEW.{C_PATROL_NUMBER})
        BEGIN SELECT RAISE(ABORT, '台帐中没有该巡查记录，未撤销 / no such patrol in the ledger: \
nothing was withdrawn'); END""",
    f"""CREATE TRIGGER {T_PATROL_WITHDRAWALS}_not_cased BEFORE INSERT ON {T_PATROL_WITHDRAWALS}
        WHEN EXISTS (SELECT 1 FROM {T_CASES} WHERE {C_PATROL_ID} = NEW.{C_PATROL_NUMBER})
        BEGIN SELECT RAISE(ABORT, '{patrol_cased()}'); END""",
    f"""CREATE TRIGGER {T_CASES}_patrol_not_withdrawn BEFORE INSERT ON {T_CASES}
        WHEN NEW.{C_PATROL_ID} IS NOT NULL AND EXISTS (SELECT 1 FROM {T_PATROL_WITHDRAWALS}
            WHERE {C_PATROL_NUMBER} = NEW.{C_PATROL_ID})
        BEGIN SELECT RAISE(ABORT, '{patrol_withdrawn()}'); END""",
    _register(T_PATROL_WITHDRAWALS, "attributes", "patrols withdrawn, append-only"),
]

MIGRATIONS: tuple[list[str], ...] = (
    MIGRATION_1,
    MIGRATION_2,
    MIGRATION_3,
    MIGRATION_4,
    MIGRATION_5,
    MIGRATION_6,
    MIGRATION_7,
    MIGRATION_8,
    MIGRATION_9,
)
SCHEMA_VERSION = len(MIGRATIONS)
