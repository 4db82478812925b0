"""How the algorithms measure areas: in which CRS, and by which method.

One rule for screenspots and every campaign: the same spots screened and audited are measured
in the same Gauss-Krüger zone and offered the same choice of method.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj.exceptions import CRSError
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsProcessingFeatureSource,
    QgsProcessingParameterEnum,
)

from ..core import areas, domain
from ..core import ledger_schema as ls
from ..i18n import tr
from .base import fail
from .layer_reader import has_crs, pyproj_crs

# --- area method ----------------------------------------------------------------------------------
AREA_METHOD = "AREA_METHOD"
# The drop-down's options in order: scripts and saved models pass 0 (ellipsoidal, the official
# figure and the default) or 1 (planar), so the order is part of the algorithms' interface.
AREA_METHODS = (areas.AreaMethod.ELLIPSOIDAL, areas.AreaMethod.PLANAR)


def area_method_parameter(name: str = AREA_METHOD) -> QgsProcessingParameterEnum:
    """The choice of AREA_METHODS, in their order, ellipsoidal by default."""
    return QgsProcessingParameterEnum(
        name,
        tr("Area method"),
        options=[tr("Ellipsoidal (CGCS2000, official)"), tr("Planar (Gauss-Krüger)")],
        defaultValue=0,
    )


def area_method(algorithm, parameters, context, name: str = AREA_METHOD) -> areas.AreaMethod:
    """The method chosen in the parameter area_method_parameter made."""
    return AREA_METHODS[algorithm.parameterAsEnum(parameters, name, context)]


# --- measuring CRS --------------------------------------------------------------------------------
def epsg_authid(crs: QgsCoordinateReferenceSystem) -> str | None:
    """ "EPSG:n" of a CRS, also of one defined without its code (a PROJ string, a user CRS)
    when PROJ recognises it or it is a CGCS2000 3-degree Gauss-Krüger zone written out (PROJ
    does not match a zone given on the GRS80 ellipsoid alone to its code); None when it has
    none."""
    if crs.authid().upper().startswith("EPSG:"):
        return crs.authid()
    try:
        proj = pyproj_crs(crs)
    except CRSError:
        return None
    epsg = areas.cgcs2000_gk3_code(proj) or proj.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else None


def measuring_crs(layers, nothing_to_measure: str | None = None) -> QgsCoordinateReferenceSystem:
    """The CGCS2000 3-degree Gauss-Krüger CRS areas are measured in, set by the first of
    `layers` ((feature source, label) pairs) that holds a geometry: its own CRS when that is
    such a zone, else the zone holding most of its features. A stray feature far away does not
    move the zone (the extent's centre would), and is named later by the checks that features
    fit it.

    Each layer looked at must have a CRS with an EPSG code. When no layer holds a geometry the
    run stops with nothing_to_measure; without one every area is 0, and the first layer's own
    zone, else the ledger's, serves."""
    fallback = None
    for source, label in layers:
        authid = _declared_epsg(source, label)
        try:
            if areas.is_zone_crs(authid):
                epsg = areas.measuring_epsg(authid, None, layer_name=label)
                if _has_geometry(source):
                    return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
                fallback = fallback or epsg
                continue
            centre = _majority_lon_lat(source, authid)
            if centre is None:
                continue  # no feature with a geometry: the next layer tells the place
            epsg = areas.measuring_epsg(authid, centre, layer_name=label)
        except ValueError as error:
            # The core names the layer in each half of its "中文 / English" refusal: put
            # after a translated "{layer}: " the pair would be one half of a line.
            raise fail(str(error)) from error
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
    if nothing_to_measure:
        raise fail(nothing_to_measure)
    return QgsCoordinateReferenceSystem(f"EPSG:{fallback or ls.LEDGER_SRS_ID}")


def _declared_epsg(source, label: str) -> str:
    """ "EPSG:n" of a layer's CRS; a layer without a CRS, or in one without an EPSG code,
    stops the run naming it: its areas cannot be measured."""
    crs = source.sourceCrs()
    if not has_crs(crs):
        raise fail(
            tr("Layer {layer} has no coordinate reference system: set it first.").format(
                layer=label
            )
        )
    authid = epsg_authid(crs)
    if authid is None:
        raise fail(
            tr("{layer}: {error}").format(
                layer=label,
                error=tr(
                    "its coordinate reference system ({crs}) has no EPSG code to measure "
                    "areas in; save the layer in CGCS2000 (EPSG:4527, EPSG:4490, …)"
                ).format(crs=crs.description() or crs.toProj()),
            )
        )
    return authid


def _has_geometry(source) -> bool:
    """Whether any feature of a source has a geometry, from its extent (no feature read)."""
    extent = source.sourceExtent()
    corners = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    return not extent.isNull() and all(math.isfinite(v) for v in corners)


def _majority_lon_lat(source, authid: str) -> tuple[float, float] | None:
    """A point, in CGCS2000 longitude/latitude, of the Gauss-Krüger zone holding the most
    features (within China when any is): the median of their box centres there. None when no
    feature has a geometry; NaN when no feature can be taken to longitude/latitude."""
    request = QgsFeatureRequest().setNoAttributes()
    flags = QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
    centres = np.array(
        [
            (box.center().x(), box.center().y())
            for box in (
                feature.geometry().boundingBox()
                for feature in source.getFeatures(request, flags)
                if not feature.geometry().isNull() and not feature.geometry().isEmpty()
            )
        ]
    ).reshape(-1, 2)
    if len(centres) == 0:
        return None
    lon, lat = areas.to_lon_lat(centres, authid).T
    zones = areas.gk3_zones(lon)
    known = np.isfinite(zones) & np.isfinite(lat)
    in_china = known & (zones >= domain.GK3_FIRST_ZONE) & (zones <= domain.GK3_LAST_ZONE)
    candidates = in_china if in_china.any() else known
    if not candidates.any():
        return (float("nan"), float("nan"))
    values, counts = np.unique(zones[candidates], return_counts=True)
    chosen = candidates & (zones == values[np.argmax(counts)])
    return (float(np.median(lon[chosen])), float(np.median(lat[chosen])))
