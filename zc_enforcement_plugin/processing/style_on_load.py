"""Styles an output of screening or of a 三区两线 check when QGIS loads it, and puts Chinese
names on its fields: the technician opens a result already coloured by suggested verdict."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMapLayer, QgsProcessingLayerPostProcessorInterface
from qgis.PyQt import sip

from ..core import domain
from ..fonts import use_chinese_font_in_labels
from ..resources_paths import STYLES

_CATEGORY = QgsMapLayer.StyleCategory
# What a style draws. An output written without geometry (a CSV or spreadsheet: the spots'
# table) takes the rest of a style made for polygons, its field names, forms and table columns:
# QGIS refuses a style with another geometry type whole when these are asked for too, and said
# so in red in the log of every such run.
_DRAWING = _CATEGORY.Symbology | _CATEGORY.Symbology3D | _CATEGORY.Labeling | _CATEGORY.Diagrams
_TABLE_CATEGORIES = _CATEGORY.AllStyleCategories & ~_DRAWING


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Styles an output when QGIS loads it: spots by suggested verdict, pieces by layer."""

    # Processing keeps only a pointer and deletes the C++ side with its context: each Python
    # object is held here until then (an iterated run loads all its outputs at the end).
    _alive: list[StyleOnLoad] = []

    def __init__(self, style: Path, screening_labels: bool = True):
        super().__init__()
        self.style = style
        self.screening_labels = screening_labels  # else the style's own aliases only

    @classmethod
    def create(cls, style: Path, screening_labels: bool = True) -> StyleOnLoad:
        cls._alive = [held for held in cls._alive if not sip.isdeleted(held)]
        processor = cls(style, screening_labels)
        cls._alive.append(processor)
        return processor

    @classmethod
    def attach(
        cls, context, outputs: dict, styles: dict[str, str], screening_labels: bool = True
    ) -> None:
        """Styles each output (name -> style in resources/styles) that QGIS will load."""
        for name, style in styles.items():
            if name in outputs and context.willLoadLayerOnCompletion(outputs[name]):
                details = context.layerToLoadOnCompletionDetails(outputs[name])
                details.setPostProcessor(cls.create(STYLES / f"{style}.qml", screening_labels))

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        if layer.isSpatial():
            message, ok = layer.loadNamedStyle(str(self.style))
        else:
            message, ok = layer.loadNamedStyle(str(self.style), categories=_TABLE_CATEGORIES)
        if not ok:
            feedback.reportError(message, fatalError=False)
        # The style names the font canonically; under zh_CN QGIS just put the application font
        # in its place, and on Windows it is not installed: the labels need it in Chinese.
        use_chinese_font_in_labels(layer)
        if self.screening_labels:
            _label_fields(layer)
        layer.triggerRepaint()


def _label_fields(layer) -> None:
    """Chinese aliases on the result fields (also under their Shapefile names) and the
    reviewer's columns first in the attribute table. (The pieces name their layers in words in
    the file itself: PIECE_LAYER.)"""
    labels = domain.output_field_labels_zh()
    labels.update({domain.shapefile_field_name(name): label for name, label in labels.items()})
    names = layer.fields().names()
    for index, name in enumerate(names):
        if name in labels:
            layer.setFieldAlias(index, labels[name])
    config = layer.attributeTableConfig()
    config.update(layer.fields())
    front = [name for name in domain.REVIEW_COLUMNS if name in names]
    columns = sorted(
        config.columns(),
        key=lambda c: front.index(c.name) if c.name in front else len(front),
    )
    config.setColumns(columns)
    layer.setAttributeTableConfig(config)
