"""The shared ledger in a database whose server encoding is not UTF8 (CREATE DATABASE …
ENCODING 'EUC_CN' or 'LATIN1'). A new ledger is refused there by install, in words, before
anything is changed (only UTF8 holds every name: EUC_CN is GB2312 and lacks 堃, LATIN1 holds no
Chinese), and so is any ledger in SQL_ASCII. A ledger an earlier plugin installed there (before
install refused it) keeps opening and upgrading, warned of once, and a save of a character it
cannot hold is refused with a LedgerError naming the spot, the field and the character, the
ledger as it was: it stopped with Python's bare UnicodeEncodeError. The office aliases' names
are found blank as the plugin finds them (server schema 14; 13's regex did so in UTF8 alone),
the Chinese text kept as it was through the upgrade."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store, server_side_of_version
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_ROLE,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_ROLE,
    fill,
    illegal,
    raw,
    spot,
)
from tests.test_postgis_office_aliases import _EVERYTHING, LUOCUN_PATROL, NEW, TAIHE_PATROL
from zc_enforcement_plugin.core import evidence
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import LedgerError
from zc_enforcement_plugin.core.patrols import PatrolRecord

SCHEMA = "zc_ledger"
# Names the plugin finds blank or not, beside every character str.isspace finds.
_NAMES = ["", "罗村自然资源所", "\u3000罗村", "罗村\u3000", "a", "\u3000\u3000", " \t"]


@pytest.fixture
def database_in(pg_database) -> Iterator:
    """A function making a new database with PostGIS in the given server encoding (the
    server pg_database started); each dropped at the end."""
    made = []

    def make(encoding: str) -> str:
        name = f"zc_test_{encoding.lower()}_{os.getpid()}"
        admin = srv.connect(dbname="postgres")
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING %s '
                    "LC_COLLATE 'C' LC_CTYPE 'C'",
                    (encoding,),
                )
        finally:
            admin.close()
        made.append(name)
        conn = srv.connect(dbname=name)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("CREATE EXTENSION postgis")
        finally:
            conn.close()
        return name

    yield make
    for name in made:
        srv.drop_database(name)


def _install(database: str, offices, version: int | None = None) -> list[str]:
    admin = srv.connect(dbname=database)
    try:
        with server_side_of_version(version or lps.PG_SCHEMA_VERSION):
            return lp.install(admin, offices, [BRIGADE], schema=SCHEMA)
    finally:
        admin.close()


@contextlib.contextmanager
def _install_as_before_utf8_was_required() -> Iterator[None]:
    """install as the plugins before this one ran it, to make the ledgers in EUC_CN or LATIN1
    that bureaus hold from then: they refused SQL_ASCII alone. Nothing else of install has
    changed since (the server schema is the same), so the ledger is one they made."""
    check = lps._check_server_encoding

    def refusing_sql_ascii_alone(cursor, *_schema) -> None:
        cursor.execute("SELECT current_setting('server_encoding')")
        assert cursor.fetchone()[0] != "SQL_ASCII"

    lps._check_server_encoding = refusing_sql_ascii_alone
    try:
        yield
    finally:
        lps._check_server_encoding = check


def _install_before(database: str, offices, version: int | None = None) -> list[str]:
    """The ledger in ``database`` as an earlier plugin of server schema ``version`` (this one's
    by default) installed it."""
    with _install_as_before_utf8_was_required():
        return _install(database, offices, version)


def _fetch(conn, statement: str, params=()) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


@pytest.mark.parametrize("encoding", ["UTF8", "EUC_CN"])
def test_a_name_is_blank_on_the_server_as_the_plugin_finds_it(database_in, encoding):
    """Each whitespace character Python knows (and names beside them) that the database can
    hold, tested on the server as the policies test an alias's names: the same answer as
    str.strip. In EUC_CN version 13's regex took an ideographic space for a name."""
    database = database_in(encoding)
    conn = srv.connect(dbname=database)
    conn.autocommit = True
    checked = []
    try:
        for text in _NAMES + [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]:
            try:
                [(blank,)] = _fetch(conn, "SELECT " + lps.python_blank_sql("%s"), (text,))
            except (UnicodeEncodeError, psycopg2.errors.UntranslatableCharacter):
                continue  # not a character of this encoding: no name can hold it
            assert blank is (not text.strip()), (encoding, text)
            checked.append(text)
    finally:
        conn.close()
    assert "\u3000" in checked and "\u3000罗村" in checked and len(checked) >= len(_NAMES) + 10


def test_a_ledger_in_euc_cn_upgraded_from_12_refuses_an_alias_the_plugin_refuses(
    database_in, tmp_path
):
    """A server of version 12 in EUC_CN with 罗村's rows, the brigade's alias of 罗村's old name
    typed by hand beside a name of an ideographic space (which the plugin refuses): after the
    upgrade every row is as it was, the setting refused as a whole, so the renamed login sees
    no more than its own; the alias alone, stored again, shows it its past, names intact."""
    database = database_in("EUC_CN")
    assert _install_before(database, srv.demo_offices(), 12) == []
    with server_side_of_version(12), open_store(database, SCHEMA, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    typed = json.dumps({"\u3000": TAIHE, LUOCUN: NEW}, ensure_ascii=False)
    conn = raw(database, SCHEMA, BRIGADE)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ls.T_SETTINGS} ({ls.C_KEY}, {ls.C_VALUE}) VALUES (%s, %s)",
                (ls.SETTING_OFFICE_ALIASES, typed),
            )
        [(before,)] = _fetch(conn, "SELECT " + _EVERYTHING)
        said = _install(database, {LUOCUN_ROLE: (NEW, list(LUOCUN_TOWNS))})
        # Upgraded, not refused, the encoding said; and, not the alias's: 罗村's case in 罗村镇
        # is in another office's name for the new login.
        assert len(said) == 2 and "has the server encoding EUC_CN, not UTF8" in said[0], said
        assert f"is recorded in the name of {LUOCUN}" in said[1], said
        assert _fetch(conn, "SELECT " + _EVERYTHING) == [(before,)]
        assert _fetch(conn, f"SELECT * FROM {lps.OFFICE_ALIASES}()") == []
        assert _fetch(
            conn, f"SELECT value FROM {ls.T_META} WHERE key = %s", (lps.META_POSTGIS_VERSION,)
        ) == [(str(lps.PG_SCHEMA_VERSION),)]
    finally:
        conn.close()
    for login, patrols in ((LUOCUN_ROLE, []), (TAIHE_ROLE, [(TAIHE_PATROL, TAIHE)])):
        conn = raw(database, SCHEMA, login)
        try:
            assert _fetch(conn, f"SELECT patrol_number, office FROM {ls.T_PATROLS}") == patrols
        finally:
            conn.close()
    with open_store(database, SCHEMA, tmp_path=tmp_path) as brigade:
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {LUOCUN: NEW})
    conn = raw(database, SCHEMA, LUOCUN_ROLE)
    try:
        assert _fetch(conn, f"SELECT * FROM {lps.OFFICE_ALIASES}()") == [(LUOCUN, NEW)]
        assert _fetch(conn, f"SELECT patrol_number, office FROM {ls.T_PATROLS}") == [
            (LUOCUN_PATROL, LUOCUN)
        ]
    finally:
        conn.close()


def test_install_refuses_a_database_in_sql_ascii_naming_it_before_changing_anything(
    database_in,
):
    """SQL_ASCII keeps any client's bytes unconverted: install failed at its first Chinese
    text with a bare UnicodeEncodeError. Refused now in words, naming database and encoding."""
    database = database_in("SQL_ASCII")
    with pytest.raises(LedgerError) as refused:
        _install(database, srv.demo_offices())
    said = str(refused.value)
    assert f"数据库 {database} 的服务器编码为 SQL_ASCII" in said
    assert f"the database {database!r} has the server encoding SQL_ASCII" in said
    assert "nothing was changed" in said and "ENCODING 'UTF8'" in said
    conn = srv.connect(dbname=database)
    try:
        assert _fetch(conn, "SELECT to_regnamespace(%s)", (SCHEMA,)) == [(None,)]
    finally:
        conn.close()


@pytest.mark.parametrize("encoding", ["EUC_CN", "LATIN1"])
def test_install_refuses_a_new_ledger_in_a_database_not_in_utf8_before_changing_anything(
    database_in, encoding
):
    """install took EUC_CN and LATIN1: a save of 堃 (or, in LATIN1, of any Chinese) stopped
    later with a bare UnicodeEncodeError. A new ledger is refused now, naming the database,
    its encoding and what to do; no schema is made."""
    database = database_in(encoding)
    with pytest.raises(LedgerError) as refused:
        _install(database, srv.demo_offices())
    said = str(refused.value)
    assert f"数据库 {database} 的服务器编码为 {encoding}" in said
    assert f"the database {database!r} has the server encoding {encoding}" in said
    assert "nothing was changed" in said and "ENCODING 'UTF8' TEMPLATE template0" in said
    conn = srv.connect(dbname=database)
    try:
        assert _fetch(conn, "SELECT to_regnamespace(%s)", (SCHEMA,)) == [(None,)]
    finally:
        conn.close()


def _refused(save, *, spot_number: str, field: str, character: str) -> str:
    """``save`` refused as a text the database cannot hold, naming the spot (or case,
    patrol, setting: ``spot_number`` is what must be named), the field and the character."""
    with pytest.raises(LedgerError) as refused:
        save()
    said = str(refused.value)
    point = f"U+{ord(character):04X}"
    assert f"不能保存字“{character}”（{point}）" in said, said
    assert f"{character!r} ({point})" in said and "nothing was saved" in said, said
    assert spot_number in said and f"字段 {field}" in said and f"field {field}" in said, said
    assert isinstance(refused.value.__cause__, UnicodeEncodeError)  # what it was before
    return said


def _filled_before_in_euc_cn(database_in, tmp_path) -> str:
    """A database in EUC_CN holding a ledger an earlier plugin installed there, filled with
    what GB2312 holds, spot 37030220260003 judged illegal too (a case may be opened on it)."""
    database = database_in("EUC_CN")
    assert _install_before(database, srv.demo_offices()) == []
    with open_store(database, SCHEMA, tmp_path=tmp_path) as store:
        fill(store, tmp_path)
        ids = {s.number: s.id for s in store.spots()}
        store.record_verdict(ids["37030220260003"], illegal())
    return database


def test_a_ledger_installed_in_euc_cn_before_is_upgraded_and_opened_warned_once(
    database_in, tmp_path
):
    """Not locked out: install upgrades it (what it holds as it was) and says the encoding,
    and opening it says once that a character outside EUC_CN cannot be saved."""
    database = _filled_before_in_euc_cn(database_in, tmp_path)
    conn = raw(database, SCHEMA, BRIGADE)
    try:
        [(before,)] = _fetch(conn, "SELECT " + _EVERYTHING)
        [notice] = _install(database, srv.demo_offices())
        assert f"{database!r} has the server encoding EUC_CN, not UTF8" in notice
        assert _fetch(conn, "SELECT " + _EVERYTHING) == [(before,)]
    finally:
        conn.close()
    with open_store(database, SCHEMA, tmp_path=tmp_path) as store:
        [opened] = store.opening_notices
        assert f"台帐所在数据库 {database} 的服务器编码为 EUC_CN，而非 UTF8" in opened
        assert "EUC_CN is GB2312" in opened and "nothing recorded is affected" in opened
        assert len(store.spots()) == 7 and len(store.cases()) == 3


def test_a_ledger_in_euc_cn_refuses_each_save_it_cannot_hold_naming_spot_field_character(
    database_in, tmp_path
):
    """Each save of a character GB2312 lacks — a verdict's verifier (堃) or remarks (𠮷),
    evidence, a case and its step, a patrol, an import's spot field, a setting's office name —
    stopped with a bare UnicodeEncodeError. Now each is refused naming the spot (or case,
    patrol, setting), the field and the character, every row as it was; a save GB2312 holds
    still goes in."""
    database = _filled_before_in_euc_cn(database_in, tmp_path)
    conn = raw(database, SCHEMA, BRIGADE)
    try:
        [(before,)] = _fetch(conn, "SELECT " + _EVERYTHING)
        with open_store(database, SCHEMA, tmp_path=tmp_path) as store:
            spots = {s.number: s.id for s in store.spots()}
            judged, other = spots["37030220260000"], spots["37030220260003"]
            case = next(c for c in store.cases() if c.spot_id == judged)
            _refused(
                lambda: store.record_verdict(judged, illegal(verifier="王堃")),
                spot_number="图斑 37030220260000",
                field="verifier",
                character="堃",
            )
            _refused(
                lambda: store.record_verdict(other, illegal(note="见𠮷")),
                spot_number="spot 37030220260003",
                field="note",
                character="𠮷",
            )
            photo = tmp_path / "IMG_0002.jpg"
            photo.write_bytes(b"\xff\xd8\xff\xd9 another photo " + os.urandom(64))
            record = evidence.store_evidence_in(store.evidence_dir, str(other), photo, "photo")
            _refused(
                lambda: store.add_evidence(other, dataclasses.replace(record, note="堃拍摄")),
                spot_number="图斑 37030220260003",
                field="note",
                character="堃",
            )
            _refused(
                lambda: store.open_case(ORIGIN_SPOT, spot_id=other, person="王堃"),
                spot_number="图斑 37030220260003",
                field="person",
                character="堃",
            )
            step = CaseEvent(case.case_id, Stage.STOP, dt.date(2026, 3, 7), "王喆")
            _refused(
                lambda: store.add_case_event(case.case_id, step),
                spot_number=f"案件 {case.case_id}（图斑 37030220260000）",
                field="person",
                character="喆",
            )
            patrol = PatrolRecord("XC-2026-0009", LUOCUN, dt.date(2026, 3, 4), ["张三", "王堃"])
            _refused(
                lambda: store.add_patrol(patrol),
                spot_number="巡查 XC-2026-0009",
                field="staff",
                character="堃",
            )
            delivered = spot("37030220260004", 4, LUOCUN_TOWNS[0], LUOCUN)
            delivered.attributes["XMMC"] = "梓橦山采石场"
            _refused(
                lambda: store.import_batch("2026年第2季度", [delivered], source="jctb.shp"),
                spot_number="图斑 37030220260004",
                field="XMMC",
                character="橦",
            )
            _refused(
                lambda: store.set_setting(ls.SETTING_OFFICE_ALIASES, {"罗村堃所": LUOCUN}),
                spot_number="“罗村堃所”",
                field=ls.SETTING_OFFICE_ALIASES,
                character="堃",
            )
            assert _fetch(conn, "SELECT " + _EVERYTHING) == [(before,)]
            assert store.record_verdict(judged, illegal(verifier="王五")) > 0  # not locked out
    finally:
        conn.close()


def test_install_on_a_ledger_in_euc_cn_refuses_an_office_name_it_cannot_hold(database_in):
    """An upgrade of a ledger installed in EUC_CN before, naming an office's town in a
    character GB2312 lacks, is refused naming the office's login, the text and the character,
    the office map as it was. (No ledger in LATIN1 was ever made: the schema's own Chinese
    stopped every install there, so only the refusal of a new one is tested in LATIN1.)"""
    database = database_in("EUC_CN")
    offices = {LUOCUN_ROLE: (LUOCUN, list(LUOCUN_TOWNS))}
    assert _install_before(database, offices) == []
    with pytest.raises(LedgerError) as refused:
        _install(database, {LUOCUN_ROLE: (LUOCUN, [*LUOCUN_TOWNS, "堃山镇"])})
    said = str(refused.value)
    assert f"字段 offices[{LUOCUN_ROLE}]（“堃山镇”）" in said, said
    assert "'堃' (U+5803)" in said and "nothing was saved" in said, said
    assert isinstance(refused.value.__cause__, UnicodeEncodeError)
    conn = srv.connect(dbname=database)
    try:
        towns = _fetch(conn, f"SELECT town FROM {SCHEMA}.{lps.T_OFFICE_TOWNS} ORDER BY town")
        assert towns == sorted((town,) for town in LUOCUN_TOWNS)
    finally:
        conn.close()
