"""The demo's images: before.tif and after.tif (2 m RGB of a 4 km window at a town's fringe,
painted from the land-use classes, the spots' changes visible in the later one) and change.tif
(a 0/1 change mask over the same window, for polygonizechange)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
import rasterio.crs
import shapely
from affine import Affine
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.transform import from_origin

from .demo_base import _STREAM_CAMPAIGNS, _STREAM_IMAGES, _rng, _value_noise
from .demo_frame import _Frame
from .demo_land_use import _CLASS_INDEX, CLASS_CODES, LAND_CLASSES, _cultivated, _Parcels
from .demo_spots import (
    SPOT_TYPE_FACILITY,
    SPOT_TYPE_FILL,
    SPOT_TYPE_MINING,
    SPOT_TYPE_NEW_CONSTRUCTION,
    SPOT_TYPE_OTHER,
    SPOT_TYPES,
    _Spots,
)
from .domain import EPSG_GK3_ZONE39_PREFIXED
from .geometry_repair import make_valid_one

IMAGE_SIZE_M = 4000.0
IMAGE_PIXEL_M = 2.0


def _image_window(frame: _Frame, seeds: np.ndarray) -> shapely.Polygon:
    """A 4 km square at a town's fringe (houses, fields and slopes), inside the district."""
    half = IMAGE_SIZE_M / 2
    for sx, sy in seeds[[3, 2, 4, 5, 6, 7]]:
        for ox, oy in ((1500, -1500), (-1500, -1500), (1500, 1500), (-1500, 1500), (0, 0)):
            x, y = round(sx + ox), round(sy + oy)
            win = shapely.box(x - half, y - half, x + half, y + half)
            if frame.outline.contains(win):
                return win
    x, y = round(frame.cx), round(frame.cy)
    return shapely.box(x - half, y - half, x + half, y + half)


def _write_images(
    seed: int,
    window: shapely.Polygon,
    parcels: _Parcels,
    spots: _Spots,
    before_path: Path,
    after_path: Path,
) -> None:
    """Paint the window from the land-use classes; in the after image the spots show the change."""
    rng = _rng(seed, _STREAM_IMAGES)
    x0, y0, x1, y1 = window.bounds
    n = int(round(IMAGE_SIZE_M / IMAGE_PIXEL_M))
    transform = from_origin(x0, y1, IMAGE_PIXEL_M, IMAGE_PIXEL_M)
    tree = shapely.STRtree(parcels.geoms)
    idx = np.sort(tree.query(window, predicate="intersects"))
    shapes = parcels.geoms[idx]
    pid = rasterize(
        zip(shapes, range(1, len(idx) + 1)),
        out_shape=(n, n),
        transform=transform,
        fill=0,
        dtype="int32",
    )
    cls_of = np.concatenate([[_CLASS_INDEX["0404"]], parcels.cls[idx]])
    cls = cls_of[pid]
    palette = np.array([LAND_CLASSES[c][1] for c in CLASS_CODES], dtype=np.float32)
    texture = np.array([LAND_CLASSES[c][2] for c in CLASS_CODES], dtype=np.float32)
    img = palette[cls]  # (n, n, 3)
    tone = rng.normal(0.0, 7.0, len(idx) + 1).astype(np.float32)[pid]
    fine = rng.standard_normal((n, n)).astype(np.float32)
    mid = _value_noise(rng, (n, n), 6.0).astype(np.float32)
    coarse = _value_noise(rng, (n, n), 60.0).astype(np.float32)
    tex = texture[cls] * (0.45 * fine + 0.55 * mid) + tone + 5.0 * coarse
    # Crop rows on cultivated land, each parcel ploughed along or across the grid.
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    along = (rng.random(len(idx) + 1) < 0.5)[pid]
    rows = np.sin(2 * np.pi * np.where(along, xx, yy) / 5.0)
    cultivated = _cultivated(cls)
    tex = tex + np.where(cultivated, 6.0 * rows, 0.0)
    before = np.clip(img + tex[..., None], 0, 255)

    # After: a slightly different season everywhere, and the changes inside the spots.
    drift = 2.0 * _value_noise(rng, (n, n), 100.0).astype(np.float32)
    after = np.clip(
        before + drift[..., None] + rng.normal(0, 1.5, (n, n, 1)).astype(np.float32), 0, 255
    )
    shapes_spots = [
        (make_valid_one(g), i + 1)
        for i, g in enumerate(spots.geoms)
        if g is not None and not g.is_empty and g.intersects(window)
    ]
    if shapes_spots:
        sid = rasterize(shapes_spots, out_shape=(n, n), transform=transform, fill=0, dtype="int32")
        change = {
            SPOT_TYPE_NEW_CONSTRUCTION: (206, 204, 198),
            SPOT_TYPE_FACILITY: (228, 231, 236),
            SPOT_TYPE_MINING: (194, 182, 160),
            SPOT_TYPE_FILL: (152, 120, 86),
            SPOT_TYPE_OTHER: (176, 168, 150),
        }
        colour = np.zeros((len(spots.geoms) + 1, 3), np.float32)
        pattern = np.zeros(len(spots.geoms) + 1, np.int8)
        for i, t in enumerate(spots.types):
            colour[i + 1] = change[t]
            pattern[i + 1] = SPOT_TYPES.index(t)
        inside = sid > 0
        pat = pattern[sid]
        blocks = ((xx // 7 + yy // 5) % 2) * 18.0 - 9.0  # roofs of buildings
        stripes = np.where((xx % 6) < 1, -40.0, 0.0)  # greenhouse frames
        detail = np.where(pat == 0, blocks, np.where(pat == 1, stripes, 0.0))
        detail = detail + 6.0 * fine
        new = np.clip(colour[sid] + detail[..., None], 0, 255)
        after = np.where(inside[..., None], new, after)

    profile = {
        **_geotiff_profile(n, transform, 3),
        "predictor": 2,
        "photometric": "RGB",
        "interleave": "pixel",
    }
    for path, data in ((before_path, before), (after_path, after)):
        if path.exists():
            path.unlink()
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.moveaxis(np.round(data).astype(np.uint8), -1, 0))
            dst.build_overviews([2, 4, 8], Resampling.average)


def _write_change_raster(seed: int, window: shapely.Polygon, spots: _Spots, path: Path) -> None:
    """A 0/1 change mask over the image window: the spots, plus specks below the demo's MMU."""
    rng = _rng(seed, _STREAM_CAMPAIGNS + 1)
    x0, y0, x1, y1 = window.bounds
    n = int(round(IMAGE_SIZE_M / IMAGE_PIXEL_M))
    transform = from_origin(x0, y1, IMAGE_PIXEL_M, IMAGE_PIXEL_M)
    shapes = [
        (make_valid_one(g), 1)
        for g in spots.geoms
        if g is not None and not g.is_empty and g.intersects(window)
    ]
    mask = np.zeros((n, n), np.uint8)
    if shapes:
        mask = rasterize(shapes, out_shape=(n, n), transform=transform, fill=0, dtype="uint8")
    # Isolated specks of one or two pixels (4-8 m²): noise the minimum mapping unit drops.
    near = np.zeros((n, n), bool)
    if shapes:
        grown = [(shapely.buffer(g, 12.0), 1) for g, _ in shapes]
        near = rasterize(grown, out_shape=(n, n), transform=transform, fill=0, dtype="uint8") > 0
    placed = 0
    for r, c in rng.integers(2, n - 3, (200, 2)).tolist():
        if placed == 24:
            break
        if near[r - 2 : r + 4, c - 2 : c + 4].any() or mask[r - 2 : r + 4, c - 2 : c + 4].any():
            continue
        mask[r, c : c + 1 + placed % 2] = 1
        placed += 1
    profile = _geotiff_profile(n, transform, 1)
    if path.exists():
        path.unlink()
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(mask, 1)


def _geotiff_profile(n: int, transform: Affine, count: int) -> dict:
    """An n × n tiled, deflated 8-bit GeoTIFF of `count` bands in EPSG:4527."""
    return {
        "driver": "GTiff",
        "width": n,
        "height": n,
        "count": count,
        "dtype": "uint8",
        "crs": rasterio.crs.CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED),
        "transform": transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }
