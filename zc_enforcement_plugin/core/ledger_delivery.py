"""Vetting a delivery of spots before it is imported, and a re-delivery against what the
ledger holds: keys, geometry, figures and attributes checked, each problem named by spot and
field, nothing already recorded lost or silently changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from . import campaigns_schema as cs
from . import domain
from . import ledger_schema as ls
from .dates import as_typed
from .domain import (
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    SPOT_AREA,
    SPOT_NUMBER,
    SPOT_PIECES,
    SPOT_REFRESHES,
    TOWN_NAME,
    invalid_reason_zh,
)
from .geometry_repair import make_valid_one
from .ledger_records import (
    ImportIssue,
    ImportReport,
    LedgerError,
    SpotRecord,
)
from .ledger_rows import as_number, change_halves
from .spot_files import has_cjk, misdecoding_halves, utf8_read_as_gbk_field

DUPLICATE_NOTE = "neither copy imported"

FIGURE_COLUMNS = (
    *ls.SPOT_AREA_COLUMNS,
    *ls.SPOT_TEXT_COLUMNS,
    ls.C_PRIORITY,
    *ls.SPOT_FLAG_COLUMNS,
)
# The column a GeoPackage keeps its feature ids in, which QGIS shows as a field. Imports of a
# GeoPackage layer read through QGIS used to store it among the delivered fields: no delivered
# fact (the file's row number), and missing from every re-delivery read through GDAL.
GEOPACKAGE_FEATURE_ID = "fid"
_TRUE_WORDS = {"1", "true", "t", "y", "yes", "是"}
_FALSE_WORDS = {"0", "false", "f", "n", "no", "否", ""}


@dataclass
class Vetted:
    key: str
    geometry: BaseGeometry | None
    attributes: dict[str, Any]
    figures: list[Any]  # values of FIGURE_COLUMNS
    index: int | None = None  # the feature in the delivery, for reports


@dataclass
class Recorded:
    """A spot as the ledger holds it, before a refresh."""

    fid: int
    attributes: dict[str, Any]
    figures: list[Any]  # values of FIGURE_COLUMNS
    geometry: BaseGeometry | None = None


# How the log names the pieces a spot keeps (SPOT_PIECES is the ledger's own key, no field).
PIECES_NAMED = "筛查压占部分 / screening pieces"


def keep_recorded(vetted: Vetted, recorded: Recorded, report: ImportReport, where: str) -> Vetted:
    """The refreshed spot, keeping what the delivery does not carry.

    A field the delivery does not have at all (a raw delivery without the screening figures,
    the town and office of an import without a towns layer) keeps its recorded value; so does
    the geometry of a spot delivered without one (an outline is the legal object: it is not
    lost to a broken feature). A field the delivery has, NULL, is taken as it says: a layer
    no longer hit, say. Both are warned about, naming the spot and the fields.

    A spot whose recorded outline is kept so keeps its screening results too (see
    _keep_screening): screening measured no outline, and its zeros would stand beside the
    one kept. Said in one warning naming the file (`where`), the spot and the fields.

    Screening's pieces (SPOT_PIECES) delivered with the spots replace the recorded ones. A
    delivery without them keeps the recorded pieces while the outline is the one they were cut
    from (outline_moved); a moved outline's pieces lie where the spot no longer is, so they
    are removed, and said by refresh_changes among the spot's changes.
    """
    attributes = dict(vetted.attributes)
    figures = list(vetted.figures)
    kept, blanked, outline_kept = [], [], []
    geometry = vetted.geometry
    outline = recorded.geometry is not None and not recorded.geometry.is_empty
    if outline and (geometry is None or geometry.is_empty):
        geometry = None  # bound as NULL: the UPDATE keeps the recorded outline
        outline_kept = ["geometry", *_keep_screening(attributes, figures, recorded)]
    for name, value in recorded.attributes.items():
        if value is None or name == SPOT_REFRESHES:
            continue
        if name == SPOT_PIECES and name not in attributes:
            # Kept while they lie on the outline; else left out, which refresh_changes says
            # among the spot's changes (in the log and the dock), once.
            if not outline_moved(recorded.geometry, geometry):
                attributes[name] = value
                kept.append(name)
            continue
        if name not in attributes:
            attributes[name] = value
            # A feature id stored by an earlier import is kept (it may be a Shapefile's own
            # field of that name), but its absence is no news: no bulk read delivers it.
            if name != GEOPACKAGE_FEATURE_ID:
                kept.append(name)
        elif attributes[name] is None:
            blanked.append(name)  # the delivery says NULL: taken, and said
    for i, column in enumerate(FIGURE_COLUMNS):
        if recorded.figures[i] is None or figures[i] is not None:
            continue
        if column in vetted.attributes:
            # Delivered empty; a value no spot can have (-5) was said where it was read.
            if vetted.attributes[column] is None and column not in blanked:
                blanked.append(column)
        else:
            figures[i] = recorded.figures[i]
            if column not in kept:
                kept.append(column)
    if recorded.attributes.get(SPOT_REFRESHES):  # a refresh adds to them, see _refreshed
        attributes[SPOT_REFRESHES] = recorded.attributes[SPOT_REFRESHES]
    for names, message in (
        (kept, "本次交付没有，保留台帐原值 / not in this delivery: the recorded value is kept"),
        (
            blanked,
            "本次交付为空，原值已清空 / empty in this delivery: the recorded value is cleared",
        ),
    ):
        if names:
            shown = [PIECES_NAMED if name == SPOT_PIECES else name for name in names]
            report.warnings.append(ImportIssue(None, vetted.key, ", ".join(shown), message))
    if outline_kept:
        report.warnings.append(
            ImportIssue(
                vetted.index,
                vetted.key,
                ", ".join(outline_kept),
                f"{where}：本次交付中该图斑无几何，筛查结果是按无几何算出的，保留台帐所存图形"
                "及其筛查结果 / "
                f"{where}: the spot has no geometry in this delivery, so its screening results "
                "were worked out on none: the recorded outline and its results are kept",
            )
        )
    return Vetted(vetted.key, geometry, attributes, figures)


def _keep_screening(attributes: dict[str, Any], figures: list[Any], recorded: Recorded) -> list:
    """Put the recorded screening results (the screening columns of FIGURE_COLUMNS, and each
    result field of the attributes, as screenspots names them) in place of those delivered
    for a spot without geometry: TBMJ 0, no layer hit, YXJ 4, PDYY 图斑几何为空 say nothing
    of the outline the ledger keeps. A result the recorded spot lacks is left out, not taken
    from the delivery. Returns the names of the recorded results kept."""
    kept = []
    for i, column in enumerate(FIGURE_COLUMNS):
        if _result_named(column):
            figures[i] = recorded.figures[i]
            if recorded.figures[i] is not None:
                kept.append(column)
    for name in [n for n in {**attributes, **recorded.attributes} if _result_named(n)]:
        if recorded.attributes.get(name) is None:
            attributes.pop(name, None)
            continue
        attributes[name] = recorded.attributes[name]
        if name not in kept:
            kept.append(name)
    return kept


def refresh_changes(recorded: Recorded, refreshed: Vetted) -> list[str]:
    """What a refresh changes in a spot, old → new: its figures, delivered fields, outline and
    the screening pieces it lost (refreshed as keep_recorded made it: a kept outline is None,
    pieces removed for a moved outline are absent). Each change is kept with the spot as said
    here: a value's "NAME old → new", the same in both languages, or a "中文 / English" pair
    of its own (change_halves tells them apart)."""
    geometry, attributes = refreshed.geometry, refreshed.attributes
    changes = []
    # Empty to a value and back count too: a layer screened for the first time (its figures
    # and hits were NULL) is the change most likely to overturn a verdict.
    for column, old, new in zip(FIGURE_COLUMNS, recorded.figures, refreshed.figures):
        if not _same_value(old, new):
            changes.append(f"{column} {_shown(old)} → {_shown(new)}")
    for name in sorted(set(attributes) | set(recorded.attributes)):
        if name in (*FIGURE_COLUMNS, SPOT_PIECES, SPOT_REFRESHES) or name not in attributes:
            continue  # a field the delivery does not have is kept, said elsewhere
        if name == GEOPACKAGE_FEATURE_ID:
            # A GeoPackage's row number, which a Shapefile written from it holds as a field:
            # no fact of the spot, and a file read in bulk never has it (keep_recorded).
            continue
        old, new = recorded.attributes.get(name), attributes[name]
        if not _same_value(old, new):
            changes.append(f"{name} {_shown(old)} → {_shown(new)}")
    changes.extend(_outline_changes(recorded.geometry, geometry))
    pieces = recorded.attributes.get(SPOT_PIECES)
    if pieces and SPOT_PIECES not in attributes:  # removed by keep_recorded: the outline moved
        changes.append(pieces_removed(len(pieces)))
    return changes


def _outline_changes(old: BaseGeometry | None, new: BaseGeometry | None) -> list[str]:
    """What a refresh changes in a spot's outline, as said (see refresh_changes)."""
    changes = []
    if old is not None and new is not None and not new.is_empty and not _valid(old):
        # Stored as delivered by a release before import repaired outlines: the refresh
        # replaces it by a repaired one, which changes what is measured and drawn, so it is
        # said (and gives the spot a new version) even where the outline did not move.
        reason = shapely.is_valid_reason(old)
        changes.append(
            f"台帐所存图形无效（{invalid_reason_zh(reason)}），按修复后的图形比较，已替换 / "
            f"the recorded outline was invalid ({reason}): compared as repaired, and replaced"
        )
    try:
        shift = _outline_shift(old, new)
    except shapely.errors.GEOSException as error:
        # Never a traceback stopping the refresh of the whole batch: taken as changed.
        changes.append(
            f"图形无法与台帐所存图形比较，按已改变处理：{error} / the outline could not be "
            f"compared with the recorded one, taken as changed: {error}"
        )
        return changes
    if shift > _SAME_OUTLINE_M:  # as outline_moved decides
        # Distances only: the areas the ledger shows are the delivery's TBMJ (ellipsoidal),
        # said above when it changed; a planar area here would be a third figure.
        moved = repair_outline(old).centroid.distance(repair_outline(new).centroid)
        changes.append(
            f"图形中心移动 {moved:.2f} m，边界最大偏移 {shift:.2f} m / outline centre moved "
            f"{moved:.2f} m, largest shift {shift:.2f} m"
        )
    return changes


def outline_shift(old: BaseGeometry | None, new: BaseGeometry | None) -> float:
    """How far a refreshed outline lies from the recorded one, in metres: the largest distance
    of a point of either from the other (Hausdorff); 0.0 when the two are the same outline,
    however their vertices lie, or either is missing or empty (the recorded one is kept).
    Outlines GEOS cannot compare count as moved (infinitely far)."""
    try:
        return _outline_shift(old, new)
    except shapely.errors.GEOSException:
        return math.inf


def _outline_shift(old: BaseGeometry | None, new: BaseGeometry | None) -> float:
    # Compared as import stores them: a ledger written before import repaired outlines holds
    # invalid ones, on which GEOS's predicates fail ("side location conflict").
    old, new = repair_outline(old), repair_outline(new)
    if old is None or new is None or old.is_empty or new.is_empty or old.equals(new):
        return 0.0
    return float(
        shapely.hausdorff_distance(  # repeated vertices make GEOS's distance NaN
            shapely.remove_repeated_points(old), shapely.remove_repeated_points(new)
        )
    )


def _valid(geometry: BaseGeometry) -> bool:
    return geometry.is_empty or geometry.is_valid


def repair_outline(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """A spot's outline as import stores it: its polygons as a MultiPolygon, an invalid one
    repaired as screening repairs it (geometry_repair, its polygonal parts); None for no outline
    or one that is not polygonal."""
    geometry, _ = _spot_geometry(geometry)
    if geometry is None or _valid(geometry):
        return geometry
    repaired = cs.polygonal(np.array([make_valid_one(geometry)], dtype=object))[0]
    return _spot_geometry(repaired)[0]


def outline_moved(old: BaseGeometry | None, new: BaseGeometry | None) -> bool:
    """Whether a refresh moves a spot's outline (said as a change, and its pieces no longer
    lie on it): by more than the millimetre the store keeps coordinates to."""
    return outline_shift(old, new) > _SAME_OUTLINE_M


def pieces_removed(count: int) -> str:
    """A spot's screening pieces removed by a refresh that moved its outline, as said."""
    return (
        f"压占情况的 {count} 块压占图斑已删除：图斑边界已移动，原压占图斑不再落在图斑上；"
        "请带 PIECES（本次筛查的压占图斑）重新导入以恢复 / "
        f"{count} screening pieces removed: the outline moved and they no longer lie on the "
        "spot; re-import with PIECES (this screening's pieces) to restore them"
    )


def say_changes(
    key: str, changes: list[str], judged: bool, case_id: int | None, report: ImportReport
) -> None:
    """Warn of what a refresh changes in a spot. A spot already judged, or with a case, is
    said to be so: its verdict and case stay as recorded, and may no longer fit (a case stays
    with its office)."""
    # In Chinese and in English apart, each in its half: pairs joined inside the Chinese half
    # (what is recorded, the outline moved, pieces removed) showed their English in a Chinese
    # QGIS.
    halves = [change_halves(change) for change in changes]
    said_zh = "；".join(zh for zh, _ in halves)
    said_en = "; ".join(en for _, en in halves)
    recorded_work: list[tuple[str, str]] = []
    if judged:
        recorded_work.append(("已有核查结论", "already judged"))
    if case_id is not None:
        recorded_work.append((f"已有案件 {case_id}（仍由原所办理）", f"has case {case_id}"))
    if recorded_work:
        said_zh += "；" + "，".join(zh for zh, _ in recorded_work) + "，请核对"
        said_en += "; " + ", ".join(en for _, en in recorded_work) + "; check it"
    report.warnings.append(
        ImportIssue(
            None, key, None, f"本次交付改变了：{said_zh} / this delivery changes: {said_en}"
        )
    )


# An outline that moved less than this (any vertex) is the same: coordinates are kept to the mm.
_SAME_OUTLINE_M = 0.001


def _same_value(old: Any, new: Any) -> bool:
    """Whether a refreshed value is the one recorded, as a user would read them: numbers to
    the cent (float noise, 1 and True of a boolean column, 12.5 and "12.50" of a field that
    was text in one delivery), texts without surrounding spaces, anything else equal."""
    if _blank(old) or _blank(new):
        return _blank(old) and _blank(new)
    numbers = [as_number(value) for value in (old, new)]
    if None not in numbers:
        return abs(numbers[0] - numbers[1]) < 0.005
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return old == new


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    """A value as a change is shown: figures to 2 decimals, texts cut at 40 characters, a
    character that shows as nothing (a zero-width space, a tab) spelt ⟨U+200B⟩: a number
    re-delivered with one pasted after it was said as "37030220260004 → 37030220260004", a
    change no one could see."""
    if _blank(value):
        return "（空）"
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    text = text if len(text) <= 40 else text[:40] + "…"
    if not domain.unseen_characters(text):
        return text
    return "".join(f"⟨{u[0]}⟩" if (u := domain.unseen_characters(c)) else c for c in text)


def number_spots_by(spots: Sequence[SpotRecord], key_field: str, where: str) -> str:
    """Give each spot the number its key field holds, as the ledger's SPOT_NUMBER, and return
    the field's name as delivered.

    screenspots numbers spots by any field (SPOT_KEY_FIELD) and writes it as delivered: jcbh,
    TBBH. The field is found whatever its case and surrounding spaces, and renamed to the
    ledger's own: it is the spot's number, so the attributes do not hold it twice. A layer
    with another field spelled JCBH beside the key would give its spots two numbers, and one
    would be lost: refused, as is a key field the layer lacks (LedgerError, naming `where`).
    """
    if not spots:
        return key_field
    wanted = (key_field or SPOT_NUMBER).strip()
    names = list(dict.fromkeys(name for spot in spots for name in spot.attributes))
    # Each name on its own through the domain's rule, so that a second spelling is found too.
    found = [name for name in names if domain.field_as_named([str(name)], wanted)]
    if len(found) != 1:
        fields = ", ".join(map(str, names))
        if found:
            listed = ", ".join(found)
            zh, en = (
                f"有多个字段都是 {wanted}（{listed}）",
                f"has several fields {wanted} ({listed})",
            )
        else:
            zh, en = f"没有图斑编号字段 {wanted}", f"has no spot number field {wanted}"
        raise LedgerError(
            f"{where}：{zh}（字段：{fields}），未导入任何图斑；请在 SPOT_KEY_FIELD 中指定图斑编号"
            f"字段 / {where}: {en} (fields: {fields}): nothing imported; name the spot number "
            "field in SPOT_KEY_FIELD"
        )
    field = found[0]
    other = [
        name for name in names if name != field and domain.field_as_named([str(name)], SPOT_NUMBER)
    ]
    if other:
        raise LedgerError(
            f"{where}：图斑编号取自字段 {field}，而图层另有字段 {other[0]}，每个图斑将有两个"
            f"编号，其一会丢失，未导入任何图斑；请删除或改名其中一个字段，或以 {other[0]} 为图斑"
            "编号字段 / "
            f"{where}: the spot numbers are taken from {field}, and the layer also has a field "
            f"{other[0]}: each spot would have two numbers and one would be lost; nothing "
            f"imported. Remove or rename one of them, or number the spots by {other[0]}"
        )
    if field != SPOT_NUMBER:
        for spot in spots:
            spot.attributes[SPOT_NUMBER] = spot.attributes.pop(field, None)
    return field


# The names screenspots gives its results, and a Shapefile's shorter forms of them (YJJBNT_MU),
# each form -> the result it names. The one list both screenspots (warning as it screens) and the
# import (refusing) read what a layer holds by.
_RESULTS_BY_FORM = {
    form: name
    for name, _ in domain.screening_output_fields()
    for form in (name, domain.shapefile_field_name(name))
}
RESULT_FIELD_NAMES = tuple(_RESULTS_BY_FORM)


def _result_named(name: str) -> str | None:
    """The screening result a field's name is (its case and surrounding spaces aside, as
    domain.field_as_named reads the domain's fields), or None."""
    form = domain.field_as_named(RESULT_FIELD_NAMES, name)
    return _RESULTS_BY_FORM[form] if form is not None else None


def _most_results(results: set[str]) -> bool:
    """Whether these results are most of what screenspots writes: a layer it screened holds
    them all; a delivery whose own fields are named like a few (its TBMJ, its PZWH) does not.
    Most rather than all: a Shapefile's 10 bytes cut some suffixed names past recognition."""
    return len(results) * 2 > len(domain.screening_output_fields())


def results_in_full(spots: Sequence[SpotRecord]) -> list[SpotRecord]:
    """The spots of a screened layer with each result a Shapefile holds under its short name
    (YJJBNT_MU) under its own (YJJBNTMJ_MU), as the GeoPackage output and the ledger hold it:
    a batch refreshed from the Shapefile output of the same screening changed every spot
    (YJJBNT_MU （空） → 10.63) and kept a stale YJJBNTMJ_MU beside it. A delivery that does
    not look screened keeps its own fields' names, and so does a short name whose full name
    is there too."""
    names = {name for spot in spots for name in spot.attributes}
    if not looks_screened(names):
        return list(spots)
    full = {
        form: name
        for form in names
        if (name := _RESULTS_BY_FORM.get(form)) is not None and name != form and name not in names
    }
    if not full:
        return list(spots)
    return [
        dataclasses.replace(
            spot, attributes={full.get(name, name): v for name, v in spot.attributes.items()}
        )
        for spot in spots
    ]


def result_named_fields(names: Iterable[str]) -> list[str]:
    """The fields among `names` named as screening results (TBMJ, PZWH, jypd…)."""
    return sorted(str(name) for name in names if _result_named(str(name)))


def looks_screened(names: Iterable[str]) -> bool:
    """Whether a layer with fields `names` holds screening's results: most of them."""
    return _most_results({r for name in names if (r := _result_named(str(name)))})


def _suffixed_results(names: Iterable[str]) -> dict[str, str]:
    """{field: the result it is a suffixed copy of}: screenspots, finding a field of a
    result's name in the spots, keeps it and writes its result under a suffix (TBMJ_2,
    SFSTHX_2; YJJBNT_MU_ where a Shapefile's 10 bytes cut the digit off)."""
    found = {}
    for name in names:
        base, underscore, rest = str(name).strip().rpartition("_")
        result = _result_named(base) if underscore and (rest.isdigit() or not rest) else None
        if result:
            found[str(name)] = result
    return found


def refuse_rescreened(spots: Sequence[SpotRecord], where: str) -> None:
    """Stop the import of a layer whose screening results are under suffixed names, naming
    the file and the fields; the standard names the ledger reads hold something else.

    Screened more than once (most results suffixed): refused rather than taking the suffixed
    figures: which run screened against the right layers (the latest DLTB, this year's red
    line) cannot be told from the file, a third run's _3 may lie beside a _2, and the earlier
    figures would still stand in the spots' attributes, which the export shows. Legal figures
    must come from the run meant. Screened once, a few results suffixed: the delivery's own
    fields had results' names (its TBMJ, its approval number PZWH), which the ledger would read
    as the screening figures; the way forward is to rename them before screening, not to
    screen the original delivery again, which gives the same layer."""
    names = list(dict.fromkeys(name for spot in spots for name in spot.attributes))
    suffixed = _suffixed_results(names)
    if not suffixed:
        return
    fields = ", ".join(sorted(suffixed))
    if _most_results(set(suffixed.values())):
        raise LedgerError(
            f"{where}：图层筛查过不止一次，后一次的结果在加了后缀的字段（{fields}）中，而台帐读取"
            "的标准字段（TBMJ、JYPD、SFSTHX…）仍是前一次的结果，未导入任何图斑。请对原始交付的"
            "图斑图层重新筛查后导入，或删除前一次的结果字段并把这些字段改回标准名称 / "
            f"{where}: screened more than once: the later run's results are in suffixed fields "
            f"({fields}) while the standard ones the ledger reads (TBMJ, JYPD, SFSTHX, …) hold "
            "the earlier run's; nothing imported. Screen the original delivery and import that, "
            "or remove the earlier result fields and give these their standard names"
        )
    delivered = ", ".join(
        sorted({domain.field_as_named(names, base) or base for base in _bases(suffixed)})
    )
    raise LedgerError(
        f"{where}：图层有与筛查结果同名的字段（{delivered}），筛查结果因此写在了加后缀的字段"
        f"（{fields}）中，而台帐读取标准名称的字段，会把这些交付字段的值当作筛查结果，未导入任何"
        f"图斑。请在筛查前把图斑图层的这些字段改名（如 TBMJ 改为 TBMJ_JF），重新筛查后导入 / "
        f"{where}: the layer has fields named like screening results ({delivered}), so "
        f"screening wrote its results in suffixed fields ({fields}), while the ledger reads the "
        "standard names and would take those fields' values for screening figures; nothing "
        "imported. In the spot layer, rename those fields before screening (TBMJ to TBMJ_JF, "
        "say), screen it again and import that"
    )


def warn_numeric_numbers(spots: Sequence[SpotRecord], where: str, report: ImportReport) -> None:
    """Say so when the spot numbers were delivered as numbers (an Integer or Real field, a
    spreadsheet's column): 0001 is then 1, and the same spots delivered later with text numbers
    match them only leading zeros aside, which the ledger does (refuse_lost_zeros, and a new
    batch of spots another holds), but the sheets and reports carry the number without them."""
    for position, spot in enumerate(spots):
        value = spot.number
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            index = spot.source_index if spot.source_index is not None else position
            report.warnings.append(
                ImportIssue(
                    None,  # the file's field, not one spot: the feature is an example
                    None,
                    SPOT_NUMBER,
                    f"{where}：图斑编号字段 {SPOT_NUMBER} 是数字字段（要素 {index}：{value!r}），"
                    "编号原有的前导零（如 0001）已丢失，台帐、核查表和报表将按无前导零的编号记载；"
                    "请以文本字段交付图斑编号 / "
                    f"{where}: the spot number field {SPOT_NUMBER} holds numbers (feature "
                    f"{index}: {value!r}): leading zeros the numbers had "
                    "(0001) are lost, and the ledger, sheets and reports will carry the numbers "
                    "without them; deliver spot numbers as a text field",
                )
            )
            return


def _county_code(value: Any) -> str | None:
    """XZQDM as text: a number field's 370302 (or 370302.0) as its digits, a Chinese input
    method's full-width ３７０３０２ as the digits it shows (as dates and class codes are read;
    the delivered text stays among the spot's attributes); None when blank."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = as_typed(str(value)).strip()
    return text or None


def _is_county_code(text: str) -> bool:
    return len(text) == 6 and text.isascii() and text.isdigit()


def _county_issues(row: Vetted, where: str) -> list[ImportIssue]:
    """What in a spot's XZQDM and JCBH says it is no spot of the district (DOMAIN §2: XZQDM the
    6-digit county code, JCBH that code + year + sequence). A number that does not open with
    6 digits has no county part to compare (a TBBH '0012', keyed by SPOT_KEY_FIELD); a spot
    delivered without XZQDM is not guessed at."""
    code = _county_code(row.attributes.get(domain.SPOT_COUNTY_CODE))
    if code is None:
        return []
    district = domain.ZICHUAN_COUNTY_CODE
    field = domain.SPOT_COUNTY_CODE
    if not _is_county_code(code):
        return [
            ImportIssue(
                row.index,
                row.key,
                field,
                f"{where}：行政区代码 {field} {code!r} 不是 6 位数字（本区为 {district}），"
                f"仍已导入，请核对 / {where}: the county code {field} {code!r} is not 6 "
                f"digits (the district's is {district}): imported, check it",
            )
        ]
    issues = []
    if code != district:
        issues.append(
            ImportIssue(
                row.index,
                row.key,
                field,
                f"{where}：行政区代码 {field} {code} 不是本区的 {district}，可能是误交付的"
                f"邻区图斑，仍已导入，请核对 / {where}: the county code {field} {code} is not the "
                f"district's {district}: perhaps a neighbour's spot delivered by mistake; "
                "imported, check it",
            )
        )
    county_part = row.key[:6]
    if _is_county_code(county_part) and county_part != code:
        issues.append(
            ImportIssue(
                row.index,
                row.key,
                SPOT_NUMBER,
                f"{where}：图斑编号 {SPOT_NUMBER} {row.key} 不以其行政区代码 {field} {code} "
                f"开头，仍已导入，请核对 / {where}: the spot number {SPOT_NUMBER} {row.key} "
                f"does not begin with its county code {field} {code}: imported, check it",
            )
        )
    return issues


def warn_spots_of_other_counties(rows: Sequence[Vetted], where: str, report: ImportReport) -> None:
    """Warn of each spot whose county code or number is not the district's, and count them for
    the import's summary. Warned, not refused: a neighbour's spots delivered by mistake must
    be seen in the ledger to be sent back, not lost to a refusal in a log."""
    for row in rows:
        issues = _county_issues(row, where)
        report.warnings.extend(issues)
        report.other_county += bool(issues)


def refuse_utf8_read_as_gbk(spots: Sequence[SpotRecord], where: str) -> None:
    """Stop an import a field of whose text looks like UTF-8 read as GBK (a UTF-8 Shapefile
    whose .cpg says GBK or 936), by the rule screening stops on (utf8_read_as_gbk_field),
    before anything is written: each value reads as other Chinese characters, often with its
    last byte already gone, so stored it could never be put right, and every text of the file
    was read in the same wrong encoding. Named: the file, the field, the first such feature,
    what its text would read, and the fix (the .cpg)."""
    names: dict[str, None] = {}
    for spot in spots:
        names.update(dict.fromkeys(spot.attributes))
    for field in names:
        texts = {s.attributes[field] for s in spots if isinstance(s.attributes.get(field), str)}
        as_utf8 = utf8_read_as_gbk_field(texts)
        if not as_utf8:
            continue
        garbled = [
            (position, spot)
            for position, spot in enumerate(spots)
            if isinstance(spot.attributes.get(field), str) and has_cjk(spot.attributes[field])
        ]
        position, spot = next((p, s) for p, s in garbled if s.attributes[field] in as_utf8)
        index = spot.source_index if spot.source_index is not None else position
        value = spot.attributes[field]
        number = spot_number_text(spot.number)
        named = f"{index}（{SPOT_NUMBER}={number}）" if number else str(index)
        named_en = f"{index} ({SPOT_NUMBER}={number})" if number else str(index)
        raise LedgerError(
            f"{where}：字段 {field} 的文字像是 UTF-8 被按 GBK 读出（要素 {named}：{value} 应为 "
            f"{as_utf8[value]}），{len(garbled)} 个图斑的该字段已读错，导入后无法复原。未导入任何"
            "图斑。请把文件的 .cpg 改为 UTF-8（或把图层的数据源编码设为 UTF-8）后重新导入 / "
            f"{where}: the text of field {field} looks like UTF-8 read as GBK (feature "
            f"{named_en}: {value} would read {as_utf8[value]}); {len(garbled)} spots have it "
            "read wrong, which once stored could not be put right. Nothing imported. Correct "
            "the .cpg of the file to UTF-8 (or set the data source encoding of the layer to "
            "UTF-8) and import again"
        )


def _bases(suffixed: dict[str, str]) -> set[str]:
    """The names the suffixed fields were written beside (TBMJ_2 beside TBMJ)."""
    return {name.strip().rpartition("_")[0] for name in suffixed}


def refuse_lost_zeros(
    rows: Sequence[Vetted], existing: dict[str, Any], report: ImportReport
) -> list[Vetted]:
    """The rows to import: a spot whose number is one the batch holds but for leading zeros is
    refused, naming both numbers, rather than added beside the recorded spot, to be judged and
    counted twice. The recorded spot is kept either way; the message says which side lost the
    zeros (a spreadsheet reads the field as a number):

    - the delivered number is the shorter (1 for the recorded 00001): this delivery lost them,
      and is to be delivered again with them;
    - the recorded number is the shorter (1 recorded, 00001 delivered): an earlier delivery
      lost them, and this one is right. An import does not renumber the recorded spot: patrols
      name it by its number (recorded once and for all) and sheets have gone out under it. So
      the spots are refreshed by delivering them numbered as the ledger records them."""
    recorded: dict[str, list[str]] = {}
    for key in existing:
        recorded.setdefault(number_compared(key), []).append(key)
    kept = []
    for row in rows:
        alike = [] if row.key in existing else recorded.get(number_compared(row.key), [])
        if not alike:
            kept.append(row)
            continue
        numbers = "、".join(sorted(alike))
        if any(len(key) > len(row.key) for key in alike):
            said = (
                f"图斑编号 {row.key} 与本批次已记录的 {numbers} 仅差前导零（{SPOT_NUMBER} 的前导零"
                f"在交付中丢失？），未导入，台帐保留 {numbers} 原记录；请恢复编号的前导零后重新导入"
                f" / the number {row.key} is the batch's recorded {numbers} but for leading zeros "
                f"(lost from the field {SPOT_NUMBER}, say by a spreadsheet): not imported, the "
                f"ledger keeps {numbers} as recorded; give the numbers their leading zeros back "
                "and import again"
            )
        else:
            said = (
                f"图斑编号 {row.key} 在台帐中记为 {numbers}：本批次此前的一次交付丢失了编号的前导零"
                f"（{SPOT_NUMBER} 被表格软件读成了数字），本次交付的编号是完整的。未导入：否则同一"
                f"图斑将另记一条、分开核查并重复计数；台帐保留 {numbers} 及其核查结论、证据和案件。"
                "导入不会更改已记录的编号（巡查记录按编号指向图斑）；如需刷新这些图斑，请按台帐中"
                f"的编号（不带前导零）交付后导入 / the number {row.key} is recorded as {numbers} "
                "in the ledger: the batch's number lost its leading zeros in an earlier delivery "
                f"(the field {SPOT_NUMBER} read as a number, say by a spreadsheet), and this "
                "delivery has them. Not imported: it would be a second record of the spot, "
                f"judged and counted apart; the ledger keeps {numbers} with its verdicts, "
                "evidence and cases. An import does not change a recorded number (patrols name "
                "spots by it); to refresh these spots, deliver them numbered as the ledger "
                "records them (without the leading zeros) and import again"
            )
        report.errors.append(ImportIssue(row.index, row.key, SPOT_NUMBER, said))
        report.skipped += 1
    return kept


def refuse_other_delivery(
    batch: str,
    delivered: Sequence[SpotRecord],
    existing: dict[str, Any],
    where: str,
    recorded_source: str | None,
) -> None:
    """Stop a refresh none of whose spots are the batch's: another quarter's delivery given
    the batch's name by mistake. Imported, it would be merged into the batch for good (a
    refresh keeps the spots it does not carry, and the batch would name the wrong file as its
    source), and the right import of that delivery then refused as a re-delivery of this
    batch. Refused before anything is written, naming the file, the batch and both ways out:
    the delivery's own batch name, or, for a batch really delivered in parts with no spot in
    common, add_to_batch (ADD_TO_BATCH), which the caller passes to import_batch and which
    skips this check. A part sharing some spots with the batch is no mistake: only none at
    all is refused. Every delivered number counts, refused spots' too (a duplicate of a
    batch's number is still that batch's spot), compared leading zeros aside: a re-delivery
    that lost them is the batch's, its spots refused one by one (refuse_lost_zeros), not the
    batch name. A delivery with no number at all is no other delivery: its spots are each
    refused for it."""
    numbers = [spot_number_text(spot.attributes.get(SPOT_NUMBER)) for spot in delivered]
    numbers = [number for number in numbers if number]
    if not existing or not numbers:
        return
    recorded_numbers = {number_compared(number) for number in existing}
    if any(number_compared(number) in recorded_numbers for number in numbers):
        return
    recorded = recorded_source or "?"
    raise LedgerError(
        f"{where}：交付的 {len(delivered)} 个图斑均不在已有批次 {batch}（来源 {recorded}）中，"
        "应是另一次交付；导入将把它并入该批次，该批次的来源也将改记为此文件。未导入任何图斑。"
        "如这是另一批次，请在批次名称（BATCH）中填写它自己的名称；"
        f"如确是批次 {batch} 的又一部分（分批交付），请勾选“并入所填批次”（ADD_TO_BATCH） / "
        f"{where}: none of the {len(delivered)} spots delivered is in the batch {batch} (delivered "
        f"from {recorded}): another delivery, which importing would merge into that batch for "
        "good, its source then recorded as this file. Nothing imported. If it is another "
        f"batch, give BATCH its own name; if it really is a further part of the batch {batch} "
        "(delivered in parts), set ADD_TO_BATCH (add the spots to the batch named)"
    )


# Up to this many spots a warning is about (numbers another batch holds, spots a refresh leaves
# out) are each said by spot; more are said in one line, with a count and the first few
# numbers: 299 lines of the same warning hide every other one in the log.
SAID_BY_SPOT = 5


# A new batch is taken for another batch delivered again only from this many of its spots on:
# a supplementary batch of a spot or two still unresolved from an earlier quarter is normal.
REDELIVERY_MIN_SPOTS = 10


def refuse_new_batch_of_held_spots(
    batch: str,
    rows: Sequence[Vetted],
    held: dict[str, dict[str, str]],
    sources: dict[str, str | None],
    where: str,
    recorded_outlines: Callable[[str, Sequence[str]], dict[str, BaseGeometry | None]],
) -> None:
    """Stop the import of a new batch most of whose spots one other batch already holds.

    held: {delivered number: {another batch holding it, leading zeros aside: the number as it
    records it}}; sources: those batches' recorded sources. A few numbers held elsewhere are a
    spot delivered again in a later quarter, or a batch re-checking some spots: recorded again,
    with a warning (warn_held_elsewhere). But a new batch more than half of whose numbers are
    one batch's is that batch delivered again under another name (the default name is the
    layer's, and a screened output and the file delivered after it never share one): imported,
    every spot would be recorded twice, judged apart and counted twice, in a batch the dock
    cannot remove. Refused before anything is
    written, in one message naming that batch and the way to refresh it (BATCH); a
    deliberate second round of checks on the same spots says so with REPEAT_SPOTS, which the
    caller passes as import_batch(repeat_spots=True) and which skips this check. More than
    half rather than all: a re-delivery drops and adds a few spots."""
    if not rows or not held:
        return
    by_batch: dict[str, list[str]] = {}
    for row in rows:
        for other in held.get(row.key, ()):
            by_batch.setdefault(other, []).append(row.key)
    other, numbers = max(by_batch.items(), key=lambda item: (len(item[1]), item[0]))
    if len(numbers) * 2 <= len(rows) or len(numbers) < REDELIVERY_MIN_SPOTS:
        return
    # The same numbers on other land (a second change raster of the year, numbered from the
    # same block; an audit run again) are new spots, not a re-delivery: recorded again, with
    # the warning. A re-delivery's spots lie where the recorded ones do, most of them unmoved.
    outlines = recorded_outlines(other, numbers)
    delivered = {row.key: row.geometry for row in rows}
    unmoved = [n for n in numbers if not outline_moved(outlines.get(n), delivered.get(n))]
    if len(unmoved) * 2 <= len(numbers):
        return
    count, total = len(numbers), len(rows)
    recorded = sources.get(other) or "?"
    shown = domain.first_of(sorted(numbers), 3, "、")
    zeros_zh = zeros_en = ""
    # Only zeros: a number recorded in full width or with an invisible character is refreshed
    # under its recorded spelling as delivered (match_recorded_spellings).
    respelled = sorted(n for n in numbers if spot_number_text(held[n][other]) != n)
    if respelled:
        # 0001 delivered for the recorded 1 (or the reverse): the number field was read as a
        # number somewhere; said, or the refusal would read as numbers that do not match.
        pairs = domain.first_of([f"{n} → {held[n][other]}" for n in respelled], 3, "、")
        zeros_zh = (
            f"；其中 {len(respelled)} 个的编号与该批次所记仅差前导零（交付编号 → 台帐编号："
            f"{pairs}，{SPOT_NUMBER} 曾被读成数字），刷新时请按台帐所记的编号交付"
        )
        zeros_en = (
            f"; {len(respelled)} of them are numbered as that batch records them but for "
            f"leading zeros (delivered → recorded: {pairs}; {SPOT_NUMBER} was read as a number "
            "somewhere): to refresh, deliver them numbered as the ledger records them"
        )
    raise LedgerError(
        f"{where}：本次导入将新建批次 {batch}，而交付的 {total} 个图斑中有 {count} 个（{shown}）"
        f"已在批次 {other}（来源 {recorded}）中，应是该批次的重新交付；另建批次会使这些图斑各记"
        f"两条、分开核查并重复计数{zeros_zh}。未导入任何图斑。如为重新交付，请在批次名称（BATCH）"
        f"中填写 {other} 以刷新该批次；如确需把这些图斑作为新批次再记一次（如对同一批图斑的复核），"
        f"请勾选“另建新批次”（REPEAT_SPOTS） / {where}: this import would create the batch "
        f"{batch}, but {count} of the {total} spots delivered ({shown}) are already in the "
        f"batch {other} (delivered from {recorded}): a re-delivery of it, and a new batch would "
        f"record each of them twice, judged and counted apart{zeros_en}. Nothing imported. To "
        f"refresh that batch give BATCH: {other}; to record these spots again as a batch of "
        "their own (a second round of checks on the same spots), set REPEAT_SPOTS (record the "
        "spots as a new batch)"
    )


def _as_recorded(number: str, recorded: str) -> tuple[str, str]:
    """A number another batch holds, with its spelling there when leading zeros differ: (in
    Chinese, in English), each for its half of a message."""
    if recorded == number:
        return number, number
    # No brackets: a list cut with "…" after one would leave "5）…" and "5)…", which the
    # Chinese interface could not tell are the same value (i18n._values), and show both halves.
    return f"{number} 记为 {recorded}", f"{number} as {recorded}"


def warn_held_elsewhere(held: dict[str, dict[str, str]], report: ImportReport) -> None:
    """Say the spot numbers other batches already hold, leading zeros aside (held: {number:
    {such a batch: the number as it records it}}), which are recorded again in this batch: by
    spot when there are a few, else one line per batch holding them with their count and the
    first numbers (SAID_BY_SPOT); a number recorded with other leading zeros
    is said with its spelling there."""
    if len(held) <= SAID_BY_SPOT:
        for number, others in held.items():
            names = sorted(others)
            named_zh = "、".join(
                name if others[name] == number else f"{name}（记为 {others[name]}）"
                for name in names
            )
            named_en = ", ".join(
                name if others[name] == number else f"{name} (as {others[name]})" for name in names
            )
            report.warnings.append(
                ImportIssue(
                    None,
                    number,
                    SPOT_NUMBER,
                    f"图斑编号已在批次 {named_zh} 中，此处另记一条；如为同一图斑的"
                    f"重新交付，请导入到原批次 / the number is already in batch "
                    f"{named_en}: recorded again here; a re-delivery of the same "
                    "spot belongs in its batch",
                )
            )
        return
    by_batch: dict[str, list[tuple[str, str]]] = {}
    for number, others in sorted(held.items()):
        for other, recorded in others.items():
            by_batch.setdefault(other, []).append(_as_recorded(number, recorded))
    for other in sorted(by_batch):
        numbers = by_batch[other]
        shown_zh, shown_en = (
            domain.first_of([pair[i] for pair in numbers], SAID_BY_SPOT, "、") for i in (0, 1)
        )
        report.warnings.append(
            ImportIssue(
                None,
                None,
                SPOT_NUMBER,
                f"{len(numbers)} 个图斑编号已在批次 {other} 中（{shown_zh}），此处另记一条；如为"
                f"同一图斑的重新交付，请导入到原批次 / {len(numbers)} numbers are already in "
                f"batch {other} ({shown_en}): recorded again here; a re-delivery of the same "
                "spots belongs in their batch",
            )
        )


def warn_kept_spots(report: ImportReport, rows: Sequence[Vetted], existing: Any) -> None:
    """Warn about spots of a refreshed batch the ledger keeps as they were (`existing`: the
    batch's spot numbers already in the ledger): those refused this time, each said by spot
    beside its refusal; those the delivery leaves out, by spot when there are a few (a
    partial refresh of 12 spots of 300 leaves out 288), else in one line (SAID_BY_SPOT)."""
    delivered = {vetted.key for vetted in rows}
    for key in sorted(report_keys(report.errors) & set(existing)):
        report.warnings.append(
            ImportIssue(
                None,
                key,
                SPOT_NUMBER,
                "本次未导入，台帐保留原记录 / not imported this time: the ledger keeps "
                "its earlier record unchanged",
            )
        )
    left_out = sorted(set(existing) - delivered - report_keys(report.errors))
    if len(left_out) > SAID_BY_SPOT:
        shown_zh, shown_en = (domain.first_of(left_out, SAID_BY_SPOT, s) for s in ("、", ", "))
        report.warnings.append(
            ImportIssue(
                None,
                None,
                SPOT_NUMBER,
                f"{len(left_out)} 个图斑本次交付中没有（{shown_zh}），台帐保留原记录 / "
                f"{len(left_out)} spots are not in this delivery ({shown_en}): the ledger "
                "keeps them with their verdicts and evidence",
            )
        )
        return
    for key in left_out:
        report.warnings.append(
            ImportIssue(
                None,
                key,
                SPOT_NUMBER,
                "本次交付中没有该图斑，台帐保留原记录 / not in this delivery: the ledger "
                "keeps it with its verdicts and evidence",
            )
        )


def warn_unmapped_town(report: ImportReport, vetted: Vetted, mapped_towns: set[str]) -> None:
    """A spot in a town no office is set up for: imported, but no office will see it."""
    town = vetted.figures[FIGURE_COLUMNS.index(TOWN_NAME)]
    if town in mapped_towns:
        return
    shown = "（空）/ (empty)" if town is None else f"“{town}”"
    report.warnings.append(
        ImportIssue(
            None,
            vetted.key,
            TOWN_NAME,
            f"乡镇 {shown} 不属于任何自然资源所（ledger_office_towns），各所均看不到该图斑，请核对"
            f"乡镇名称或请管理员添加 / the town {shown} belongs to no office set up in "
            "ledger_office_towns: no office will see this spot (only the brigade); check the "
            "town's name or ask the administrator to add it",
        )
    )


def patrol_route(route: BaseGeometry | None) -> Any:
    """A stored route as PatrolRecord takes it: None, a tuple of (x, y) for one line, else WKT."""
    if route is None or route.is_empty:
        return None
    if isinstance(route, MultiLineString) and len(route.geoms) == 1:
        return tuple(tuple(c[:2]) for c in route.geoms[0].coords)
    return route.wkt


def report_keys(issues: list[ImportIssue]) -> set[str]:
    """Spot numbers named by a list of issues."""
    return {issue.number for issue in issues if issue.number}


def spot_number_text(value: Any) -> str | None:
    """A spot number as a delivery's field gives it (text, or a number a spreadsheet made of
    it), as the import records it; None for an empty one."""
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        # A number column read as float: 370302202300001.0 is the spot 370302202300001.
        if value.is_integer():
            value = int(value)
    text = domain.spot_number_key(str(value))
    return text or None


def number_compared(number: Any) -> str:
    """A spot number as numbers are compared across batches and with the batch's own: as
    spots are told apart (spot_number_key, so a number an earlier version stored in full width
    or with a zero-width space is the number it shows) and leading zeros aside (1 is the spot
    0001 whose zeros a spreadsheet lost: see refuse_lost_zeros)."""
    return domain.spot_number_compared(spot_number_text(number) or "")


def match_recorded_spellings(
    rows: Sequence[Vetted], existing: dict[str, Any], report: ImportReport
) -> list[Vetted]:
    """The rows, each whose number the batch records in another spelling (full-width digits,
    an invisible character: recorded before import read numbers as spot_number_key does)
    given the recorded number, so the re-delivery refreshes that spot rather than add a second
    one. The recorded number is kept as it is: patrols, evidence folders and sheets sent out
    name the spot by it."""
    recorded = {spot_number_text(number): number for number in existing}
    matched = []
    for row in rows:
        number = recorded.get(row.key)
        if row.key not in existing and number is not None:
            report.warnings.append(
                ImportIssue(
                    row.index,
                    row.key,
                    SPOT_NUMBER,
                    f"台帐中该图斑编号记为 {number!r}（含全角或不可见字符），按原编号刷新该图斑 / "
                    f"the ledger records this spot's number as {number!r} (full-width or "
                    "invisible characters): the spot is refreshed under its recorded number",
                )
            )
            row = Vetted(number, row.geometry, row.attributes, row.figures, row.index)
        matched.append(row)
    return matched


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _json_ready(value.item())
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):  # e.g. a spot's screening pieces
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    return str(value)


def _spot_geometry(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """(MultiPolygon or None, reason the spot is refused, said whole: "not imported" glued on
    after a pair would fall in its English half)."""
    if geom is None:
        return None, None
    geom = shapely.force_2d(geom)
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else MultiPolygon(), None
    if isinstance(geom, MultiPolygon):
        return geom, None
    return None, (
        f"图斑几何须为面，而非 {geom.geom_type}；未导入 / a spot must be a polygon, not a "
        f"{geom.geom_type}; not imported"
    )


def read_number(value: Any, integer: bool) -> tuple[Any, bool]:
    """(number or None, whether the value was readable)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, False
    if not math.isfinite(number):
        return None, False
    if integer:
        return (int(number), True) if number.is_integer() else (None, False)
    return number, True


def _flag(value: Any) -> tuple[Any, bool]:
    if value is None:
        return None, True
    if isinstance(value, (bool, int, float)):
        return (int(value), True) if value in (0, 1) else (None, False)
    word = str(value).strip().lower()
    if word in _TRUE_WORDS:
        return 1, True
    if word in _FALSE_WORDS:
        return 0, True
    return None, False


# Larger than any district (淄川 is about 960 km²): a figure beyond it is a typo or a unit slip.
LARGEST_AREA_SQM = 1e10  # more than any district: a larger figure is a wrong one
# Areas a delivery may carry besides the ledger's own columns (TBMJ, GDMJ, YJJBNTMJ): screening's
# other m² figures and the monitored area JCMJ. The export shows them, so one no spot can have is
# said on import and exported empty; the delivered value stays in the attributes.
OTHER_AREA_FIELDS = (
    *(
        name
        for name, kind in domain.screening_output_fields()
        if kind == domain.KIND_AREA
        and not name.endswith(domain.MU_SUFFIX)
        and name not in ls.SPOT_AREA_COLUMNS
    ),
    domain.SPOT_MONITORED_AREA,
)


def plausible_area(value: Any) -> float | None:
    """A delivered area in m² when a spot could have it (0 up to LARGEST_AREA_SQM; a
    difference's float noise just under 0 read as 0), else None: empty, not a number,
    negative or too large."""
    number, _readable = read_number(value, integer=False)
    if number is None:
        return None
    if -0.005 < number < 0:
        return 0.0
    return number if 0 <= number <= LARGEST_AREA_SQM else None


def _warn_impossible_areas(
    index: int, key: str, attributes: dict[str, Any], report: ImportReport
) -> None:
    """Each of OTHER_AREA_FIELDS delivered with a value no spot can have, said by field."""
    for name in OTHER_AREA_FIELDS:
        value = attributes.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if plausible_area(value) is None:
            report.warnings.append(
                ImportIssue(
                    index,
                    key,
                    name,
                    f"面积 {value!r} 不是可能的面积（非数字、负数或大于任何区县），"
                    f"导出时该项留空 / area {value!r} is no area a spot can have (not a number, "
                    "negative or "
                    "larger than any district): exported empty (kept as delivered in the "
                    "attributes)",
                )
            )


def _warn_parts_larger_than_spot(
    index: int, key: str, figures: list[Any], report: ImportReport
) -> None:
    """A part of a spot (cultivated, basic farmland) larger than the spot itself: one of the
    figures is wrong (DOMAIN: the parts add up to the spot), which a report would carry."""
    area = dict(zip(FIGURE_COLUMNS, figures))
    spot = area.get(SPOT_AREA)
    for column in (CULTIVATED_AREA, BASIC_FARMLAND_AREA):
        part = area.get(column)
        if spot is not None and part is not None and part > spot + 10**-AREA_DECIMALS:
            report.warnings.append(
                ImportIssue(
                    index,
                    key,
                    column,
                    f"{column} {part:.2f} m² 大于图斑面积 {SPOT_AREA} {spot:.2f} m²，请核对 / "
                    f"larger than the spot's area {SPOT_AREA}: check the figures",
                )
            )


# The land split of screening (DOMAIN §2): the four groups and the part no parcel classes.
LAND_SPLIT = (*domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA)


def _warn_split_not_adding_up(
    index: int, key: str, figures: list[Any], attributes: dict[str, Any], report: ImportReport
) -> None:
    """A delivery whose land split does not add up to its TBMJ (a screened file edited by
    hand): imported as delivered, and said, as a verdict taking those figures up would be
    refused for it (found imported without a word by a review)."""
    spot = dict(zip(FIGURE_COLUMNS, figures)).get(SPOT_AREA)
    parts = [as_number(attributes.get(name)) for name in LAND_SPLIT]
    if spot is None or any(part is None for part in parts):
        return  # a raw delivery, without the split: nothing to add up
    total = sum(parts)
    if abs(total - spot) <= ls.AREA_TOLERANCE_SQM:
        return
    joined = "+".join(LAND_SPLIT)
    report.warnings.append(
        ImportIssue(
            index,
            key,
            joined,
            f"地类面积之和 {total:.2f} m² 与图斑面积 {SPOT_AREA} {spot:.2f} m² 不符"
            "（筛查结果被改动过？），请重新筛查后再导入 / the land split adds up to "
            f"{total:.2f} m², not the spot's area {SPOT_AREA} {spot:.2f} m² (screening results "
            "edited?): screen the spots again and import that",
        )
    )


# Results a screened delivery must hold whole: the figures and flags the referral test, the
# review order and the reports read. A screened file without one (a column deleted in a
# spreadsheet tool) imported every spot's SFXS empty without a word.
KEY_RESULTS = (
    SPOT_AREA,
    CULTIVATED_AREA,
    BASIC_FARMLAND_AREA,
    domain.SUGGESTED_VERDICT,
    domain.REVIEW_PRIORITY,
    domain.CRIMINAL_FLAG,
)


def _warn_key_results_missing(spots: Sequence[SpotRecord], report: ImportReport) -> None:
    names = {str(name) for spot in spots[:1] for name in spot.attributes}
    if not spots or not looks_screened(names):
        return
    present = {_result_named(name) for name in names}
    missing = [name for name in KEY_RESULTS if name not in present]
    if missing:
        report.warnings.append(
            ImportIssue(
                None,
                None,
                ", ".join(missing),
                "筛查结果缺少这些字段（被删除？）：新图斑的该项为空，台帐已有的图斑保留原值；"
                "请重新筛查后再导入 / the screening results lack these fields (deleted?): a new "
                "spot gets them empty, a spot the ledger holds keeps its own: screen the spots "
                "again and import that",
            )
        )


def vet_spots(spots: Sequence[SpotRecord], report: ImportReport) -> list[Vetted]:
    """Check a delivery before touching the ledger; refused spots go to report.errors."""
    _warn_key_results_missing(spots, report)
    candidates: list[tuple[int, str | None, SpotRecord]] = []
    refused: set[int] = set()
    for position, record in enumerate(spots):
        index = record.source_index if record.source_index is not None else position
        key = spot_number_text(record.number)
        candidates.append((index, key, record))
        if _refusals(index, key, record, report):
            refused.add(position)
    refused |= _refuse_duplicates(candidates, report)
    vetted = [
        _vetted(index, key, record, report)
        for position, (index, key, record) in enumerate(candidates)
        if position not in refused and key is not None
    ]
    _warn_areas_not_of_outlines(vetted, report)
    report.skipped = len(refused)
    return vetted


# How far a spot's TBMJ may lie from its outline's ellipsoidal area and be taken as that
# outline's: a planar figure of a Gauss-Krüger zone is within 0.1 % of the ellipsoidal one
# across a district, a cent's rounding within a square metre.
AREA_OF_OUTLINE_SHARE = 0.005
AREA_OF_OUTLINE_SQM = 1.0


def _warn_areas_not_of_outlines(vetted: list[Vetted], report: ImportReport) -> None:
    """A spot whose TBMJ is not its outline's area (a screened file whose figures were edited
    by hand, all of them by one factor, so the split still adds up): imported as delivered
    and said, naming the outline's own area. Found by a review: TBMJ and GDMJ divided by 10
    imported a 19-亩 spot at referral scale as 1.9 亩 without a word, and a verdict giving
    the land found on site was then refused as larger than the spot."""
    from .areas import ellipsoidal_areas  # pyproj: read only when a delivery is vetted

    column = FIGURE_COLUMNS.index(SPOT_AREA)
    rows = [
        v
        for v in vetted
        if v.figures[column] is not None and v.geometry is not None and not v.geometry.is_empty
    ]
    if not rows:
        return
    outlines = np.array([v.geometry for v in rows], dtype=object)
    measured = ellipsoidal_areas(outlines, ls.LEDGER_SRS_ID)
    for v, area in zip(rows, measured.tolist()):
        delivered = float(v.figures[column])
        if abs(delivered - area) <= max(AREA_OF_OUTLINE_SQM, AREA_OF_OUTLINE_SHARE * area):
            continue
        report.warnings.append(
            ImportIssue(
                v.index,
                v.key,
                SPOT_AREA,
                f"图斑面积 {SPOT_AREA} {delivered:.2f} m² 不是其图形的面积（椭球面积 "
                f"{area:.2f} m²；筛查结果被改动过，或图形被改过？），按交付导入：请重新筛查后"
                f"再导入 / the spot's area {SPOT_AREA} {delivered:.2f} m² is not its outline's "
                f"(ellipsoidal area {area:.2f} m²; screening results or the outline edited?): "
                "imported as delivered; screen the spots again and import that",
            )
        )


def _refusals(index: int, key: str | None, record: SpotRecord, report: ImportReport) -> bool:
    """Report every reason the spot cannot be imported at all (no number, text that did not
    decode, a geometry no spot can have); True when there was one."""
    errors_before = len(report.errors)
    if key is None:
        report.errors.append(
            ImportIssue(
                index,
                None,
                SPOT_NUMBER,
                "图斑编号为空，未导入 / the spot number is empty: not imported",
            )
        )
    elif domain.unseen_characters(key):
        # A tab or line break inside a number: no spelling of a spot number, and which number
        # was meant cannot be known.
        codes = "、".join(domain.unseen_characters(key))
        report.errors.append(
            ImportIssue(
                index,
                key,
                SPOT_NUMBER,
                f"图斑编号 {record.number!r} 含控制字符 {codes}，未导入 / the spot number "
                f"{record.number!r} holds the control characters {codes}: not imported",
            )
        )
    elif domain.spreadsheet_exponent(key):
        report.errors.append(
            ImportIssue(
                index,
                key,
                SPOT_NUMBER,
                f"图斑编号 {key} 是电子表格的科学计数法，第 15 位以后的数字已丢失，无法知道是哪个"
                f"图斑，未导入：请从原始交付文件取回编号（在电子表格中把该列设为文本）/ the spot "
                f"number {key} is a spreadsheet's scientific notation: its digits past the "
                "15th are lost and which spot it is cannot be known, not imported. Take the "
                "number from the original delivery (a spreadsheet column set to text keeps it)",
            )
        )
    elif isinstance(record.number, str) and key != record.number.strip():
        codes = domain.unseen_characters(str(record.number))
        what_zh = f"不可见字符 {'、'.join(codes)}" if codes else "全角字符"
        what_en = (
            f"the invisible characters {', '.join(codes)}" if codes else "full-width characters"
        )
        report.warnings.append(
            ImportIssue(
                index,
                key,
                SPOT_NUMBER,
                f"图斑编号 {record.number!r} 含{what_zh}，按 {key} 记录和比对 / the spot number "
                f"{record.number!r} holds {what_en}: recorded and matched as {key}",
            )
        )
    for name, value in record.attributes.items():
        if isinstance(value, (bytes, bytearray)):  # text the file's encoding cannot decode
            report.errors.append(
                ImportIssue(
                    index,
                    key,
                    name,
                    "字段值无法按文件编码解码（被截断的多字节文字或编码不符），未导入 / the "
                    "value does not decode in the file's encoding (cut multi-byte text or "
                    "a wrong encoding): not imported",
                )
            )
            continue
        for label, text in (("name", name), ("value", value)):
            if not isinstance(text, str):
                continue
            reason = misdecoding_halves(text)
            if reason:
                # Each half its own words: a pair inside the Chinese half left its English in
                # what a Chinese QGIS shows.
                what_zh, what_en = (
                    ("字段名", "field name") if label == "name" else ("字段值", "value")
                )
                report.errors.append(
                    ImportIssue(
                        index,
                        key,
                        name,
                        f"{what_zh} {text!r}：{reason[0]}；未导入 / {what_en} {text!r}: "
                        f"{reason[1]}; not imported",
                    )
                )
    if key is not None and any(c.isspace() for c in key):
        # Kept (a spot number is whatever the delivery says it is), but said: most often a
        # typo, and then the spot of the number without it is recorded a second time.
        report.warnings.append(
            ImportIssue(
                index,
                key,
                SPOT_NUMBER,
                f"图斑编号 {key!r} 中含空格，按原样记录：若为录入错误，请改正后重新导入 / the "
                f"spot number {key!r} holds a space, recorded as it is: if it is a typo, "
                "correct it and import again",
            )
        )
    _, problem = _spot_geometry(record.geometry)
    if problem:
        report.errors.append(ImportIssue(index, key, "geometry", problem))
    return len(report.errors) > errors_before


def _refuse_duplicates(
    candidates: Sequence[tuple[int, str | None, SpotRecord]], report: ImportReport
) -> set[int]:
    """The positions of spots whose number another spot of the delivery also has, or has but
    for leading zeros (0001 and 1: as numbers are compared with the batch's recorded ones,
    refuse_lost_zeros): which copy is right cannot be known, so neither is imported."""
    seen: dict[str, list[int]] = {}
    for position, (_, key, _) in enumerate(candidates):
        if key is not None:
            seen.setdefault(number_compared(key) or key, []).append(position)
    refused: set[int] = set()
    for positions in seen.values():
        if len(positions) < 2:
            continue
        indices = ", ".join(f"#{candidates[p][0]}" for p in positions)
        spellings = list(dict.fromkeys(str(candidates[p][1]) for p in positions))
        zeros_zh = zeros_en = ""
        if len(spellings) > 1:
            zeros_zh = f"，{'、'.join(spellings)} 仅前导零不同"
            zeros_en = f"; {', '.join(spellings)} differ only in leading zeros"
        for position in positions:
            report.errors.append(
                ImportIssue(
                    candidates[position][0],
                    candidates[position][1],
                    SPOT_NUMBER,
                    f"图斑编号重复（要素 {indices}{zeros_zh}），两份均未导入 / duplicate spot "
                    f"number (features {indices}{zeros_en}): {DUPLICATE_NOTE}",
                )
            )
            refused.add(position)
    return refused


def _vetted(index: int, key: str, record: SpotRecord, report: ImportReport) -> Vetted:
    """A spot that can be imported, its geometry repaired and its figures read, with a
    warning for each thing read otherwise than delivered."""
    geometry = _vetted_geometry(index, key, record.geometry, report)
    attributes = {str(name): _json_ready(value) for name, value in record.attributes.items()}
    figures = [_vetted_figure(index, key, column, attributes, report) for column in FIGURE_COLUMNS]
    _warn_parts_larger_than_spot(index, key, figures, report)
    _warn_split_not_adding_up(index, key, figures, attributes, report)
    _warn_impossible_areas(index, key, attributes, report)
    return Vetted(key, geometry, attributes, figures, index)


def _vetted_geometry(
    index: int, key: str, delivered: BaseGeometry | None, report: ImportReport
) -> BaseGeometry | None:
    geometry, _ = _spot_geometry(delivered)
    if geometry is None:
        report.warnings.append(
            ImportIssue(index, key, "geometry", "图斑无几何 / the spot has no geometry")
        )
    elif geometry.is_empty:  # POLYGON EMPTY: no more an outline than NULL, and said so
        report.warnings.append(
            ImportIssue(
                index,
                key,
                "geometry",
                "图斑几何为空（没有坐标） / the spot's geometry is empty (no coordinates)",
            )
        )
    elif not geometry.is_valid:
        # A self-intersecting outline would show, export and measure wrongly (a bow tie
        # has no area): repaired as screening repairs it, and said.
        reason = shapely.is_valid_reason(geometry)
        geometry = repair_outline(geometry)
        report.warnings.append(
            ImportIssue(
                index,
                key,
                "geometry",
                f"几何无效（{invalid_reason_zh(reason)}），已自动修复 / invalid geometry "
                f"({reason}): repaired",
            )
        )
    return geometry


def _vetted_figure(
    index: int, key: str, column: str, attributes: dict[str, Any], report: ImportReport
) -> Any:
    """The value of one of FIGURE_COLUMNS as the ledger holds it: an area, the priority, a
    flag or a name; None (warned) where the delivered value cannot be read as one."""
    value = attributes.get(column)
    if column in ls.SPOT_AREA_COLUMNS or column == ls.C_PRIORITY:
        converted, readable = read_number(value, integer=column == ls.C_PRIORITY)
        if column in ls.SPOT_AREA_COLUMNS and converted is not None:
            if plausible_area(converted) is None:
                report.warnings.append(
                    ImportIssue(
                        index,
                        key,
                        column,
                        f"面积 {converted:g} 平方米为负数或大于任何区县，该列留空 / area "
                        f"{converted:g} m² is negative or larger than any district: the "
                        "column is left empty (the value is kept in the attributes)",
                    )
                )
                return None
            converted = plausible_area(converted)  # float noise under 0 read as 0
    elif column in ls.SPOT_FLAG_COLUMNS:
        converted, readable = _flag(value)
    else:
        # Names are matched (a town to its office, an office to its cases): a stray
        # space from a spreadsheet would make '罗村镇 ' a town no office has.
        converted, readable = (None if value is None else str(value).strip() or None), True
        codes = domain.unseen_characters(converted or "")
        if codes:
            # A zero-width space or a tab pasted into '罗村镇' makes a town no office has,
            # though it reads the same: removed, and said.
            cleaned = "".join(c for c in converted if f"U+{ord(c):04X}" not in codes)
            report.warnings.append(
                ImportIssue(
                    index,
                    key,
                    column,
                    f"值 {converted!r} 含控制或不可见字符 {'、'.join(codes)}，已去除，记为 "
                    f"{cleaned!r} / value {converted!r} holds the control or invisible "
                    f"characters {', '.join(codes)}: removed, recorded as {cleaned!r}",
                )
            )
            converted = cleaned.strip() or None
        if isinstance(value, str) and value != converted:
            attributes[column] = converted
    if not readable:
        report.warnings.append(
            ImportIssue(
                index,
                key,
                column,
                f"值 {value!r} 无法识别，该列留空 / value {value!r} not understood: "
                "the column is left empty (the value is kept in the attributes)",
            )
        )
    return converted
