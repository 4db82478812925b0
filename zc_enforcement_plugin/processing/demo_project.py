"""Writes the QGIS project that opens the demo district the way a technician's project looks."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProject,
    QgsRasterLayer,
    QgsReferencedRectangle,
    QgsVectorLayer,
)

from ..core import domain
from ..fonts import use_chinese_font_in_labels
from ..resources_paths import STYLES

# Drawn bottom to top; each has resources/styles/<name>.qml.
VECTOR_LAYERS_BOTTOM_UP = (
    domain.DEMO_LAYER_LAND_USE,
    domain.DEMO_LAYER_BASIC_FARMLAND,
    domain.DEMO_LAYER_THREE_ZONES,
    domain.DEMO_LAYER_RED_LINE,
    domain.DEMO_LAYER_NO_MINING,
    domain.DEMO_LAYER_APPROVALS,
    domain.DEMO_LAYER_TOWNS,
    domain.DEMO_LAYER_DISTRICT,
    domain.DEMO_LAYER_SPOTS,
)

LAYER_NAMES = {
    domain.DEMO_LAYER_LAND_USE: "地类图斑 DLTB",
    domain.DEMO_LAYER_BASIC_FARMLAND: "永久基本农田 YJJBNT",
    domain.DEMO_LAYER_THREE_ZONES: "三区两线可视范围 SQLX",
    domain.DEMO_LAYER_RED_LINE: "生态保护红线 STHX",
    domain.DEMO_LAYER_NO_MINING: "禁采区 JCQ",
    domain.DEMO_LAYER_APPROVALS: "批准用地 PZYD",
    domain.DEMO_LAYER_TOWNS: "镇街 TOWNS",
    domain.DEMO_LAYER_DISTRICT: "淄川区 XZQ",
    domain.DEMO_LAYER_SPOTS: "卫片图斑 JCTB",
}


def style_path(layer_name: str) -> Path:
    return STYLES / f"{layer_name}.qml"


def write_demo_project(
    gpkg: Path,
    project_path: Path,
    before_image: Path | None = None,
    after_image: Path | None = None,
    extra_vector_layers: list[tuple[Path, str, str]] = (),
) -> list[str]:
    """Write project_path (.qgz) with the demo layers styled; returns problems met (empty if none).

    extra_vector_layers: (file, layer name in the file or '', title) for results to show on top.
    """
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}"))
    project.setTitle("淄川区卫片执法示例 / Zichuan demo district")
    problems: list[str] = []
    root = project.layerTreeRoot()

    def add(layer, style_name: str | None) -> None:
        if not layer.isValid():
            problems.append(f"cannot open {layer.source()}")
            return
        if style_name is not None and style_path(style_name).exists():
            message, ok = layer.loadNamedStyle(str(style_path(style_name)))
            if not ok:
                problems.append(f"style {style_name}: {message}")
            # Saved as this system lists the font, so QGIS here finds it when the project opens.
            use_chinese_font_in_labels(layer)
        project.addMapLayer(layer, False)
        root.insertLayer(0, layer)  # each new layer goes on top

    for image, title in ((before_image, "前时相影像 before"), (after_image, "后时相影像 after")):
        if image is not None:
            add(QgsRasterLayer(str(image), title), None)
    for name in VECTOR_LAYERS_BOTTOM_UP:
        add(QgsVectorLayer(f"{gpkg}|layername={name}", LAYER_NAMES[name], "ogr"), name)
    for path, layer_name, title in extra_vector_layers:
        uri = f"{path}|layername={layer_name}" if layer_name else str(path)
        add(QgsVectorLayer(uri, title, "ogr"), "screened")

    # The before image is only for comparison: start with it hidden.
    for node in root.findLayers():
        if node.name().startswith("前时相"):
            node.setItemVisibilityChecked(False)

    district = project.mapLayersByName(LAYER_NAMES[domain.DEMO_LAYER_DISTRICT])
    if district:
        extent = district[0].extent()
        extent.scale(1.05)
        project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, project.crs()))
    project.writeEntry("Paths", "/Absolute", False)
    if not project.write(str(project_path)):
        problems.append(f"cannot write {project_path}: {project.error()}")
    return problems
