"""The few API differences between QGIS 3.22 and later 3.x/4.x releases, kept in one place."""

from __future__ import annotations

from qgis.core import Qgis, QgsLayoutItemLabel, QgsProcessing, QgsWkbTypes

QGIS_VERSION_INT = Qgis.QGIS_VERSION_INT

# QGIS 3.30 moved geometry and source type enums into Qgis; 4.x drops the old names.
if hasattr(Qgis, "ProcessingSourceType"):
    SOURCE_POLYGON = Qgis.ProcessingSourceType.VectorPolygon
    SOURCE_LINE = Qgis.ProcessingSourceType.VectorLine
    SOURCE_ANY_GEOMETRY = Qgis.ProcessingSourceType.VectorAnyGeometry
else:  # QGIS < 3.36
    SOURCE_POLYGON = QgsProcessing.SourceType.TypeVectorPolygon
    SOURCE_LINE = QgsProcessing.SourceType.TypeVectorLine
    SOURCE_ANY_GEOMETRY = QgsProcessing.SourceType.TypeVectorAnyGeometry

if hasattr(Qgis, "WkbType"):
    WKB_MULTIPOLYGON = Qgis.WkbType.MultiPolygon
    WKB_NO_GEOMETRY = Qgis.WkbType.NoGeometry
else:
    WKB_MULTIPOLYGON = QgsWkbTypes.MultiPolygon
    WKB_NO_GEOMETRY = QgsWkbTypes.NoGeometry

if hasattr(Qgis, "MessageLevel") and hasattr(Qgis.MessageLevel, "Warning"):
    LEVEL_INFO = Qgis.MessageLevel.Info
    LEVEL_WARNING = Qgis.MessageLevel.Warning
    LEVEL_CRITICAL = Qgis.MessageLevel.Critical
else:
    LEVEL_INFO = Qgis.Info
    LEVEL_WARNING = Qgis.Warning
    LEVEL_CRITICAL = Qgis.Critical

# Field types: QVariant in Qt5 builds, QMetaType in Qt6 builds (QGIS 4).
try:
    from qgis.PyQt.QtCore import QMetaType

    FIELD_STRING = QMetaType.Type.QString
    FIELD_DOUBLE = QMetaType.Type.Double
    FIELD_INT = QMetaType.Type.Int
    FIELD_LONG = QMetaType.Type.LongLong
    if QGIS_VERSION_INT < 33800:  # QgsField takes QMetaType only from 3.38 on
        raise ImportError
except (ImportError, AttributeError):
    from qgis.PyQt.QtCore import QVariant

    FIELD_STRING = QVariant.String
    FIELD_DOUBLE = QVariant.Double
    FIELD_INT = QVariant.Int
    FIELD_LONG = QVariant.LongLong

# Rubber bands and geometry kinds: QgsWkbTypes.GeometryType until 3.30, Qgis.GeometryType after.
if hasattr(Qgis, "GeometryType"):
    GEOMETRY_POLYGON = Qgis.GeometryType.Polygon
    GEOMETRY_POINT = Qgis.GeometryType.Point
else:
    GEOMETRY_POLYGON = QgsWkbTypes.PolygonGeometry
    GEOMETRY_POINT = QgsWkbTypes.PointGeometry

# A layout label's text: a QgsTextFormat (textFormat/setTextFormat) from 3.24, a QFont
# (font/setFont) before.
LABEL_TEXT_FORMAT = hasattr(QgsLayoutItemLabel, "textFormat")
