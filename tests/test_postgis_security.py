"""The shared ledger against logins acting by hand (psql): SECURITY DEFINER functions a session's
temporary tables cannot mislead, an office map each office reads only for itself."""

from __future__ import annotations

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_ROLE,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_ROLE,
    TAIHE_TOWN,
    fill,
    illegal,
    raw,
)
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import LedgerError


def _in_one_session(pg_database, schema, login: str, *statements: str):
    """Run statements in one session (a temporary table lives as long as it); the last's row."""
    conn = raw(pg_database, schema, login)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def _index_there(pg_database, schema) -> bool:
    found = _in_one_session(
        pg_database,
        schema,
        BRIGADE,
        f"SELECT to_regclass('\"{schema}\".{ls.CASE_PER_SPOT}') IS NOT NULL",
    )
    return found[0][0]


def test_a_temporary_table_does_not_lead_the_index_functions_to_drop_the_case_index(
    pg_database, schema, tmp_path
):
    """A brigade login made an empty temporary ledger_cases: the drop found no case in it and
    took the one-case-per-spot index away from a ledger holding cases."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        fill(store, tmp_path)
        assert store.cases()
    assert _index_there(pg_database, schema)
    with pytest.raises(psycopg2.errors.RaiseException, match="its index stays"):
        _in_one_session(
            pg_database,
            schema,
            BRIGADE,
            "CREATE TEMP TABLE ledger_cases (id bigint, spot_id bigint)",
            "GRANT SELECT ON pg_temp.ledger_cases TO PUBLIC",  # for the owner to read it
            f'SELECT "{schema}".{lps.UNINDEX_CASES}()',
        )
    assert _index_there(pg_database, schema)


def test_every_security_definer_function_of_the_schema_searches_pg_temp_last(pg_database, schema):
    """Also on a server installed before: install replaces the functions' definitions."""
    admin = srv.connect(dbname=pg_database)
    with admin.cursor() as cur:  # as the plugin before this one left them
        for name in (lps.INDEX_CASES, lps.UNINDEX_CASES):
            cur.execute(
                f'ALTER FUNCTION "{schema}".{name}() SET search_path = "{schema}", pg_catalog'
            )
        cur.execute(f'ALTER FUNCTION "{schema}".zc_towns_of(name) SET search_path = "{schema}"')
    admin.commit()
    try:
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=schema)
    finally:
        admin.close()
    found = _in_one_session(
        pg_database,
        schema,
        BRIGADE,
        "SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n "
        f"ON n.oid = p.pronamespace WHERE n.nspname = '{schema}' AND p.prosecdef ORDER BY 1",
    )
    names = {name for name, _ in found}
    assert {lps.INDEX_CASES, lps.UNINDEX_CASES, "zc_towns_of", "zc_offices_of"} <= names
    for name, config in found:
        assert config == [f"search_path=pg_catalog, {schema}, pg_temp"], (name, config)


def test_an_office_reads_its_own_towns_and_office_but_not_anothers(pg_database, schema):
    def towns(login: str, of: str) -> list[str]:
        rows = _in_one_session(pg_database, schema, login, f"SELECT zc_towns_of('{of}') ORDER BY 1")
        return [row[0] for row in rows]

    assert towns(LUOCUN_ROLE, LUOCUN_ROLE) == sorted(LUOCUN_TOWNS)
    assert towns(TAIHE_ROLE, LUOCUN_ROLE) == []  # was 罗村镇, 洪山镇
    assert towns(TAIHE_ROLE, "no_such_role") == []
    assert towns(BRIGADE, LUOCUN_ROLE) == sorted(LUOCUN_TOWNS)
    offices = _in_one_session(
        pg_database, schema, TAIHE_ROLE, f"SELECT zc_offices_of('{LUOCUN_ROLE}')"
    )
    assert offices == []
    own = _in_one_session(
        pg_database, schema, LUOCUN_ROLE, f"SELECT zc_offices_of('{LUOCUN_ROLE}')"
    )
    assert own == [(LUOCUN,)]


def _evidence_by_hand(spot_id: int, path: str) -> str:
    return (
        "INSERT INTO ledger_evidence (spot_id, kind, path, sha256, size, recorded_at) VALUES "
        f"({spot_id}, 'photo', '{path}', '{'a' * 64}', 1, 'now') RETURNING id"
    )


def test_the_server_refuses_an_evidence_path_outside_the_folder_and_names_those_stored(
    pg_database,
):
    """An office's psql wrote '../../brigade_private/notes.txt': the server now refuses it;
    one stored before the check is kept (append-only) and named by every install."""
    from tests.test_postgis_schema import _install, _old_server_with_a_spot

    name, spot_id = _old_server_with_a_spot(pg_database)
    bad = _in_one_session(
        pg_database, name, LUOCUN_ROLE, _evidence_by_hand(spot_id, "../../brigade_private/x.txt")
    )[0][0]
    said = "\n".join(_install(pg_database, name))
    assert f"rows {bad} of {ls.T_EVIDENCE} break {ls.T_EVIDENCE}_path_inside" in said, said
    assert "the plugin takes their files as missing" in said
    assert "\n".join(_install(pg_database, name)) == said  # named again, the row still there
    for path in ("/tmp/r/id_rsa.jpg", "S1/../../x.jpg", "S1\\\\..\\\\x.jpg", "C:/x.jpg", "S1//x"):
        with pytest.raises(psycopg2.errors.CheckViolation, match="path_inside"):
            _in_one_session(pg_database, name, LUOCUN_ROLE, _evidence_by_hand(spot_id, path))
    assert _in_one_session(pg_database, name, LUOCUN_ROLE, _evidence_by_hand(spot_id, "S1/a.jpg"))


def test_an_office_choosing_a_history_id_cannot_take_the_next_one_from_another(
    pg_database, schema, tmp_path
):
    """An office inserted (psql) evidence with the id the server would give next, even with
    OVERRIDING SYSTEM VALUE: the other office's save then failed, 'the record already
    exists'. An office's row now gets the server's next id whatever it gives."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        fill(store, tmp_path)
        luocun_spot = next(s.id for s in store.spots() if s.town in LUOCUN_TOWNS)
        taihe_spot = next(s.id for s in store.spots() if s.town not in LUOCUN_TOWNS)
        highest = max(r.id for r in store.evidence())
    squatted = []
    for given in (highest + 1, highest + 2):
        statement = (
            _evidence_by_hand(luocun_spot, "S1/a.jpg")
            .replace("VALUES (", "OVERRIDING SYSTEM VALUE VALUES (")
            .replace("(spot_id,", "(id, spot_id,")
            .replace(f"({luocun_spot},", f"({given}, {luocun_spot},")
        )
        squatted.append(_in_one_session(pg_database, schema, LUOCUN_ROLE, statement)[0][0])
    assert len(set(squatted)) == 2
    taihe_id = _in_one_session(
        pg_database, schema, TAIHE_ROLE, _evidence_by_hand(taihe_spot, "S2/b.jpg")
    )[0][0]
    assert taihe_id not in squatted  # and it was saved: before, a UniqueViolation


# --- a case in another office's name (server schema version 9) -----------------------------------
_RLS_REFUSED = "new row violates row-level security policy"


def _case_row(origin: str, of: str, office: str | None, town: str | None) -> str:
    """An office's INSERT of a case by hand (psql), on spot fid `of` or patrol number `of`."""
    column = "spot_id" if origin == "spot" else "patrol_id"
    value = of if origin == "spot" else f"'{of}'"
    return (
        f"INSERT INTO ledger_cases (origin, {column}, office, town, opened_at, recorded_at) "
        f"VALUES ('{origin}', {value}, {'NULL' if office is None else repr(office)}, "
        f"{'NULL' if town is None else repr(town)}, '2026-03-06', 'now') RETURNING id"
    )


def test_an_office_cannot_record_a_case_under_another_offices_name(pg_database, schema, tmp_path):
    """太河's login recorded, by hand or through the plugin, a case on its own spot or patrol
    in 罗村's name (town 太河镇): 罗村 could not see it, and the monthly ranking counted it
    against 罗村. The server refuses it; its own cases, of either origin, still go in."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        ids = {s.number: s.id for s in brigade.spots()}
        by_hand, by_plugin = ids["37030220261001"], ids["37030220261002"]  # 太河's, no case
        for spot_id in (by_hand, by_plugin):
            brigade.record_verdict(spot_id, illegal(verifier="李四"))
        luocun_cases = [r.case_id for r in brigade.cases() if r.office == LUOCUN]
    taihe_patrol = "XC-2026-0002"
    refused = [
        _case_row("spot", str(by_hand), LUOCUN, TAIHE_TOWN),  # the reviewer's case
        _case_row("patrol", taihe_patrol, LUOCUN, TAIHE_TOWN),
        _case_row("patrol", taihe_patrol, LUOCUN, None),
        _case_row("spot", str(by_hand), TAIHE, None),  # not the spot's town
        _case_row("spot", str(by_hand), None, TAIHE_TOWN),  # the spot has an office
    ]
    for statement in refused:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match=_RLS_REFUSED):
            _in_one_session(pg_database, schema, TAIHE_ROLE, statement)
    # Its own, as the plugin writes them: the spot's office and town, the patrol's office.
    mine = [
        _in_one_session(pg_database, schema, TAIHE_ROLE, statement)[0][0]
        for statement in (
            _case_row("spot", str(by_hand), TAIHE, TAIHE_TOWN),
            _case_row("patrol", taihe_patrol, TAIHE, TAIHE_TOWN),
            _case_row("patrol", taihe_patrol, TAIHE, None),
        )
    ]
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        with pytest.raises(LedgerError, match=f"'{LUOCUN}' differs from its origin patrol"):
            taihe.open_case(ORIGIN_PATROL, patrol_id=taihe_patrol, office=LUOCUN, town=TAIHE_TOWN)
        with pytest.raises(LedgerError, match=f"'{LUOCUN}' differs from its origin spot"):
            taihe.open_case(ORIGIN_SPOT, spot_id=by_plugin, office=LUOCUN)
        mine.append(int(taihe.open_case(ORIGIN_SPOT, spot_id=by_plugin)))
        mine.append(int(taihe.open_case(ORIGIN_PATROL, patrol_id=taihe_patrol)))
    # Read as rows: a case typed by hand has no discover event, which the plugin replays.
    opened = dict(
        _in_one_session(
            pg_database, schema, TAIHE_ROLE, "SELECT id, (office, town) FROM ledger_cases"
        )
    )
    town = f"({TAIHE},{TAIHE_TOWN})"
    assert [opened[case] for case in mine] == [town, town, f"({TAIHE},)", town, f"({TAIHE},)"]
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        assert [r.case_id for r in brigade.cases() if r.office == LUOCUN] == luocun_cases


def test_brigade_and_office_logins_connect_where_connect_is_not_public(pg_database):
    """A hardened server revokes CONNECT from PUBLIC: install granted it to the offices' group
    alone, and the brigade's logins were refused at the door (the review of 2026-11-29)."""
    from tests.postgis_fixtures import new_schema

    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    quoted = psycopg2.extensions.quote_ident(pg_database, admin)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"REVOKE CONNECT ON DATABASE {quoted} FROM PUBLIC")
        schema = new_schema(pg_database)  # install grants what its logins need
        with open_store(pg_database, schema) as brigade:
            assert brigade.spots() == []
        with open_store(pg_database, schema, user=LUOCUN_ROLE) as office:
            assert office.spots() == []
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"GRANT CONNECT ON DATABASE {quoted} TO PUBLIC")
        admin.close()
