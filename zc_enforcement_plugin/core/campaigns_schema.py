"""Field names, violation kinds and shared plumbing of the campaign engines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from . import domain, xlsx
from .geometry_repair import invalid_reasons, make_valid, needs_repair, polygons_of

# --- 三区两线 view pieces and their summary -------------------------------------------------------
VIEW_NAMES = domain.THREE_ZONES_NAME  # SQLXMC: names of the lines/zones a piece is in view of
VIEW_KINDS = "SQLXLX"  # their kinds (铁路, 高速公路, 自然保护区, ...), same order as the names
VIEW_COUNT = "SQLXSL"  # how many lines/zones
VIEW_AREA = domain.THREE_ZONES_AREA  # SQLXMJ, m²
SOURCE_NAME = domain.THREE_ZONES_SOURCE_NAME  # MC
SOURCE_KIND = domain.THREE_ZONES_KIND  # LX
SOURCE_ROLE = "LB"  # 线 (line) or 区 (zone)
SOURCE_DISTANCE = "JL"  # buffer distance, m
SUMMARY_SPOT_COUNT = "TBSL"
SUMMARY_SPOT_IDS = "TBBH"
SUMMARY_SPOT_AREA = domain.SPOT_AREA  # TBMJ: area of the spots inside the view area, m²
SUMMARY_MINE_COUNT = "KSSL"
SUMMARY_MINE_IDS = "KSBH"
SUMMARY_MINE_AREA = "KSMJ"
# Every m² area beside its 亩 (areas.shown_mu), as the plugin's other outputs show them.
VIEW_AREA_MU = VIEW_AREA + domain.MU_SUFFIX  # SQLXMJ_MU
SUMMARY_SPOT_AREA_MU = SUMMARY_SPOT_AREA + domain.MU_SUFFIX  # TBMJ_MU
SUMMARY_MINE_AREA_MU = SUMMARY_MINE_AREA + domain.MU_SUFFIX  # KSMJ_MU
SUMMARY_TOTAL_NAME = "合计"  # the row counting each spot/mine once, whatever it is in view of
# Chinese aliases of the 三区两线 outputs (view pieces, summary; the detail's below), in their
# styles (make_styles).
VIEW_FIELD_LABELS_ZH = {
    VIEW_NAMES: "可视范围名称",
    VIEW_KINDS: "类型",
    VIEW_COUNT: "涉及线区数",
    VIEW_AREA: "面积（平方米）",
    VIEW_AREA_MU: "面积（亩）",
}
SUMMARY_FIELD_LABELS_ZH = {
    SOURCE_NAME: "名称",
    SOURCE_KIND: "类型",
    SOURCE_ROLE: "线/区",
    SOURCE_DISTANCE: "可视距离（米）",
    SUMMARY_SPOT_COUNT: "图斑数",
    SUMMARY_SPOT_IDS: "图斑编号",
    SUMMARY_SPOT_AREA: "图斑在可视范围内面积（平方米）",
    SUMMARY_SPOT_AREA_MU: "图斑在可视范围内面积（亩）",
    SUMMARY_MINE_COUNT: "矿山数",
    SUMMARY_MINE_IDS: "矿山编号",
    SUMMARY_MINE_AREA: "矿山在可视范围内面积（平方米）",
    SUMMARY_MINE_AREA_MU: "矿山在可视范围内面积（亩）",
}
# The detail of the summary (one row per line or zone and spot or mine in view), so that no
# number is lost when a summary cell's list is cut (CELL_TEXT_LIMIT).
DETAIL_OBJECT = "DXLB"  # 图斑 or 矿山
DETAIL_ID = "BH"  # the spot's or mine's number
DETAIL_AREA = "MJ"  # its area inside the view area, m²
DETAIL_AREA_MU = DETAIL_AREA + domain.MU_SUFFIX  # the same in 亩
DETAIL_OBJECT_SPOT = "图斑"
DETAIL_OBJECT_MINE = "矿山"
DETAIL_TITLE_ZH = "可视范围内图斑和矿山明细"  # the detail output's name, as warnings cite it
# Its Chinese aliases, in its style (make_styles): the line or zone as the summary names it.
DETAIL_FIELD_LABELS_ZH = {
    SOURCE_NAME: SUMMARY_FIELD_LABELS_ZH[SOURCE_NAME],
    SOURCE_KIND: SUMMARY_FIELD_LABELS_ZH[SOURCE_KIND],
    DETAIL_OBJECT: "图斑/矿山",
    DETAIL_ID: "编号",
    DETAIL_AREA: "在可视范围内面积（平方米）",
    DETAIL_AREA_MU: "在可视范围内面积（亩）",
}
# A summary's list of numbers is cut below what a spreadsheet cell holds, leaving room for the
# note ending it: the limit is the XLSX writer's.
CELL_TEXT_LIMIT = xlsx.CELL_TEXT_LIMIT
ROLE_LINE = "线"
ROLE_ZONE = "区"
# What joins the items of a list field (names, ids, codes). The screening's, and so one fact: a
# three-zones piece's names (VIEW_NAMES, SQLXMC) are read by screenspots as one feature's name
# and joined with others into its hits, which read as one flat list only if both use one mark.
LIST_SEPARATOR = domain.HITS_SEPARATOR

# --- change polygons ------------------------------------------------------------------------------
CHANGE_SPOT_TYPE = "变化图斑"
JCBH_SEQUENCE_DIGITS = 4  # county (6) + year (4) + sequence (4), e.g. 37030220260001

# --- audits: record fields ------------------------------------------------------------------------
INFRASTRUCTURE = "JCSS"  # 是 for large energy, transport or water works (longer temporary term)
APPROVAL_LEVEL = "PZJB"  # approval level: a rank, higher = higher authority (1 county, 2 city, …)
GROUND_IDS = "SDBH"  # ids of the ground features behind a violation piece
VIOLATION_CODE = "WFDM"
VIOLATION_KIND = "WFLX"
VIOLATION_AREA = "WFMJ"  # m² of the violation's polygon, all the land concerned; an excess in WFSM
VIOLATION_NOTE = "WFSM"
STATUS = "JCJG"  # audit result of an approval / activity in words
EXPIRY_STATUS = "DQZT"
VIOLATION_COUNT = "WFSL"
USED_AREA = "SYMJ"  # ground inside + ground outside attributed to the approval, m²
INSIDE_AREA = "FWNMJ"  # ground inside the approved boundary, m²
OUTSIDE_AREA = "CFWMJ"  # ground outside, attributed to this approval, m²
AUXILIARY_AREA = "FZSSMJ"
GROUND_USES = "SDYT"  # uses seen on the ground, ';'-joined
LICENCE_NUMBER = "XKZH"
LICENCE_VALID_FROM = "YXQQ"  # licence valid from (有效期起)
LICENCE_VALID_TO = "YXQZ"  # licence valid to (有效期止)
ACTIVITY_ID = "KCBH"
ACTIVITY_AREA = "KCMJ"
NO_GO_NAMES = "JQMC"
NO_GO_AREA = "JQMJ"
COUNT_PREFIX = "SL_"  # SL_<code>: violations of one kind for an approval / activity
# What a message calls each layer's number (zh, en), where one is blank or repeated.
LICENCE_NUMBER_WORDS = ("许可证号", "licence number")
APPROVAL_NUMBER_WORDS = ("批准文号", "approval number")

STATUS_OK = "未发现问题"


def not_checked(checks: list[str]) -> str:
    """The status of a record on which nothing was found but some checks were not made."""
    return f"{STATUS_OK}（未核查：{'、'.join(checks)}）"


STATUS_NOT_USED = "未发现使用"
STATUS_NO_GEOMETRY = "无几何，未检查"
EXPIRY_VALID = "有效期内"
EXPIRY_NOT_STARTED = "未到起始日期"
EXPIRY_IN_RESTORATION = "已到期（复垦期内）"
EXPIRY_RESTORED = "已到期，未见使用"
EXPIRY_RESTORED_SEEN = "已到期，已复垦"  # only restored (agricultural) ground is left
EXPIRY_NOT_RESTORED = "到期未复垦"
# Past its term and restoration year, its land used, but all of that land under another
# approval holding it today (a renewal): not charged.
EXPIRY_HELD_ELSEWHERE = "已到期，用地在其他有效批准内"
EXPIRY_UNKNOWN = "日期缺失"
EXPIRY_INVALID = "日期无效"  # a date is there but is no date (2025-13-01)
# JCJG of an approval where nothing was found but a date could not be read: never 未发现问题.
_CANNOT_CHECK = "无法核查"
STATUS_DATE_MISSING = f"{EXPIRY_UNKNOWN}，{_CANNOT_CHECK}"
STATUS_DATE_INVALID = f"{EXPIRY_INVALID}，{_CANNOT_CHECK}"


@dataclass(frozen=True)
class Unchecked:
    """The checks an audit could not make on one record (violation kinds' or checks' names)
    and, when the record's own data stopped them, why (EXPIRY_UNKNOWN / EXPIRY_INVALID: a date
    missing or not a date). JCJG says them whatever else was found, since the office reads
    JCJG alone: a violation found does not mean the rest was checked."""

    checks: tuple[str, ...] = ()
    reason: str = ""

    def __bool__(self) -> bool:
        return bool(self.checks or self.reason)


ALL_CHECKED = Unchecked()


def judged(found: Sequence[str], unchecked: Unchecked = ALL_CHECKED, clean: str = STATUS_OK) -> str:
    """JCJG of a record: the violations found (`found`, labels), else `clean`, and in either
    case the checks not made. Found: 擅自改变用途（日期无效，未核查：批准期限超过规定、…）;
    none found: 日期无效，无法核查 when a date stopped the checks, else 未发现问题（未核查：…）."""
    if found:
        status = "、".join(found)
        if not unchecked:
            return status
        why = f"{unchecked.reason}，" if unchecked.reason else ""
        return f"{status}（{why}未核查：{'、'.join(unchecked.checks)}）"
    if unchecked.reason:
        return f"{unchecked.reason}，{_CANNOT_CHECK}"
    if unchecked.checks:
        return not_checked(list(unchecked.checks))
    return clean


@dataclass(frozen=True)
class ViolationKind:
    code: str
    label_zh: str
    label_en: str


OUTSIDE_BOUNDARY = ViolationKind("CFW", "超出批准范围", "use outside the approved boundary")
OVER_AREA = ViolationKind("CMJ", "超批准面积", "used area above the approved area")
CHANGED_USE = ViolationKind("GBYT", "擅自改变用途", "use differs from the approved use")
EXPIRED_NOT_RESTORED = ViolationKind("DQWFK", "到期未复垦", "expired and not restored")
TERM_TOO_LONG = ViolationKind(
    "QXCG", "批准期限超过规定", "approved term longer than the law allows"
)
USED_BEFORE_START = ViolationKind("WPXY", "未批先用", "used before the approved start date")
BASIC_FARMLAND_LEVEL = ViolationKind(
    "JBNTQX", "占用永久基本农田审批权限不足", "basic farmland used under a too-low approval level"
)
CULTIVATED_LEVEL = ViolationKind(
    "GDQX", "占用耕地超审批权限", "cultivated land above what the approval level allows"
)
AUXILIARY_OVER_LIMIT = ViolationKind("FZCB", "辅助设施超标", "auxiliary facilities over limit")
BASIC_FARMLAND_FACILITY = ViolationKind(
    "ZYJBNT", "违规占用永久基本农田", "basic farmland used beyond what is allowed"
)
NO_LICENCE = ViolationKind("WZKC", "无证开采", "mining without a licence")
OUT_OF_BOUNDS = ViolationKind("YJKC", "越界开采", "mining outside the licence boundary")
EXPIRED_LICENCE = ViolationKind("CQKC", "超期开采", "mining under an expired licence")
IN_NO_GO = ViolationKind("JQKC", "禁区开采", "mining inside a no-go area")

TEMPORARY_KINDS = (
    TERM_TOO_LONG,
    OUTSIDE_BOUNDARY,
    OVER_AREA,
    CHANGED_USE,
    USED_BEFORE_START,
    EXPIRED_NOT_RESTORED,
    BASIC_FARMLAND_LEVEL,
    CULTIVATED_LEVEL,
)
FACILITY_KINDS = (
    OUTSIDE_BOUNDARY,
    OVER_AREA,
    CHANGED_USE,
    AUXILIARY_OVER_LIMIT,
    BASIC_FARMLAND_FACILITY,
)
MINING_KINDS = (NO_LICENCE, OUT_OF_BOUNDS, EXPIRED_LICENCE, IN_NO_GO)

# Documented default of audit_facility_land: ground uses that are not agricultural (verify locally).
FACILITY_NON_AGRICULTURAL_USES = ("住宅", "别墅", "农家乐", "餐饮", "商业", "办公", "厂房", "仓储")

# Documented default of audit_temporary_land: ground uses that mean a temporary site was put back
# to farming (复垦) — cultivated land, gardens, forest and grassland of the third national survey,
# by class and sub-class name (verify locally). A DLBM code of those classes (0101-0103,
# 02xx-04xx) counts too, and so does any use the caller's use categories map to RESTORED_USE.
TEMPORARY_RESTORED_USES = (
    "耕地",
    "水田",
    "水浇地",
    "旱地",
    "园地",
    "果园",
    "茶园",
    "其他园地",
    "林地",
    "乔木林地",
    "竹林地",
    "灌木林地",
    "其他林地",
    "草地",
    "天然牧草地",
    "人工牧草地",
    "其他草地",
)
RESTORED_USE = "复垦"  # the use category that counts as restored, for a caller's own mapping

# Layer names used in messages when the caller gives none.
LAYER_LINES = "三区两线线状要素"
LAYER_ZONES = "三区两线区域要素"
LAYER_APPROVALS = "临时用地批准"
LAYER_FILINGS = "设施农用地备案"
LAYER_GROUND = "实地现状"
LAYER_LICENCES = "采矿权"
LAYER_ACTIVITY = "开采活动"
LAYER_SPOTS = "图斑"
LAYER_MINES = "矿点"
LAYER_CULTIVATED = "耕地"
LAYER_BASIC_FARMLAND = "永久基本农田"
FIELD_GEOMETRY = "geometry"


# --- shared plumbing ------------------------------------------------------------------------------
class CampaignCancelled(Exception):  # noqa: N818 (the name callers catch, like ScreeningCancelled)
    """The user cancelled a campaign engine."""


class Reporter:
    """Progress in percent (0..100, as QgsFeedback takes it) and the cancel check."""

    def __init__(
        self,
        progress: Callable[[float], None] | None,
        is_cancelled: Callable[[], bool] | None,
    ) -> None:
        self._progress = progress
        self._is_cancelled = is_cancelled

    def __call__(self, percent: float) -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise CampaignCancelled()
        if self._progress is not None:
            self._progress(float(min(100.0, max(0.0, percent))))


def as_geometry_array(geoms: Sequence | np.ndarray | None) -> np.ndarray:
    """1-D object array of geometries (a list of shapely geometries stays one per element)."""
    if geoms is None:
        return np.empty(0, dtype=object)
    if isinstance(geoms, np.ndarray):
        return geoms.astype(object).ravel()
    out = np.empty(len(geoms), dtype=object)
    out[:] = list(geoms)
    return out


def feature_ids(ids: Sequence | None, n: int) -> list[str]:
    """Feature ids as text; 1-based feature numbers when the caller has none."""
    if ids is None:
        return [str(i + 1) for i in range(n)]
    out = [("" if v is None else str(v)) for v in ids]
    if len(out) != n:
        raise ValueError(f"{n} geometries but {len(out)} ids")
    return [v if v else str(i + 1) for i, v in enumerate(out)]


def say(messages: list[str], layer: str, fid: str, field: str, what: str, what_en: str) -> None:
    """A message naming the layer, the feature and the field, in the bureau's words and in
    English ("中文 / English", as every core message: a qgis_process log in an English
    locale shows both, the dock the interface's one)."""
    messages.append(
        f"图层 {layer}，要素 {fid}，字段 {field}：{what} / "
        f"layer {layer}, feature {fid}, field {field}: {what_en}"
    )


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Only the polygonal parts of each geometry (None where nothing polygonal is left)."""
    geoms = as_geometry_array(geoms)
    out = np.full(len(geoms), None, dtype=object)
    if len(geoms) == 0:
        return out
    types = shapely.get_type_id(geoms)
    simple = (types == 3) | (types == 6)
    out[simple] = geoms[simple]
    rest = np.flatnonzero(~simple & (types >= 0))
    if len(rest):
        out[rest] = polygons_of(geoms[rest])  # collections opened at any depth
    empty = ~shapely.is_missing(out) & shapely.is_empty(out)
    out[empty] = None
    return out


def repair(
    geoms: np.ndarray,
    ids: Sequence[str],
    layer: str,
    messages: list[str],
    keep_polygonal: bool,
    crs: int | str | None = None,
) -> np.ndarray:
    """Valid geometries (make_valid where invalid), each repair or loss reported in messages.

    Missing and empty geometries come back as None. Polygon layers keep only their polygonal
    parts after repair, because make_valid may return slivers collapsed to lines. `crs` (an
    EPSG code or authid) is the CRS the geometries are in, named beside the coordinates of
    an invalidity.
    """
    crs_text = f"EPSG:{crs}" if isinstance(crs, int) else (crs or "")
    geoms = as_geometry_array(geoms)
    out = geoms.copy()
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    bad = np.flatnonzero(needs_repair(geoms))
    if len(bad):
        reasons = invalid_reasons(geoms[bad])
        out[bad] = make_valid(geoms[bad])
        for i, reason in zip(bad.tolist(), reasons.tolist()):
            say(
                messages,
                layer,
                ids[i],
                FIELD_GEOMETRY,
                f"几何无效（{domain.invalid_reason_zh(reason, crs_text)}），已用 make_valid 修复",
                f"invalid geometry ({domain.invalid_reason_en(reason, crs_text)}), repaired "
                "with make_valid",
            )
    for i in np.flatnonzero(missing | empty).tolist():
        say(
            messages,
            layer,
            ids[i],
            FIELD_GEOMETRY,
            "无几何或几何为空，已跳过",
            "no or empty geometry: skipped",
        )
    out[missing | empty] = None
    if keep_polygonal:
        present = ~shapely.is_missing(out)
        poly = polygonal(out)
        for i in np.flatnonzero(present & shapely.is_missing(poly)).tolist():
            say(
                messages,
                layer,
                ids[i],
                FIELD_GEOMETRY,
                "几何无面状部分，已跳过",
                "no polygonal part: skipped",
            )
        out = poly
    return out
