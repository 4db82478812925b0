"""Before / after images side by side: two map canvases kept in step, the spot outlined on both."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsRasterLayer,
)
from qgis.gui import QgsMapCanvas, QgsMapLayerComboBox, QgsRubberBand
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QGridLayout, QWidget

from ..compat import GEOMETRY_POLYGON
from ..i18n import tr
from .entries_panel import ScrollsPastUnlessFocused
from .messages import plain_label

SPOT_OUTLINE = QColor(255, 40, 40)
# Room around the spot, as a share of its size, so the surroundings show what changed.
ZOOM_MARGIN = 1.5
MIN_VIEW_M = 120.0  # a tiny spot is still shown with enough context to judge it
# The canvases' least size in px: two abreast fit the list's area on a 300 px panel.
CANVAS_MIN_WIDTH = 120
CANVAS_MIN_HEIGHT = 160


class ImagePicker(ScrollsPastUnlessFocused, QgsMapLayerComboBox):
    """An image's layer choice: the wheel passing over it scrolls the review page, as over the
    forms' boxes (it switched the image shown)."""


class ImageComparison(QWidget):
    """Two canvases (earlier | later image); panning or zooming one moves the other."""

    imagesChanged = pyqtSignal()  # noqa: N815 - Qt signal naming

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvases: list[QgsMapCanvas] = []
        self.pickers: list[QgsMapLayerComboBox] = []
        self.outlines: list[QgsRubberBand] = []
        self.titles = (tr("Before"), tr("After"))
        # Before the pickers are made: their lists drop a removed layer on the same signal,
        # moving the picker to the next raster, and a slot connected first runs first.
        QgsProject.instance().layersWillBeRemoved.connect(self._images_removed)
        for column, title in enumerate(self.titles):
            layout.addWidget(plain_label(self, title), 0, column)
            picker = ImagePicker(self)
            picker.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
            picker.setAllowEmptyLayer(True)
            picker.setLayer(None)  # start empty: pick_defaults() or the user chooses
            picker.layerChanged.connect(self._show_images)
            layout.addWidget(picker, 1, column)
            canvas = QgsMapCanvas(self)
            canvas.setObjectName(f"imageCanvas{column}")
            canvas.setCanvasColor(QColor("white"))
            # Two side by side fit a panel of 300 px (a 1366×768 screen at 150 %).
            canvas.setMinimumSize(CANVAS_MIN_WIDTH, CANVAS_MIN_HEIGHT)
            layout.addWidget(canvas, 3, column)
            outline = QgsRubberBand(canvas, GEOMETRY_POLYGON)
            outline.setStrokeColor(SPOT_OUTLINE)
            outline.setFillColor(QColor(0, 0, 0, 0))
            outline.setWidth(2)
            self.canvases.append(canvas)
            self.pickers.append(picker)
            self.outlines.append(outline)
        # A blank canvas reads as broken: when the image chosen does not reach the spot, say so,
        # above the canvases (under them it lay just out of view at the panel's usual height).
        self.coverage = plain_label(self)  # names the user's layers
        self.coverage.setObjectName("imageCoverage")
        self.coverage.setWordWrap(True)
        self.coverage.hide()
        layout.addWidget(self.coverage, 2, 0, 1, 2)
        self._spot: tuple | None = None  # (box, crs) of the spot shown, for the note
        self._syncing = False
        for canvas in self.canvases:
            canvas.extentsChanged.connect(lambda source=canvas: self._follow(source))
        # After them: an added layer is in their lists by then, to be picked.
        QgsProject.instance().layersAdded.connect(self._images_added)

    # --- images --------------------------------------------------------------------------------
    def set_images(self, before: QgsRasterLayer | None, after: QgsRasterLayer | None) -> None:
        for picker, layer in zip(self.pickers, (before, after)):
            picker.setLayer(layer)
        self._show_images()

    def layers(self) -> list[QgsRasterLayer | None]:
        """The before and after images shown, None where none is picked."""
        return [picker.currentLayer() for picker in self.pickers]

    def image_ids(self) -> list[str]:
        return [
            picker.currentLayer().id() if picker.currentLayer() else "" for picker in self.pickers
        ]

    def pick_defaults(self, project: QgsProject) -> None:
        """Choose the project's before/after images when none is chosen: layers whose name says
        前时相/before and 后时相/after, else the first two rasters."""
        rasters = [
            layer for layer in project.mapLayers().values() if isinstance(layer, QgsRasterLayer)
        ]
        if not rasters or any(picker.currentLayer() for picker in self.pickers):
            return
        before = _named(rasters, _BEFORE_WORDS) or rasters[0]
        after = _named(rasters, _AFTER_WORDS) or (rasters[1] if len(rasters) > 1 else rasters[0])
        self.set_images(before, after)

    def _images_removed(self, layer_ids: list[str]) -> None:
        """An image shown removed from the project: its picker and canvas are emptied. The
        picker moved to the next raster of its list (the before image, named on the after
        side) while the canvas still drew the removed one, then nothing."""
        gone = set(layer_ids)
        for picker in self.pickers:
            layer = picker.currentLayer()
            if layer is not None and layer.id() in gone:
                picker.setLayer(None)  # its layerChanged shows the images again

    def _images_added(self, layers: list) -> None:
        """A raster added whose name says which image it is (后时相/after) taken by that
        picker when it is empty: the image removed and added again was not shown. A picker
        holding an image keeps it."""
        rasters = [layer for layer in layers if isinstance(layer, QgsRasterLayer)]
        for picker, words in zip(self.pickers, (_BEFORE_WORDS, _AFTER_WORDS)):
            if picker.currentLayer() is None:
                layer = _named(rasters, words)
                if layer is not None:
                    picker.setLayer(layer)

    def _show_images(self) -> None:
        for picker, canvas in zip(self.pickers, self.canvases):
            layer = picker.currentLayer()
            canvas.setLayers([layer] if layer else [])
            if layer is not None:
                canvas.setDestinationCrs(layer.crs())
            canvas.refresh()
        self._say_coverage()  # another image picked: the note follows it
        self.imagesChanged.emit()

    # --- the spot ------------------------------------------------------------------------------
    def show_spot(self, geometry: QgsGeometry | None, crs: QgsCoordinateReferenceSystem) -> None:
        """Outline the spot on both canvases and zoom both to it, with some surroundings."""
        for outline in self.outlines:
            outline.reset(GEOMETRY_POLYGON)
        self._spot = None
        if geometry is None or geometry.isEmpty():
            self._say_coverage()
            return
        for outline in self.outlines:
            outline.setToGeometry(geometry, crs)
        box = geometry.boundingBox()
        self._spot = (box, crs)
        self._say_coverage()
        size = max(box.width(), box.height(), MIN_VIEW_M / (1 + 2 * ZOOM_MARGIN))
        centre = box.center()
        half = size * (0.5 + ZOOM_MARGIN)
        from qgis.core import QgsRectangle, QgsReferencedRectangle

        extent = QgsReferencedRectangle(
            QgsRectangle(
                centre.x() - half, centre.y() - half, centre.x() + half, centre.y() + half
            ),
            crs,
        )
        canvas = self.canvases[0]
        canvas.setReferencedExtent(extent)
        canvas.refresh()

    def _say_coverage(self) -> None:
        """A note over the canvases when an image chosen does not reach the spot shown (or
        has no coordinate reference system to tell): a white canvas reads as broken."""
        missed = []
        if self._spot is not None:
            box, crs = self._spot
            for title, picker in zip(self.titles, self.pickers):
                layer = picker.currentLayer()
                if layer is None:
                    continue
                if not layer.crs().isValid():
                    unplaced = tr("{image} (no coordinate reference system)")
                    missed.append(unplaced.format(image=title))
                elif not _reaches(layer, box, crs):
                    missed.append(title)
        self.coverage.setText(
            tr("The image chosen does not cover this spot: {images}.").format(
                images="、".join(missed)
            )
        )
        self.coverage.setVisible(bool(missed))

    def _follow(self, source: QgsMapCanvas) -> None:
        """Copy one canvas's view to the other (guarded: the copy fires the same signal)."""
        if self._syncing:
            return
        self._syncing = True
        try:
            for canvas in self.canvases:
                if canvas is not source:
                    canvas.setDestinationCrs(source.mapSettings().destinationCrs())
                    canvas.setExtent(source.extent())
                    canvas.refresh()
        finally:
            self._syncing = False


# What an image's layer name says it is: the demo's and the bureau's names (前时相影像 before).
_BEFORE_WORDS = ("前时相", "before")
_AFTER_WORDS = ("后时相", "after")


def _named(rasters: list, words: tuple[str, ...]):
    """The first raster whose name holds one of `words`, None when none does."""
    return next((r for r in rasters if any(w in r.name().lower() for w in words)), None)


def _reaches(layer: QgsRasterLayer, box, crs: QgsCoordinateReferenceSystem) -> bool:
    """Whether the image's extent meets the spot's box (given in `crs`)."""
    from qgis.core import QgsCoordinateTransform, QgsCsException

    try:
        extent = QgsCoordinateTransform(
            layer.crs(), crs, QgsProject.instance()
        ).transformBoundingBox(layer.extent())
    except QgsCsException:
        return True  # cannot tell: not said
    return extent.intersects(box)
