"""The official area computed another way, for tests: a polygon's edges densified to 1 m in the
projection (where they are straight), taken to CGCS2000 lon/lat and measured by pyproj.Geod on
the GRS80 ellipsoid (CGCS2000's a and f to far below a mm²). Independent of core.areas."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

GEOD = Geod(ellps="GRS80")


def geodesic_area(geometry: shapely.Geometry, epsg: int = 4527) -> float:
    """Of a polygon or multipolygon: shells added, holes taken away. In a geographic CRS
    (EPSG:4490) its edges are straight in longitude/latitude: followed every 1e-5° instead."""
    to_lon_lat = Transformer.from_crs(epsg, 4490, always_xy=True)
    step = 1e-5 if CRS.from_epsg(epsg).is_geographic else 1.0

    def ring_area(ring) -> float:
        lon, lat = to_lon_lat.transform(*np.asarray(ring.coords).T)
        return abs(GEOD.polygon_area_perimeter(lon, lat)[0])

    total = 0.0
    for polygon in shapely.get_parts(shapely.segmentize(geometry, step)):
        total += ring_area(polygon.exterior)
        total -= sum(ring_area(hole) for hole in polygon.interiors)
    return total
