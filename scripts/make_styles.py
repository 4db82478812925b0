"""Regenerates the .qml styles in resources/styles/ (run once after changing a colour here).

Styles are written with PyQGIS, so they always load in the QGIS version the plugin targets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt writes XML attributes in hash order: a fixed seed makes the written file the same on every
# run, so a change to it in git is a change made here (tests/test_generated_resources.py).
os.environ.setdefault("QT_HASH_SEED", "0")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsPalLayerSettings,
    QgsRendererCategory,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from zc_enforcement_plugin.core import campaigns_schema as cs  # noqa: E402
from zc_enforcement_plugin.core import domain  # noqa: E402
from zc_enforcement_plugin.fonts import CHINESE_FONT  # noqa: E402
from zc_enforcement_plugin.resources_paths import STYLES  # noqa: E402
from zc_enforcement_plugin.ui.colours import PIECE_COLOURS  # noqa: E402

LAND_GROUP_COLOURS = {
    domain.LAND_GROUP_CULTIVATED: "#f5e6a3",
    domain.LAND_GROUP_AGRICULTURAL: "#a8d08d",
    domain.LAND_GROUP_CONSTRUCTION: "#e8a0a0",
    domain.LAND_GROUP_UNUSED: "#c9c9c9",
}


LABELS_FROM_SCALE = 30000  # labels show at 1:30,000 and closer
# The light line under district and town boundaries, and how far it shows beyond each side (mm).
BOUNDARY_CASING = "255,255,255,200"
BOUNDARY_CASING_MARGIN = 0.3


def fill(colour: str, outline: str, width: float = 0.26, style: str = "solid") -> QgsFillSymbol:
    return QgsFillSymbol.createSimple(
        {"color": colour, "outline_color": outline, "outline_width": str(width), "style": style}
    )


def cased_outline(colour: str, width: float) -> QgsFillSymbol:
    """A boundary without fill, drawn over a light casing a little wider: on a light map the
    dark line reads, on a dark one (QGIS's Night Mapping legend, a dark basemap or image) the
    casing does; a dark line alone vanished there."""
    symbol = fill("0,0,0,0", BOUNDARY_CASING, width + 2 * BOUNDARY_CASING_MARGIN, "no")
    line = fill("0,0,0,0", colour, width, "no")  # held: its layer is cloned from it
    symbol.appendSymbolLayer(line.symbolLayer(0).clone())
    return symbol


def labels(
    layer: QgsVectorLayer, field: str, size: float = 8, colour: str = "#000000", always=False
) -> None:
    settings = QgsPalLayerSettings()
    settings.fieldName = field
    text = QgsTextFormat()
    # The canonical name, whatever this machine lists it by: where the style is applied, the
    # plugin puts in the family installed there (fonts.use_chinese_font_in_labels).
    text.setFont(QFont(CHINESE_FONT))
    text.setSize(size)
    text.setColor(QColor(colour))
    buffer = text.buffer()
    buffer.setEnabled(True)
    buffer.setSize(0.8)
    settings.setFormat(text)
    # Labels of hundreds of spots and approvals would hide the district when zoomed out.
    settings.scaleVisibility = not always
    settings.minimumScale = LABELS_FROM_SCALE
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def memory(fields: str) -> QgsVectorLayer:
    return QgsVectorLayer(f"MultiPolygon?crs=EPSG:4527&{fields}", "style", "memory")


def land_group_expression(field: str) -> str:
    """domain.land_group() as a QGIS expression, built from the same tables."""

    def codes(values) -> str:
        return ",".join(f"'{v}'" for v in values)

    cultivated = codes(domain.CULTIVATED_CODES)
    whens = [f"WHEN \"{field}\" IN ({cultivated}) THEN '{domain.LAND_GROUP_CULTIVATED}'"]
    for group in domain.LAND_GROUPS:
        exceptions = [c for c, g in domain.GROUP_EXCEPTIONS.items() if g == group]
        if exceptions:
            whens.append(f"WHEN \"{field}\" IN ({codes(exceptions)}) THEN '{group}'")
    for group in domain.LAND_GROUPS:
        heads = [h for h, g in domain.LAND_GROUP_BY_HEAD.items() if g == group]
        if heads:
            whens.append(f"WHEN left(\"{field}\", 2) IN ({codes(heads)}) THEN '{group}'")
    return "CASE " + " ".join(whens) + " END"


def land_use() -> QgsVectorLayer:
    layer = memory(f"field={domain.LAND_CLASS_CODE}:string")
    expression = land_group_expression(domain.LAND_CLASS_CODE)
    categories = [
        QgsRendererCategory(group, fill(colour, "#9a9a9a", 0.1), domain.LAND_GROUP_LABELS_ZH[group])
        for group, colour in LAND_GROUP_COLOURS.items()
    ]
    layer.setRenderer(QgsCategorizedSymbolRenderer(expression, categories))
    layer.setOpacity(0.45)  # the images underneath must stay readable
    return layer


def simple(
    symbol: QgsFillSymbol, label_field: str | None = None, colour: str = "#000000", always=False
):
    def make() -> QgsVectorLayer:
        layer = memory(f"field={label_field}:string" if label_field else "")
        layer.renderer().setSymbol(symbol)
        if label_field:
            labels(layer, label_field, colour=colour, always=always)
        return layer

    return make


# The screened spots by suggested verdict: what a reviewer looks at first stands out.
VERDICT_COLOURS = {
    domain.SUGGEST_ILLEGAL: ("230,40,40,110", "#c00000"),
    domain.SUGGEST_FIELD_CHECK: ("255,150,0,100", "#d07000"),
    domain.SUGGEST_APPROVED: ("40,110,220,70", "#1f5fbf"),
    domain.SUGGEST_NO_CONCERN: ("150,150,150,60", "#707070"),
}


def screened() -> QgsVectorLayer:
    layer = memory(f"field={domain.SPOT_NUMBER}:string&field={domain.SUGGESTED_VERDICT}:string")
    categories = [
        QgsRendererCategory(verdict, fill(colour, outline, 0.7), verdict)
        for verdict, (colour, outline) in VERDICT_COLOURS.items()
    ]
    categories.append(QgsRendererCategory(None, fill("0,0,0,0", "#ff2020", 0.7), "其他"))
    layer.setRenderer(QgsCategorizedSymbolRenderer(domain.SUGGESTED_VERDICT, categories))
    labels(layer, domain.SPOT_NUMBER, colour="#800000")
    return layer


def screened_pieces() -> QgsVectorLayer:
    layer = memory(f"field={domain.PIECE_LAYER}:string")
    categories = [
        # By the words screening writes in TCMC, which are also the legend's.
        QgsRendererCategory(
            domain.LAYER_LABELS_ZH[key], fill(colour, outline, 0.4), domain.LAYER_LABELS_ZH[key]
        )
        for key, (colour, outline) in PIECE_COLOURS.items()
    ]
    layer.setRenderer(QgsCategorizedSymbolRenderer(domain.PIECE_LAYER, categories))
    return layer


def aliased(layer: QgsVectorLayer, labels: dict[str, str]) -> QgsVectorLayer:
    """Chinese aliases on the layer's fields: saved in the style, shown as column headers."""
    for index, name in enumerate(layer.fields().names()):
        if name in labels:
            layer.setFieldAlias(index, labels[name])
    return layer


def view_pieces() -> QgsVectorLayer:
    """三区两线 pieces by how many lines and zones they are in view of, translucent so the
    spots and images under them stay visible."""
    fields = "&".join(f"field={name}:string" for name in cs.VIEW_FIELD_LABELS_ZH)
    layer = memory(fields)
    categories = [
        QgsRendererCategory(count, fill(colour, "#8a4fb8", 0.3), label)
        for count, colour, label in (
            (1, "160,90,200,40", "一条线或一个区"),
            (2, "140,60,190,80", "两条线或区"),
            (3, "110,30,170,120", "三条及以上"),
        )
    ]
    expression = f'min("{cs.VIEW_COUNT}", 3)'
    layer.setRenderer(QgsCategorizedSymbolRenderer(expression, categories))
    return aliased(layer, cs.VIEW_FIELD_LABELS_ZH)


def view_summary() -> QgsVectorLayer:
    fields = "&".join(f"field={name}:string" for name in cs.SUMMARY_FIELD_LABELS_ZH)
    return aliased(QgsVectorLayer(f"None?{fields}", "style", "memory"), cs.SUMMARY_FIELD_LABELS_ZH)


def view_detail() -> QgsVectorLayer:
    fields = "&".join(f"field={name}:string" for name in cs.DETAIL_FIELD_LABELS_ZH)
    return aliased(QgsVectorLayer(f"None?{fields}", "style", "memory"), cs.DETAIL_FIELD_LABELS_ZH)


def three_zones_layer() -> QgsVectorLayer:
    labels = {name: cs.VIEW_FIELD_LABELS_ZH[name] for name in (cs.VIEW_NAMES,)}
    labels[domain.THREE_ZONES_KIND] = cs.SUMMARY_FIELD_LABELS_ZH[cs.SOURCE_KIND]
    layer = memory("&".join(f"field={name}:string" for name in labels))
    layer.renderer().setSymbol(fill("160,90,200,50", "#8a4fb8", 0.3))
    return aliased(layer, labels)


STYLE_MAKERS = {
    domain.DEMO_LAYER_LAND_USE: land_use,
    domain.DEMO_LAYER_BASIC_FARMLAND: simple(fill("255,215,0,90", "#d4a000", 0.4, "b_diagonal")),
    domain.DEMO_LAYER_THREE_ZONES: three_zones_layer,
    domain.DEMO_LAYER_RED_LINE: simple(
        fill("0,140,60,60", "#00813c", 0.8), domain.RED_LINE_NAME, "#00602c"
    ),
    domain.DEMO_LAYER_NO_MINING: simple(fill("200,0,0,40", "#c00000", 0.6, "fdiagonal")),
    domain.DEMO_LAYER_APPROVALS: simple(
        fill("0,0,0,0", "#1f5fbf", 0.6, "no"), domain.APPROVAL_NUMBER, "#1f5fbf"
    ),
    domain.DEMO_LAYER_TOWNS: simple(
        cased_outline("#555555", 0.5), domain.TOWN_NAME, "#333333", always=True
    ),
    domain.DEMO_LAYER_DISTRICT: simple(cased_outline("#000000", 1.2)),
    domain.DEMO_LAYER_SPOTS: simple(
        fill("0,0,0,0", "#ff2020", 0.7, "no"), domain.SPOT_NUMBER, "#c00000"
    ),
    "screened": screened,
    "screened_pieces": screened_pieces,
    "view_pieces": view_pieces,
    "view_summary": view_summary,
    "view_detail": view_detail,
}


def main(argv: list[str]) -> None:
    """Writes the styles to resources/styles, or to the folder given (the test compares them)."""
    folder = Path(argv[0]) if argv else STYLES
    app = QgsApplication([], False)
    app.initQgis()
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in STYLE_MAKERS.items():
        layer = make()
        message, ok = layer.saveNamedStyle(str(folder / f"{name}.qml"))
        print(name, "ok" if ok else message)
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1:])
