"""The one repair of invalid geometry every layer goes through: land any part or ring covers
stays covered."""

from __future__ import annotations

import numpy as np
import shapely

_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7


def make_valid(geoms: np.ndarray) -> np.ndarray:
    """Each geometry made valid; valid ones, None and empty ones are returned as they are.

    Polygons are rebuilt from their structure (GEOS `structure`): a MultiPolygon whose parts
    overlap becomes their union, a ring that loops over itself the land it encloses, a
    bow-tie its two lobes, and a hole drawn outside its shell stays land of the feature.
    GEOS's default (`linework`) keeps only land covered an odd number of times, so it drops
    the overlap of two parts — a red line or a spot that silently loses land, a legal figure.
    Parts collapsed to lines are dropped (they have no area). Other geometries (lines, points)
    are repaired the default way, which keeps them; a collection's lines are kept too.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    bad = present & ~shapely.is_valid(geoms)
    types = shapely.get_type_id(geoms)
    # A collection may hold polygons: rebuilt the same way (its lines are kept).
    areal = bad & np.isin(types, (_POLYGON, _MULTIPOLYGON, _COLLECTION))
    if areal.any():
        out[areal] = shapely.make_valid(geoms[areal], method="structure", keep_collapsed=False)
    other = bad & ~areal
    if other.any():
        out[other] = shapely.make_valid(geoms[other])
    return out


def make_valid_one(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    """make_valid for a single geometry."""
    return make_valid(np.array([geometry], dtype=object))[0]
