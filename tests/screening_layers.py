"""Hand-made layers for the screenspots tests: memory layers in EPSG:4527 near Zichuan."""

from __future__ import annotations

from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorFileWriter, QgsVectorLayer

from zc_enforcement_plugin.core import domain

X0, Y0 = 39_580_000.0, 4_050_000.0  # EPSG:4527 coordinates keep the zone number (39) in x


def memory_layer(rows, fields: str, crs="EPSG:4527", name="layer", kind="MultiPolygon"):
    """A memory layer of (WKT or None, attributes) rows; `fields` in memory-provider syntax."""
    layer = QgsVectorLayer(f"{kind}?crs={crs}&{fields}", name, "memory")
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt) if wkt else QgsGeometry())
        feature.setAttributes(list(attributes))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    return layer


def rectangle(x1, y1, x2, y2, dx=X0, dy=Y0):
    x1, y1, x2, y2 = x1 + dx, y1 + dy, x2 + dx, y2 + dy
    return f"POLYGON(({x1} {y1},{x2} {y1},{x2} {y2},{x1} {y2},{x1} {y1}))"


def square(x, y, size, dx=X0):
    return rectangle(x, y, x + size, y + size, dx=dx)


def by_key(layer, key=domain.SPOT_NUMBER):
    return {f[key]: f for f in layer.getFeatures()}


def write_gpkg(layer, path) -> str:
    """The layer saved as a GeoPackage (with its R-tree, as QGIS writes them)."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return str(path)


def shapefile_without_cpg(layer, path, encoding: str) -> QgsVectorLayer:
    """The layer saved as a Shapefile in `encoding`, its .cpg removed, as offices hand them
    over; opened the way QGIS opens it (named after the file)."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    options.fileEncoding = encoding
    QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    path.with_suffix(".cpg").unlink()
    return QgsVectorLayer(str(path), path.stem, "ogr")
