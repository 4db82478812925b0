"""What every part of the demo generator shares: district sizes, progress and cancelling, the
random streams, and the noise and rounding helpers.

The demo_* modules share their underscore names among themselves; nothing outside them uses
those. Callers use demo_district.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class DemoSize:
    """How big a district to make."""

    parcels: int  # approximate number of DLTB parcels
    spots: int  # number of spots in JCTB
    # A vertex every this many metres along parcel boundaries, as digitised survey parcels
    # have (tens of vertices each), so a benchmark pays what real data costs; None: corners only.
    vertex_spacing: float | None = None
    # The planted campaign cases (mining licences, temporary and facility land) need parcels
    # larger than a benchmark district's: benchmarks leave them out.
    campaigns: bool = True


DEMO = DemoSize(parcels=6_000, spots=300)
BENCH_SIZES = {
    "S": DemoSize(20_000, 1_000, campaigns=False),
    "M": DemoSize(150_000, 4_000, campaigns=False),
    "L": DemoSize(600_000, 20_000, campaigns=False),
    # M as digitised survey data is: a vertex every 5 m along each boundary (about 64 per
    # parcel), which is what reading and overlaying real third-survey parcels costs.
    "M-dense": DemoSize(150_000, 4_000, vertex_spacing=5.0, campaigns=False),
}

MIN_SPOTS = 30  # room for the broken spots, the criminal-sized ones and ordinary ones

# Random streams: each part of the district draws from its own, so a bigger DemoSize keeps the
# same district outline, towns, lines and zones and only the parcels and spots change.
_STREAM_DISTRICT, _STREAM_TOWNS, _STREAM_FIELDS, _STREAM_FEATURES = 1, 2, 3, 4
_STREAM_PARCELS, _STREAM_CLASSES, _STREAM_SPOTS, _STREAM_APPROVALS, _STREAM_IMAGES = 5, 6, 7, 8, 9
_STREAM_CAMPAIGNS = 10

_MM = 0.001  # coordinates are stored to the millimetre, as survey data are


class DemoCancelled(Exception):  # noqa: N818 - the name the processing algorithm uses
    """The caller's is_cancelled() said stop; the partly written files were removed."""


# --- small helpers ------------------------------------------------------------------------------


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _round_mm(a: np.ndarray) -> np.ndarray:
    return np.round(a, 3)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)


def _value_noise(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """Smooth noise (mean 0, sd about 1) on a grid; features are about `scale` cells wide."""
    ny, nx = shape
    lattice = rng.standard_normal((int(ny / scale) + 3, int(nx / scale) + 3))
    fy, fx = np.arange(ny) / scale, np.arange(nx) / scale
    iy, ix = fy.astype(int), fx.astype(int)
    ty, tx = _smoothstep(fy - iy)[:, None], _smoothstep(fx - ix)[None, :]
    a = lattice[iy][:, ix]
    b = lattice[iy][:, ix + 1]
    c = lattice[iy + 1][:, ix]
    d = lattice[iy + 1][:, ix + 1]
    out = (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty
    return (out - out.mean()) / (out.std() + 1e-12)


def _rank01(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1): lets shares be met exactly whatever the values' distribution."""
    out = np.empty(len(values))
    out[np.argsort(values, kind="stable")] = (np.arange(len(values)) + 0.5) / max(len(values), 1)
    return out


def _polygons_only(geoms: np.ndarray) -> np.ndarray:
    """Polygon parts of geometries (intersections also return lines and points where they touch)."""
    parts = shapely.get_parts(geoms)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    return parts[keep]


class _Progress:
    """Reports progress in [0, 1] and raises DemoCancelled when the caller asks to stop."""

    def __init__(
        self, progress: Callable[[float], None] | None, is_cancelled: Callable[[], bool] | None
    ) -> None:
        self._progress = progress
        self._is_cancelled = is_cancelled

    def __call__(self, fraction: float) -> None:
        self.check()
        if self._progress is not None:
            self._progress(min(max(fraction, 0.0), 1.0))

    def check(self) -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise DemoCancelled("demo district creation was cancelled")
