"""Validating a verdict against its spot before it is saved: dates, details the verdict
needs, and areas that cannot exceed the spot's."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from . import clock
from . import ledger_schema as ls
from .areas import ellipsoidal_areas, round_area
from .dates import parse_date
from .domain import (
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    SPOT_AREA,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
)
from .ledger_delivery import read_number
from .ledger_records import (
    SpotSummary,
    Verdict,
)
from .ledger_rows import as_date


class SpotArea(NamedTuple):
    """The figure a verdict's areas are held to, and what it is, as a message names it."""

    value: float
    name: str  # Chinese
    name_en: str


def _known_area(value) -> float | None:
    """A figure a spot's area can be: above 0. Screening writes TBMJ 0 for a spot it had no
    outline to measure: that is an area not known, not a spot of none, against which every
    area found on site would be refused."""
    number, _ = read_number(value, integer=False)
    return number if number is not None and number > 0 else None


def _spot_area(spot: SpotSummary | None) -> SpotArea | None:
    """TBMJ as delivered, else JCMJ (either when above 0), else the outline measured as
    official areas are (DOMAIN §4: ellipsoidal on CGCS2000, to cents): a planar figure would
    refuse a true split and take one off by 1.6 in 10000 in Zichuan, 87 km from the zone's
    meridian."""
    if spot is None:
        return None
    attributes = getattr(spot, "attributes", None) or {}
    for value in (spot.spot_area, attributes.get(SPOT_MONITORED_AREA)):
        known = _known_area(value)
        if known is not None:
            return SpotArea(known, "图斑面积", "the spot area")
    geometry = getattr(spot, "geometry", None)
    if geometry is None or geometry.is_empty:
        return None
    measured = float(round_area(ellipsoidal_areas([geometry], ls.LEDGER_SRS_ID)[0]))
    return SpotArea(
        measured, "图斑轮廓椭球面积", "the ellipsoidal area measured from the spot's outline"
    )


def unchecked_areas_reason(spot: SpotSummary) -> str | None:
    """Why a verdict's areas are not held to the spot's (Chinese first, then English), as
    its form says beside them; None when they are."""
    if _spot_area(spot) is not None:
        return None
    return (
        f"图斑 {spot.number} 面积未知（{SPOT_AREA}、{SPOT_MONITORED_AREA} 为空或为 0，且无图斑"
        f"轮廓）：核查面积不与之核对 / spot {spot.number} has no known area ({SPOT_AREA} and "
        f"{SPOT_MONITORED_AREA} empty or 0, and no outline): the areas found on site are not "
        "checked against it"
    )


def spot_image_date(spot: SpotSummary | None) -> dt.date | None:
    """The spot's later image date (HSX), read as screening reads it (dates.parse_date, lenient);
    None when the spot has none, or text that is no date: then nothing is checked against it."""
    attributes = getattr(spot, "attributes", None) or {}
    try:
        return parse_date(attributes.get(SPOT_LATER_DATE), strict=False)
    except (TypeError, ValueError):  # a value of a kind no delivery should hold: not checked
        return None


def _image_date_messages(day: dt.date, spot: SpotSummary | None) -> list[str]:
    """A spot is a change the later image shows: nobody verified it on site before that."""
    later = spot_image_date(spot)
    if later is None or day >= later:
        return []
    return [
        f"图斑 {spot.number}：核查日期 {day} 早于后时相影像日期（{SPOT_LATER_DATE}）{later} / "
        f"spot {spot.number}: the verification date {day} is earlier than its later image date "
        f"({SPOT_LATER_DATE}) {later}"
    ]


def validate_verdict(verdict: Verdict, spot: SpotSummary | None) -> list[str]:
    """Why a verdict cannot be recorded (Chinese first, then English); empty when it can."""
    messages: list[str] = []
    category = verdict.category
    kind = (verdict.kind or "").strip()
    if category not in ls.VERDICT_CATEGORIES:
        messages.append(
            f"判定类别须为{'、'.join(ls.VERDICT_CATEGORIES)}之一，而非 {category!r} / the verdict "
            f"must be one of {', '.join(ls.VERDICT_CATEGORIES)}, not {category!r}"
        )
    else:
        allowed = ls.VERDICT_KINDS[category]
        english = ls.CATEGORY_LABELS_EN[category]
        if kind not in allowed:
            what = "依据" if category == ls.VERDICT_LEGAL else "类型"
            what_en = "basis" if category == ls.VERDICT_LEGAL else "kind"
            got = f"（填写的是 {kind!r}）" if kind else ""
            messages.append(
                f"{category}判定须注明{what}：{'、'.join(allowed)}{got} / a verdict of "
                f"“{english}” needs its {what_en}, one of: {', '.join(allowed)}"
            )
        if category == ls.VERDICT_LEGAL and not (verdict.approval_number or "").strip():
            messages.append("合法判定须填写批准文号 / a legal verdict needs the approval number")
    if not (verdict.verifier or "").strip():
        messages.append("须填写核查人 / the verifier is required")
    if verdict.verified_on is None or not str(verdict.verified_on).strip():
        messages.append("须填写核查日期 / the verification date is required")
    else:
        try:
            day = as_date(verdict.verified_on)
        except ValueError:
            messages.append(
                f"核查日期 {verdict.verified_on!r} 无法识别，应为 YYYY-MM-DD / the verification "
                f"date {verdict.verified_on!r} is not a date (YYYY-MM-DD)"
            )
        else:
            if day > clock.today():
                messages.append(
                    f"核查日期 {day} 晚于今天 / the verification date {day} is in the future"
                )
            messages.extend(_image_date_messages(day, spot))
    messages.extend(_area_messages(verdict.areas, _spot_area(spot)))
    messages.extend(_detail_messages(verdict))
    return messages


def _detail_messages(verdict: Verdict) -> list[str]:
    """The verdict form's further fields: known keys only, and values of the right kind."""
    messages = []
    details = verdict.details or {}
    for key in details:
        if key not in ls.DETAIL_KEYS:
            messages.append(f"未知判定字段 {key} / unknown verdict field {key}")
    if ls.DETAIL_APPROVAL_DATE in details:
        try:
            day = as_date(details[ls.DETAIL_APPROVAL_DATE])
        except ValueError:
            day = None
            messages.append(
                f"批准日期 {details[ls.DETAIL_APPROVAL_DATE]!r} 无法识别 / the approval date "
                f"{details[ls.DETAIL_APPROVAL_DATE]!r} is not a date (YYYY-MM-DD)"
            )
        if day is not None and verdict.verified_on and str(verdict.verified_on).strip():
            try:
                if day > as_date(verdict.verified_on):
                    messages.append(
                        f"批准日期 {day} 晚于核查日期 / the approval date {day} is after the "
                        "verification date"
                    )
            except ValueError:
                pass  # the verification date's own message says what is wrong
    area = details.get(ls.DETAIL_APPROVED_AREA)
    if area is not None and (not isinstance(area, (int, float)) or area < 0):
        messages.append(
            f"批准面积须为非负数：{area!r} / the approved area must be a number ≥ 0: {area!r}"
        )
    if ls.DETAIL_STOP_ORDER in details and not isinstance(details[ls.DETAIL_STOP_ORDER], bool):
        messages.append("是否下达停止通知须为是或否 / 'stop order issued' must be yes or no")
    return messages


def _area_messages(areas: dict[str, float], spot_area: SpotArea | None) -> list[str]:
    messages: list[str] = []
    given: dict[str, float] = {}
    for name, value in areas.items():
        if name not in ls.VERDICT_AREA_FIELDS:
            messages.append(
                f"未知面积字段 {name} / unknown area field {name} "
                f"(known: {', '.join(ls.VERDICT_AREA_FIELDS)})"
            )
            continue
        number, readable = read_number(value, integer=False)
        if not readable or number is None or number < 0:
            messages.append(
                f"面积 {name}={value!r} 须为非负数 / area {name}={value!r} must be a number ≥ 0"
            )
            continue
        given[name] = number
    cultivated, farmland = given.get(CULTIVATED_AREA), given.get(BASIC_FARMLAND_AREA)
    if cultivated is not None and farmland is not None and farmland > cultivated + 0.005:
        # As the patrol-case form holds it: what the referral test counts as cultivated land
        # outside the farmland would come out negative.
        messages.append(
            f"永久基本农田 {BASIC_FARMLAND_AREA}={farmland:.2f} 大于耕地 {CULTIVATED_AREA}="
            f"{cultivated:.2f}：永久基本农田是所占耕地的一部分 / basic farmland "
            f"{BASIC_FARMLAND_AREA}={farmland:.2f} m² exceeds the cultivated land "
            f"{CULTIVATED_AREA}={cultivated:.2f} m² it is part of"
        )
    if spot_area is None:
        return messages
    tolerance = ls.AREA_TOLERANCE_SQM
    whole, what, what_en = spot_area
    for name, number in given.items():
        if number > whole + tolerance:
            messages.append(
                f"面积 {name}={number:.2f} 超过{what} {whole:.2f} 平方米 / area "
                f"{name}={number:.2f} m² exceeds {what_en} {whole:.2f} m²"
            )
    split = [name for name in ls.VERDICT_SPLIT_FIELDS if name in given]
    total = sum(given[name] for name in split)
    joined = "+".join(split)
    if len(split) == len(ls.VERDICT_SPLIT_FIELDS) and abs(total - whole) > tolerance:
        messages.append(
            f"{joined} = {total:.2f}，与{what} {whole:.2f} 不符 / {joined} adds up to "
            f"{total:.2f} m², not {what_en} {whole:.2f} m²"
        )
    elif 1 < len(split) < len(ls.VERDICT_SPLIT_FIELDS) and total > whole + tolerance:
        messages.append(
            f"{joined} = {total:.2f}，超过{what} {whole:.2f} / {joined} adds up to "
            f"{total:.2f} m², more than {what_en} {whole:.2f} m²"
        )
    return messages
