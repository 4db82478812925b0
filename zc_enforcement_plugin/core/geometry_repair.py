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
    are repaired the default way, which keeps them. A collection's polygons are repaired as one
    MultiPolygon (overlapping ones become their union), its lines and points kept beside them.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    bad = needs_repair(geoms)
    types = shapely.get_type_id(geoms)
    areal = bad & np.isin(types, (_POLYGON, _MULTIPOLYGON))
    if areal.any():
        out[areal] = _rebuilt(geoms[areal])
    collections = bad & (types == _COLLECTION)
    if collections.any():
        out[collections] = [_repaired_collection(g) for g in geoms[collections]]
    other = bad & ~areal & ~collections
    if other.any():
        out[other] = shapely.make_valid(geoms[other])
    return out


def needs_repair(geoms: np.ndarray) -> np.ndarray:
    """Whether each geometry is invalid: as GEOS says, and a collection whose polygons overlap
    or share an edge, which GEOS holds valid whatever its parts do. Two overlapping polygons
    in one GeometryCollection (a GeoPackage's GEOMETRY column holds them) were measured twice,
    a spot of 6 亩 as 12 and sent for criminal referral, with no repair said; cut by a parcel,
    one stopped the run on GEOS's TopologyException."""
    geoms = np.asarray(geoms, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    bad = present & ~shapely.is_valid(geoms)
    collections = np.flatnonzero(present & ~bad & (shapely.get_type_id(geoms) == _COLLECTION))
    if len(collections):
        bad[collections] = ~shapely.is_valid(polygons_of(geoms[collections]))
    return bad


def invalid_reasons(geoms: np.ndarray) -> np.ndarray:
    """Why each geometry needs_repair, as GEOS words it ("Self-intersection[x y]"): a
    collection GEOS holds valid, that of its polygons taken as one MultiPolygon; one it holds
    invalid (a line of two equal points in it), GEOS's own (its polygons, asked, were valid:
    "Valid Geometry" was said)."""
    geoms = np.asarray(geoms, dtype=object)
    asked = geoms.copy()
    collections = (shapely.get_type_id(geoms) == _COLLECTION) & shapely.is_valid(geoms)
    if collections.any():
        asked[collections] = polygons_of(geoms[collections])
    return np.asarray(shapely.is_valid_reason(asked), dtype=object)


def polygons_of(geoms: np.ndarray) -> np.ndarray:
    """The polygons of each geometry (collections within collections opened) as one
    MultiPolygon, empty where there are none."""
    result = np.array([shapely.MultiPolygon()] * len(geoms), dtype=object)
    parts, owner = _members(geoms)
    keep = (shapely.get_type_id(parts) == _POLYGON) & ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    if len(parts):
        used, dense = np.unique(owner, return_inverse=True)
        result[used] = shapely.multipolygons(parts, indices=dense)
    return result


def _members(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every member of each geometry, its collections and MultiPolygons opened down to single
    polygons at any depth, and the index of the geometry each came from, in the geometries'
    order (shapely.multipolygons takes them so: opened members put after the rest stopped
    the run on "The indices should be sorted")."""
    parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    opened = (_MULTIPOLYGON, _COLLECTION)
    while len(parts) and np.any(nested := np.isin(shapely.get_type_id(parts), opened)):
        inner, sub = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        owner = np.concatenate([owner[~nested], owner[nested][sub]])
    order = np.argsort(owner, kind="stable")
    return parts[order], owner[order]


def _rebuilt(polygonal: np.ndarray) -> np.ndarray:
    return shapely.make_valid(polygonal, method="structure", keep_collapsed=False)


def _repaired_collection(collection: shapely.GeometryCollection) -> shapely.Geometry:
    """A collection's polygons rebuilt as one (their union where they overlap), its other
    members repaired the default way and kept beside them."""
    one = np.array([collection], dtype=object)
    land = _rebuilt(polygons_of(one))[0]
    members, _ = _members(one)
    others = members[(shapely.get_type_id(members) != _POLYGON) & ~shapely.is_empty(members)]
    if not len(others):
        return land
    return shapely.GeometryCollection([*shapely.get_parts(land), *shapely.make_valid(others)])


def make_valid_one(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    """make_valid for a single geometry."""
    return make_valid(np.array([geometry], dtype=object))[0]
