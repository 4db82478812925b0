"""Which town (and so which office) each spot belongs to: the town it overlaps most."""

from __future__ import annotations

import numpy as np
import shapely

from .geometry_repair import make_valid


def assign_towns(
    spot_geoms: np.ndarray, town_geoms: np.ndarray, town_names: np.ndarray, offices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(town name, office) per spot; None for a spot no town touches (outside the district).

    A spot on a town boundary goes to the town holding most of its area: the office of that
    town verifies it, as the work plan assigns spots by where they lie.
    """
    spot_geoms = np.asarray(spot_geoms, dtype=object)
    names = np.full(len(spot_geoms), None, dtype=object)
    office_of = np.full(len(spot_geoms), None, dtype=object)
    valid_towns = make_valid(np.asarray(town_geoms, dtype=object))
    usable = ~(shapely.is_missing(spot_geoms) | shapely.is_empty(spot_geoms))
    spots = np.where(usable, make_valid(np.where(usable, spot_geoms, None)), None)
    spot_index, town_index = shapely.STRtree(valid_towns).query(spots, predicate="intersects")
    if len(spot_index) == 0:
        return names, office_of
    overlap = shapely.area(shapely.intersection(spots[spot_index], valid_towns[town_index]))
    # Largest overlap first, then the first pair of each spot is its town.
    order = np.lexsort((-overlap, spot_index))
    spot_index, town_index = spot_index[order], town_index[order]
    first = np.ones(len(spot_index), dtype=bool)
    first[1:] = spot_index[1:] != spot_index[:-1]
    names[spot_index[first]] = np.asarray(town_names, dtype=object)[town_index[first]]
    office_of[spot_index[first]] = np.asarray(offices, dtype=object)[town_index[first]]
    return names, office_of
