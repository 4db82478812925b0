"""Renders a QGIS project's map to a PNG, the way it opens (for the README and for looking at it).

Usage: render_project.py PROJECT.qgz OUT.png [--extent xmin,ymin,xmax,ymax] [--width 1400]
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project")
    parser.add_argument("out")
    parser.add_argument("--extent")
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args()
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(args.project):
        print(f"cannot read {args.project}: {project.error()}")
        return 1
    root = project.layerTreeRoot()
    layers = [node.layer() for node in root.findLayers() if node.isVisible()]
    extent = (
        QgsRectangle(*map(float, args.extent.split(",")))
        if args.extent
        else project.viewSettings().defaultViewExtent()
    )
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    settings.setBackgroundColor(QColor("white"))
    height = int(args.width * extent.height() / extent.width())
    settings.setOutputSize(QSize(args.width, height))
    settings.setExtent(extent)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(args.out)
    print(f"wrote {args.out}")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
