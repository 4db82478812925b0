"""The shared ledger in a database whose server encoding is not UTF8 (CREATE DATABASE …
ENCODING 'EUC_CN'): the office aliases' names found blank as the plugin finds them (server
schema 14; 13's regex did so in UTF8 alone), the Chinese text kept as it was through the
upgrade; and a database in SQL_ASCII, which cannot hold the ledger's names, refused by install
in words before anything is changed."""

from __future__ import annotations

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
    raw,
)
from tests.test_postgis_office_aliases import _EVERYTHING, LUOCUN_PATROL, NEW, TAIHE_PATROL
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger import LedgerError

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
    assert _install(database, srv.demo_offices(), 12) == []
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
        # Not the alias's: 罗村's case in 罗村镇 is in another office's name for the new login.
        assert len(said) == 1 and f"is recorded in the name of {LUOCUN}" in said[0], said
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
