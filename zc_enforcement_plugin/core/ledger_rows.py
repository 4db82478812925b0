"""What every store makes of its rows alike: recorded_at times, a case's opening and its
replay from rows, verdict records, settings as text, vetted evidence and save conflicts."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import clock, workdays
from . import deadlines as dl
from . import ledger_schema as ls
from .bidi import isolated
from .bilingual import Bilingual
from .cases import (
    ORIGIN_PATROL,
    ORIGIN_SPOT,
    Case,
    CaseEvent,
    CaseOrigin,
    Stage,
)
from .clock import CHINA_TIME
from .domain import (
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    REFERRAL_BASIC_FARMLAND_AREA,
    REFERRAL_CULTIVATED_AREA,
    SPOT_REFRESHES,
    first_of,
)
from .evidence import check_evidence_kind, stored_path_problem
from .ledger_records import (
    CaseConflictError,
    CaseError,
    CaseFilter,
    CaseRecord,
    ConflictError,
    EvidenceRecord,
    LedgerError,
    SpotSummary,
    Verdict,
    office_aliases_from,
)
from .spot_files import has_cjk


@dataclass(frozen=True)
class Select:
    """A read's statement in its parts: the select list, what follows it up to the order (FROM
    and WHERE) and the order; sql() is the statement. Kept in parts so the shared ledger can
    send several reads in one statement (PostGISLedger.spot_page) and decode each into the
    same rows as the read alone gives."""

    columns: tuple[str, ...]
    source: str  # FROM … WHERE …
    order: str  # ORDER BY this

    def sql(self) -> str:
        return f"SELECT {', '.join(self.columns)} {self.source} ORDER BY {self.order}"


# =================================================================================================
# recorded_at times
# =================================================================================================


def parse_utc(text: str) -> dt.datetime:
    """A recorded_at written by utc_now back to an aware datetime (fromisoformat of Python 3.9
    reads no 'Z')."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def beijing_time(text: str, zh: bool) -> str:
    """A recorded_at as people read times here, in Beijing time to the minute; text that is
    not one (copied from elsewhere) as it is."""
    try:
        moment = parse_utc(text).astimezone(CHINA_TIME)
    except ValueError:
        return text
    return f"北京时间 {moment:%Y-%m-%d %H:%M}" if zh else f"{moment:%Y-%m-%d %H:%M} Beijing time"


def utc_now() -> str:
    # The GeoPackage DATETIME format; UTC so records from different machines sort together.
    now = clock.now_utc()
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


# =================================================================================================
# opening a case and replaying one: shared by every store
# =================================================================================================


@dataclass
class CaseOpening:
    """What a new case row holds, with what was not given taken from its origin."""

    origin: str
    spot_id: int | None
    patrol_id: str | None
    office: str | None
    town: str | None
    date: Any
    person: str | None
    cultivated_sqm: float | None
    basic_farmland_sqm: float | None
    case_origin: CaseOrigin

    def row(self) -> tuple:
        """The case columns after the id, recorded_at excluded (ledger_schema order)."""
        opened = self.date.isoformat() if isinstance(self.date, dt.date) else self.date
        return (
            self.origin,
            self.spot_id,
            self.patrol_id,
            self.office,
            self.town,
            opened,
            self.cultivated_sqm,
            self.basic_farmland_sqm,
        )

    def discover_event(
        self, case_id: Any, documents: Sequence[str], evidence_ids: Sequence[str], note: str
    ) -> CaseEvent:
        """The case's first event; CaseEvent and Case check the figures, date and person."""
        event = CaseEvent(
            str(case_id),
            Stage.DISCOVER,
            self.date,
            self.person or "",
            documents,
            evidence_ids,
            note,
            origin=self.case_origin,
            cultivated_sqm=self.cultivated_sqm,
            basic_farmland_sqm=self.basic_farmland_sqm,
        )
        Case.from_events([event])
        return event


def resolve_case_opening(
    store: Any,
    origin: str,
    *,
    spot_id: int | None,
    patrol_id: str | None,
    date: dt.date | None,
    person: str | None,
    office: str | None,
    town: str | None,
    cultivated_sqm: float | None,
    basic_farmland_sqm: float | None,
) -> CaseOpening:
    """Check a case may be opened from its origin and fill in what was not given (see
    GeoPackageLedger.open_case); reads the store through its public methods only."""
    if origin == ORIGIN_SPOT:
        if spot_id is None or patrol_id is not None:
            raise CaseError("图斑来源的案件须给出图斑 / a spot case needs spot_id only")
        spot = store.spot(spot_id)
        verdict = store.current_verdict(spot_id)
        if verdict is None or verdict.category != ls.VERDICT_ILLEGAL:
            # Each half says the verdict in its own language: a "中文 / English" pair inside
            # the Chinese half left its English in what a Chinese QGIS shows.
            if verdict is None:
                now_zh, now_en = "尚未判定", "it has no verdict yet"
            else:
                now_zh = f"当前判定为“{verdict.category}”（{verdict.kind or ''}）"
                now_en = f"its current verdict is {ls.CATEGORY_LABELS_EN[verdict.category]}"
            raise CaseError(
                f"图斑 {spot.number} 未判定为违法，不能立案：{now_zh}；只有当前判定为"
                f"“{ls.VERDICT_ILLEGAL}”的图斑才能开启案件 / spot {spot.number} is not "
                f"judged illegal and cannot open a case: {now_en}; only a spot whose current "
                "verdict is illegal opens a case"
            )
        existing = store.cases(CaseFilter(spot_id=spot_id))
        if existing:
            raise CaseError(
                f"图斑 {spot.number} 已有案件 {existing[0].case_id} / spot {spot.number} "
                f"already has case {existing[0].case_id}: record further steps there"
            )
        if store.unreadable_cases:  # one case per spot, even one that cannot be read
            raise CaseError(
                f"图斑 {spot.number} 已有无法读取的案件，请执法监察大队先核查 / spot "
                f"{spot.number} already has a case that cannot be read: "
                + "; ".join(store.unreadable_cases)
            )
        areas = verdict.areas or {}
        judged = as_date(verdict.verified_on)
        _not_before_origin(
            date, judged, f"图斑 {spot.number} 判定违法的核查日期", f"spot {spot.number}'s verdict"
        )
        date = date or judged
        person = person or verdict.verifier
        where = (f"图斑 {spot.number}", f"spot {spot.number}")
        office = _of_origin(office, spot.office, "office, SMC", "自然资源所", "office", *where)
        town = _of_origin(town, spot.town, "town, XZMC", "乡镇", "town", *where)
        cultivated, basic = spot_case_figures(
            areas, spot.attributes, spot.cultivated_area, spot.basic_farmland_area
        )
        if cultivated_sqm is None:
            cultivated_sqm = cultivated
        if basic_farmland_sqm is None:
            basic_farmland_sqm = basic
        case_origin = CaseOrigin.spot(spot.number)
    elif origin == ORIGIN_PATROL:
        if not patrol_id or spot_id is not None:
            raise CaseError("巡查来源的案件须给出巡查编号 / a patrol case needs patrol_id only")
        found = store.patrols(patrol_ids=[patrol_id])
        if not found and store.patrols(patrol_ids=[patrol_id], include_withdrawn=True):
            raise CaseError(
                f"巡查记录 {patrol_id} 已撤销，不能据以立案 / patrol {patrol_id} was withdrawn: "
                "no case is opened from it"
            )
        if not found:
            raise CaseError(
                f"台帐中没有巡查记录 {patrol_id}，请先登记巡查 / no patrol {patrol_id} in "
                "the ledger: record the patrol first"
            )
        patrol = found[0]
        _not_before_origin(
            date, as_date(patrol.date), f"巡查 {patrol_id} 的日期", f"patrol {patrol_id}'s date"
        )
        date = date or patrol.date
        person = person or patrol.staff[0]
        office = _of_origin(
            office,
            patrol.office,
            "office",
            "自然资源所",
            "office",
            f"巡查 {patrol_id}",
            f"patrol {patrol_id}",
        )
        case_origin = CaseOrigin.patrol(patrol_id)
    else:
        raise CaseError(
            f"案件来源须为 {ORIGIN_SPOT} 或 {ORIGIN_PATROL} / origin must be "
            f"{ORIGIN_SPOT!r} or {ORIGIN_PATROL!r}, not {origin!r}"
        )
    return CaseOpening(
        origin,
        spot_id,
        patrol_id,
        office,
        town,
        date,
        person,
        cultivated_sqm,
        basic_farmland_sqm,
        case_origin,
    )


def _of_origin(
    given: str | None,
    own: str | None,
    field: str,
    label_zh: str,
    label_en: str,
    origin_zh: str,
    origin_en: str,
) -> str | None:
    """The case's office or town: its origin's (the spot's SMC / XZMC, the patrol's office).
    One given that differs is refused: the case would be counted against another office in its
    ranking and hidden from that office's own login. Given where the origin has none, it stands."""
    if given is None or own is None or given.strip() == own.strip():
        return own if own is not None else given
    raise CaseError(
        f"案件的{label_zh}（{field}）“{given}”与其来源{origin_zh} 的{label_zh}“{own}”不符，未开启"
        f"案件：案件属于其来源的所和乡镇 / the case's {label_en} ({field}) {given!r} differs "
        f"from its origin {origin_en}'s {label_en} {own!r}: no case was opened; a case belongs "
        "to the office and town of its origin"
    )


def _not_before_origin(opened: dt.date | None, origin: dt.date, what_zh: str, what_en: str) -> None:
    """A case is discovered by its verdict or its patrol: it cannot be opened before that day
    (its deadlines would run from a day nothing was known). None: opened on the origin's day."""
    if opened is not None and opened < origin:
        raise CaseError(
            f"立案的发现日期（date）{opened} 早于{what_zh} {origin} / the case's opening date "
            f"(date) {opened} is earlier than {what_en} {origin}"
        )


def spot_case_figures(
    areas: dict[str, Any],
    attributes: dict[str, Any],
    cultivated: float | None,
    basic_farmland: float | None,
) -> tuple[float | None, float | None]:
    """The (cultivated, basic farmland) m² a case from a spot counts its scale on: each as the
    verdict measured it on site (areas), else as the screening's referral test judged SFXS on
    (domain.REFERRAL_*: land outside approvals, cultivated land gross of ridges), else the
    spot's GDMJ / YJJBNTMJ (cultivated, basic farmland as given: the columns).

    The last is for spots screened before the referral fields were written, and for a figure
    whose layer was not screened: GDMJ may be net of ridges and YJJBNTMJ counts approved
    farmland, so a case on them can disagree with SFXS; screening the spots again mends it."""

    def figure(on_site: str, referral: str, column: float | None) -> float | None:
        if areas.get(on_site) is not None:
            return areas[on_site]
        value = as_number(attributes.get(referral))
        if value is not None and math.isfinite(value):
            return value
        return column

    return (
        figure(CULTIVATED_AREA, REFERRAL_CULTIVATED_AREA, cultivated),
        figure(BASIC_FARMLAND_AREA, REFERRAL_BASIC_FARMLAND_AREA, basic_farmland),
    )


def verdict_from_row(row: Sequence, spot_number: str, path: Any) -> Verdict:
    """A Verdict from a row of the verdicts table, columns in SqlLedger._VERDICT_READ order.

    A row the plugin never wrote (areas or details typed by hand as other than a JSON object)
    is a LedgerError naming the spot, the row and the ledger, not a bare JSONDecodeError."""
    loaded = {}
    for column, text in ((ls.C_AREAS, row[7]), (ls.C_DETAILS, row[11])):
        try:
            value = json.loads(text or "{}")
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            value, problem = None, f"{type(error).__name__}: {error}"
        else:
            problem = f"not a JSON object: {text!r}"
        if not isinstance(value, dict):
            raise LedgerError(
                Bilingual(
                    f"图斑 {spot_number} 的判定记录（id {row[0]}）无法读取：{column} 不是插件写入"
                    f"的格式（{problem}），请执法监察大队核查",
                    f"the verdict (id {row[0]}) of spot {spot_number} in {path} cannot be "
                    f"read: {column} is not what the plugin writes ({problem}); ask the "
                    f"brigade to check its records",
                )
            )
        loaded[column] = value
    return Verdict(
        category=row[2],
        kind=row[3],
        approval_number=row[4],
        verifier=row[5],
        verified_on=row[6],
        areas=loaded[ls.C_AREAS],
        note=row[8],
        corrects=row[9],
        details=loaded[ls.C_DETAILS],
        id=row[0],
        spot_id=row[1],
        recorded_at=row[10],
        db_user=row[12] if len(row) > 12 else None,
    )


def case_record_from_rows(row: Sequence, events: Sequence[Sequence]) -> CaseRecord:
    """A CaseRecord replayed from its row (case columns, then the spot number) and its event
    rows (event columns, oldest first); dates and times as the ledger's ISO text."""
    number, origin, spot_id, patrol_id = row[0], row[1], row[2], row[3]
    case_origin = CaseOrigin(origin, str(row[10] if origin == ORIGIN_SPOT else patrol_id))
    replay = [
        CaseEvent(
            str(number),
            Stage(event[2]),
            dt.date.fromisoformat(event[3]),
            event[4],
            json.loads(event[5] or "[]"),
            json.loads(event[6] or "[]"),
            event[7] or "",
            parse_utc(event[10]),
            origin=case_origin if position == 0 else None,
            cultivated_sqm=event[8],
            basic_farmland_sqm=event[9],
            measured_on=dt.date.fromisoformat(event[11]) if event[11] else None,
            event_id=int(event[0]),
            corrects=None if event[12] is None else int(event[12]),
            corrected_note=event[13],
        )
        for position, event in enumerate(events)
    ]
    return CaseRecord(
        case_id=str(number),
        origin=origin,
        spot_id=spot_id,
        patrol_id=patrol_id,
        office=row[4],
        town=row[5],
        opened_at=dt.date.fromisoformat(row[6]),
        cultivated_sqm=row[7],
        basic_farmland_sqm=row[8],
        recorded_at=row[9],
        case=Case.from_events(replay),
    )


def setting_text(key: str, value: Any, where: str) -> str | None:
    """A setting checked and encoded as stored (JSON text); None removes the setting."""
    if not isinstance(key, str) or not key.strip():
        raise LedgerError("设置名不能为空 / the setting key is empty")
    if value is None:
        return None
    if key == ls.SETTING_DEADLINE_RULES:
        try:
            dl.rules_from_dict(value, where)
        except dl.DeadlineConfigError as exc:
            raise LedgerError(str(exc)) from None
    elif key == ls.SETTING_HOLIDAYS:
        try:
            workdays.holiday_schedules(value, workdays.SHARED_HOLIDAYS_LABEL)
        except workdays.HolidayFileError as exc:
            raise LedgerError(str(exc)) from None
    elif key == ls.SETTING_OFFICE_ALIASES:
        office_aliases_from(value)  # a LedgerError naming the entry
    elif key == ls.SETTING_REPORT_WEIGHTS:
        from .reports import score_weights  # reports reads the ledger: import late

        try:
            score_weights(value)
        except ValueError as exc:
            raise LedgerError(str(exc)) from None
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"设置值须为 JSON / setting {key} is not JSON: {exc}") from None


def vetted_evidence(record: EvidenceRecord) -> tuple[str, str]:
    """(relative '/'-path, lower-case digest) of an evidence record; LedgerError if invalid."""
    check_evidence_kind(record.kind)
    reason = stored_path_problem(record.path)  # the rule every reader holds it to, and the server
    if reason is not None:
        zh, en = reason.split(" / ", 1)
        raise LedgerError(
            f"证据路径须在证据文件夹内（{zh}）：{record.path!r} / evidence path must lie inside "
            f"the evidence folder ({en}): {record.path!r}"
        )
    digest = record.sha256.lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise LedgerError(f"SHA-256 无效 / not a SHA-256 digest: {record.sha256!r}")
    return record.path, digest


def conflict_error(
    spot: SpotSummary,
    expected_version: int,
    history: Sequence[Verdict],
    refreshes: Sequence[dict[str, Any]],
    refused: Verdict,
) -> ConflictError:
    """The refusal of a save made on an out-of-date spot, showing both versions: what a
    re-delivery changed since the version the verifier saw, and the verdict saved since."""

    def show(verdict: Verdict | None, zh: bool) -> str:
        if verdict is None:
            return "无判定" if zh else "no verdict"
        when = f", {beijing_time(verdict.recorded_at, zh)}" if verdict.recorded_at else ""
        # The verifier is free text; the login is the server's record of who saved it.
        if verdict.db_user:
            login = isolated(verdict.db_user)
            when += f", 由登录 {login} 保存" if zh else f", saved by login {login}"
        # Typed by people: isolated, so a direction mark in a name cannot turn the rest round.
        return (
            f"{verdict.category}/{isolated(verdict.kind or '')} ({isolated(verdict.verifier)}, "
            f"{verdict.verified_on}{when})"
        )

    current = history[-1] if history else None
    version = spot_version(len(history), refreshes)
    since = [
        entry for entry in refreshes if (as_number(entry.get("version")) or 0) > expected_version
    ]
    changed = [
        change_halves(str(change)) for entry in since for change in entry.get("changes") or []
    ]
    what_zh, what_en = [], []
    if since:
        changed_zh = first_of([zh for zh, _ in changed], 8, "；")
        what_zh.append(f"已重新交付，变化为：{changed_zh}")
        what_en.append(f"was re-delivered ({first_of([en for _, en in changed], 8, '; ')})")
    if version - expected_version != len(since):  # verdicts too, or a version not from here
        what_zh.append(f"已被他人保存（当前判定：{show(current, True)}）")
        what_en.append(f"was saved by someone else (theirs: {show(current, False)})")
    message = (
        f"图斑 {spot.number} 在您打开后{'，并且'.join(what_zh)}。您打开时为第 "
        f"{expected_version} 版，现为第 {version} 版。您的判定：{show(refused, True)}，未保存。"
        "请查看后重新判定。 / "
        f"spot {spot.number} {' and '.join(what_en)} since you opened it: you opened version "
        f"{expected_version}, the ledger now holds version {version}. Yours: "
        f"{show(refused, False)}, not saved. Review the spot and record your verdict again."
    )
    return ConflictError(message, current, refused)


def case_conflict_error(
    case_id: Any,
    since: Sequence[tuple[CaseEvent, str | None]],
    refused_zh: str,
    refused_en: str,
) -> CaseConflictError:
    """The refusal of a step or correction of a case saved on an out-of-date view of it, as a
    spot's is (conflict_error): who recorded what since (`since`: each later row with the
    login that saved it, None in a GeoPackage, which has no logins: then the person) and what
    was not saved."""

    def row(event: CaseEvent, zh: bool) -> str:
        moment = event.recorded_at.astimezone(CHINA_TIME)
        at = f"北京时间 {moment:%Y-%m-%d %H:%M}" if zh else f"{moment:%Y-%m-%d %H:%M} Beijing time"
        if event.is_correction:
            what = (
                f"更正“{event.stage.label_zh}”的日期为 {event.date}"
                if zh
                else f"a correction of {event.stage.value} to {event.date}"
            )
        else:
            what = (
                f"“{event.stage.label_zh}” {event.date}"
                if zh
                else f"{event.stage.value} {event.date}"
            )
        person = isolated(event.person)
        return f"{what}，{person}，{at}" if zh else f"{what}, {person}, {at}"

    who = list(dict.fromkeys(isolated(login or event.person) for event, login in since))
    logins = any(login for _, login in since)
    rows_zh = "；".join(row(e, True) for e, _ in since)
    rows_en = "; ".join(row(e, False) for e, _ in since)
    return CaseConflictError(
        f"案件 {case_id} 在您打开后已由{'登录 ' if logins else ''}{'、'.join(who)} 记录了新的步骤"
        f"（{rows_zh}），您的记录（{refused_zh}）未保存，请核对后再保存 / case {case_id} was "
        f"changed by {'login ' if logins else ''}{', '.join(who)} since you opened it ({rows_en}): "
        f"yours ({refused_en}) was not saved; check the case and save again"
    )


def spot_refreshes(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """The re-deliveries that changed a spot, oldest first, as kept with it (SPOT_REFRESHES):
    {"on": date, "at": UTC time, "changes": [text, …], "version": the spot's version after it}
    (refreshes kept before versions counted them have no "version")."""
    refreshes = attributes.get(SPOT_REFRESHES)
    if not isinstance(refreshes, list):
        return []
    return [entry for entry in refreshes if isinstance(entry, dict)]


def change_halves(change: str) -> tuple[str, str]:
    """A change kept with a spot by a refresh (ledger_delivery.refresh_changes), as its Chinese
    and its English half. A value's change, "XZMC 罗村镇 → 南定镇", reads the same in both (a
    value may itself hold " / "); a change said in words, "图形中心移动 … / outline centre
    moved …", is split at its separator; one kept by an earlier release in both languages at
    once ("图形 / outline（中心移动 centre moved …）") is shown whole in both, never cut."""
    chinese, separator, english = change.partition(" / ")
    if "→" in change or not separator or has_cjk(english) or not has_cjk(chinese):
        return change, change
    return chinese, english


def spot_version(verdicts: int, refreshes: Sequence[dict[str, Any]]) -> int:
    """A spot's version (Spot.version): one step per verdict recorded and per re-delivery that
    changed it (spot_refreshes). A save based on an older version was made on a spot that has
    since been judged by someone else or re-delivered: it is refused (ConflictError)."""
    return verdicts + len(refreshes)


def as_number(value: Any) -> float | None:
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def as_date(value: dt.date | str | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])
