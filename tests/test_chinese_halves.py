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


# English words of the halves fixed below (a layer's, a holiday file's, a ledger's).
ENGLISH_OF_PLACES = re.compile(
    r"\b(?:layer|longitude|bureau|ledger|holiday|schedule|only|first|second|differs|"
    r"case opened|official|file)\b",
    re.IGNORECASE,
)


def assert_in_chinese_alone(shown: str, line: str, *values: str) -> None:
    """``shown`` is Chinese alone (the ``values``, paths, set aside) and keeps each value."""
    assert shown != line, f"shown whole: {line}"
    bare = shown
    for value in values:
        assert value in shown, (value, shown)
        bare = bare.replace(value, "")
    assert not ENGLISH_OF_PLACES.search(bare), shown


@pytest.mark.parametrize(
    ("crs", "centre", "chinese"),
    [
        (None, None, "图层 地类图斑：没有坐标系，请先设置"),
        ("EPSG:4326", (200.0, 10.0), "图层 地类图斑：图斑所在经度 200.000°"),
        ("EPSG:4326", None, "图层 地类图斑：需要经纬度中心点"),
    ],
)
def test_a_layer_refused_for_its_crs_reads_in_chinese_alone(in_chinese, crs, centre, chinese):
    """The label 图层 X / layer X was a whole pair inside the refusal's Chinese half."""
    from zc_enforcement_plugin.core import areas

    with pytest.raises(ValueError) as refused:
        areas.measuring_epsg(crs, centre, layer_name="地类图斑")
    message = str(refused.value)
    shown = in_chinese(message)
    assert_in_chinese_alone(shown, message)
    assert shown.startswith(chinese), shown
    assert message.split(BILINGUAL_SEPARATOR)[-1].startswith("layer 地类图斑: "), message


def test_a_year_without_a_holiday_schedule_reads_in_chinese_alone(in_chinese):
    """Where the year goes, when no ledger's file is known or on a shared ledger, was a whole
    pair inside the Chinese half: of the refusal, of the estimate's warning on a deadline (the
    line the dock shows) and of the calendar's own once-a-year warning."""
    import datetime as dt

    from tests.test_cases import S, case_of
    from zc_enforcement_plugin.core import workdays

    refusal = str(workdays.UnknownScheduleError(2099))
    shown = in_chinese(refusal)
    assert_in_chinese_alone(shown, refusal)
    assert "台帐旁的本局节假日文件 holidays.json" in shown, shown
    assert "the bureau's holidays.json" in refusal.split(BILINGUAL_SEPARATOR)[-1], refusal

    for add_to in (None, workdays.SHARED_HOLIDAYS_LABEL):
        strict = workdays.WorkCalendar(local_file=None, use_library=False, add_to=add_to)
        with pytest.raises(workdays.UnknownScheduleError) as unknown:
            strict.is_working_day(dt.date(2099, 3, 2))
        assert_in_chinese_alone(in_chinese(str(unknown.value)), str(unknown.value))
        lenient = workdays.WorkCalendar(
            local_file=None, use_library=False, strict=False, add_to=add_to
        )
        case = case_of((S.DISCOVER, "2099-03-02"))
        warnings = [d.warning for d in case.deadlines(calendar=lenient, today=dt.date(2099, 3, 2))]
        warnings = [w for w in warnings if w] + lenient.warnings
        assert len(warnings) >= 2, warnings
        for warning in warnings:
            shown = in_chinese(warning)
            assert_in_chinese_alone(shown, warning)
            assert "中加入2099年" in shown, shown


def test_holiday_schedules_differing_between_two_ledgers_read_in_chinese_alone(
    in_chinese, tmp_path
):
    """The year's label 节假日安排 / holiday schedule was a whole pair inside the Chinese half,
    and the two ledgers' files were joined by " / ", read as the halves' separator."""
    import json

    from tests.holiday_notices import complete_year
    from zc_enforcement_plugin.core import ledger
    from zc_enforcement_plugin.core.ledger_migrate import compare_ledgers

    files = []
    for name, years in (
        ("a", {"2027": complete_year(2027), "2028": complete_year(2028)}),
        ("b", {"2027": complete_year(2027, "2027-03-01")}),
    ):
        (tmp_path / name).mkdir()
        files.append(tmp_path / name / "holidays.json")
        schedule = {year: {"holidays": days} for year, days in years.items()}
        files[-1].write_text(json.dumps(schedule), encoding="utf-8")
        with ledger.GeoPackageLedger(tmp_path / name / "ledger.gpkg"):
            pass
    with (
        ledger.GeoPackageLedger(tmp_path / "a" / "ledger.gpkg") as a,
        ledger.GeoPackageLedger(tmp_path / "b" / "ledger.gpkg") as b,
    ):
        differences = [d for d in compare_ledgers(a, b, check_files=False) if "节假日" in d]
    assert len(differences) == 2, differences
    changed, only_first = differences
    shown = in_chinese(changed)
    assert_in_chinese_alone(shown, changed, *map(str, files))
    assert "2027-03-01" in shown, shown
    shown = in_chinese(only_first)
    assert_in_chinese_alone(shown, only_first, str(files[0]))
    assert "2028" in shown and str(files[1]) not in only_first, only_first


def test_the_warning_of_a_year_to_add_names_its_place_in_the_interface_language(in_chinese):
    """ledgersettings' warning put the shared ledger's holiday setting, a whole pair, into a
    translated text: a Chinese QGIS showed its English half too."""
    import datetime as dt

    from zc_enforcement_plugin.core import workdays
    from zc_enforcement_plugin.processing.ledger_settings import missing_schedule_warnings

    shared = workdays.WorkCalendar(
        local_file=None, use_library=False, strict=False, add_to=workdays.SHARED_HOLIDAYS_LABEL
    )
    said = missing_schedule_warnings(shared, dt.date(2099, 11, 2))
    assert len(said) == 2, said
    for warning in said:
        assert workdays.SHARED_HOLIDAYS_LABEL[0] in warning, warning
        assert not ENGLISH_OF_PLACES.search(warning), warning


def test_an_illegal_spot_with_no_case_in_the_dispatch_reads_in_chinese_alone(in_chinese, tmp_path):
    """未立案 / no case opened was a whole pair inside the Chinese half of the line on its
    estimated deadlines, and of the dispatch's note on the case column."""
    import datetime as dt

    from tests.test_reports import _spot_judged_illegal
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    # Strict: no due day at all, which a report names deadline by deadline (an estimate is
    # said once for its year).
    blind = WorkCalendar(local_file=None, use_library=False, strict=True)
    as_of = dt.date(2026, 12, 2)
    store, _ = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25")
    try:
        dispatch = reports.weekly_dispatch(store, reports.Period.week(as_of), blind, as_of)
    finally:
        store.close()
    lines = [w for w in dispatch.warnings if "N1" in w]
    lines += [n for n in dispatch.notes() if reports.NO_CASE_ZH in n]
    assert len(lines) >= 3, lines
    for line in lines:
        shown = in_chinese(line)
        assert_in_chinese_alone(shown, line)
        assert "未立案" in shown, shown
    assert in_chinese(lines[0]).startswith("违法图斑 N1（未立案） 书面报告执法监察大队："), lines


def test_a_deadline_warned_of_in_a_report_is_named_in_each_half(in_chinese, tmp_path):
    """A report's line on a deadline's warning named the deadline in its Chinese half alone
    ("违法图斑 N1（未立案） 书面报告执法监察大队 / spot N1 (no case opened): …"): an English
    reader was not told which of the spot's deadlines was estimated."""
    import datetime as dt

    from tests.test_reports import _spot_judged_illegal
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    # Strict: no due day at all, which a report names deadline by deadline (an estimate is
    # said once for its year).
    blind = WorkCalendar(local_file=None, use_library=False, strict=True)
    as_of = dt.date(2026, 12, 2)
    store, _ = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25")
    try:
        dispatch = reports.weekly_dispatch(store, reports.Period.week(as_of), blind, as_of)
    finally:
        store.close()
    lines = [w for w in dispatch.warnings if w.startswith("违法图斑 N1")]
    [line] = [w for w in lines if "书面报告执法监察大队" in w.split(BILINGUAL_SEPARATOR)[0]]
    label_en = line.split(BILINGUAL_SEPARATOR)[1].split(": ")[0]
    assert label_en == "spot N1 (no case opened) written report to the brigade", line
    for line in lines:  # each deadline's line: its English label longer than the spot's
        label_en = line.split(BILINGUAL_SEPARATOR)[1].split(": ")[0]
        assert label_en != "spot N1 (no case opened)", line
        # Read as a label in a Chinese QGIS: the Chinese label, then the warning's own half
        # (the workbook's notes read the same: the line's Chinese half).
        subject, label_zh = "违法图斑 N1（未立案） ", line.split("：")[0]
        assert label_zh.startswith(subject) and len(label_zh) > len(subject), line
        assert in_chinese(line) == line.chinese, line
        assert "estimate" not in in_chinese(line), in_chinese(line)


def test_a_refresh_of_a_judged_spot_with_a_case_reads_in_chinese_alone(in_chinese):
    """What is recorded on a changed spot (already judged, has a case) was said as pairs
    joined with "，" inside the Chinese half of the refresh's warning."""
    from zc_enforcement_plugin.core.ledger_delivery import say_changes

    report = ImportReport("b")
    say_changes("S1", ["TBMJ 400.00 → 512.50"], True, 7, report)
    line = report.warnings[0].message
    shown = in_chinese(line)
    assert shown != line, line
    assert not re.search(r"\b(?:already|judged|has case|check it|changes)\b", shown), shown
    assert "TBMJ 400.00 → 512.50" in shown and "已有核查结论，已有案件 7（仍由原所办理）" in shown
    english = line.split(BILINGUAL_SEPARATOR)[-1]
    assert (
        english
        == "this delivery changes: TBMJ 400.00 → 512.50; already judged, has case 7; check it"
    ), line


def test_a_refresh_moving_a_judged_spot_and_removing_its_pieces_reads_in_chinese_alone(
    in_chinese,
):
    """What refresh_changes says of a moved outline and of the screening pieces it removed was
    each a whole "中文 / English" pair, joined into the Chinese half of the refresh's warning:
    a Chinese QGIS showed "outline moved …", "pieces removed …" after the Chinese."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core.domain import SPOT_PIECES
    from zc_enforcement_plugin.core.ledger_delivery import (
        FIGURE_COLUMNS,
        Recorded,
        Vetted,
        refresh_changes,
        say_changes,
    )

    figures = [None] * len(FIGURE_COLUMNS)
    recorded = Recorded(1, {SPOT_PIECES: [{"layer": "DLTB"}]}, figures, box(0, 0, 100, 100))
    moved = Vetted("S1", box(300, 0, 400, 100), {}, figures)  # as keep_recorded leaves it
    changes = refresh_changes(recorded, moved)
    report = ImportReport("b")
    say_changes("S1", changes, True, None, report)
    line = report.warnings[0].message
    shown = in_chinese(line)
    assert shown != line, line
    assert not re.search(r"[A-Za-z]{3,}", shown.replace("PIECES", "")), shown
    assert "中心移动 300.00 m" in shown and "1 块压占图斑已删除" in shown, shown
    assert "已有核查结论，请核对" in shown, shown
    english = line.split(BILINGUAL_SEPARATOR)[-1]
    assert not re.search("[\u4e00-\u9fff]", english), line
    assert "centre moved 300.00 m" in english and "1 screening pieces removed" in english, line
    assert english.endswith("already judged; check it"), line


def test_a_mis_decoded_field_refused_at_screening_reads_in_chinese_alone(in_chinese):
    """The reason, a whole "中文 / English" pair, went into the translated refusal."""
    import numpy as np

    from zc_enforcement_plugin.processing.layer_reader import SourceArrays, misdecoded_text

    garbled = "淄川".encode("gbk").decode("latin-1")
    values = ["0101", None, 3, garbled, "x"]
    arrays = SourceArrays(np.empty(len(values), dtype=object), {"MC": values}, np.arange(5))
    said = misdecoded_text(arrays, "L")
    assert "字段 MC 的文字疑似编码错误" in said, said
    assert "疑似 GBK 字节被按 latin-1 读出（应为“淄川”）" in said, said
    assert BILINGUAL_SEPARATOR not in said and "looks like" not in said, said


@pytest.mark.parametrize("name", ["西部图斑", "spots", "DLTB 2023"])
def test_a_spot_layer_out_of_the_zones_refused_at_screening_reads_in_chinese_alone(
    in_chinese, provider, name
):
    """screenspots put the core's whole "中文 / English" refusal after the layer's name in
    the translated "{layer}: {error}": the English showed, or the line was shown whole. The
    layer's name now goes into each half."""
    import processing
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsVectorLayer

    spots = QgsVectorLayer("Polygon?crs=EPSG:4490&field=JCBH:string", name, "memory")
    feature = QgsFeature(spots.fields())
    feature.setAttributes(["1"])
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((10 40,10.001 40,10.001 40.001,10 40))"))
    spots.dataProvider().addFeatures([feature])
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": "memory:"})
    shown = str(refused.value)
    assert shown.startswith(f"图层 {name}：图斑所在经度 10.000°"), shown
    assert BILINGUAL_SEPARATOR not in shown and "longitude" not in shown, shown


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (
            "字段 PDYY：4 个图斑的文本含 GBK 无法表示的符号，已改写 / field PDYY: in 4 spots "
            "symbols GBK lacks were written out",
            "字段 PDYY：4 个图斑的文本含 GBK 无法表示的符号，已改写",
        ),
        (
            "无法读取 / cannot read: /tmp/my data/台帐.gpkg",
            "无法读取：/tmp/my data/台帐.gpkg",
        ),
    ],
    ids=["a-sentence-with-a-number", "a-path-with-a-space"],
)
def test_an_english_sentence_after_a_label_is_not_taken_for_a_value(in_chinese, line, shown):
    """After "label: " the English half said "in 4 spots symbols GBK lacks…": its second word a
    number, the sentence was taken for a value the Chinese half lacks and shown after it. A
    path, spaces and all, still is one."""
    assert in_chinese(line) == shown


def test_a_change_kept_with_a_spot_is_split_into_halves_only_where_that_is_safe():
    """change_halves: what refresh_changes keeps with a spot, read back for the dock's page and
    the refusal of a save on a re-delivered spot. A value holding " / " and a change kept by
    an earlier release in both languages at once are never cut."""
    from zc_enforcement_plugin.core.ledger_rows import change_halves

    halves = ("图形中心移动 3.00 m，边界最大偏移 4.00 m", "outline centre moved 3.00 m, shift 4 m")
    assert change_halves(" / ".join(halves)) == halves
    for whole in (
        "XZMC 罗村镇 → 南定 / 罗村",
        "BZ 一期 → 二期 / extension",
        "图形 / outline（中心移动 centre moved 3.00 m，边界最大偏移 largest shift 4.00 m）",
        "TBMJ 400.00 → 512.50",
    ):
        assert change_halves(whole) == (whole, whole)


def test_the_causes_of_an_untested_referral_read_in_chinese_alone(in_chinese, provider):
    """The summary of the spots left with SFXS empty counts each cause that occurred in the
    interface's language, joined with a Chinese comma."""
    import processing
    from qgis.core import QgsProcessingFeedback

    from tests.screening_layers import memory_layer, square

    class Infos(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.infos: list[str] = []

        def pushInfo(self, info):  # noqa: N802 - QGIS API
            self.infos.append(info)

    spots = memory_layer([(square(0, 0, 100), ["BIG"]), (None, ["NONE"])], "field=JCBH:string")
    log = Infos()
    processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": "memory:"}, feedback=log)
    [said] = [info for info in log.infos if "SFXS" in info]
    assert (
        "2 个图斑无法判断是否达到刑事移送标准（SFXS 留空）："
        "1 个因未提供地类图斑和永久基本农田图层，1 个因图斑无几何。"
    ) in said, said
    assert "because" not in said and "WDCMJ" not in said, said


def test_no_space_is_left_after_a_full_width_bracket_or_stop_in_the_processing_log(in_chinese):
    """ "{layer} 没有要素" of a layer named with its file read "卫片图斑（/data/a.gpkg） 没有要素";
    a sentence put after another, "。 1 个图斑". The halves of a line shown whole keep theirs."""
    from zc_enforcement_plugin.i18n import closed_up

    assert closed_up("卫片图斑（/data/a.gpkg） 没有要素。 1 个图斑") == (
        "卫片图斑（/data/a.gpkg）没有要素。1 个图斑"
    )
    assert closed_up("无法拆分。 / not split") == "无法拆分。 / not split"
