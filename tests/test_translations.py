"""Every user-visible string has a zh_CN translation; QGIS in Chinese shows the plugin so."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import re
import subprocess
import sys

import pytest
from conftest import REPO
from qgis.PyQt.QtCore import QCoreApplication

from zc_enforcement_plugin.i18n import I18N_DIR, install_translator, tr


@contextlib.contextmanager
def qgis_locale(user_locale: str):
    """QGIS's language setting overridden to `user_locale` for the block (its QgsSettings as
    before afterwards); yields the settings, to change the locale within the block."""
    from qgis.core import QgsSettings

    keys = ("locale/overrideFlag", "locale/userLocale")
    settings = QgsSettings()
    saved = [settings.value(key) for key in keys]
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", user_locale)
    try:
        yield settings
    finally:
        for key, value in zip(keys, saved):
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)


def _catalogue_script():
    """scripts/update_translations.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location(
        "update_translations", REPO / "scripts" / "update_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def catalogue() -> dict[str, str]:
    """The zh_CN catalogue: English source -> Chinese ('' where unfinished)."""
    return _catalogue_script().read_catalogue()


# What tr() may be given other than a literal: the names scripts/update_translations.py
# collects the strings of (an algorithm's DISPLAY_NAME, GROUP, HELP; a *_TITLES dict's values).
_COLLECTED_ATTRIBUTE = re.compile(r"(\w+\.)?(DISPLAY_NAME|GROUP|HELP)")
_COLLECTED_TITLES = re.compile(r"(\w+\.)?\w+_TITLES(\[.+\]|\.values\(\)|\.items\(\))")


def _titles_loop_names(tree: ast.AST) -> set[str]:
    """Names a for loop or comprehension binds to the values of a *_TITLES dict."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and _COLLECTED_TITLES.fullmatch(
            ast.unparse(node.iter)
        ):
            target = node.target
            value = target.elts[-1] if isinstance(target, ast.Tuple) else target
            if isinstance(value, ast.Name):
                names.add(value.id)
    return names


def test_tr_is_given_only_strings_the_catalogue_collects():
    """A title passed to tr() as a variable is never collected into the catalogue and stays
    English in a Chinese QGIS (the dock's Reports menu showed 'Ledger settings: deadline rules
    and ranking weights'): tr() takes a literal, or a name whose strings the script collects."""
    plugin = REPO / "zc_enforcement_plugin"
    uncollected = []
    for path in sorted(plugin.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        loop_names = _titles_loop_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr"):
                continue
            argument = node.args[0]
            text = ast.unparse(argument)
            if (
                (isinstance(argument, ast.Constant) and isinstance(argument.value, str))
                or _COLLECTED_ATTRIBUTE.fullmatch(text)
                or _COLLECTED_TITLES.fullmatch(text)
                or (isinstance(argument, ast.Name) and argument.id in loop_names)
            ):
                continue
            uncollected.append(f"{path.relative_to(REPO)}:{node.lineno}: tr({text})")
    assert not uncollected, "tr() given what the catalogue never sees:\n" + "\n".join(uncollected)


def test_every_string_is_translated():
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout


def test_chinese_catalogue_is_used(qgis_app):
    assert (I18N_DIR / "zc_enforcement_zh_CN.qm").exists(), "run make translations"
    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        assert tr("Screen spots") == "图斑叠加筛查"
        assert tr("ZC Enforcement") == "淄川卫片执法"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert tr("Screen spots") == "Screen spots"


def test_every_chinese_locale_name_gets_the_chinese_catalogue(qgis_app):
    """QGIS's language list offers 简体中文 as zh-Hans, not zh_CN; systems say zh_CN.UTF-8."""

    from zc_enforcement_plugin.i18n import catalogue_for, user_locale

    chinese = I18N_DIR / "zc_enforcement_zh_CN.qm"
    for name in ("zh_CN", "zh-Hans", "zh_Hans", "zh-CN", "zh_CN.UTF-8", "zh", "zh_SG", "zh-Hant"):
        assert catalogue_for(name) == chinese, name
    for name in ("en_US", "en", "C", "de-DE", ""):
        assert catalogue_for(name) is None, name

    with qgis_locale("zh-Hans"):  # what QGIS stores for 简体中文
        assert user_locale() == "zh-Hans"
        translator = install_translator()
        assert translator is not None
        try:
            assert tr("Screen spots") == "图斑叠加筛查"
        finally:
            QCoreApplication.removeTranslator(translator)


@contextlib.contextmanager
def qgis_translation(translation: str):
    """QGIS as started with --lang `translation` (what QgsApplication loaded) for the block."""
    from qgis.core import QgsApplication

    saved = QgsApplication.instance().translation()
    QgsApplication.setTranslation(translation)
    try:
        yield
    finally:
        QgsApplication.setTranslation(saved)


@contextlib.contextmanager
def system_locale(name: str):
    """The system's locale (Qt's default) `name` for the block, QGIS's setting not overridden."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QLocale

    saved_locale, settings = QLocale(), QgsSettings()
    saved_flag = settings.value("locale/overrideFlag")
    settings.setValue("locale/overrideFlag", False)
    QLocale.setDefault(QLocale(name))
    try:
        yield
    finally:
        QLocale.setDefault(saved_locale)
        if saved_flag is None:
            settings.remove("locale/overrideFlag")
        else:
            settings.setValue("locale/overrideFlag", saved_flag)


def _chinese_after_install() -> bool:
    """Whether the catalogue the plugin loads for the language QGIS speaks is Chinese."""
    translator = install_translator()
    try:
        return tr("Screen spots") == "图斑叠加筛查"
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


def test_the_plugin_speaks_the_language_qgis_speaks(qgis_app):
    """`qgis --lang zh-Hans` showed QGIS in Chinese and the plugin in English: the plugin read
    QGIS's language setting only with its override flag on, which --lang does not set."""
    from zc_enforcement_plugin.i18n import user_locale

    with system_locale("en_US"):
        assert user_locale() == "en_US" and not _chinese_after_install()
        # --lang: QGIS loaded its Chinese translation; no override flag, a setting saying
        # English (the Options page of an earlier session), the system English.
        with qgis_locale("en_US") as settings, qgis_translation("zh-Hans"):
            settings.setValue("locale/overrideFlag", False)
            assert user_locale() == "zh-Hans" and _chinese_after_install()
            # The translation QGIS loaded wins over the setting, flag and all: it is what
            # QGIS's own menus speak.
            settings.setValue("locale/overrideFlag", True)
            assert user_locale() == "zh-Hans" and _chinese_after_install()
        # QGIS's Options set to 简体中文 (override flag on) where QGIS loaded no translation.
        with qgis_locale("zh-Hans"):
            assert user_locale() == "zh-Hans" and _chinese_after_install()
        # --lang en under a Chinese setting: English.
        with qgis_locale("zh-Hans"), qgis_translation("en_US"):
            assert user_locale() == "en_US" and not _chinese_after_install()
    # Neither: the system's locale.
    with system_locale("zh_CN"):
        assert user_locale() == "zh_CN" and _chinese_after_install()


def test_verdict_terms_carry_their_english_only_outside_a_chinese_interface(qgis_app):
    """A Chinese technician's combo read "违法 illegal", "设施农用地 facility agricultural land"."""
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.i18n import with_english

    english = ls.CATEGORY_LABELS_EN[ls.VERDICT_ILLEGAL]
    assert with_english(ls.VERDICT_ILLEGAL, english) == "违法 illegal"
    translator = install_translator("zh_CN")
    try:
        assert with_english(ls.VERDICT_ILLEGAL, english) == "违法"
        assert with_english("伪变化", "") == "伪变化"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert with_english(ls.VERDICT_ILLEGAL, english) == "违法 illegal"


def test_help_texts_state_the_domains_figures_in_both_languages(provider, monkeypatch):
    """A threshold or unit a help text states is the domain's, filled in when shown: another
    figure in domain.py is another figure in the help, in English and in Chinese."""
    from zc_enforcement_plugin.core import domain
    from zc_enforcement_plugin.processing.reports import AccountabilityRatio
    from zc_enforcement_plugin.processing.screen_spots import ScreenSpots

    monkeypatch.setattr(domain, "CRIMINAL_BASIC_FARMLAND_MU", 6.0)
    monkeypatch.setattr(domain, "CRIMINAL_CULTIVATED_MU", 12.0)
    monkeypatch.setattr(domain, "ACCOUNTABILITY_RATIO", 0.2)
    monkeypatch.setattr(domain, "APPROVAL_COVER_SHARE", 0.9)
    translator = install_translator("zh_CN")
    try:
        chinese = (ScreenSpots().shortHelpString(), AccountabilityRatio().shortHelpString())
    finally:
        QCoreApplication.removeTranslator(translator)
    english = (ScreenSpots().shortHelpString(), AccountabilityRatio().shortHelpString())
    screen, ratio = english
    assert "basic farmland of 6 mu or more" in screen and "outside it of 12 mu" in screen
    assert "18 mu of cultivated land" in screen and "default 90 %" in screen
    assert "1 mu = 10000/15 m²" in screen and "at least 0.01 mu" in screen
    assert "ratio of 20 % or more" in ratio and "the 20 % line" in ratio
    screen_zh, ratio_zh = chinese
    assert "未批永久基本农田 6 亩及以上" in screen_zh and "未批耕地 12 亩及以上" in screen_zh
    assert "耕地达 18 亩" in screen_zh and "默认 90%" in screen_zh
    assert "达到 20%" in ratio_zh and "20% 问责线" in ratio_zh
    # No placeholder is left unfilled in any algorithm's help.
    for algorithm in provider.algorithms():
        assert not re.search(r"\{\w+\}", algorithm.shortHelpString()), algorithm.name()


def test_qts_own_buttons_are_chinese_in_a_qgis_set_to_simplified_chinese(qgis_app):
    """QGIS set to 简体中文 stores zh-Hans and loads no Qt catalogue for it: the forms' Save and
    Cancel and the questions' Save, Discard, Yes and No were English beside Chinese fields.
    The plugin loads Qt's own zh_CN catalogue then, only then, and removes it at unload."""
    from pathlib import Path

    from qgis.PyQt.QtCore import QLibraryInfo, QTranslator
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    from zc_enforcement_plugin.i18n import install_qt_translator, qt_catalogue_for

    def translate(text: str) -> str:
        return QCoreApplication.translate("QPlatformTheme", text)

    qm = Path(QLibraryInfo.location(QLibraryInfo.TranslationsPath)) / "qtbase_zh_CN.qm"
    assert qm.exists(), (
        f"{qm} is missing: Qt's own Chinese comes with Debian's qttranslations5-l10n "
        "(make setup installs it)"
    )
    for name in ("zh-Hans", "zh_CN", "zh_CN.UTF-8"):
        assert qt_catalogue_for(name) == qm, name
    assert qt_catalogue_for("en_US") is None
    assert translate("Save") == "Save", "a Qt catalogue is in effect before the test"

    with qgis_locale("zh-Hans") as settings:  # what QGIS stores for 简体中文
        translator = install_qt_translator()
        assert translator is not None
        try:
            assert [translate(t) for t in ("Save", "Cancel", "Discard", "Close")] == [
                "保存",
                "取消",
                "丢弃",
                "关闭",
            ]
            box = QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            )
            assert box.button(QDialogButtonBox.StandardButton.Save).text() == "保存"
            # In effect already (QGIS set to zh_CN loads it): not loaded a second time.
            assert install_qt_translator() is None
        finally:
            QCoreApplication.removeTranslator(translator)
        assert translate("Save") == "Save"  # removed at unload: QGIS's own texts again

        # An English QGIS keeps Qt's English.
        settings.setValue("locale/userLocale", "en_US")
        assert install_qt_translator() is None and translate("Save") == "Save"
        # QGIS set to zh_CN loads Qt's catalogue itself: the plugin adds none.
        qgis_own = QTranslator()
        assert qgis_own.load(str(qm))
        QCoreApplication.installTranslator(qgis_own)
        try:
            settings.setValue("locale/userLocale", "zh_CN")
            assert install_qt_translator() is None
        finally:
            QCoreApplication.removeTranslator(qgis_own)


def test_core_messages_keep_their_chinese_half_in_a_chinese_interface(qgis_app):
    """The core writes "中文 / English" (it runs in scripts and qgis_process, with no catalogue):
    a Chinese technician read every refusal twice, the second time in English. Messages made by
    the core itself, so a change of their wording is caught here."""
    from zc_enforcement_plugin.core import cases, workdays
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.ledger_records import Verdict
    from zc_enforcement_plugin.core.ledger_verdicts import validate_verdict
    from zc_enforcement_plugin.i18n import in_interface_language

    refusals = "\n".join(
        validate_verdict(
            Verdict(ls.VERDICT_ILLEGAL, kind=None, verifier=" ", verified_on=None), None
        )
    )
    procedure = str(
        cases.ProcedureError("7", "案件第一步必须是“发现”", "a case starts with discover")
    )
    # An English half may quote the Chinese one; Chinese only after it cannot be told apart
    # safely from a second Chinese sentence: the line is shown whole.
    quoting = "图斑 淄川001 已有判定 / spot 淄川001 has a verdict"
    unquoted = "核查完成 / verified by 张三"
    labelled = "证据文件缺失 / evidence file missing: 现场照片.jpg"
    layer = "图层 地类图斑 / layer DLTB: 没有坐标系，请先设置 / no coordinate reference system"
    path = "无法读取 /data/spots.shp / cannot read /data/spots.shp"
    assert in_interface_language(refusals) == refusals  # an English interface: both halves

    translator = install_translator("zh_CN")
    try:
        shown = in_interface_language(refusals)
        kinds = "、".join(ls.VERDICT_KINDS[ls.VERDICT_ILLEGAL])
        assert shown.splitlines() == [
            f"违法判定须注明类型：{kinds}",
            "须填写核查人",
            "须填写核查日期",
        ]
        assert in_interface_language(procedure) == "案件 7：案件第一步必须是“发现”"
        assert in_interface_language(quoting) == "图斑 淄川001 已有判定"
        assert in_interface_language(unquoted) == unquoted
        # After an English label, what it labels, Chinese and all.
        assert in_interface_language(labelled) == "证据文件缺失：现场照片.jpg"
        # Never a value lost: a line whose Chinese half would drop a path, number, field or
        # quoted name the English half names is shown whole (found by the day's code read).
        for whole in (
            "无法写入 / cannot write /out/verification.xlsx: [Errno 13] Permission denied",
            "/data/a.gpkg: 没有表 / no table zc_spots",
            "节假日安排 / holiday schedule 2026: only in the first ledger (/a/holidays.json)",
            "证据类型无效 / unknown evidence kind 'foto': 照片, 视频, 录音",
            "服务器 gis（端口 5432）数据库错误 / database error on gis (port 5432): no zc_spots",
        ):
            assert in_interface_language(whole) == whole
        for line, chinese in (
            (
                "证据文件缺失 / evidence file missing: /data/证据/J1/IMG_1.jpg",
                "证据文件缺失：/data/证据/J1/IMG_1.jpg",
            ),
            ("图斑 3 证据文件缺失 / evidence file missing: 3", "图斑 3 证据文件缺失"),
            ("统计时段 / period: 2026-11-01 – 2026-11-30", "统计时段：2026-11-01 – 2026-11-30"),
            (
                "期限设置错误 / deadline setting error: DEADLINE_RULES: 'decision': 未知的期限"
                "规则；可用的规则：a_b、c_d / unknown rule; known: a_b, c_d",
                "期限设置错误：DEADLINE_RULES: 'decision': 未知的期限规则；可用的规则：a_b、c_d",
            ),
        ):
            assert in_interface_language(line) == chinese
        # An English label goes; the path's slashes are no separator.
        assert in_interface_language(layer) == "图层 地类图斑：没有坐标系，请先设置"
        assert in_interface_language(path) == "无法读取 /data/spots.shp"
        assert in_interface_language("") == ""
        # The value a message is about, said after the English words only, stays.
        missing = "证据文件缺失 / evidence file missing: /data/evidence/3703/IMG_0002.jpg"
        assert in_interface_language(missing) == "证据文件缺失：/data/evidence/3703/IMG_0002.jpg"
        prose = "已在批次 Q1 中，此处另记一条 / the number is in batch Q1: recorded again here"
        assert in_interface_language(prose) == "已在批次 Q1 中，此处另记一条"
        holiday = str(workdays.HolidayFileError("/srv/holidays.json", "2027", "not a list"))
        assert in_interface_language(holiday) == (
            "节假日文件错误：/srv/holidays.json：2027：not a list"
        )
    finally:
        QCoreApplication.removeTranslator(translator)


def test_a_runs_log_in_a_chinese_interface_keeps_the_chinese_half(provider, tmp_path):
    """A Chinese QGIS's Processing log read each of the core's warnings twice, the second time
    in English: a run's feedback passes them on in the interface's language, and the message
    a run stops with too. Progress and cancelling go through as they are."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    from zc_enforcement_plugin.processing.base import InterfaceLanguageFeedback

    class Log(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, warning):  # noqa: N802 - QGIS API
            self.warnings.append(warning)

    from zc_enforcement_plugin.core.ledger_gpkg import GeoPackageLedger

    path = tmp_path / "台帐.gpkg"
    GeoPackageLedger(path, create=True).close()
    misspelt = {"LEDGER": str(path), "DEADLINE_RULES": '{"decision": 30}'}
    translator = install_translator("zh_CN")
    try:
        log = Log()
        relay = InterfaceLanguageFeedback(log)
        relay.pushWarning("证据文件缺失 / evidence file missing: /data/IMG_1.jpg")
        assert log.warnings == ["证据文件缺失：/data/IMG_1.jpg"]
        relay.setProgress(40)
        assert log.progress() == 40
        log.cancel()
        assert relay.isCanceled()
        assert InterfaceLanguageFeedback(log).isCanceled()  # cancelled before the run began

        # A real run's warnings reach the log in Chinese alone: two spots another batch holds.
        from tests.screening_layers import memory_layer, square

        spots = memory_layer(
            [(square(0, 0, 10), ["S1"]), (square(50, 0, 10), ["S2"])], "field=JCBH:string(20)"
        )
        ledger_file = str(tmp_path / "导入.gpkg")
        for batch in ("Q1", "Q2"):
            log = Log()
            processing.run(
                "zcenforcement:importspots",
                {"SPOTS": spots, "LEDGER": ledger_file, "BATCH": batch},
                feedback=log,
            )
        held = [w for w in log.warnings if "Q1" in w]
        assert held and all(" / " not in w for w in held), log.warnings
        with pytest.raises(QgsProcessingException) as stopped:
            processing.run("zcenforcement:ledgersettings", misspelt)
        assert "decision" in str(stopped.value) and " / " not in str(stopped.value)
    finally:
        QCoreApplication.removeTranslator(translator)
    with pytest.raises(QgsProcessingException, match=" / "):  # any other interface: both
        processing.run("zcenforcement:ledgersettings", misspelt)


def test_the_refusal_of_a_batch_delivered_again_reads_in_chinese_alone(qgis_app):
    """Its halves were joined by "）/ " without the space: a Chinese QGIS showed both."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core.ledger_delivery import (
        REDELIVERY_MIN_SPOTS,
        Vetted,
        refuse_new_batch_of_held_spots,
    )
    from zc_enforcement_plugin.core.ledger_records import LedgerError
    from zc_enforcement_plugin.i18n import in_interface_language

    outline = box(0, 0, 10, 10)
    rows = [Vetted(f"S{i}", outline, {}, []) for i in range(REDELIVERY_MIN_SPOTS)]
    # One number recorded there without its zeros: the clause naming both spellings is in
    # each language's half too.
    held = {row.key: {"2026Q3": row.key} for row in rows}
    held["S0"] = {"2026Q3": "S00"}
    with pytest.raises(LedgerError) as refused:
        refuse_new_batch_of_held_spots(
            "JCTB_2026Q3",
            rows,
            held,
            {"2026Q3": "/data/q3.gpkg"},
            "/data/JCTB_2026Q3.gpkg",
            lambda _batch, numbers: {n: outline for n in numbers},
        )
    translator = install_translator("zh_CN")
    try:
        shown = in_interface_language(str(refused.value))
    finally:
        QCoreApplication.removeTranslator(translator)
    assert "REPEAT_SPOTS" in shown and "this import" not in shown, shown
    assert "/data/q3.gpkg" in shown and "2026Q3" in shown
    assert "仅差前导零" in shown and "S0 → S00" in shown and "leading zeros" not in shown, shown


def _holiday_file(folder, name: str, content) -> str:
    """A holiday file as a bureau might hand one in: bytes as written, or a folder."""
    path = folder / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    return str(path)


def _year(year: int, *more: str, workdays: tuple[str, ...] = ()) -> str:
    """A year's entry a holiday file holds, as text: its holidays complete, and ``more``."""
    from tests.holiday_notices import complete_year

    def dates(listed) -> str:
        return ", ".join(f'"{d}"' for d in listed)

    holidays = dates(complete_year(year) + list(more))
    return f'"{year}": {{"holidays": [{holidays}], "workdays": [{dates(workdays)}]}}'


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("empty.json", b"", "空"),
        ("spaces.json", b"  \r\n", "空"),
        ("gbk.json", f'{{{_year(2031)}, "_说明": "国务院通知"}}'.encode("gbk"), "UTF-8"),
        ("twice.json", f"{{{_year(2031)}, {_year(2031)}}}".encode(), "重复"),
        (
            "both.json",
            f"{{{_year(2031, '2031-01-05', workdays=('2031-01-05',))}}}".encode(),
            "既是放假又是上班",
        ),
        ("impossible.json", f"{{{_year(2027, '2027-02-30')}}}".encode(), "日期不存在"),
        ("weekday.json", f"{{{_year(2031, workdays=('2031-01-07',))}}}".encode(), "周六或周日"),
        ("comma.json", b'{"2031": {"holidays": ["2031-01-01",]}}', "第 1 行"),
        ("folder.json", None, "文件夹"),
    ],
)
def test_a_holiday_file_refused_in_a_chinese_interface_reads_in_chinese_alone(
    provider, tmp_path, name, content, said
):
    """Probed as bad input (ledgersettings HOLIDAY_FILE): a Chinese QGIS said "line 1 column 1:
    invalid JSON / JSON 格式错误: Expecting value" of an empty file, "key appears twice / 键重复
    出现" of a year given twice, and the GBK file's and a folder's refusals whole in both
    languages: the problems written English first, and the file's own entries ("(file)",
    "line 1 column 1") in English, kept the English in the Chinese half. Each names the file
    (and the entry at fault) in Chinese alone."""
    import processing
    from qgis.core import QgsProcessingException

    from zc_enforcement_plugin.core.ledger_gpkg import GeoPackageLedger

    ledger_file = tmp_path / "台帐.gpkg"
    GeoPackageLedger(ledger_file, create=True).close()
    holidays = _holiday_file(tmp_path, name, content)
    translator = install_translator("zh_CN")
    try:
        with pytest.raises(QgsProcessingException) as refused:
            processing.run(
                "zcenforcement:ledgersettings",
                {"LEDGER": str(ledger_file), "HOLIDAY_FILE": holidays},
            )
    finally:
        QCoreApplication.removeTranslator(translator)
    message = str(refused.value)
    assert holidays in message and said in message, message
    # Left aside: the file, the keys of the entry at fault, and the names of things.
    words = re.sub(r'"[^"]*"', "", message.replace(holidays, ""))
    for name in ("UTF-8", "GBK/ANSI", "JSON", "resources/holidays.json"):
        words = words.replace(name, "")
    assert " / " not in message and not re.search("[A-Za-z]{3,}", words), message
