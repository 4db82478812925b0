"""A core message in a Chinese QGIS (i18n.in_interface_language with the zh_CN catalogue) reads
in Chinese alone. Found by review: a whole "中文 / English" pair put inside the Chinese half of
another message (a field's label, a reason, an "overdue" mark, a note glued on after a whole
pair) left its English in what a Chinese user reads, or had the whole line shown twice."""

from __future__ import annotations

import re

import pytest
from qgis.PyQt.QtCore import QCoreApplication
from shapely.geometry import Point

from tests.test_ledger import _spot
from zc_enforcement_plugin.core.ledger_delivery import vet_spots
from zc_enforcement_plugin.core.ledger_records import ImportReport
from zc_enforcement_plugin.i18n import (
    BILINGUAL_SEPARATOR,
    in_interface_language,
    install_translator,
)

# An English word of a message's English half (values such as U+FFFD, JCBH or Point aside).
ENGLISH = re.compile(r"\b(?:not|field|name|value|contains|imported|read|polygon|spot)\b")


@pytest.fixture
def in_chinese(qgis_app):
    """What a Chinese QGIS shows of a core message."""
    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    try:
        yield in_interface_language
    finally:
        QCoreApplication.removeTranslator(translator)


def assert_chinese_alone(shown: str, line: str) -> None:
    assert shown != line, f"shown whole: {line}"
    assert not ENGLISH.search(shown), shown


def test_a_misdecoded_field_refused_at_import_reads_in_chinese_alone(in_chinese):
    """字段名 / field name and the reason were whole pairs inside the Chinese half."""
    spot = _spot("M1", 0, PDYY="占用\ufffd\ufffd地", BZ="锟斤拷锟斤拷")
    spot.attributes["ÌØÊâ"] = "x"  # the field name 特殊, GBK read as Latin-1
    point = _spot("M2", 1)
    point.geometry = Point(0, 0)
    report = ImportReport("b")
    vet_spots([spot, point], report)
    lines = report.lines()[1:]
    assert len(lines) == 4, lines
    for line in lines:
        assert_chinese_alone(in_chinese(line), line)
        assert (
            "未导入" in in_chinese(line) and "not imported" in line.split(BILINGUAL_SEPARATOR)[-1]
        )
    said = {issue.field: in_chinese(str(issue)) for issue in report.errors}
    assert "字段值 '占用\ufffd\ufffd地'：含替换字符 U+FFFD" in said["PDYY"], said
    assert "“锟斤拷”" in said["BZ"] and "字段名 'ÌØÊâ'" in said["ÌØÊâ"], said
    assert "应为“特殊”" in said["ÌØÊâ"], said
    assert "图斑几何须为面，而非 Point" in said["geometry"], said


def test_a_server_refusing_a_connection_saved_without_a_user_reads_in_chinese_alone(
    in_chinese, monkeypatch
):
    """The note of who the login is (no user name saved) was a whole pair glued on after the
    refusal's English half; the hint to check the network was passed in inside the detail."""
    import getpass

    from zc_enforcement_plugin.core.ledger import LedgerError
    from zc_enforcement_plugin.core.ledger_postgis_session import PostGISSession

    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.delenv("PGSERVICE", raising=False)
    with pytest.raises(LedgerError) as refused:  # nothing listens on port 1
        PostGISSession({"host": "127.0.0.1", "port": "1", "dbname": "zc"}, "zc")
    message = str(refused.value)
    shown = in_chinese(message)
    assert not re.search(r"\b(?:cannot|check|network|connection saves)\b", shown), shown
    assert "无法连接数据库服务器 127.0.0.1:1/zc" in shown and "请检查网络" in shown, shown
    assert f"以本机操作系统用户 {getpass.getuser()} 登录" in shown, shown
    english = message.split(BILINGUAL_SEPARATOR)[-1]
    assert "check the network" in english and "operating-system user" in english, message
