"""The plugin's Chinese font on the running system (fonts.py): the family resolved, the labels of
styled outputs and of the demo project, and, in a QGIS run under zh_CN (where Qt lists
WenQuanYi Micro Hei as 文泉驿微米黑), a demo project that opens without "not available on
system" and draws its labels in the Chinese font rather than the application font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import (
    QgsFontUtils,
    QgsPalLayerSettings,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsRuleBasedLabeling,
    QgsTextFormat,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont, QFontDatabase, QGuiApplication

from zc_enforcement_plugin import fonts
from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.processing.style_on_load import StyleOnLoad
from zc_enforcement_plugin.resources_paths import STYLES

MADE_UP = "ZC No Such Font 7f3a"  # installed nowhere
WQY_ZH = "文泉驿微米黑"  # how Qt lists WenQuanYi Micro Hei under zh_CN
# The demo spots shown as a screening result, in its style (screened.qml), as scripts/demo.py does.
SCREENED_TITLE = "筛查结果"


def label_families(layer) -> list[str]:
    labeling = layer.labeling()
    if isinstance(labeling, QgsRuleBasedLabeling):
        rules, found = [labeling.rootRule()], []
        while rules:
            rule = rules.pop()
            if rule.settings() is not None:
                found.append(rule.settings().format().font().family())
            rules.extend(rule.children())
        return found
    return [labeling.settings().format().font().family()]


def test_resolver_skips_a_font_not_installed_and_returns_the_listed_name():
    family = fonts.chinese_font_family([MADE_UP, fonts.CHINESE_FONT])
    # Under en_US Qt resolves the made-up name to a fallback (DejaVu Sans), which is listed:
    # taking it would draw the labels without a Chinese font.
    assert fonts.listed_family(MADE_UP) is None
    assert family in QFontDatabase().families()
    assert family != QGuiApplication.font().family()
    assert QgsFontUtils.fontFamilyMatchOnSystem(family) == (True, True)
    assert family == fonts.listed_family("wenquanyi micro hei")  # any spelling of the name


def test_resolver_falls_back_to_the_application_font():
    assert fonts.chinese_font_family([MADE_UP, MADE_UP + " SC"]) == QGuiApplication.font().family()


def test_styled_output_labels_in_the_resolved_family(monkeypatch):
    """The family the style names is replaced by the one resolved here: resolved as another
    installed font (as on a Windows machine without WenQuanYi), the labels take that one."""
    other = next(f for f in QFontDatabase().families() if f != fonts.CHINESE_FONT)
    monkeypatch.setattr(fonts, "chinese_font_family", lambda *_: other)
    layer = QgsVectorLayer(
        f"MultiPolygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string"
        f"&field={domain.SUGGESTED_VERDICT}:string",
        "screened",
        "memory",
    )
    StyleOnLoad.create(STYLES / "screened.qml").postProcessLayer(
        layer, QgsProcessingContext(), QgsProcessingFeedback()
    )
    [family] = label_families(layer)
    assert family == other
    assert QgsFontUtils.fontFamilyMatchOnSystem(family) == (True, True)
    assert layer.labeling().settings().format().fontFound()
    assert layer.labeling().settings().fieldName == domain.SPOT_NUMBER  # the rest kept


def test_rule_based_labels_are_walked_to_every_rule():
    layer = QgsVectorLayer("Point?field=name:string", "rules", "memory")
    missing = QgsTextFormat()
    missing.setFont(QFont(MADE_UP))
    missing.setSize(11)
    root = QgsRuleBasedLabeling.Rule(None)
    group = QgsRuleBasedLabeling.Rule(None, filterExp='"name" IS NOT NULL')
    for expression in ("\"name\" LIKE 'A%'", "\"name\" LIKE 'B%'"):
        settings = QgsPalLayerSettings()
        settings.fieldName = "name"
        settings.setFormat(missing)
        group.appendChild(QgsRuleBasedLabeling.Rule(settings, filterExp=expression))
    root.appendChild(group)
    layer.setLabeling(QgsRuleBasedLabeling(root))

    fonts.use_chinese_font_in_labels(layer)

    families = label_families(layer)
    assert families == [fonts.chinese_font_family()] * 2
    rules = layer.labeling().rootRule().descendants()
    sizes = [r.settings().format().size() for r in rules if r.settings() is not None]
    assert sizes == [11, 11]


@pytest.fixture(scope="module")
def screened(demo) -> list[tuple[Path, str, str]]:
    return [(demo.gpkg, domain.DEMO_LAYER_SPOTS, SCREENED_TITLE)]


def test_demo_project_saves_the_listed_family(demo, screened, tmp_path):
    from zc_enforcement_plugin.processing.demo_project import write_demo_project

    project = tmp_path / "demo.qgs"
    assert write_demo_project(demo.gpkg, project, extra_vector_layers=screened) == []
    text = project.read_text("utf-8")
    family = fonts.chinese_font_family()
    assert text.count(f'fontFamily="{family}"') == 5  # STHX, PZYD, TOWNS, JCTB, 筛查结果


# Run under LANG=zh_CN.UTF-8 in a QGIS of its own: Qt reads the locale once, at start.
_ZH_CHILD = """
import json, sys
from pathlib import Path
plugin_root, gpkg, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
sys.path.insert(0, plugin_root)
from qgis.core import (QgsApplication, QgsFontUtils, QgsPrintLayout, QgsProject,
    QgsReadWriteContext, QgsLayoutItemLabel, QgsLayoutItemScaleBar)
from qgis.PyQt.QtGui import QFontDatabase
from qgis.PyQt.QtXml import QDomDocument
app = QgsApplication([], False)
app.initQgis()
from zc_enforcement_plugin import fonts
from zc_enforcement_plugin.processing.demo_project import write_demo_project
from zc_enforcement_plugin.processing.export_verification import LAYOUT_TEMPLATE

outcome = {"listed": [f for f in QFontDatabase().families() if "文泉" in f or "WenQuanYi" in f]}
outcome["resolved"] = fonts.chinese_font_family()
outcome["match"] = list(QgsFontUtils.fontFamilyMatchOnSystem(outcome["resolved"]))
outcome["yahei"] = fonts.listed_family("Microsoft YaHei")  # resolves to 文泉驿微米黑 here
screened = [(gpkg, sys.argv[4], sys.argv[5])]
outcome["problems"] = write_demo_project(gpkg, out, extra_vector_layers=screened)

project, messages = QgsProject(), []
project.loadingLayerMessageReceived.connect(
    lambda layer, found: messages.extend(f"{layer}: {m.message()}" for m in found))
outcome["read"] = project.read(str(out))
outcome["messages"] = messages
outcome["labels"] = {
    layer.name(): [layer.labeling().settings().format().font().family(),
                   layer.labeling().settings().format().fontFound()]
    for layer in project.mapLayers().values() if layer.labeling() is not None}

sheet_project = QgsProject()  # held: the layout does not own it
layout, document, context = QgsPrintLayout(sheet_project), QDomDocument(), QgsReadWriteContext()
document.setContent(LAYOUT_TEMPLATE.read_text("utf-8"))
layout.loadFromTemplate(document, context)
fonts.use_chinese_font_in_layout(layout)
outcome["layout"] = sorted({
    item.font().family() if isinstance(item, QgsLayoutItemLabel)
    else item.textFormat().font().family()
    for item in layout.items()
    if isinstance(item, (QgsLayoutItemLabel, QgsLayoutItemScaleBar))})
print("OUTCOME " + json.dumps(outcome, ensure_ascii=False))
del layout, sheet_project, project  # before QGIS goes: they hold its registries
app.exitQgis()
"""


@pytest.fixture(scope="module")
def zh_outcome(demo, screened, tmp_path_factory) -> dict:
    import zc_enforcement_plugin

    folder = tmp_path_factory.mktemp("zh")
    script = folder / "zh_child.py"
    script.write_text(_ZH_CHILD, encoding="utf-8")
    env = dict(os.environ, LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8", LANGUAGE="zh_CN")
    env["QT_QPA_PLATFORM"] = "offscreen"
    plugin_root = str(Path(zc_enforcement_plugin.__file__).resolve().parents[1])
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            plugin_root,
            str(demo.gpkg),
            str(folder / "demo.qgz"),
            *screened[0][1:],
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=env,
        cwd=folder,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("OUTCOME "))
    return json.loads(line.removeprefix("OUTCOME "))


def test_zh_locale_lists_the_font_by_its_chinese_name(zh_outcome):
    # What the rest rests on: Qt here follows LANG although glibc has no zh_CN locale.
    assert WQY_ZH in zh_outcome["listed"]
    assert "WenQuanYi Micro Hei" not in zh_outcome["listed"]
    assert zh_outcome["resolved"] == WQY_ZH
    assert zh_outcome["match"] == [True, True]


def test_zh_locale_a_fallback_is_not_taken_for_an_installed_font(zh_outcome):
    # Qt resolves a missing "Microsoft YaHei" to 文泉驿微米黑 under zh_CN: not the same font.
    assert zh_outcome["yahei"] is None


def test_zh_locale_demo_project_opens_without_font_messages(zh_outcome):
    assert zh_outcome["problems"] == [] and zh_outcome["read"]
    assert zh_outcome["messages"] == []
    labelled = {name: found for name, found in zh_outcome["labels"].items()}
    assert len(labelled) == 5, labelled  # 生态保护红线, 批准用地, 镇街, 卫片图斑, 筛查结果
    assert all(found == [WQY_ZH, True] for found in labelled.values()), labelled


def test_zh_locale_sheet_layout_in_the_listed_family(zh_outcome):
    # The template's scale bar would otherwise be put in the application font.
    assert zh_outcome["layout"] == [WQY_ZH]
