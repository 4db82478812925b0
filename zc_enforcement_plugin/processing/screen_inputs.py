"""What screenspots reads, and the checks it makes before it overlays anything.

Every check here stops (or warns) before the overlay, naming the layer, feature and field: a
wrong CRS, a garbled encoding or a missing class field would otherwise give legal figures of 0
that look like any others.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from qgis.core import QgsCoordinateReferenceSystem, QgsWkbTypes

from ..core import areas, dates, domain, screening
from ..i18n import chinese_interface, tr
from .base import ProgressSpan, fail, open_error, output_destination
from .layer_reader import (
    layer_label,
    misdecoded_text,
    open_source,
    pyproj_crs,
    read_source,
)
from .measuring import epsg_authid

APPROVALS = domain.LAYER_APPROVALS
# An approval's kind and term, read where its layer has them.
APPROVAL_FIELDS = (
    domain.APPROVAL_KIND,
    domain.APPROVAL_DATE,
    domain.APPROVAL_START,
    domain.APPROVAL_END,
)
# Field giving each overlay feature's label in hits fields and pieces; the first one present wins.
OVERLAY_LABEL_FIELDS = {
    domain.LAYER_BASIC_FARMLAND: (domain.BASIC_FARMLAND_NUMBER,),
    domain.LAYER_RED_LINE: (domain.RED_LINE_CODE, domain.RED_LINE_NAME),
    domain.LAYER_NO_MINING: (domain.NO_MINING_NAME,),
    domain.LAYER_THREE_ZONES: (domain.THREE_ZONES_NAME,),
    domain.LAYER_APPROVALS: (domain.APPROVAL_NUMBER,),
}


def read_land_use(
    source,
    label: str,
    whole,
    class_field: str,
    deduct_ridges: bool,
    measuring_crs: QgsCoordinateReferenceSystem,
    spot_boxes: np.ndarray,
    read_all: bool,
    span: ProgressSpan,
    feedback,
) -> screening.LayerInput | None:
    """The parcels near the spots with their class codes (read with four digits where a number
    field lost the leading zero) and, when ridges are deducted, their KCXS as stored: the engine
    reports empty or unreadable values by spot. None when the user cancelled, and for a layer
    without any geometry, which classes nothing: as if not given (its fields NULL, not a 0 that
    says "no cultivated land"). read_all: no spatial filter may come first (a feature limit,
    a memory layer: layer_reader.read_unfiltered)."""
    wanted = [class_field] + ([domain.RIDGE_COEFFICIENT] if deduct_ridges else [])
    found = domain_fields(source, label, wanted, feedback)
    # A field the layer lacks is asked for by its own name: read_source refuses it, naming
    # the layer and the field.
    names = {name: found.get(name, name) for name in wanted}
    feedback.setProgressText(tr("Reading {layer}").format(layer=label))
    arrays = read_source(
        source,
        label,
        list(names.values()),
        measuring_crs,
        feedback=span,
        whole_file_layer=whole,
        near_boxes=None if read_all else spot_boxes,
    )
    if feedback.isCanceled():
        return None
    keyed_by_domain(arrays, names)
    if warn_if_apart(arrays, label, source, spot_boxes, feedback):
        return None
    raw_codes = arrays.attributes[class_field]
    # Three-digit codes are read by what the whole field holds (a scan of the layer, ~50 ms
    # on a district): asked only when some were read.
    plain = {domain.plain_code(v) for v in set(raw_codes)}
    if any(len(code) == 3 and code.isdigit() for code in plain):
        whole_field = source.uniqueValues(source.fields().indexOf(names[class_field]))
    else:
        whole_field = None  # nothing to pad, whatever the field holds elsewhere
    codes = np.array(domain.class_code_texts(raw_codes, whole_field), dtype=object)
    warn_if_zeros_lost(raw_codes, codes, label, names[class_field], feedback)
    ridges = None
    if deduct_ridges:
        ridges = np.array(arrays.attributes[domain.RIDGE_COEFFICIENT], dtype=object)
    return screening.LayerInput(
        geoms=arrays.geoms,
        labels=codes,
        class_codes=codes,
        ridge_coefficients=ridges,
        feature_ids=arrays.feature_ids,
        name=label,
    )


def read_protection_layer(
    key: str,
    source,
    label: str,
    whole,
    measuring_crs: QgsCoordinateReferenceSystem,
    spot_boxes: np.ndarray,
    read_all: bool,
    span: ProgressSpan,
    feedback,
) -> screening.LayerInput | None:
    """A protection layer's features near the spots (all of them when read_all), each labelled
    by its code or name, an approval with its kind and term. None when the user cancelled, and
    for a layer without any geometry, which screens nothing: as if not given (its fields NULL)."""
    wanted = [*OVERLAY_LABEL_FIELDS[key], *(APPROVAL_FIELDS if key == APPROVALS else ())]
    found = domain_fields(source, label, wanted, feedback)
    label_fields = [f for f in OVERLAY_LABEL_FIELDS[key] if f in found]
    feedback.setProgressText(tr("Reading {layer}").format(layer=label))
    arrays = read_source(
        source,
        label,
        list(found.values()),
        measuring_crs,
        feedback=span,
        whole_file_layer=whole,
        near_boxes=None if read_all else spot_boxes,
    )
    if feedback.isCanceled():
        return None
    refuse_if_misdecoded(arrays, label)  # naming the fields as the layer does
    keyed_by_domain(arrays, found)
    if warn_if_apart(arrays, label, source, spot_boxes, feedback):
        return None
    layer = screening.LayerInput(
        geoms=arrays.geoms,
        labels=feature_labels(
            [arrays.attributes[name] for name in label_fields], arrays.feature_ids
        ),
        feature_ids=arrays.feature_ids,
        name=label,
    )
    if key == APPROVALS:
        add_approval_terms(layer, arrays, label, found, feedback)
    return layer


def domain_fields(source, label: str, wanted, feedback) -> dict[str, str]:
    """Each of the domain's fields `wanted` that the layer has -> its name there, matched
    as domain.field_as_named matches (ignoring case and surrounding spaces). A name matched
    only so is said once for the layer, with the name found: the reader can then tell a
    field read under another spelling from one the layer lacks."""
    names = source.fields().names()
    found = {}
    for name in dict.fromkeys(wanted):
        match = domain.field_as_named(names, name)
        if match is not None:
            found[name] = match
    loose = [f"{match} → {name}" for name, match in found.items() if match != name]
    if loose:
        feedback.pushInfo(
            tr(
                "{layer}: fields {fields} are read as the fields asked for, their names "
                "matched ignoring case and surrounding spaces."
            ).format(layer=label, fields=", ".join(loose))
        )
    return found


def keyed_by_domain(arrays, found: dict[str, str]) -> None:
    """The attributes read under the layer's names (found: domain name -> name there) put
    under the domain's names, which is what the screening asks them by."""
    arrays.attributes = {name: arrays.attributes[there] for name, there in found.items()}


def check_output_folders(algorithm, parameters, context, outputs: tuple[str, ...]) -> None:
    """An output file in a folder that does not exist stops the run now, not after the
    whole overlay, when its writer would first be opened."""
    for name in outputs:
        if parameters.get(name) is None:
            continue
        destination = output_destination(algorithm, parameters, name, context)
        path = destination.split("|")[0]
        scheme = path.split(":", 1)[0] if ":" in path else ""
        if len(scheme) > 1 and not set("/\\") & set(scheme):
            continue  # memory:, postgres:, ogr: ...; C:/ is a drive, not a scheme
        # A relative path is written from the working directory (qgis_process run in a folder).
        folder = Path(path).absolute().parent
        if not folder.is_dir():
            raise fail(
                tr("The folder for output {output} does not exist: {folder}").format(
                    output=name, folder=folder
                )
            )


def add_approval_terms(layer: screening.LayerInput, arrays, label, found, feedback) -> None:
    """Each approval's kind, the date it was granted (PZRQ, else the start of its term
    QSRQ) and the end of its term (JZRQ), where the layer has those fields (found: domain
    name -> the layer's name, which messages give)."""
    got = arrays.attributes
    fids = arrays.feature_ids

    def dates_of(field):
        if field not in got:
            return None
        names = [f"fid {fid}" for fid in fids.tolist()]
        return read_dates(got[field], label, found[field], names, feedback)

    granted = dates_of(domain.APPROVAL_DATE)
    started = dates_of(domain.APPROVAL_START)
    if granted is None:
        granted = started
    elif started is not None:
        granted = np.where(granted == None, started, granted)  # noqa: E711 - element-wise
    ends = dates_of(domain.APPROVAL_END)
    if granted is not None and ends is not None:
        _unjudge_reversed_terms(layer, granted, ends, fids, label, feedback)
    layer.granted = granted
    layer.ends = ends
    if domain.APPROVAL_KIND in got:
        layer.kinds = np.array(got[domain.APPROVAL_KIND], dtype=object)


def _unjudge_reversed_terms(layer, granted, ends, fids, label, feedback) -> None:
    """An approval ending (JZRQ) before it was granted (PZRQ, else QSRQ) has its dates typed
    wrong, swapped most often: judged by them it had ended before every spot, and its spots
    became 疑似违法, some at referral scale. Its term is taken as unknown (term_unknown: it
    counts whatever its term, and its spots are checked, never cleared on its strength) and
    said, naming each approval and its dates."""
    reversed_ = [
        i
        for i, (start, end) in enumerate(zip(granted.tolist(), ends.tolist()))
        if start is not None and end is not None and end < start
    ]
    if not reversed_:
        return
    named = [
        tr("{approval} (fid {fid}: granted {granted}, ends {ends})").format(
            approval=layer.labels[i], fid=fids[i], granted=granted[i], ends=ends[i]
        )
        for i in reversed_
    ]
    layer.term_unknown = np.zeros(len(granted), dtype=bool)
    for i in reversed_:
        granted[i] = ends[i] = None
        layer.term_unknown[i] = True
    feedback.pushWarning(
        tr(
            "{layer}: {count} approvals end ({end}) before they were granted ({granted}): "
            "{approvals}. Their dates cannot both be right: each is counted whatever its "
            "term, and the spots it covers are sent to a field check. Correct the dates and "
            "run again."
        ).format(
            layer=label,
            count=len(reversed_),
            end=domain.APPROVAL_END,
            granted=f"{domain.APPROVAL_DATE}/{domain.APPROVAL_START}",
            approvals=domain.first_of(named, 10, "；" if chinese_interface() else "; "),
        )
    )


def warn_if_terms_unjudged(
    approvals: screening.LayerInput, label: str, dated: bool, spots_label: str, feedback
) -> None:
    """Say so when nothing lets approvals be judged as they stood at the later image: the
    spots have no HSX, or the approvals none of PZRQ, QSRQ, JZRQ. Each approval then counts
    as cover whatever its term, an expired one too, which the figures alone do not show."""
    if not dated:
        feedback.pushWarning(
            tr(
                "{layer} has no field {field} (the later image's date): the approvals of "
                "{approvals} are counted whatever their term, an expired one too."
            ).format(layer=spots_label, field=domain.SPOT_LATER_DATE, approvals=label)
        )
    if approvals.granted is None and approvals.ends is None:
        feedback.pushWarning(
            tr(
                "{layer} has none of the fields {fields} (granted, start and end of the "
                "term): its approvals are counted whatever their term, an expired one too."
            ).format(
                layer=label,
                fields=", ".join(
                    (domain.APPROVAL_DATE, domain.APPROVAL_START, domain.APPROVAL_END)
                ),
            )
        )


def warn_if_numbers_numeric(source, label: str, field: str, feedback) -> None:
    """Say so when the spot number field is numeric (an Integer or Real field, as a spreadsheet
    writes it): numbers such as 0001 have lost their zeros, and the output carries them so, as
    the ledger's import then says too (ledger_delivery.warn_numeric_numbers)."""
    definition = source.fields().field(field)
    if not definition.isNumeric():
        return
    feedback.pushWarning(
        tr(
            "{layer}: the spot number field {field} is numeric ({type}): leading zeros the "
            "numbers had (0001) are lost, and the output and the ledger carry the numbers "
            "without them. Deliver spot numbers as a text field."
        ).format(layer=label, field=field, type=definition.typeName())
    )


def warn_if_zeros_lost(raw_codes, codes, label, class_field, feedback):
    """Say so when class codes were read with a leading zero put back, and when that also
    turned 201-205 into 0201-0205 rather than the 20x codes."""
    pairs = dict.fromkeys(zip(raw_codes, codes))  # distinct (stored, read) pairs, in order
    padded = [(raw, code) for raw, code in pairs if code != domain.plain_code(raw)]
    if not padded:
        return
    lost = padded[0]
    # Read right, so a warning; a code that may be a 20x code is read one way of two: an error.
    feedback.pushWarning(
        tr(
            "{layer}: field {field} holds codes without their leading zero "
            "(stored as numbers?); they are read with four digits ({value} as "
            "{code})."
        ).format(layer=label, field=class_field, value=lost[0], code=lost[1])
    )
    town = next((code for _, code in padded if code[1:] in domain.TOWN_VILLAGE_CODES), None)
    if town is not None:
        feedback.reportError(
            tr(
                "{layer}: field {field}: {value} is read as {code}, not as the 20x code "
                "of towns, villages and mines (construction land); if it is one, write the "
                "field's other codes with four digits (0101, not 101) so that the two can "
                "be told apart."
            ).format(layer=label, field=class_field, value=town[1:], code=town),
            fatalError=False,
        )


def refuse_if_misdecoded(arrays, layer_label) -> None:
    """Garbled text would be written to the output as it was read, for good (a Shapefile
    output names its encoding UTF-8), and importspots would then refuse every spot: the
    run stops instead, saying how to read the layer right."""
    refusal = misdecoded_text(arrays, layer_label)
    if refusal:
        raise fail(refusal)


def open_polygons(algorithm, parameters, name, context, feedback):
    """(source, label, whole-file layer or None) of a layer parameter, (None, None, None)
    when it is not given (see layer_reader.open_source). A layer that QGIS could not open,
    or whose features are not polygons, stops the run here with its name, rather than
    later as a missing CRS or as areas of nothing."""
    source, whole = open_source(algorithm, parameters, name, context, feedback)
    if source is None:
        return None, None, None
    label, layer = layer_label(algorithm, parameters, name, context)
    if layer is not None and not layer.isValid():
        raise fail(
            tr("Layer {layer} cannot be read from {source}: {error}").format(
                layer=label, source=layer.source(), error=open_error(layer)
            )
        )
    kind = QgsWkbTypes.geometryType(source.wkbType())
    if kind == QgsWkbTypes.GeometryType.NullGeometry:
        raise fail(
            tr("Layer {layer} is a table without geometry; screening needs polygons.").format(
                layer=label
            )
        )
    if kind in (QgsWkbTypes.GeometryType.PointGeometry, QgsWkbTypes.GeometryType.LineGeometry):
        points = kind == QgsWkbTypes.GeometryType.PointGeometry
        raise fail(
            tr("Layer {layer} holds {kind} ({type}); screening needs polygons.").format(
                layer=label,
                kind=tr("points") if points else tr("lines"),
                type=QgsWkbTypes.displayString(source.wkbType()),
            )
        )
    return source, label, whole


def check_coordinates_fit(spot_boxes, keys, spots, spots_label, measuring_crs) -> None:
    """Stops when spots lie where their CRS cannot put them. Spots declared in a
    Gauss-Krüger zone must lie in it (more than 3° off, the coordinates do not fit it: a
    zone prefix missing or another zone's); spots in any other CRS must lie in China."""
    centres = (spot_boxes[:, :2] + spot_boxes[:, 2:]) / 2.0
    present = np.flatnonzero(np.all(np.isfinite(centres), axis=1))
    declared = spots.sourceCrs()
    in_zone = areas.is_zone_crs(epsg_authid(declared) or "")
    misfit = present[
        areas.zone_misfits(
            centres[present], measuring_crs.authid(), max_offset=3.0 if in_zone else None
        )
    ]
    if not len(misfit):
        return
    first = int(misfit[0])
    message = (
        tr(
            "{layer}: {count} spots lie outside {crs}, where they are measured: spot "
            "{spot} is at x={x:.1f}, y={y:.1f}. The coordinates do not fit the layer's "
            "CRS {declared} (a missing or wrong zone prefix?): set the right CRS."
        )
        if in_zone
        else tr(
            "{layer}: {count} spots lie outside China once taken from the layer's CRS "
            "{declared}: spot {spot} is at longitude {x:.4f}°, latitude {y:.4f}°. Check "
            "the CRS and the spot's coordinates."
        )
    )
    x, y = centres[first]
    if not in_zone:  # where the spot is, in degrees, as the layer gave it
        x, y = areas.to_lon_lat(centres[first : first + 1], measuring_crs.authid())[0]
    raise fail(
        message.format(
            layer=spots_label,
            count=len(misfit),
            crs=measuring_crs.authid(),
            spot=keys[first],
            x=x,
            y=y,
            declared=declared.authid() or declared.description(),
        )
    )


def warn_if_apart(arrays, label, source, spot_boxes, feedback) -> bool:
    """Warns when no feature of an overlay layer comes near the spots: its areas will all
    be 0, which is right for a distant zone but also what a wrong CRS gives. True when the
    layer has no feature with a geometry at all."""
    boxes = spot_boxes[np.all(np.isfinite(spot_boxes), axis=1)]
    if len(boxes) == 0:
        return False
    low, high = boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
    feature_boxes = shapely.bounds(arrays.geoms)
    # A hole drawn outside its shell is land once repaired: it reaches as far as the search
    # does (screening.boxes_beyond_shells), or a spot inside it is said to be reached by none.
    rows, beyond = screening.boxes_beyond_shells(arrays.geoms)
    feature_boxes[rows] = beyond
    near = np.all(feature_boxes[:, :2] <= high, axis=1) & np.all(
        feature_boxes[:, 2:] >= low, axis=1
    )
    if not near.any():
        count = source.featureCount()
        if count == 0 or source.sourceExtent().isEmpty():
            feedback.reportError(
                tr(
                    "Layer {layer} has no feature with a geometry ({count} features): it "
                    "screens nothing, and its fields are left empty as for a layer not "
                    "given. Was the right layer given?"
                ).format(layer=label, count=max(count, 0)),
                fatalError=False,
            )
            return True
        _refuse_if_extent_misfits(label, source)
        feedback.reportError(
            tr(
                "Layer {layer} does not reach any spot: its features lie outside the spots' "
                "extent, so its areas are all 0. If that is unexpected, check its "
                "coordinate reference system ({crs})."
            ).format(layer=label, crs=source.sourceCrs().authid()),
            fatalError=False,
        )
    return False


def _refuse_if_extent_misfits(label: str, source) -> None:
    """Stops when a protection layer away from every spot lies where its CRS cannot put
    it (longitude/latitude declared as Gauss-Krüger metres, a zone prefix missing): read
    only near the spots, its features are never checked one by one, and its areas would
    all be 0, a legal figure the warning alone would let pass. A layer merely far away
    (another district, another zone) is still screened, with the warning."""
    extent = source.sourceExtent()
    corners = np.array(
        [[extent.xMinimum(), extent.yMinimum()], [extent.xMaximum(), extent.yMaximum()]]
    )
    crs = source.sourceCrs()
    if not np.all(np.isfinite(corners)) or not crs.isValid():
        return
    if not areas.crs_misfits(corners, pyproj_crs(crs), zone_offset=None).any():
        return
    raise fail(
        tr(
            "Layer {layer} does not fit its CRS {crs}: its features lie between x={x1:.4f}, "
            "y={y1:.4f} and x={x2:.4f}, y={y2:.4f}, where that CRS puts nothing in China "
            "(longitude and latitude under a projected CRS, or a missing zone prefix?). "
            "Screened so, every spot would get 0 from it: set the layer's right CRS."
        ).format(
            layer=label,
            crs=crs.authid() or crs.description(),
            x1=corners[0, 0],
            y1=corners[0, 1],
            x2=corners[1, 0],
            y2=corners[1, 1],
        )
    )


def feature_labels(columns: list[list], feature_ids: np.ndarray) -> np.ndarray:
    """Each feature by its first non-empty label field (code, then name), else its feature id:
    a hit is never listed as an empty string."""
    labels = []
    for row, fid in enumerate(feature_ids.tolist()):
        texts = (str(column[row]).strip() for column in columns if column[row] is not None)
        labels.append(next((text for text in texts if text), f"fid {fid}"))
    return np.array(labels, dtype=object)


def read_dates(values, layer: str, field: str, names: list[str], feedback) -> np.ndarray:
    """A date field's values as datetime.date (None where empty); text that is no date is
    counted as empty, said once per field with an example, the feature named as names has it
    (a spot by its number, which the technician searches for; others by "fid 12")."""
    out = np.empty(len(values), dtype=object)
    wrong = []
    parsed: dict = {}  # a batch's spots share a few image dates: each is parsed once
    for row, value in enumerate(values):
        if value not in parsed:  # a date field's values come as dates (layer_reader._plain)
            parsed[value] = dates.parse_date(value, strict=False)
        out[row] = parsed[value]
        if out[row] is None and value is not None and str(value).strip():
            wrong.append(row)
    if wrong:
        feedback.pushWarning(
            tr(
                "{layer}: {count} values of field {field} are not dates ({name}: {value}); "
                "they are taken as unknown."
            ).format(
                layer=layer,
                count=len(wrong),
                field=field,
                name=names[wrong[0]],
                value=values[wrong[0]],
            )
        )
    return out
