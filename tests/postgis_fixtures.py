"""The PostGIS test fixtures, shared by every test module of the shared ledger: one database
on the local server for the whole run (scripts/postgis_server.py), a fresh ledger schema per
test. conftest registers the fixtures; modules import BRIGADE and open_store from here."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

from scripts import postgis_server as srv
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core import ledger_sql_cases as lsc

BRIGADE = "zc_brigade_user"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh database on the local server with the demo roles; dropped at the end."""
    if os.environ.get("ZC_SKIP_POSTGIS"):
        pytest.skip("ZC_SKIP_POSTGIS is set")
    try:
        started = srv.start()
    except srv.ServerError as exc:
        pytest.fail(
            f"the local PostgreSQL/PostGIS server could not be started ({exc}); run "
            "`python scripts/postgis_server.py start` to see why, or set ZC_SKIP_POSTGIS=1"
        )
    name = f"zc_test_{os.getpid()}"
    srv.setup_database(name)  # creates the roles and the zc_ledger schema
    yield name
    srv.drop_database(name)
    if started:
        srv.stop()


@pytest.fixture
def schema(pg_database):
    """A new, empty ledger schema with the demo offices, for one test."""
    return new_schema(pg_database)


def new_schema(pg_database) -> str:
    """Install a new, empty ledger schema with the demo offices; its name."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name)
    finally:
        admin.close()
    return name


def open_store(pg_database, schema, user=BRIGADE, tmp_path=None) -> lp.PostGISLedger:
    folder = tmp_path / "shared_evidence" if tmp_path is not None else None
    if folder is not None:
        folder.mkdir(exist_ok=True)  # the bureau's share: there before anyone records in it
    return lp.PostGISLedger(srv.params(user, pg_database), schema=schema, evidence_dir=folder)


# The server schema that brought each table added after version 1, which an older plugin's
# install neither made nor granted rights on.
_TABLE_SINCE = {lps.T_CASE_CONFLICTS: 10, ls.T_PATROL_WITHDRAWALS: 15}


def history_of_version(version: int) -> tuple[str, ...]:
    """The history tables a server of schema ``version`` holds (lps.HISTORY has them all)."""
    return tuple(t for t in lps.HISTORY if _TABLE_SINCE.get(t, 1) <= version)


# The server schema that brought the patrol withdrawals, which an older plugin's store did not
# leave its patrols' reads out by (there were none).
_WITHDRAWALS_SINCE = 15
# The server schema that brought the case events' corrected remarks (ledger_schema
# C_CORRECTED_NOTE), which an older plugin's store neither wrote nor read.
_CORRECTED_NOTE_SINCE = 11


@contextlib.contextmanager
def _case_events_of_version(version: int) -> Iterator[None]:
    """The store's case event rows as the plugin of server schema ``version`` wrote and read
    them: without the corrected remarks before version 11."""
    if version >= _CORRECTED_NOTE_SINCE:
        yield
        return
    columns, row, replay = (
        lsc.SqlCasesMixin._EVENT_COLUMNS,
        lsc.event_row,
        lsc.case_record_from_rows,
    )
    assert columns[-1] == ls.C_CORRECTED_NOTE

    def old_row(case_id, event):
        return row(case_id, event)[:-1]

    lsc.SqlCasesMixin._EVENT_COLUMNS = columns[:-1]
    lsc.event_row = lp.event_row = old_row
    lsc.case_record_from_rows = lambda case, events: replay(case, [(*e, None) for e in events])
    try:
        yield
    finally:
        lsc.SqlCasesMixin._EVENT_COLUMNS = columns
        lsc.event_row = lp.event_row = row
        lsc.case_record_from_rows = replay


@contextlib.contextmanager
def _patrols_of_version(version: int) -> Iterator[None]:
    """The store's patrols() as the plugin of server schema ``version`` read them: before
    version 15 every patrol, no table of withdrawals to leave any out by."""
    if version >= _WITHDRAWALS_SINCE:
        yield
        return
    read = lp.PostGISLedger.patrols

    def every_patrol(self, *args, include_withdrawn=False, **kwargs):
        return read(self, *args, include_withdrawn=True, **kwargs)

    lp.PostGISLedger.patrols = every_patrol
    try:
        yield
    finally:
        lp.PostGISLedger.patrols = read


@contextlib.contextmanager
def server_side_of_version(version: int) -> Iterator[None]:
    """The plugin of server schema `version`, as far as the shared ledger goes: its migrations,
    the tables its install revokes and grants rights on and its store opens (none of a later
    version), and the version its store asks of a server."""
    server = (lps.PG_MIGRATIONS, lps.PG_SCHEMA_VERSION, lps.LEDGER_TABLES, lps._GRANTS)
    store = (lp.PG_SCHEMA_VERSION, lp.LEDGER_TABLES)
    later = [table for table, since in _TABLE_SINCE.items() if since > version]
    tables = tuple(t for t in server[2] if t not in later)
    grants = list(server[3])
    for table in later:  # named in a list of the history tables: ", ledger_case_conflicts"
        grants = [grant.replace(f", {table}", "") for grant in grants]
    lps.PG_MIGRATIONS, lps.PG_SCHEMA_VERSION = server[0][:version], version
    lps.LEDGER_TABLES, lps._GRANTS = tables, tuple(grants)
    lp.PG_SCHEMA_VERSION, lp.LEDGER_TABLES = version, tables
    try:
        with _case_events_of_version(version), _patrols_of_version(version):
            yield
    finally:
        lps.PG_MIGRATIONS, lps.PG_SCHEMA_VERSION, lps.LEDGER_TABLES, lps._GRANTS = server
        lp.PG_SCHEMA_VERSION, lp.LEDGER_TABLES = store
