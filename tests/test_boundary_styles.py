"""The district and town boundaries read on a light map and on a dark one. Found by review:
in QGIS's Night Mapping theme (the legend on #222) and over a dark image the black district
outline and the #555 town outlines, without fill, vanished; each is now drawn over a light
casing a little wider than it."""

from __future__ import annotations

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt.QtGui import QColor

from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.resources_paths import STYLES


def _relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour, worked out here, not by Qt."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.red())
        + 0.7152 * linear(colour.green())
        + 0.0722 * linear(colour.blue())
    )


def _contrast(one: QColor, other: QColor) -> float:
    lighter, darker = sorted((_relative_luminance(one), _relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("name", [domain.DEMO_LAYER_DISTRICT, domain.DEMO_LAYER_TOWNS])
def test_a_boundary_reads_on_a_light_and_on_a_dark_background(qgis_app, name):
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4527", name, "memory")
    message, ok = layer.loadNamedStyle(str(STYLES / f"{name}.qml"))
    assert ok, message
    symbol = layer.renderer().symbol()
    strokes = [
        (symbol.symbolLayer(i).strokeColor(), symbol.symbolLayer(i).strokeWidth())
        for i in range(symbol.symbolLayerCount())
    ]
    assert all(symbol.symbolLayer(i).brushStyle() == 0 for i in range(len(strokes)))  # no fill
    (casing, casing_width), (line, line_width) = strokes
    assert casing_width > line_width  # the casing shows beside the line, drawn under it
    for background in (QColor("#ffffff"), QColor("#222222")):
        best = max(_contrast(casing, background), _contrast(line, background))
        assert best >= 3, f"{name} outline vanishes on {background.name()}"
