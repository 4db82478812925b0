"""Make a synthetic Zichuan-like district: GeoPackage layers, spot batch, before/after images.

This module is the generator's interface (what callers use as demo_district.X) and its entry
point, create_demo_district; the generator is split by concern:
- demo_base: district sizes, progress and cancelling, the random streams, noise helpers;
- demo_frame: the district's outline and towns; demo_land_use: the smooth fields, the land-use
  parcels (DLTB) and permanent basic farmland (YJJBNT);
- demo_protection: the three-zones-two-lines lines, zones and view areas, red line, no-mining;
- demo_spots: the batch of spots (JCTB); demo_approvals: the approvals (PZYD);
- demo_campaign_cases: the planted campaign cases (CKQ, LSYD, SSNYD, SDXZ) and their answers;
- demo_gpkg: writing the layers; demo_images: before.tif, after.tif and change.tif.
Each part draws from a random stream of its own (demo_base), so the same seed gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import shapely

from .demo_approvals import _make_approvals
from .demo_base import (
    _MM,
    BENCH_SIZES,
    DEMO,
    MIN_SPOTS,
    DemoCancelled,
    DemoSize,
    _Progress,
)
from .demo_campaign_cases import (
    CAMPAIGN_AUXILIARY_MAX_SHARE,
    CAMPAIGN_AUXILIARY_MAX_SQM,
    CAMPAIGN_AUXILIARY_USES,
    CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL,
    CAMPAIGN_CHECK_DATE,
    CAMPAIGN_CULTIVATED_MAX_SQM,
    CAMPAIGN_CULTIVATED_MIN_LEVEL,
    CAMPAIGN_MIN_MAPPING_SQM,
    _make_campaigns,
)
from .demo_frame import TOWNS, _make_frame, _town_seeds, _towns
from .demo_gpkg import _write_layers
from .demo_images import _image_window, _write_change_raster, _write_images
from .demo_land_use import LAND_CLASSES, _basic_farmland, _fields, _make_parcels
from .demo_protection import (
    VIEW_DISTANCE_HIGHWAY_M,
    VIEW_DISTANCE_RAILWAY_M,
    VIEW_DISTANCE_RIVER_M,
    VIEW_DISTANCE_ZONE_M,
    _lines_and_zones,
    _view_areas,
)
from .demo_spots import BATCH_YEAR, SPOT_TYPE_MINING, SPOT_TYPES, _make_spots

# The layer names callers have read from here; domain holds them.
from .domain import DEMO_LAYER_GROUND, DEMO_LAYER_LAND_USE, DEMO_LAYER_MINING_LICENCES

__all__ = [
    "AFTER_IMAGE_NAME",
    "BATCH_YEAR",
    "BEFORE_IMAGE_NAME",
    "BENCH_SIZES",
    "CAMPAIGN_AUXILIARY_MAX_SHARE",
    "CAMPAIGN_AUXILIARY_MAX_SQM",
    "CAMPAIGN_AUXILIARY_USES",
    "CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL",
    "CAMPAIGN_CHECK_DATE",
    "CAMPAIGN_CULTIVATED_MAX_SQM",
    "CAMPAIGN_CULTIVATED_MIN_LEVEL",
    "CAMPAIGN_MIN_MAPPING_SQM",
    "CHANGE_IMAGE_NAME",
    "create_demo_district",
    "DEMO",
    "DEMO_LAYER_GROUND",
    "DEMO_LAYER_LAND_USE",
    "DEMO_LAYER_MINING_LICENCES",
    "DemoCancelled",
    "DemoDistrict",
    "DemoSize",
    "GPKG_NAME",
    "LAND_CLASSES",
    "MIN_SPOTS",
    "SPOT_TYPE_MINING",
    "SPOT_TYPES",
    "TOWNS",
    "VIEW_DISTANCE_HIGHWAY_M",
    "VIEW_DISTANCE_RAILWAY_M",
    "VIEW_DISTANCE_RIVER_M",
    "VIEW_DISTANCE_ZONE_M",
]

GPKG_NAME = "demo_district.gpkg"
BEFORE_IMAGE_NAME = "before.tif"
AFTER_IMAGE_NAME = "after.tif"
CHANGE_IMAGE_NAME = "change.tif"


@dataclass
class DemoDistrict:
    """What create_demo_district wrote."""

    gpkg: Path
    before_image: Path | None
    after_image: Path | None
    layers: dict[str, int] = field(default_factory=dict)  # layer name -> feature count
    # {"invalid": [JCBH...], "invalid_reason": {JCBH: words of is_valid_reason},
    #  "duplicate": JCBH, "outside": JCBH, "empty": JCBH}
    broken_spots: dict = field(default_factory=dict)
    # {"basic_farmland": [JCBH...], "cultivated": [JCBH...]}: spots over the criminal thresholds
    criminal_spots: dict = field(default_factory=dict)
    image_bounds: tuple[float, float, float, float] | None = None
    change_raster: Path | None = None  # change.tif, a 0/1 change mask over the image window
    # Planted campaign cases and their answers: {"temporary": {case: {"number", "codes",
    # "ground"}}, "facility": {...}, "mining": {case: {"spot", "licence"}, "no_licence": [JCBH],
    # "no_go_spots": [JCBH]}}
    campaign_cases: dict = field(default_factory=dict)


# --- the entry point -----------------------------------------------------------------------------


def create_demo_district(
    out_dir: str | Path,
    size: DemoSize = DEMO,
    seed: int = 370302,
    with_images: bool = True,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> DemoDistrict:
    """Write demo_district.gpkg (and before.tif / after.tif / change.tif) into out_dir; same seed,
    same bytes. The campaign layers (CKQ, LSYD, SSNYD, SDXZ) come after the others, which they
    leave untouched; DemoDistrict.campaign_cases lists the cases they plant.

    Raises DemoCancelled when is_cancelled() returns True (files being written are removed).
    """
    if size.spots < MIN_SPOTS or size.parcels < 500:
        raise ValueError(f"a demo district needs at least {MIN_SPOTS} spots and 500 parcels")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gpkg = out / GPKG_NAME
    before = out / BEFORE_IMAGE_NAME if with_images else None
    after = out / AFTER_IMAGE_NAME if with_images else None
    change = out / CHANGE_IMAGE_NAME if with_images else None
    written = [p for p in (gpkg, before, after, change) if p is not None]
    prog = _Progress(progress, is_cancelled)
    try:
        return _create(out, gpkg, before, after, size, seed, prog)
    except DemoCancelled:
        for p in written:
            p.unlink(missing_ok=True)
        raise


def _create(
    out: Path,
    gpkg: Path,
    before: Path | None,
    after: Path | None,
    size: DemoSize,
    seed: int,
    prog: _Progress,
) -> DemoDistrict:
    prog(0.0)
    frame = _make_frame(seed)
    outline = frame.outline
    seeds = _town_seeds(seed, frame)
    towns = _towns(frame, seeds)
    features = _lines_and_zones(seed, frame, seeds)
    view_areas = _view_areas(features, outline)
    _fields(seed, frame, seeds, features)
    prog(0.08)
    parcels = _make_parcels(seed, frame, seeds, features, size.parcels)
    if size.vertex_spacing:
        # Neighbours split a shared edge at the same points; rounding to the millimetre makes
        # those points identical, so the parcels still tile the district exactly.
        dense = shapely.segmentize(parcels.geoms, size.vertex_spacing)
        parcels = replace(parcels, geoms=shapely.set_precision(dense, _MM, mode="pointwise"))
    prog(0.25)
    farmland = _basic_farmland(parcels, frame)
    prog(0.32)
    window = _image_window(frame, seeds)
    spots = _make_spots(seed, size, frame, parcels, farmland, features, view_areas, window)
    approvals = _make_approvals(seed, parcels, spots)
    campaigns = (
        _make_campaigns(seed, parcels, farmland, spots, features) if size.campaigns else None
    )
    prog(0.40)
    counts = _write_layers(
        gpkg,
        outline,
        towns,
        parcels,
        farmland,
        features,
        view_areas,
        approvals,
        spots,
        campaigns,
        prog,
    )
    prog(0.85)
    if before is not None and after is not None:
        _write_images(seed, window, parcels, spots, before, after)
        _write_change_raster(seed, window, spots, out / CHANGE_IMAGE_NAME)
    prog(1.0)
    return DemoDistrict(
        gpkg=gpkg,
        before_image=before,
        after_image=after,
        layers=counts,
        broken_spots=spots.broken,
        criminal_spots=spots.criminal,
        image_bounds=window.bounds,
        change_raster=out / CHANGE_IMAGE_NAME if before is not None else None,
        campaign_cases=campaigns.cases if campaigns is not None else {},
    )
