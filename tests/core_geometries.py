"""Hand-made shapely geometries for the core's tests: boxes in metres from an origin near
Zichuan, in EPSG:4527 (whose x keeps the zone number, 39)."""

from __future__ import annotations

import numpy as np
import shapely

X0, Y0 = 39_580_000.0, 4_050_000.0
EPSG = 4527


def box(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    """A box in metres relative to the test origin."""
    return shapely.box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def arr(*geoms) -> np.ndarray:
    """The geometries as the object array the core takes."""
    out = np.empty(len(geoms), dtype=object)
    out[:] = list(geoms)
    return out
