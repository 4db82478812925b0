"""An office renamed on the shared ledger (罗村自然资源所 becomes 罗村自然资源和规划所, its login
given the new name, the ledger's office_aliases saying old -> new): the login still sees, and
carries on, what the office recorded under its old name, as the brigade and the reports count
it; an alias shows no office another office's rows (server schema version 12; 13 finds a
name blank as the plugin does)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import (
    BRIGADE,
    history_of_version,
    open_store,
    server_side_of_version,
)
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_ROLE,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_ROLE,
    fill,
    illegal,
    raw,
)
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import LedgerError
from zc_enforcement_plugin.core.ledger_records import office_aliases_from
from zc_enforcement_plugin.core.patrols import PatrolRecord

NEW = "罗村自然资源和规划所"
UNJUDGED = "37030220260002"  # fill's: a spot of 罗村镇 with no verdict and no case
LUOCUN_PATROL, TAIHE_PATROL = "XC-2026-0001", "XC-2026-0002"  # fill's


def _install(pg_database, schema, offices) -> list[str]:
    admin = srv.connect(dbname=pg_database)
    try:
        passwords = {login: srv.password_for(login) for login in offices}
        return lp.install(admin, offices=offices, passwords=passwords, schema=schema)
    finally:
        admin.close()


def _rename(pg_database, schema, aliases) -> list[str]:
    """罗村's login given its new name, and the brigade's aliases stored; what install said."""
    said = _install(pg_database, schema, {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))})
    with open_store(pg_database, schema) as brigade:
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, aliases)
    return said


def _rows(store) -> dict[str, set]:
    """What a login sees: its spots, cases, patrols and verdicts (by spot), as ids."""
    spots = {s.id for s in store.spots()}
    return {
        "spots": spots,
        "cases": {r.case_id for r in store.cases()},
        "patrols": {p.id for p in store.patrols()},
        "verdicts": {(i, len(store.verdict_history(i))) for i in spots},
    }


def _of(brigade, office: str) -> dict[str, set]:
    """What the brigade sees recorded under `office`: its spots (SMC) with their verdicts, its
    cases and its patrols."""
    spots = {s.id for s in brigade.spots() if s.office == office}
    return {
        "spots": spots,
        "cases": {r.case_id for r in brigade.cases() if r.office == office},
        "patrols": {p.id for p in brigade.patrols() if p.office == office},
        "verdicts": {(i, len(brigade.verdict_history(i))) for i in spots},
    }


def test_a_renamed_office_sees_and_carries_on_what_it_recorded_under_its_old_name(
    pg_database, schema, tmp_path
):
    """The reviewer's steps: after the rename 罗村's login saw neither its patrol nor the case
    opened on it (a patrol's case has no town), and could not open a case on its own spot
    still delivered under the old SMC, while the brigade and the reports counted them as its."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        unjudged = next(s.id for s in brigade.spots() if s.number == UNJUDGED)
        brigade.record_verdict(unjudged, illegal())
        past = _of(brigade, LUOCUN)
        patrol_case = next(r.case_id for r in brigade.cases() if r.origin == ORIGIN_PATROL)
    assert past["patrols"] == {LUOCUN_PATROL} and patrol_case in past["cases"]

    _rename(pg_database, schema, {LUOCUN: NEW})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert _rows(luocun) == past
        # Its own case under the old name takes its steps, as the same office's.
        luocun.add_case_event(
            patrol_case, CaseEvent(patrol_case, Stage.VERIFY, dt.date(2026, 3, 9), "张三")
        )
        assert luocun.case(patrol_case).has(Stage.VERIFY)
        # A case opened on its spot delivered under the old name takes the spot's office.
        opened = luocun.open_case(ORIGIN_SPOT, spot_id=unjudged)
        assert luocun.case_record(opened).office == LUOCUN
        # A new patrol is recorded under the office's name now, as the plugin records it.
        luocun.add_patrol(PatrolRecord("XC-2026-0101", NEW, dt.date(2026, 3, 10), ["张三"]))
        with pytest.raises(LedgerError):
            luocun.add_patrol(PatrolRecord("XC-2026-0102", LUOCUN, dt.date(2026, 3, 10), ["张三"]))
        assert {p.id for p in luocun.patrols()} == {LUOCUN_PATROL, "XC-2026-0101"}
    # Nothing recorded was renamed: the old rows keep the name they were written with.
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        assert _of(brigade, LUOCUN)["cases"] == past["cases"] | {opened}
        assert _of(brigade, LUOCUN)["patrols"] == {LUOCUN_PATROL}
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert {r.office for r in taihe.cases()} == {TAIHE}
        assert {p.office for p in taihe.patrols()} == {TAIHE}


def test_without_the_alias_the_renamed_login_sees_nothing_of_the_old_name_but_its_towns(
    pg_database, schema, tmp_path
):
    """The alias is the brigade's word that the two names are one office: until it is stored
    the new name's login sees the old name's patrol, and a case known by its name alone, no
    more than any other office's."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        patrol_case = next(r.case_id for r in brigade.cases() if r.origin == ORIGIN_PATROL)
    _install(pg_database, schema, {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert luocun.patrols() == []
        assert patrol_case not in {r.case_id for r in luocun.cases()}


def test_an_alias_shows_no_office_another_offices_rows(pg_database, schema, tmp_path):
    """罗村 renamed: its login sees none of 太河's rows, and 太河's login none of 罗村's old
    name. An alias naming an existing office as the new name is the brigade's decision (two
    offices merged): honoured as written, old -> new, never the other way."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        taihe_rows = _of(brigade, TAIHE)
        luocun_rows = _of(brigade, LUOCUN)
    _rename(pg_database, schema, {LUOCUN: NEW, "太河所": TAIHE})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert _rows(luocun) == luocun_rows
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert _rows(taihe) == taihe_rows

    # The brigade merges the old 罗村 into 太河 (as written): 太河 sees 罗村's patrol and the
    # case known by its name alone; the login named 罗村's new name no longer does, and 太河
    # sees nothing of the new name's.
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        luocun.add_patrol(PatrolRecord("XC-2026-0101", NEW, dt.date(2026, 3, 10), ["张三"]))
    with open_store(pg_database, schema) as brigade:
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: TAIHE})
        patrol_case = next(r.case_id for r in brigade.cases() if r.origin == ORIGIN_PATROL)
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert {p.id for p in taihe.patrols()} == {TAIHE_PATROL, LUOCUN_PATROL}
        assert patrol_case in {r.case_id for r in taihe.cases()}
        assert not luocun_rows["spots"] & {s.id for s in taihe.spots()}  # spots go by town
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert {p.id for p in luocun.patrols()} == {"XC-2026-0101"}
        assert patrol_case not in {r.case_id for r in luocun.cases()}


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        '["罗村自然资源所"]',
        '{"罗村自然资源所": 3}',
        '{"罗村自然资源所": "罗村自然资源和规划所", "罗村自然资源和规划所": "罗村自然资源所"}',
        # A name blank as str.strip finds it, the valid alias beside it refused with it: an
        # ideographic space (typed in a Chinese input method), a tab, a no-break space.
        *(
            json.dumps(aliases, ensure_ascii=False)
            for aliases in (
                {"\u3000": TAIHE, LUOCUN: NEW},
                {"\t": TAIHE, LUOCUN: NEW},
                {"太河所": "\xa0", LUOCUN: NEW},
                {" ": NEW, LUOCUN: NEW},
                {"A": "B", "B": "A", LUOCUN: NEW},  # a circle beside a valid alias
            )
        ),
    ],
)
def test_aliases_typed_by_hand_that_the_plugin_refuses_widen_nothing(
    pg_database, schema, tmp_path, stored
):
    """The plugin stores only aliases it has checked (office_aliases_from); one typed by hand
    (psql) that it would refuse shows no login anything more, and keeps every office reading
    its own rows: a policy that failed on it would shut every office out of the ledger."""
    if stored != "not json":  # the plugin refuses each of them, as the server must
        with pytest.raises(LedgerError):
            office_aliases_from(json.loads(stored))
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    _rename(pg_database, schema, {LUOCUN: NEW})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        luocun.add_patrol(PatrolRecord("XC-2026-0101", NEW, dt.date(2026, 3, 10), ["张三"]))
    conn = raw(pg_database, schema, BRIGADE)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ls.T_SETTINGS} SET {ls.C_VALUE} = %s WHERE {ls.C_KEY} = %s",
                (stored, ls.SETTING_OFFICE_ALIASES),
            )
    finally:
        conn.close()
    for login, own in ((LUOCUN_ROLE, {"XC-2026-0101"}), (TAIHE_ROLE, {TAIHE_PATROL})):
        conn = raw(pg_database, schema, login)
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"SELECT {ls.C_PATROL_NUMBER} FROM {ls.T_PATROLS}")
                assert {row[0] for row in cursor.fetchall()} == own
        finally:
            conn.close()


def test_an_office_renamed_three_times_sees_what_it_recorded_under_its_first_name(
    pg_database, schema, tmp_path
):
    """罗村自然资源所 → 罗村所 → 罗村国土所 → 罗村自然资源和规划所: each old name goes to the
    last, however many renames lie between, as office_aliases_from takes them."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    _rename(pg_database, schema, {LUOCUN: "罗村所", "罗村所": "罗村国土所", "罗村国土所": NEW})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert {p.id for p in luocun.patrols()} == {LUOCUN_PATROL}


def test_a_login_still_named_the_old_name_sees_nothing_of_the_new(pg_database, schema, tmp_path):
    """old -> new, never back: a login the office map still gives the old name (a second
    login of the office not yet set up again) keeps its own rows and gains none."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    second = "zc_office_luocun_second"
    _install(pg_database, schema, {second: (LUOCUN, list(LUOCUN_TOWNS))})
    _rename(pg_database, schema, {LUOCUN: NEW})
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        luocun.add_patrol(PatrolRecord("XC-2026-0101", NEW, dt.date(2026, 3, 10), ["张三"]))
    conn = raw(pg_database, schema, second)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT {ls.C_PATROL_NUMBER} FROM {ls.T_PATROLS}")
            assert {row[0] for row in cursor.fetchall()} == {LUOCUN_PATROL}
    finally:
        conn.close()


def test_install_names_no_case_of_an_office_under_its_aliased_old_name(
    pg_database, schema, tmp_path
):
    """Once the login has the new name, install named 罗村's case in 罗村镇 under the old name
    as recorded in the name of an office not holding that town, for the brigade to check: so
    it is, until the alias says the two names are one office; then it is the office's own."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        case = next(
            r.case_id for r in brigade.cases() if r.office == LUOCUN and r.origin == ORIGIN_SPOT
        )
    offices = {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))}
    said = _install(pg_database, schema, offices)
    assert len(said) == 1 and f"case {case} is recorded in the name of {LUOCUN}" in said[0]
    with open_store(pg_database, schema) as brigade:
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: NEW})
    assert _install(pg_database, schema, offices) == []
    with open_store(pg_database, schema) as brigade:  # another office's name is still named
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: TAIHE})
    assert len(_install(pg_database, schema, offices)) == 1


# Every row of a ledger that install must keep, as one text: the spots, the history, the
# batches and the settings.
# (A column version 11 adds, NULL in every row it finds, left out: corrected remarks.) The
# history of the ledgers it is read of, schema 10 and 12.
_EVERYTHING = " || ".join(
    f"coalesce((SELECT json_agg(to_jsonb(t) - '{ls.C_CORRECTED_NOTE}' ORDER BY t.{key}) "
    f"FROM {table} t)::text, '[]')"
    for table, key in (
        (ls.T_BATCHES, ls.C_ID),
        (ls.T_SETTINGS, ls.C_ID),
        (ls.T_SPOTS, ls.C_FID),
        *((table, lps._history_key(table)) for table in history_of_version(10)),
    )
)


def test_upgrading_a_schema_10_ledger_keeps_every_row_and_shows_the_office_its_past(
    pg_database, tmp_path
):
    """A server of version 10 holding 罗村's rows under its old name and the alias: the upgrade
    (run with the login's new name) keeps every row as it was, and the office sees them."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(10):
            assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
            with open_store(pg_database, name, tmp_path=tmp_path) as brigade:
                fill(brigade, tmp_path)
                brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: NEW})
                past = _of(brigade, LUOCUN)
    finally:
        admin.close()
    conn = raw(pg_database, name, BRIGADE)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT " + _EVERYTHING)
            before = cursor.fetchone()[0]
            assert _install(pg_database, name, {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))}) == []
            cursor.execute("SELECT " + _EVERYTHING)
            assert cursor.fetchone()[0] == before
            cursor.execute(
                f"SELECT value FROM {ls.T_META} WHERE key = %s", (lps.META_POSTGIS_VERSION,)
            )
            assert cursor.fetchone()[0] == str(lps.PG_SCHEMA_VERSION) == "15"
    finally:
        conn.close()
    with open_store(pg_database, name, LUOCUN_ROLE, tmp_path) as luocun:
        assert _rows(luocun) == past


def test_an_office_cannot_store_aliases_for_itself(pg_database, schema, tmp_path):
    """The aliases widen what an office sees: only the brigade stores them (the settings are
    the brigade's), by hand as through the plugin."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    conn = raw(pg_database, schema, TAIHE_ROLE)
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ls.T_SETTINGS} ({ls.C_KEY}, {ls.C_VALUE}) VALUES (%s, %s)",
                (ls.SETTING_OFFICE_ALIASES, f'{{"{LUOCUN}": "{TAIHE}"}}'),
            )
    finally:
        conn.close()
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        with pytest.raises(LedgerError):
            taihe.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: TAIHE})
        assert {p.id for p in taihe.patrols()} == {TAIHE_PATROL}


def _case_by_hand(conn, origin: str, of: str, office: str, town: str | None) -> int:
    """A case row typed by hand, as a server before version 9 let any login record it."""
    column = "spot_id" if origin == ORIGIN_SPOT else "patrol_id"
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ls.T_CASES} (origin, {column}, office, town, opened_at, recorded_at) "
            "VALUES (%s, %s, %s, %s, '2026-03-05', 'now') RETURNING id",
            (origin, of, office, town),
        )
        return cursor.fetchone()[0]


def test_install_names_no_case_whose_origin_is_the_same_office_under_its_other_name(
    pg_database, tmp_path
):
    """Before version 9 a case could be recorded under one name of 罗村's office and its patrol
    or spot under the other (the office renamed between the two, or a case typed by hand). With
    the alias stored they are one office: install named them as recorded in another office's
    name, or away from their origin, for the brigade to check. A case of 太河's patrol in 罗村's
    name is still named; nothing is changed."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(8):
            assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
            with open_store(pg_database, name, tmp_path=tmp_path) as brigade:
                fill(brigade, tmp_path)
                unjudged = next(s.id for s in brigade.spots() if s.number == UNJUDGED)
                brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: NEW})
    finally:
        admin.close()
    conn = raw(pg_database, name, BRIGADE)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ls.T_PATROLS} (patrol_number, office, date, staff, recorded_at) "
                f"VALUES ('XC-2026-0101', '{NEW}', '2026-03-05', '[\"张三\"]', 'now')"
            )
        aliased = [
            _case_by_hand(conn, ORIGIN_PATROL, LUOCUN_PATROL, NEW, None),  # old name's patrol
            _case_by_hand(conn, ORIGIN_PATROL, "XC-2026-0101", LUOCUN, None),  # new name's
            _case_by_hand(conn, ORIGIN_SPOT, str(unjudged), NEW, LUOCUN_TOWNS[0]),  # SMC old
        ]
        foreign = _case_by_hand(conn, ORIGIN_PATROL, TAIHE_PATROL, NEW, None)
    finally:
        conn.close()
    # The alias stored before the login is given the new name, and after.
    for offices in (srv.demo_offices(), {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))}):
        said = _install(pg_database, name, offices)
        assert len(said) == 1, said
        assert f"case {foreign} is recorded in the name of {NEW}" in said[0]
        assert not [line for line in said if any(f"case {case} " in line for case in aliased)]
    conn = raw(pg_database, name, BRIGADE)
    try:
        with conn.cursor() as cursor:  # kept as recorded
            cursor.execute(
                f"SELECT office FROM {ls.T_CASES} WHERE id = ANY(%s) ORDER BY id", (aliased,)
            )
            assert [row[0] for row in cursor.fetchall()] == [NEW, LUOCUN, NEW]
    finally:
        conn.close()
