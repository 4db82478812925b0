"""The case procedure: every transition allowed or refused, dates, thresholds and deadlines."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.holiday_notices import complete_year
from zc_enforcement_plugin.core import cases as cs
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import (
    Case,
    CaseEvent,
    CaseOrigin,
    EvidenceTaken,
    ProcedureError,
    Stage,
)
from zc_enforcement_plugin.core.workdays import WorkCalendar

S = Stage
CASE = "ZC-2025-001"
SPOT = CaseOrigin.spot("3703022025000123")
MU = 10000.0 / 15.0  # m² per 亩, written out here rather than imported


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def ev(stage: Stage, day: date | str, **kw) -> CaseEvent:
    """An event of CASE; the discover event carries the spot origin unless told otherwise."""
    if isinstance(day, str):
        day = d(day)
    if stage is S.DISCOVER:
        kw.setdefault("origin", SPOT)
    kw.setdefault("person", "张三")
    return CaseEvent(CASE, stage, day, **kw)


def case_of(*steps: tuple[Stage, str]) -> Case:
    return Case.from_events([ev(stage, day) for stage, day in steps])


# Allowed transitions, written out by hand from the module docstring (not read from the table).
EXPECTED = {
    (None, S.DISCOVER),
    (S.DISCOVER, S.VERIFY),
    (S.VERIFY, S.STOP),
    (S.VERIFY, S.FILE),
    (S.VERIFY, S.CLOSE),
    (S.STOP, S.STOP),
    (S.STOP, S.FILE),
    (S.STOP, S.CLOSE),
    (S.FILE, S.INVESTIGATE),
    (S.FILE, S.TRANSFER),
    (S.INVESTIGATE, S.INVESTIGATE),
    (S.INVESTIGATE, S.NOTIFY),
    (S.INVESTIGATE, S.TRANSFER),
    (S.NOTIFY, S.PENALISE),
    (S.NOTIFY, S.TRANSFER),
    (S.PENALISE, S.DEMAND),
    (S.PENALISE, S.TRANSFER),
    (S.PENALISE, S.CLOSE),
    (S.DEMAND, S.TRANSFER),
    (S.DEMAND, S.CLOSE),
    (S.TRANSFER, S.TRANSFER),  # a court application, then the referral to public security
    (S.TRANSFER, S.CLOSE),
}

# One hand-written way to reach each stage, a day per step from Monday 2025-03-03.
PATH_TO = {
    S.DISCOVER: [S.DISCOVER],
    S.VERIFY: [S.DISCOVER, S.VERIFY],
    S.STOP: [S.DISCOVER, S.VERIFY, S.STOP],
    S.FILE: [S.DISCOVER, S.VERIFY, S.STOP, S.FILE],
    S.INVESTIGATE: [S.DISCOVER, S.VERIFY, S.STOP, S.FILE, S.INVESTIGATE],
    S.NOTIFY: [S.DISCOVER, S.VERIFY, S.STOP, S.FILE, S.INVESTIGATE, S.NOTIFY],
    S.PENALISE: [S.DISCOVER, S.VERIFY, S.STOP, S.FILE, S.INVESTIGATE, S.NOTIFY, S.PENALISE],
    S.DEMAND: [
        S.DISCOVER,
        S.VERIFY,
        S.STOP,
        S.FILE,
        S.INVESTIGATE,
        S.NOTIFY,
        S.PENALISE,
        S.DEMAND,
    ],  # fmt: skip
    S.TRANSFER: [S.DISCOVER, S.VERIFY, S.STOP, S.FILE, S.TRANSFER],
    S.CLOSE: [S.DISCOVER, S.VERIFY, S.STOP, S.CLOSE],
}
START = d("2025-03-03")


def court_application(**figures) -> Case:
    """A case applied to the court after its demand (强制执行申请书)."""
    steps = PATH_TO[S.DEMAND]
    events = [
        ev(stage, START + timedelta(days=n), **(figures if n == 0 else {}))
        for n, stage in enumerate(steps)
    ]
    after = START + timedelta(days=len(steps))
    return Case.from_events([*events, ev(S.TRANSFER, after, documents=[cs.DOC_COURT_APPLICATION])])


def reach(stage: Stage) -> Case:
    return Case.from_events(
        [ev(s, START + timedelta(days=i)) for i, s in enumerate(PATH_TO[stage])]
    )


# --- the transition table ---------------------------------------------------------------------


def test_table_is_the_documented_one():
    assert set(cs.TRANSITIONS) == EXPECTED
    assert all(isinstance(why, str) and why for why in cs.TRANSITIONS.values())


def test_paths_reach_their_stage():
    for stage in cs.STAGES:
        assert reach(stage).stage is stage


@pytest.mark.parametrize("nxt", cs.STAGES, ids=lambda s: s.value)
@pytest.mark.parametrize("cur", cs.STAGES, ids=lambda s: s.value)
def test_transition_matrix(cur, nxt):
    case = reach(cur)
    event = ev(nxt, case.last_date + timedelta(days=1))
    if (cur, nxt) == (S.TRANSFER, S.TRANSFER):  # only a referral after a court application
        case = court_application()
        event = ev(nxt, case.last_date, documents=[cs.DOC_POLICE_REFERRAL])
    if (cur, nxt) in cs.TRANSITIONS:
        after = case.apply(event)
        assert after.stage is nxt
        assert after.events == (*case.events, event)
    else:
        with pytest.raises(ProcedureError) as info:
            case.apply(event)
        message = str(info.value)
        assert " / " in message and CASE in message
        # Chinese first, then English.
        zh, en = message.split(" / ", 1)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        assert en.isascii()
    assert ((cur, nxt) in cs.TRANSITIONS) == ((cur, nxt) in EXPECTED)


@pytest.mark.parametrize("first", cs.STAGES, ids=lambda s: s.value)
def test_only_discover_opens_a_case(first):
    if first is S.DISCOVER:
        assert Case.from_events([ev(first, START)]).stage is S.DISCOVER
    else:
        with pytest.raises(ProcedureError, match="a case starts with discover"):
            Case.from_events([ev(first, START)])


def test_allowed_next():
    assert cs.allowed_next(None) == (S.DISCOVER,)
    assert cs.allowed_next(S.VERIFY) == (S.STOP, S.FILE, S.CLOSE)
    assert reach(S.PENALISE).allowed_next() == (S.DEMAND, S.TRANSFER, S.CLOSE)
    assert reach(S.CLOSE).allowed_next() == ()


def test_required_before_derived_from_table():
    assert cs.REQUIRED_BEFORE[S.PENALISE] == (S.DISCOVER, S.VERIFY, S.FILE, S.INVESTIGATE, S.NOTIFY)
    assert cs.REQUIRED_BEFORE[S.TRANSFER] == (S.DISCOVER, S.VERIFY, S.FILE)
    assert cs.REQUIRED_BEFORE[S.CLOSE] == (S.DISCOVER, S.VERIFY)
    assert cs.REQUIRED_BEFORE[S.STOP] == (S.DISCOVER, S.VERIFY)


# --- refusal messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cur", "nxt", "zh", "en"),
    [
        (
            S.DISCOVER,
            S.PENALISE,
            "不能从“发现”直接“处罚”：须先核查、立案、调查、告知",
            "cannot penalise before the case is verified on site, filed, investigated "
            "and notified to the party",
        ),
        (S.STOP, S.DEMAND, "须先立案、调查、告知、处罚", "cannot demand compliance before"),
        (S.VERIFY, S.TRANSFER, "须先立案", "cannot transfer before the case is filed"),
        (S.DISCOVER, S.CLOSE, "须先核查", "cannot close before the case is verified on site"),
        (
            S.FILE,
            S.CLOSE,
            "“结案”只能在“核查”、“制止”、“处罚”、“催告”、“移交”之后，不能在“立案”之后",
            "close can only follow verify, stop, penalise, demand, transfer, not file",
        ),
        (S.NOTIFY, S.INVESTIGATE, "不能从“告知”回到“调查”", "cannot go back from notify"),
        (S.FILE, S.FILE, "已经“立案”，不能重复", "file is already recorded"),
        (S.PENALISE, S.DISCOVER, "新的违法行为应另立案件", "a new act is a new case"),
        (S.TRANSFER, S.PENALISE, "案件已移交", "the case has been transferred"),
        (S.CLOSE, S.VERIFY, "结案，不能再“核查”", "the case was closed on 2025-03-06"),
    ],
)
def test_refusal_says_why(cur, nxt, zh, en):
    case = reach(cur)
    with pytest.raises(ProcedureError) as info:
        case.apply(ev(nxt, "2025-04-01"))
    assert zh in info.value.reason_zh
    assert en in info.value.reason_en
    assert str(info.value).index(zh) < str(info.value).index(en)


def test_closed_case_refuses_everything():
    closed = reach(S.CLOSE)
    assert closed.closed
    for stage in cs.STAGES:
        with pytest.raises(ProcedureError, match="closed"):
            closed.apply(ev(stage, "2025-12-31"))


def test_date_earlier_than_previous_step_refused_same_day_allowed():
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-05"))
    with pytest.raises(ProcedureError) as info:
        case.apply(ev(S.STOP, "2025-03-04"))
    assert "2025-03-04" in str(info.value) and "2025-03-05" in str(info.value)
    assert "早于上一步“核查”" in info.value.reason_zh
    assert "earlier than the previous step" in info.value.reason_en
    assert case.apply(ev(S.STOP, "2025-03-05")).stage is S.STOP


def test_rebuild_refuses_backwards_dates():
    with pytest.raises(ProcedureError, match="earlier"):
        case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-02"))


def test_event_of_another_case_refused():
    case = reach(S.VERIFY)
    other = CaseEvent("ZC-2025-002", S.STOP, d("2025-03-10"), "李四")
    with pytest.raises(ProcedureError, match="ZC-2025-002"):
        case.apply(other)


def test_origin_required_on_discover_and_only_there():
    with pytest.raises(ProcedureError, match="origin"):
        Case.from_events([ev(S.DISCOVER, START, origin=None)])
    with pytest.raises(ProcedureError, match="origin"):
        reach(S.DISCOVER).apply(ev(S.VERIFY, "2025-03-04", origin=SPOT))
    patrol = Case.from_events([ev(S.DISCOVER, START, origin=CaseOrigin.patrol("XC-0007"))])
    assert patrol.origin == CaseOrigin("patrol", "XC-0007")
    assert reach(S.DISCOVER).origin.kind == "spot"
    with pytest.raises(ValueError):
        CaseOrigin("rumour", "x")
    with pytest.raises(ValueError):
        CaseOrigin.spot(" ")


def test_no_events_no_case():
    with pytest.raises(ProcedureError, match="no events"):
        Case.from_events([])


# --- events and rebuilding -----------------------------------------------------------------------


def full_history() -> list[CaseEvent]:
    return [
        ev(S.DISCOVER, "2025-03-03", cultivated_sqm=1200.0, basic_farmland_sqm=0.0),
        ev(S.VERIFY, "2025-03-03", documents=["现场勘验笔录"], evidence_ids=["E1", "E2"]),
        ev(S.STOP, "2025-03-04", documents=["责令停止违法行为通知书"], evidence_ids=["E3"]),
        ev(S.STOP, "2025-03-10", note="复工，再次制止", evidence_ids=["E4"]),
        ev(S.FILE, "2025-03-11", cultivated_sqm=1350.5),
        ev(S.INVESTIGATE, "2025-03-12", documents=["询问笔录"]),
        ev(S.INVESTIGATE, "2025-03-20"),
        ev(S.NOTIFY, "2025-03-25", documents=["行政处罚告知书"], evidence_ids=["E5"]),
        ev(S.PENALISE, "2025-04-08", documents=["行政处罚决定书"], evidence_ids=["E6"]),
        ev(S.DEMAND, "2025-05-12", documents=["催告书"], evidence_ids=["E7"]),
        ev(S.TRANSFER, "2025-06-03", note="申请法院强制执行"),
        ev(S.CLOSE, "2025-09-01"),
    ]


def test_rebuild_equals_step_by_step():
    events = full_history()
    stepwise = Case.from_events(events[:1])
    for event in events[1:]:
        stepwise = stepwise.apply(event)
    rebuilt = Case.from_events(events)
    assert rebuilt == stepwise
    assert rebuilt.events == tuple(events)
    assert rebuilt.closed and rebuilt.cultivated_sqm == 1350.5
    assert rebuilt.date_of(S.STOP) == d("2025-03-04")  # the first stop order
    assert rebuilt.date_of(S.DEMAND) == d("2025-05-12")
    # Interviews without evidence (the 询问笔录, and the second, undocumented one); the others
    # name theirs, one of each kind. Evidence of the case taken on 03-20 covers that day's step.
    named = [EvidenceTaken(f"E{n}", kind, None) for n in range(1, 8) for kind in ls.EVIDENCE_KINDS]
    assert [g.event for g in rebuilt.evidence_gaps(named)] == [events[5], events[6]]
    that_day = all_three("2025-03-20")
    assert [g.event for g in rebuilt.evidence_gaps(named + that_day)] == [events[5]]


def all_three(day: str, prefix: str = "D") -> list[EvidenceTaken]:
    """A photo, a video and a recording of the spot made on ``day``, named by no step."""
    return [EvidenceTaken(f"{prefix}{kind}", kind, d(day)) for kind in ls.EVIDENCE_KINDS]


def test_a_step_with_a_photo_alone_lacks_audio_and_video():
    """DOMAIN §1: a delivery carries audio, video and photo evidence; the photo the notice
    names is one of the three, and the page says which two are missing."""
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-03"))
    case = case.apply(ev(S.STOP, "2025-03-04", evidence_ids=["7"]))
    photo = EvidenceTaken("7", ls.EVIDENCE_PHOTO, None)  # its day unknown: named, it counts
    gaps = {g.event.stage: g for g in case.evidence_gaps(all_three("2025-03-03") + [photo])}
    assert set(gaps) == {S.STOP}
    assert set(gaps[S.STOP].missing) == {ls.EVIDENCE_VIDEO, ls.EVIDENCE_AUDIO}
    text = gaps[S.STOP].text_zh()
    assert text.startswith("2025-03-04 制止 缺"), text
    assert "视频" in text and "录音" in text and "照片" not in text, text


def test_a_step_lacking_one_kind_is_a_gap_and_the_lack_is_said_in_photo_video_audio_order():
    """A photo and a recording without the video is still a gap, of the video alone; the kinds
    a step lacks are said in EVIDENCE_KINDS order (照片, 视频, 录音), as the page lists them,
    not in the order their names sort."""
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-03"))
    case = case.apply(ev(S.STOP, "2025-03-04", evidence_ids=["7", "8"]))
    photo = EvidenceTaken("7", ls.EVIDENCE_PHOTO, None)
    recording = EvidenceTaken("8", ls.EVIDENCE_AUDIO, None)
    (gap,) = case.evidence_gaps(all_three("2025-03-03") + [photo, recording])
    assert gap.event.stage is S.STOP and gap.missing == (ls.EVIDENCE_VIDEO,)
    assert gap.text_zh() == "2025-03-04 制止 缺视频"
    (gap,) = case.evidence_gaps(all_three("2025-03-03") + [photo])
    assert gap.missing == (ls.EVIDENCE_VIDEO, ls.EVIDENCE_AUDIO)
    assert gap.text_zh() == "2025-03-04 制止 缺视频、录音"


def test_a_step_with_audio_video_and_photo_has_no_gap_named_or_made_that_day():
    """All three kinds clear a step: one named by the step, the others made on its day."""
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-03"))
    case = case.apply(ev(S.STOP, "2025-03-04", evidence_ids=["7"]))
    evidence = [
        EvidenceTaken("7", ls.EVIDENCE_AUDIO, d("2025-03-01")),  # named: its day does not matter
        EvidenceTaken("8", ls.EVIDENCE_VIDEO, d("2025-03-04")),
        EvidenceTaken("9", ls.EVIDENCE_PHOTO, d("2025-03-04")),
    ]
    assert case.evidence_gaps(all_three("2025-03-03") + evidence) == ()


def test_evidence_of_another_day_does_not_cover_a_step():
    """A full set made the day after the survey is the next step's, not the survey's; an id
    the spot's evidence does not hold shows no kind."""
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-03"))
    case = case.apply(ev(S.STOP, "2025-03-04", evidence_ids=["gone"]))
    (gap,) = case.evidence_gaps(all_three("2025-03-04"))
    assert gap.event.stage is S.VERIFY and set(gap.missing) == set(ls.EVIDENCE_KINDS)
    (gap,) = case.evidence_gaps(all_three("2025-03-03"))
    assert gap.event.stage is S.STOP and set(gap.missing) == set(ls.EVIDENCE_KINDS)


def test_internal_approvals_need_no_field_evidence():
    """立案审批表 and 结案审批表 are signed in the office, and the court application goes to the
    court: none is a delivery, interview, survey or supervision (DOMAIN §1)."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-04-01"),
            ev(S.VERIFY, "2025-04-01"),
            ev(S.FILE, "2025-04-02", documents=["立案审批表"]),
            ev(S.TRANSFER, "2025-04-03", documents=[cs.DOC_POLICE_REFERRAL]),
            ev(S.CLOSE, "2025-06-03", documents=["结案审批表"]),
        ]
    )
    assert case.evidence_gaps(all_three("2025-04-01")) == ()


def test_apply_returns_a_new_case():
    case = reach(S.VERIFY)
    after = case.apply(ev(S.STOP, "2025-03-10"))
    assert case.stage is S.VERIFY and after.stage is S.STOP
    with pytest.raises(FrozenInstanceError):
        case.case_id = "x"  # type: ignore[misc]


def test_event_fields_normalised_and_checked():
    e = CaseEvent(CASE, "file", d("2025-03-03"), "张三", documents=["立案审批表"])
    assert e.stage is S.FILE and e.documents == ("立案审批表",) and e.evidence_ids == ()
    assert e.recorded_at.tzinfo is not None
    with pytest.raises(ValueError, match="unknown stage"):
        CaseEvent(CASE, "arrest", d("2025-03-03"), "张三")
    with pytest.raises(TypeError, match="datetime.date"):
        CaseEvent(CASE, S.FILE, datetime(2025, 3, 3, 9, tzinfo=timezone.utc), "张三")
    with pytest.raises(TypeError, match="list of text"):
        CaseEvent(CASE, S.FILE, d("2025-03-03"), "张三", documents="立案审批表")
    with pytest.raises(ValueError, match="person"):
        CaseEvent(CASE, S.FILE, d("2025-03-03"), " ")
    with pytest.raises(ValueError, match="case_id"):
        CaseEvent("", S.FILE, d("2025-03-03"), "张三")
    with pytest.raises(ValueError, match=">= 0"):
        CaseEvent(CASE, S.FILE, d("2025-03-03"), "张三", cultivated_sqm=-1)
    with pytest.raises(ValueError, match="finite"):
        CaseEvent(CASE, S.FILE, d("2025-03-03"), "张三", basic_farmland_sqm=float("nan"))


# --- criminal scale -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cultivated_mu", "basic_mu", "criminal"),
    [
        (4.99, 4.99, False),
        (5.00, 5.00, True),
        (9.99, 0.0, False),
        (10.0, 0.0, True),
        (14.98, 4.99, False),  # 9.99 亩 outside basic farmland, 4.99 亩 inside
        (14.99, 4.99, True),  # 10.00 亩 outside
        (0.0, 5.0, True),  # basic farmland typed without its cultivated figure
    ],
)
def test_criminal_scale_thresholds(cultivated_mu, basic_mu, criminal):
    # Figures as a report rounds them to the m² cent, e.g. 5.00 亩 = 3333.33 m² (4.999995 亩).
    event = ev(
        S.DISCOVER,
        START,
        cultivated_sqm=round(cultivated_mu * MU, 2),
        basic_farmland_sqm=round(basic_mu * MU, 2),
    )
    case = Case.from_events([event])
    assert cs.is_criminal_scale(case) is criminal
    assert case.marked_for_transfer is criminal
    assert case.criminal_since == (START if criminal else None)


def test_criminal_scale_from_a_later_measurement_and_transfer():
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-04"))
    assert not case.criminal_scale
    case = case.apply(ev(S.STOP, "2025-03-05", basic_farmland_sqm=6 * MU))
    assert case.criminal_scale and case.criminal_since == d("2025-03-05")
    with pytest.raises(ProcedureError, match="referred to public security before it can be"):
        case.apply(ev(S.CLOSE, "2025-03-06"))
    # A re-measurement on the closing event itself counts.
    assert case.apply(ev(S.CLOSE, "2025-03-06", basic_farmland_sqm=1 * MU)).closed
    case = case.apply(ev(S.FILE, "2025-03-06")).apply(ev(S.TRANSFER, "2025-03-07"))
    assert case.criminal_scale and not case.marked_for_transfer
    assert case.apply(ev(S.CLOSE, "2025-12-01")).closed


# --- deadlines ----------------------------------------------------------------------------------


@pytest.fixture
def cal() -> WorkCalendar:
    """The official calendar from the library alone (the shipped file lists no year)."""
    return WorkCalendar(local_file=None)


def by_name(deadlines: list[cs.Deadline]) -> dict[str, cs.Deadline]:
    return {x.name: x for x in deadlines}


def test_deadlines_across_national_day_2025(cal):
    # By hand: 10-01..10-08 holiday, 10-09 Thu and 10-10 Fri working, 10-11 Sat swapped working.
    case = case_of((S.DISCOVER, "2025-09-30"))
    got = by_name(case.deadlines(calendar=cal, today=d("2025-09-30")))
    assert list(got) == ["report_to_brigade", "file_case"]
    assert got["report_to_brigade"].due == d("2025-10-10")
    assert got["report_to_brigade"].label_zh == "书面报告执法监察大队"
    assert got["file_case"].due == d("2025-10-11")  # the swapped Saturday
    assert not any(x.done for x in got.values())
    assert all(x.warning is None for x in got.values())


@pytest.mark.parametrize(
    ("today", "report", "file"),
    [
        ("2025-09-30", dl.OK, dl.OK),  # 2 working days ahead
        ("2025-10-08", dl.OK, dl.OK),  # last holiday day: 10-09 and 10-10 still to work
        ("2025-10-09", dl.DUE_SOON, dl.OK),  # 1 working day left for the report, 2 for filing
        ("2025-10-10", dl.DUE_SOON, dl.DUE_SOON),
        ("2025-10-11", dl.OVERDUE, dl.DUE_SOON),
        ("2025-10-13", dl.OVERDUE, dl.OVERDUE),
    ],
)
def test_deadline_status(cal, today, report, file):
    case = case_of((S.DISCOVER, "2025-09-30"))
    got = by_name(case.deadlines(calendar=cal, today=d(today)))
    assert (got["report_to_brigade"].status, got["file_case"].status) == (report, file)


def test_deadlines_done_by_the_step_they_wait_for(cal):
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-09-30"),
            ev(S.VERIFY, "2025-09-30"),
            ev(S.STOP, "2025-10-09", documents=[cs.DOC_BRIGADE_REPORT], evidence_ids=["E1"]),
        ]
    )
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))
    assert got["report_to_brigade"].done and got["report_to_brigade"].done_on == d("2025-10-09")
    assert not got["report_to_brigade"].late
    assert not got["file_case"].done and got["file_case"].status == dl.OVERDUE
    assert cs.overdue_cases([case], d("2025-10-20"), calendar=cal) == [case]

    filed = case.apply(ev(S.FILE, "2025-10-13"))
    got = by_name(filed.deadlines(calendar=cal, today=d("2025-10-20")))
    assert got["file_case"].done and got["file_case"].late  # filed after 10-11
    assert got["penalty_decision"].due == d("2026-01-11")  # 90 calendar days
    assert not got["penalty_decision"].done
    assert cs.overdue_cases([filed], d("2025-10-20"), calendar=cal) == []


def test_report_done_by_filing_and_everything_by_closing(cal):
    case = case_of((S.DISCOVER, "2025-09-30"), (S.VERIFY, "2025-09-30"), (S.FILE, "2025-10-10"))
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-10")))
    assert got["report_to_brigade"].done and got["file_case"].done
    rectified = case_of(
        (S.DISCOVER, "2025-09-30"), (S.VERIFY, "2025-09-30"), (S.CLOSE, "2025-10-09")
    )
    assert all(x.done for x in rectified.deadlines(calendar=cal, today=d("2026-01-01")))
    assert rectified.next_deadline(d("2026-01-01"), calendar=cal) is None


def test_later_stage_deadlines(cal):
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-01-06"),
            ev(S.VERIFY, "2025-01-07", documents=[cs.DOC_BRIGADE_REPORT]),
            ev(S.FILE, "2025-01-10"),
            ev(S.INVESTIGATE, "2025-02-10"),
            ev(S.NOTIFY, "2025-04-30"),
        ]
    )
    got = by_name(case.deadlines(calendar=cal, today=d("2025-05-06")))
    # By hand: 05-01..05-05 holiday, then 05-06 Tue .. 05-09 Fri, 05-10 Sat not swapped: 05-12.
    assert got["statement_hearing_request"].due == d("2025-05-12")
    assert got["statement_hearing_request"].status == dl.OK
    assert got["penalty_decision"].due == d("2025-04-10") and got["penalty_decision"].late
    assert case.next_deadline(d("2025-05-06"), calendar=cal).name == "penalty_decision"

    case = case.apply(ev(S.PENALISE, "2025-05-13")).apply(ev(S.DEMAND, "2025-09-26"))
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-09")))
    assert got["statement_hearing_request"].done and not got["statement_hearing_request"].late
    assert not got["statement_hearing_request"].premature
    assert got["penalty_decision"].done and got["penalty_decision"].late  # decided after 90 days
    # By hand, the 10 working days after Fri 09-26: 09-28 (Sun, swapped), 09-29, 09-30,
    # 10-09, 10-10, 10-11 (Sat, swapped), 10-13, 10-14, 10-15, 10-16.
    assert got["demand_to_comply"].due == d("2025-10-16")
    assert got["demand_to_comply"].status == dl.OK
    assert case.next_deadline(d("2025-10-09"), calendar=cal).name == "demand_to_comply"
    done = case.apply(ev(S.TRANSFER, "2025-10-17"))
    demand = by_name(done.deadlines(calendar=cal, today=d("2025-10-20")))["demand_to_comply"]
    assert demand.done and demand.waiting and demand.status == dl.OK and not demand.premature
    early = case.apply(ev(S.TRANSFER, "2025-10-16"))  # the last day of the party's period
    assert by_name(early.deadlines(calendar=cal, today=d("2025-10-20")))[
        "demand_to_comply"
    ].premature


def test_penalty_within_the_statement_period_is_flagged_premature(cal):
    steps = [
        (S.DISCOVER, "2025-04-01"),
        (S.VERIFY, "2025-04-01"),
        (S.FILE, "2025-04-02"),
        (S.INVESTIGATE, "2025-04-03"),
        (S.NOTIFY, "2025-04-30"),
    ]
    on_time = case_of(*steps, (S.PENALISE, "2025-05-13"))
    early = case_of(*steps, (S.PENALISE, "2025-05-09"))
    got = by_name(on_time.deadlines(calendar=cal, today=d("2025-05-20")))
    assert got["statement_hearing_request"].done
    assert not got["statement_hearing_request"].premature
    assert got["statement_hearing_request"].status == dl.OK  # deciding after it is not "late"
    got = by_name(early.deadlines(calendar=cal, today=d("2025-05-20")))
    assert got["statement_hearing_request"].premature
    assert not got["penalty_decision"].premature and not got["penalty_decision"].waiting


def test_a_partys_period_that_ran_out_is_not_overdue_but_over(cal):
    """The statement period (5 working days after the notice of 04-30: 05-12) is the party's
    time: once it has run out the office may decide, nothing is late, and the case is not an
    overdue one for it (its own limit, the 90-day decision due 07-01, is still running)."""
    steps = [
        (S.DISCOVER, "2025-04-01"),
        (S.VERIFY, "2025-04-01"),
        (S.FILE, "2025-04-02"),
        (S.INVESTIGATE, "2025-04-03"),
        (S.NOTIFY, "2025-04-30"),
    ]
    case = Case.from_events(
        [ev(stage, day, documents=[cs.DOC_BRIGADE_REPORT]) for stage, day in steps]
    )
    running = by_name(case.deadlines(calendar=cal, today=d("2025-05-12")))
    assert running["statement_hearing_request"].open
    assert not running["statement_hearing_request"].period_over
    got = by_name(case.deadlines(calendar=cal, today=d("2025-05-14")))
    period = got["statement_hearing_request"]
    assert period.period_over and period.status == dl.OK and not period.late
    assert period.open and not period.done  # the office may act now
    assert cs.overdue_cases([case], d("2025-05-14"), calendar=cal) == []
    # the office's own limit comes first while it runs
    assert case.next_deadline(d("2025-05-14"), calendar=cal).name == "penalty_decision"


def test_a_demand_period_run_out_stays_the_cases_next_thing(cal):
    """After the demand (催告) the office's next step is the court: no deadline of its own
    follows, so the run-out period is what the case shows next, not overdue and not gone."""
    case = case_of(
        (S.DISCOVER, "2025-04-01"),
        (S.VERIFY, "2025-04-01"),
        (S.FILE, "2025-04-02"),
        (S.INVESTIGATE, "2025-04-03"),
        (S.NOTIFY, "2025-04-07"),
        (S.PENALISE, "2025-04-15"),
        (S.DEMAND, "2025-11-03"),
    )
    following = case.next_deadline(d("2026-06-20"), calendar=cal)
    assert following.name == "demand_to_comply" and following.period_over
    assert cs.overdue_cases([case], d("2026-06-20"), calendar=cal) == []


def test_a_criminal_case_transferred_within_the_demand_period_is_not_premature(cal):
    """Transferring a case re-measured at the criminal scale is the referral the law demands,
    not a court application made before the party's time ran out."""
    steps = [
        ev(S.DISCOVER, "2025-04-01"),
        ev(S.VERIFY, "2025-04-01"),
        ev(S.FILE, "2025-04-02"),
        ev(S.INVESTIGATE, "2025-04-03"),
        ev(S.NOTIFY, "2025-04-07"),
        ev(S.PENALISE, "2025-04-15"),
        ev(S.DEMAND, "2025-11-03"),
    ]
    small = Case.from_events([*steps, ev(S.TRANSFER, "2025-11-06")])
    assert by_name(small.deadlines(calendar=cal, today=d("2025-11-20")))[
        "demand_to_comply"
    ].premature
    measured = ev(S.DEMAND, "2025-11-05", basic_farmland_sqm=6 * MU)
    referral = ev(S.TRANSFER, "2025-11-06", documents=[cs.DOC_POLICE_REFERRAL])
    criminal = Case.from_events([*steps, measured, referral])
    assert not by_name(criminal.deadlines(calendar=cal, today=d("2025-11-20")))[
        "demand_to_comply"
    ].premature
    # The court application made within the period is early, whatever the scale.
    court = Case.from_events(
        [*steps, measured, ev(S.TRANSFER, "2025-11-06", documents=[cs.DOC_COURT_APPLICATION])]
    )
    assert by_name(court.deadlines(calendar=cal, today=d("2025-11-20")))[
        "demand_to_comply"
    ].premature


def test_a_court_application_is_no_referral_to_public_security(cal):
    """After the demand, 移交 without the referral's document is the court application: a case
    at the criminal scale stays marked for referral and cannot be closed (不得以罚代刑), and
    its serious-case report is not made by it."""
    steps = [
        ev(S.DISCOVER, "2025-04-01", basic_farmland_sqm=6 * MU),
        ev(S.VERIFY, "2025-04-01"),
        ev(S.FILE, "2025-04-02"),
        ev(S.INVESTIGATE, "2025-04-03"),
        ev(S.NOTIFY, "2025-04-07"),
        ev(S.PENALISE, "2025-04-15"),
        ev(S.DEMAND, "2025-05-06"),
        ev(S.TRANSFER, "2025-05-30", documents=[cs.DOC_COURT_APPLICATION]),
    ]
    case = Case.from_events(steps)
    assert case.marked_for_transfer and not case.referred_to_police
    with pytest.raises(ProcedureError, match="referred to public security"):
        case.apply(ev(S.CLOSE, "2025-06-10"))
    report = by_name(case.deadlines(calendar=cal, today=d("2025-06-10")))["serious_case_report"]
    assert not report.done
    filed = Case.from_events([*steps[:3], ev(S.TRANSFER, "2025-04-03")])  # from 立案: police
    assert filed.referred_to_police and not filed.marked_for_transfer


def test_a_transfer_after_the_case_left_the_scale_does_not_make_its_missed_report(cal):
    case = serious_then_corrected("2025-10-13")
    case = Case.from_events([*case.events, ev(S.FILE, "2025-10-15"), ev(S.TRANSFER, "2025-10-16")])
    missed = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))["serious_case_report"]
    assert not missed.done and missed.lapsed_on == d("2025-10-13")


def test_serious_case_report(cal):
    case = Case.from_events([ev(S.DISCOVER, "2025-09-30", basic_farmland_sqm=5 * MU)])
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-13")))
    assert got["serious_case_report"].due == d("2025-10-11")
    assert got["serious_case_report"].status == dl.OVERDUE
    reported = case.apply(
        ev(S.VERIFY, "2025-10-09", documents=[cs.DOC_SERIOUS_CASE_REPORT], evidence_ids=["E1"])
    )
    got = by_name(reported.deadlines(calendar=cal, today=d("2025-10-13")))
    assert got["serious_case_report"].done and not got["serious_case_report"].late
    small = case_of((S.DISCOVER, "2025-09-30"))
    assert "serious_case_report" not in by_name(
        small.deadlines(calendar=cal, today=d("2025-10-13"))
    )


def serious_then_corrected(corrected_on: str, *more: CaseEvent) -> Case:
    """Serious from 2025-09-30 (report due 10-11), brought below 5 亩 on ``corrected_on``."""
    return Case.from_events(
        [
            ev(S.DISCOVER, "2025-09-30", basic_farmland_sqm=5 * MU),
            ev(S.VERIFY, "2025-09-30", evidence_ids=["E1"]),
            *more,
            ev(S.VERIFY, corrected_on, basic_farmland_sqm=1 * MU),  # a measurement event
        ]
    )


def test_a_missed_serious_case_report_stays_on_record_after_a_correction(cal):
    case = serious_then_corrected("2025-10-13")
    assert not case.criminal_scale
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))
    missed = got["serious_case_report"]
    assert (missed.start, missed.due, missed.lapsed_on) == (
        d("2025-09-30"),
        d("2025-10-11"),
        d("2025-10-13"),
    )
    assert missed.late and not missed.done and not missed.open
    # Owed no more: not an open deadline of the case, nor what it must do next.
    assert case.next_deadline(d("2025-10-20"), calendar=cal).name != "serious_case_report"


def test_a_correction_by_the_due_day_leaves_no_serious_case_report(cal):
    case = serious_then_corrected("2025-10-11")  # the due day itself: still in time
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))
    assert "serious_case_report" not in got


def test_a_serious_case_report_made_before_a_correction_stays_done(cal):
    report = ev(S.VERIFY, "2025-10-13", documents=[cs.DOC_SERIOUS_CASE_REPORT])
    case = serious_then_corrected("2025-10-14", report)
    got = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))
    made = got["serious_case_report"]
    assert made.done and made.done_on == d("2025-10-13") and made.late and not made.open


def test_each_spell_at_the_criminal_scale_owes_its_own_report(cal):
    case = serious_then_corrected("2025-10-13").apply(
        ev(S.VERIFY, "2025-10-20", basic_farmland_sqm=6 * MU)
    )
    reports = [
        x
        for x in case.deadlines(calendar=cal, today=d("2025-10-21"))
        if x.name == "serious_case_report"
    ]
    assert [(x.start, x.lapsed_on, x.open) for x in reports] == [
        (d("2025-09-30"), d("2025-10-13"), False),
        (d("2025-10-20"), None, True),
    ]
    assert cs.overdue_cases([case], d("2025-10-21"), calendar=cal) == [case]  # brigade report


def test_a_close_that_ends_a_spell_is_no_serious_case_report(cal):
    """Closed on 10-20 with figures below the scale, never reported: the report due 10-11
    was missed, as if the correction had come first and the close after it."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-09-30", basic_farmland_sqm=5 * MU),
            ev(S.VERIFY, "2025-09-30", evidence_ids=["E1"]),
            ev(S.CLOSE, "2025-10-20", basic_farmland_sqm=1 * MU),
        ]
    )
    missed = by_name(case.deadlines(calendar=cal, today=d("2025-10-21")))["serious_case_report"]
    assert not missed.done and missed.lapsed_on == d("2025-10-20") and missed.late


def test_a_serious_case_report_made_after_the_correction_is_recorded_as_made_late(cal):
    report = ev(S.VERIFY, "2025-10-15", documents=[cs.DOC_SERIOUS_CASE_REPORT])
    case = serious_then_corrected("2025-10-13").apply(report)
    made = by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))["serious_case_report"]
    assert made.done and made.done_on == d("2025-10-15") and made.late
    assert made.lapsed_on is None


def test_one_report_serves_one_spell_even_on_one_day(cal):
    """Reported, corrected below the scale, corrected back above, all on 10-13: the report was
    made for the first spell; the second owes its own."""
    case = serious_then_corrected(
        "2025-10-13", ev(S.VERIFY, "2025-10-13", documents=[cs.DOC_SERIOUS_CASE_REPORT])
    ).apply(ev(S.VERIFY, "2025-10-13", basic_farmland_sqm=6 * MU))
    reports = [
        x
        for x in case.deadlines(calendar=cal, today=d("2025-10-14"))
        if x.name == "serious_case_report"
    ]
    assert [(x.done, x.open) for x in reports] == [(True, False), (False, True)]


def test_a_past_spell_in_a_year_without_a_schedule_keeps_its_report_with_a_warning():
    """The strict calendar cannot date a 2027 report: the spell's report is kept, undated and
    saying why, rather than dropped without a word."""
    strict = WorkCalendar(local_file=None)
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2027-03-01", basic_farmland_sqm=5 * MU),
            ev(S.VERIFY, "2027-06-01", basic_farmland_sqm=1 * MU),
        ]
    )
    (report,) = [
        x
        for x in case.deadlines(calendar=strict, today=d("2027-06-02"))
        if x.name == "serious_case_report"
    ]
    assert report.due is None and report.warning and report.lapsed_on == d("2027-06-01")


def test_a_correction_found_by_the_due_day_but_entered_after_it_owed_nothing(cal):
    """Below the scale as measured on 10-10 (before the report's due day 10-11), entered in
    the case only on 10-13: no missed report."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-09-30", basic_farmland_sqm=5 * MU),
            ev(S.VERIFY, "2025-09-30", evidence_ids=["E1"]),
            ev(S.VERIFY, "2025-10-13", basic_farmland_sqm=1 * MU, measured_on=d("2025-10-10")),
        ]
    )
    assert "serious_case_report" not in by_name(case.deadlines(calendar=cal, today=d("2025-10-20")))
    with pytest.raises(ValueError, match="after the event"):
        ev(S.VERIFY, "2025-10-13", basic_farmland_sqm=1 * MU, measured_on=d("2025-10-14"))


def test_a_report_made_before_backdated_figures_were_entered_counts(cal):
    """Found at the scale on 03-05 (report due 03-10), reported on 03-06, the figures
    entered in the case only after the stop of 03-11: the report was made on time."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-04"),
            ev(S.VERIFY, "2025-03-04", evidence_ids=["E1"]),
            ev(S.VERIFY, "2025-03-06", documents=[cs.DOC_SERIOUS_CASE_REPORT]),
            ev(S.STOP, "2025-03-11", evidence_ids=["E2"]),
            ev(S.STOP, "2025-03-11", basic_farmland_sqm=6 * MU, measured_on=d("2025-03-05")),
        ]
    )
    report = by_name(case.deadlines(calendar=cal, today=d("2025-03-12")))["serious_case_report"]
    assert report.start == d("2025-03-05") and report.done and not report.late


def test_the_day_the_scale_was_found_corrected_to_an_earlier_one_moves_the_spell(cal):
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-04"),
            ev(S.VERIFY, "2025-03-11", basic_farmland_sqm=6 * MU, measured_on=d("2025-03-10")),
            ev(S.VERIFY, "2025-03-11", basic_farmland_sqm=6 * MU, measured_on=d("2025-03-05")),
        ]
    )
    assert case.criminal_since == d("2025-03-05")
    report = by_name(case.deadlines(calendar=cal, today=d("2025-03-12")))["serious_case_report"]
    assert report.due == d("2025-03-10") and report.late


def test_report_made_before_the_case_became_serious_does_not_count(cal):
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03", documents=[cs.DOC_SERIOUS_CASE_REPORT]),
            ev(S.VERIFY, "2025-03-04", basic_farmland_sqm=7 * MU),
        ]
    )
    got = by_name(case.deadlines(calendar=cal, today=d("2025-03-05")))
    assert got["serious_case_report"].start == d("2025-03-04")
    assert not got["serious_case_report"].done


def test_unknown_year_gives_a_warning_not_a_crash(cal):
    case = case_of((S.DISCOVER, "2031-03-03"))
    got = case.deadlines(calendar=cal, today=d("2031-03-04"))
    assert [x.name for x in got] == ["report_to_brigade", "file_case"]
    for x in got:
        assert x.due is None and x.status is None and not x.done
        assert "2031" in x.warning and "No official holiday schedule" in x.warning
    assert case.next_deadline(d("2031-03-04"), calendar=cal) is None
    assert cs.overdue_cases([case], d("2031-06-01"), calendar=cal) == []

    lenient = WorkCalendar(local_file=None, strict=False)
    got = by_name(case.deadlines(calendar=lenient, today=d("2031-03-04")))
    assert got["report_to_brigade"].due == d("2031-03-05")  # Monday + 2 weekdays
    assert "2031" in got["report_to_brigade"].warning


def test_only_working_day_deadlines_in_an_unknown_year_are_called_estimates():
    """The 90-day penalty decision counts calendar days: its due date in a year without a
    schedule is exact, and carries no estimate warning; a working-day period there does."""
    case = case_of((S.DISCOVER, "2098-12-01"), (S.VERIFY, "2098-12-02"), (S.FILE, "2098-12-03"))
    lenient = WorkCalendar(local_file=None, strict=False)
    got = by_name(case.deadlines(calendar=lenient, today=d("2098-12-04")))
    assert got["penalty_decision"].due == d("2098-12-03") + timedelta(days=90)
    assert got["penalty_decision"].warning is None
    working = case_of((S.DISCOVER, "2098-12-30"))
    report = by_name(working.deadlines(calendar=lenient, today=d("2098-12-30")))
    assert report["report_to_brigade"].due == d("2099-01-02")  # 31 Dec, then 1 Jan is off
    assert "2099" in report["report_to_brigade"].warning
    # and where the bureau adds the year, as the dock shows this line alone
    assert f"add 2099 to {lenient.add_to_halves[1]}" in report["report_to_brigade"].warning


def test_an_act_exposed_online_is_reported_to_the_bureau_head_the_same_day(cal):
    """The 2022 work plan: an act exposed online or causing mass petitions is reported to the
    bureau head at once. The event that records the exposure starts the deadline, due that
    day; a later event carrying the report discharges it, late if on another day."""
    exposed = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03"),
            ev(S.VERIFY, "2025-03-05", documents=[cs.DOC_PUBLIC_EXPOSURE]),
        ]
    )
    got = by_name(exposed.deadlines(calendar=cal, today=d("2025-03-05")))
    report = got["public_exposure_report"]
    assert (report.start, report.due, report.done) == (d("2025-03-05"), d("2025-03-05"), False)
    assert report.status == dl.DUE_SOON
    assert by_name(exposed.deadlines(calendar=cal, today=d("2025-03-06")))[
        "public_exposure_report"
    ].late
    reported = Case.from_events(
        [*exposed.events, ev(S.STOP, "2025-03-06", documents=[cs.DOC_BUREAU_HEAD_REPORT])]
    )
    done = by_name(reported.deadlines(calendar=cal, today=d("2025-03-10")))
    assert done["public_exposure_report"].done and done["public_exposure_report"].late
    quiet = case_of((S.DISCOVER, "2025-03-03"))
    assert "public_exposure_report" not in by_name(quiet.deadlines(calendar=cal))


@pytest.mark.parametrize("stage", [S.DISCOVER, S.VERIFY, S.NOTIFY, S.TRANSFER])
def test_a_report_alone_is_recorded_at_any_open_stage(stage, cal):
    """A report is a document, not a step: exposed online after the notice, the exposure and
    the report to the bureau head are recorded at the current stage, which stays; any other
    document at the current stage is still a refused repeat, and a closed case takes none."""
    case = reach(stage)
    day = case.last_date + timedelta(days=1)
    exposed = case.apply(ev(stage, day, documents=[cs.DOC_PUBLIC_EXPOSURE], origin=None))
    assert exposed.stage is stage and len(exposed.events) == len(case.events) + 1
    report = by_name(exposed.deadlines(calendar=cal, today=day))["public_exposure_report"]
    assert report.due == day and not report.done
    done = exposed.apply(ev(stage, day, documents=[cs.DOC_BUREAU_HEAD_REPORT], origin=None))
    assert by_name(done.deadlines(calendar=cal, today=day))["public_exposure_report"].done
    with pytest.raises(ProcedureError):  # not a report: a repeat the procedure refuses
        case.apply(ev(stage, day, documents=["询问笔录"], origin=None))


def test_a_closed_case_takes_no_report():
    closed = reach(S.CLOSE)
    with pytest.raises(ProcedureError):
        closed.apply(
            ev(S.CLOSE, closed.last_date + timedelta(days=1), documents=[cs.DOC_BUREAU_HEAD_REPORT])
        )


def test_a_report_alone_needs_no_field_evidence_but_a_step_with_one_does():
    """A report recorded alone is no delivery or site work: not a gap. A real site survey that
    also carries a report (as before reports could be recorded alone) still needs evidence."""
    case = reach(S.VERIFY)
    day = case.last_date + timedelta(days=1)
    reported = case.apply(ev(S.VERIFY, day, documents=[cs.DOC_BRIGADE_REPORT]))
    assert reported.events[-1] not in [g.event for g in reported.evidence_gaps()]
    stopped = case.apply(ev(S.STOP, day, documents=[cs.DOC_BRIGADE_REPORT]))
    assert stopped.events[-1] in [g.event for g in stopped.evidence_gaps()]


def test_a_recording_is_dated_on_the_beijing_day(away_from_beijing):
    """A recording has no EXIF: its file time is stored in UTC. Made at 07:30 in Zichuan
    (23:30 UTC the day before), it is evidence of the Beijing day, on a laptop set to UTC too."""
    from zc_enforcement_plugin.core import evidence
    from zc_enforcement_plugin.core.ledger import EvidenceRecord

    record = EvidenceRecord("audio", "a.m4a", "0" * 64, 1, file_modified="2024-03-11T23:30:00Z")
    assert evidence.evidence_day(record) == d("2024-03-12")
    photo = EvidenceRecord("photo", "p.jpg", "0" * 64, 1, taken_at="2024-03-11T23:50:00")
    assert evidence.evidence_day(photo) == d("2024-03-11")  # the camera's own clock


def test_overdue_cases_filter(cal):
    late = case_of((S.DISCOVER, "2025-09-30"))
    fresh = Case.from_events(
        [CaseEvent("ZC-2025-009", S.DISCOVER, d("2025-10-13"), "王五", origin=SPOT)]
    )
    closed = case_of((S.DISCOVER, "2025-09-30"), (S.VERIFY, "2025-09-30"), (S.CLOSE, "2025-10-01"))
    assert cs.overdue_cases([fresh, late, closed], d("2025-10-13"), calendar=cal) == [late]


def test_a_case_closed_after_a_court_application_under_the_old_reading_stays_readable():
    """Recorded before 移交's documents told the court from the police: 催告 → 移交 → 结案 at
    the criminal scale was accepted then; replayed now it must still read (the ledger's case
    list with it), though a new such close would be refused."""
    events = [
        ev(S.DISCOVER, "2025-04-01", basic_farmland_sqm=6 * MU),
        ev(S.VERIFY, "2025-04-01"),
        ev(S.FILE, "2025-04-02"),
        ev(S.INVESTIGATE, "2025-04-03"),
        ev(S.NOTIFY, "2025-04-07"),
        ev(S.PENALISE, "2025-04-15"),
        ev(S.DEMAND, "2025-05-06"),
        ev(S.TRANSFER, "2025-05-30"),
    ]
    # Undocumented, at the criminal scale: the referral, as it was read when recorded.
    assert Case.from_events([*events, ev(S.CLOSE, "2025-06-10")]).closed
    applied = [*events[:-1], ev(S.TRANSFER, "2025-05-30", documents=[cs.DOC_COURT_APPLICATION])]
    # Stored cases read, whatever rule a close would meet today; a new close is checked.
    assert Case.from_events([*applied, ev(S.CLOSE, "2025-06-10")]).closed
    with pytest.raises(ProcedureError, match="referred to public security"):
        Case.from_events(applied).apply(ev(S.CLOSE, "2025-06-10"))


def test_after_a_court_application_a_criminal_case_is_referred_and_then_closed():
    case = court_application(basic_farmland_sqm=6 * MU)
    assert case.marked_for_transfer
    day = case.last_date
    # A report or a correction recorded at the transfer stage is no referral.
    reported = case.apply(ev(S.TRANSFER, day, documents=[cs.DOC_BUREAU_HEAD_REPORT]))
    assert reported.marked_for_transfer
    with pytest.raises(ProcedureError, match="referred to public security"):
        reported.apply(ev(S.CLOSE, day))
    with pytest.raises(ProcedureError, match="only the referral"):
        case.apply(ev(S.TRANSFER, day))  # another undocumented transfer
    referred = reported.apply(ev(S.TRANSFER, day, documents=[cs.DOC_POLICE_REFERRAL]))
    assert referred.referred_to_police and not referred.marked_for_transfer
    with pytest.raises(ProcedureError, match="once"):
        referred.apply(ev(S.TRANSFER, day, documents=[cs.DOC_POLICE_REFERRAL]))
    closed = referred.apply(ev(S.CLOSE, day))
    assert closed.closed and not closed.marked_for_transfer


@pytest.mark.parametrize(
    ("stage", "documents", "why"),
    [
        (S.TRANSFER, [cs.DOC_COURT_APPLICATION], "after the demand"),  # from 立案
        (S.INVESTIGATE, [cs.DOC_POLICE_REFERRAL], "with the transfer step"),
        (S.TRANSFER, [cs.DOC_POLICE_REFERRAL, cs.DOC_COURT_APPLICATION], "either"),
    ],
)
def test_transfer_documents_stand_only_where_their_act_can(stage, documents, why):
    case = reach(S.FILE)
    with pytest.raises(ProcedureError, match=why):
        case.apply(ev(stage, case.last_date, documents=documents))


def test_an_earlier_day_measured_after_a_referral_keeps_the_referral():
    """The day the scale was found put right to an earlier one after the (undocumented)
    referral: the referral stays one, the case stays referred."""
    steps = PATH_TO[S.DEMAND]
    events = [
        ev(stage, START + timedelta(days=n), **({"basic_farmland_sqm": 6 * MU} if n == 7 else {}))
        for n, stage in enumerate(steps)
    ]
    day = START + timedelta(days=8)
    case = Case.from_events([*events, ev(S.TRANSFER, day)])
    assert case.referred_to_police
    corrected = case.apply(
        ev(S.TRANSFER, day, basic_farmland_sqm=6 * MU, measured_on=START + timedelta(days=5))
    )
    assert corrected.criminal_since == START + timedelta(days=5)
    assert corrected.referred_to_police and not corrected.marked_for_transfer


def test_typed_lists_split_on_the_chinese_enumeration_mark_but_document_titles_do_not():
    """Staff typed 张三、李四 are two people; a document titled with 、 is one document."""
    from zc_enforcement_plugin.core import domain

    assert domain.split_list("张三、李四；王五") == ["张三", "李四", "王五"]
    title = "关于张庄、李庄违法占地的调查报告"
    assert domain.split_list(f"{title}；询问笔录", enumeration=False) == [title, "询问笔录"]


# --- gaps found by mutation testing (each test names the mutant it kills) ---------------------


def test_a_referral_from_the_notice_ends_the_statement_period_and_the_penalty_period(cal):
    """Filed Tue 2025-03-04, notified Mon 03-10, the statement then shows a suspected crime and
    the case goes to public security on Wed 03-12 (告知 → 移交). By hand: the statement period
    runs 5 working days to Mon 03-17 (no holiday in March 2025) and the penalty decision 90
    calendar days to 06-02; the referral ends both (the bureau decides no penalty), on 03-12,
    and a referral waits for no party's time, so it is not premature. On 1 July nothing of the
    case is open, let alone overdue. (Killed: statement or penalty periods not ended by 移交.)"""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03"),
            ev(S.VERIFY, "2025-03-03", evidence_ids=["E1"]),
            ev(S.FILE, "2025-03-04"),
            ev(S.INVESTIGATE, "2025-03-05", evidence_ids=["E2"]),
            ev(S.NOTIFY, "2025-03-10", evidence_ids=["E3"]),
            ev(S.TRANSFER, "2025-03-12", documents=[cs.DOC_POLICE_REFERRAL]),
        ]
    )
    today = d("2025-07-01")
    got = by_name(case.deadlines(calendar=cal, today=today))
    statement, penalty = got["statement_hearing_request"], got["penalty_decision"]
    assert (statement.due, statement.done, statement.done_on) == (
        d("2025-03-17"),
        True,
        d("2025-03-12"),
    )
    assert not statement.premature and not statement.period_over and not statement.open
    assert (penalty.due, penalty.done, penalty.done_on) == (d("2025-06-02"), True, d("2025-03-12"))
    assert not penalty.late
    assert case.next_deadline(today, calendar=cal) is None
    assert cs.overdue_cases([case], today, calendar=cal) == []


def test_a_referral_straight_after_filing_ends_the_penalty_period(cal):
    """立案 Mon 2025-03-03 at 12 亩 of cultivated land, 移交 to public security on 03-05: the
    90-day penalty period (to 06-01) is ended by the referral, not overdue on 1 July."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03", cultivated_sqm=12 * MU),
            ev(S.VERIFY, "2025-03-03", evidence_ids=["E1"]),
            ev(S.FILE, "2025-03-03"),
            ev(S.TRANSFER, "2025-03-05", documents=[cs.DOC_POLICE_REFERRAL]),
        ]
    )
    penalty = by_name(case.deadlines(calendar=cal, today=d("2025-07-01")))["penalty_decision"]
    assert (penalty.due, penalty.done_on, penalty.late) == (d("2025-06-01"), d("2025-03-05"), False)
    assert cs.overdue_cases([case], d("2025-07-01"), calendar=cal) == []


def test_every_delivery_interview_and_site_step_without_evidence_is_a_gap():
    """DOMAIN §1: each document delivery (告知, 处罚, 催告), interview (调查), site survey (核查)
    and site supervision (制止) carries evidence; discover, file, the court application and
    close are not deliveries. Listed by hand, each step without evidence. (Killed: a stage
    left out of EVIDENCE_STAGES.)"""
    events = [
        ev(stage, START + timedelta(days=n))
        for n, stage in enumerate(
            [S.DISCOVER, S.VERIFY, S.STOP, S.FILE, S.INVESTIGATE, S.NOTIFY, S.PENALISE, S.DEMAND]
        )
    ]
    events.append(ev(S.TRANSFER, START + timedelta(days=8), documents=[cs.DOC_COURT_APPLICATION]))
    events.append(ev(S.CLOSE, START + timedelta(days=9)))
    case = Case.from_events(events)
    gaps = case.evidence_gaps()
    assert [g.event.stage for g in gaps] == [
        S.VERIFY,
        S.STOP,
        S.INVESTIGATE,
        S.NOTIFY,
        S.PENALISE,
        S.DEMAND,
    ]
    assert all(set(g.missing) == set(ls.EVIDENCE_KINDS) for g in gaps)


def test_a_transfer_after_the_demand_that_measures_the_case_below_the_scale_is_for_the_court():
    """At 6 亩 of basic farmland through 催告; the 移交 after it, with no document, records a
    re-measurement of 1 亩: once it is applied the case is below the scale, so this 移交 is the
    court application, not a referral (the transfer that ends a spell is outside it). (Killed:
    _criminal_at counting the event that ended the spell as inside it.)"""
    events = [
        ev(stage, START + timedelta(days=n), **({"basic_farmland_sqm": 6 * MU} if n == 0 else {}))
        for n, stage in enumerate(PATH_TO[S.DEMAND])
    ]
    case = Case.from_events(events)
    assert case.criminal_scale and case.marked_for_transfer
    moved = case.apply(ev(S.TRANSFER, START + timedelta(days=8), basic_farmland_sqm=1 * MU))
    assert not moved.criminal_scale
    assert not moved.referred_to_police
    assert not moved.marked_for_transfer


def test_a_report_made_on_the_correcting_event_serves_the_spell_it_ends(cal):
    """Mon 2025-03-03 found at 6 亩 of basic farmland (spell 1, report due Thu 03-06); on Tue
    03-04 the verification both reports the case (重大案件报告) and measures it at 0; on Thu
    03-06 a stop order records 6 亩 again, as measured on 03-04 (spell 2, due Fri 03-07). The
    report of 03-04 was made within spell 1 and serves it; spell 2 owes its own. (Killed: the
    event that ended a spell counted for the next one.)"""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03", basic_farmland_sqm=6 * MU, cultivated_sqm=6 * MU),
            ev(
                S.VERIFY,
                "2025-03-04",
                documents=[cs.DOC_SERIOUS_CASE_REPORT],
                basic_farmland_sqm=0.0,
                cultivated_sqm=0.0,
                evidence_ids=["E1"],
            ),
            ev(
                S.STOP,
                "2025-03-06",
                basic_farmland_sqm=6 * MU,
                cultivated_sqm=6 * MU,
                measured_on=d("2025-03-04"),
                evidence_ids=["E2"],
            ),
        ]
    )
    reports = [
        (x.start, x.due, x.done, x.done_on)
        for x in case.deadlines(calendar=cal, today=d("2025-03-06"))
        if x.name == "serious_case_report"
    ]
    assert reports == [
        (d("2025-03-03"), d("2025-03-06"), True, d("2025-03-04")),
        (d("2025-03-04"), d("2025-03-07"), False, None),
    ]


def test_the_first_exposure_starts_the_report_to_the_bureau_head(cal):
    """Exposed online on Mon 2025-03-03 and reported to the bureau head that day; the exposure
    is noted again on a later step (10 March). The deadline ran from the first exposure and was
    met: the later mention does not restart it. (Killed: the last exposure starting it.)"""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03", documents=[cs.DOC_PUBLIC_EXPOSURE]),
            ev(S.DISCOVER, "2025-03-03", documents=[cs.DOC_BUREAU_HEAD_REPORT], origin=None),
            ev(S.VERIFY, "2025-03-10", documents=[cs.DOC_PUBLIC_EXPOSURE], evidence_ids=["E1"]),
        ]
    )
    report = by_name(case.deadlines(calendar=cal, today=d("2025-03-11")))["public_exposure_report"]
    assert (report.start, report.due, report.done_on, report.late) == (
        d("2025-03-03"),
        d("2025-03-03"),
        d("2025-03-03"),
        False,
    )
    assert cs.overdue_cases([case], d("2025-03-11"), calendar=cal) == [case]  # the filing, not it
    assert by_name(case.deadlines(calendar=cal, today=d("2025-03-11")))["file_case"].late


def test_a_closed_case_is_no_longer_marked_for_transfer():
    """A case stored closed at the criminal scale without a referral (a court application then
    结案, accepted before the rule) is read, and its transfer banner is not raised: a closed
    case takes no further step. (Killed: marked_for_transfer ignoring the close.)"""
    steps = PATH_TO[S.DEMAND]
    events = [
        ev(stage, START + timedelta(days=n), **({"basic_farmland_sqm": 6 * MU} if n == 0 else {}))
        for n, stage in enumerate(steps)
    ]
    events.append(ev(S.TRANSFER, d("2025-03-11"), documents=[cs.DOC_COURT_APPLICATION]))
    closed = Case.from_events([*events, ev(S.CLOSE, d("2025-03-12"))])
    assert closed.closed and closed.criminal_scale and not closed.referred_to_police
    assert not closed.marked_for_transfer


def test_new_figures_with_a_document_at_the_current_stage_are_a_repeat_not_a_measurement():
    """A measurement is figures alone, no document (the ledger's field correction). A second
    site survey with its record and new figures is a repeated 核查, refused as before. (Killed:
    a measurement allowed to carry documents.)"""
    case = reach(S.VERIFY)
    day = case.last_date + timedelta(days=1)
    assert case.apply(ev(S.VERIFY, day, cultivated_sqm=2 * MU)).stage is S.VERIFY
    with pytest.raises(ProcedureError, match="cannot be repeated"):
        case.apply(ev(S.VERIFY, day, cultivated_sqm=2 * MU, documents=["现场勘验笔录"]))


def test_a_serious_case_reported_the_day_it_is_found_is_reported_on_time(cal):
    """Found on Mon 2025-03-03 at 6 亩 of basic farmland and reported that very day, on the
    discover event: the report (due Thu 03-06) is made on 03-03. (Killed: a report on the day
    the case became serious not counted.)"""
    case = Case.from_events(
        [
            ev(
                S.DISCOVER,
                "2025-03-03",
                basic_farmland_sqm=6 * MU,
                documents=[cs.DOC_SERIOUS_CASE_REPORT],
            )
        ]
    )
    report = by_name(case.deadlines(calendar=cal, today=d("2025-03-10")))["serious_case_report"]
    assert (report.due, report.done, report.done_on, report.late) == (
        d("2025-03-06"),
        True,
        d("2025-03-03"),
        False,
    )


def test_criminal_since_is_the_start_of_the_current_spell():
    """At the scale from 2025-09-30, below it on 10-13, at it again on 10-20: the case has been
    criminal since 10-20, not since the first spell. (Killed: the first spell's day.)"""
    case = serious_then_corrected("2025-10-13")
    assert case.criminal_since is None
    again = case.apply(ev(S.VERIFY, "2025-10-20", basic_farmland_sqm=6 * MU))
    assert again.criminal_since == d("2025-10-20")


def test_figures_measured_on_the_event_day_itself_are_accepted():
    """measured_on may equal the event's date (only a later day is refused). (Killed: the same
    day refused.)"""
    event = ev(S.VERIFY, "2025-10-13", basic_farmland_sqm=1 * MU, measured_on=d("2025-10-13"))
    assert event.measured_day == d("2025-10-13")


def test_an_unopened_spot_at_the_criminal_scale_owes_a_serious_case_report(cal):
    """A spot judged 违法 on Mon 2025-03-03 with 12 亩 of cultivated land (2 of them basic
    farmland: 10 亩 other) and no case opened stands as a case at the criminal scale: besides
    the written report (due 03-05) and the filing (03-06) it owes the serious-case report, due
    Thu 03-06. (Killed: Case.unopened dropping the spot's figures.)"""
    case = Case.unopened(
        "N1", d("2025-03-03"), "张三", cultivated_sqm=12 * MU, basic_farmland_sqm=2 * MU
    )
    assert case.criminal_scale and not case.opened
    got = by_name(case.deadlines(calendar=cal, today=d("2025-03-04")))
    assert [(n, x.due) for n, x in got.items()] == [
        ("report_to_brigade", d("2025-03-05")),
        ("file_case", d("2025-03-06")),
        ("serious_case_report", d("2025-03-06")),
    ]


def test_a_calendar_day_deadline_into_a_year_without_a_schedule_is_counted_in_days():
    """Filed Mon 2026-11-02 on the strict official calendar, which has no 2027: the 90-day
    penalty period (calendar days) ends 2027-01-31 (28 + 31 + 31 days) and needs no schedule;
    its due-soon window cannot be counted in working days across 2027, so it is counted in
    days: on 2026-11-10 it is OK, on 2027-01-31 due soon, on 02-01 overdue. (Killed: no
    status when the window crosses the unknown year.)"""
    strict = WorkCalendar(local_file=None)
    assert not strict.covers(d("2027-01-01")), "the test needs a year without a schedule"
    case = case_of((S.DISCOVER, "2026-11-02"), (S.VERIFY, "2026-11-02"), (S.FILE, "2026-11-02"))

    def penalty(today: str) -> cs.Deadline:
        return by_name(case.deadlines(calendar=strict, today=d(today)))["penalty_decision"]

    assert (penalty("2026-11-10").due, penalty("2026-11-10").warning) == (d("2027-01-31"), None)
    assert [penalty(day).status for day in ("2026-11-10", "2027-01-31", "2027-02-01")] == [
        dl.OK,
        dl.DUE_SOON,
        dl.OVERDUE,
    ]


def test_complying_within_the_demand_period_is_not_premature(cal):
    """催告 served Fri 2025-09-26, its 10 working days to 10-16 (see test_later_stage_deadlines).
    The party complies and the case is closed on 10-09, within the period: that is what the
    period is for, so nothing was done early; only applying to the court within it is.
    (Killed: any step within a party's period flagged premature.)"""
    steps = [
        (S.DISCOVER, "2025-01-06"),
        (S.VERIFY, "2025-01-07"),
        (S.FILE, "2025-01-10"),
        (S.INVESTIGATE, "2025-02-10"),
        (S.NOTIFY, "2025-04-30"),
        (S.PENALISE, "2025-05-13"),
        (S.DEMAND, "2025-09-26"),
        (S.CLOSE, "2025-10-09"),
    ]
    demand = by_name(case_of(*steps).deadlines(calendar=cal, today=d("2025-10-20")))[
        "demand_to_comply"
    ]
    assert (demand.due, demand.done_on) == (d("2025-10-16"), d("2025-10-09"))
    assert demand.done and not demand.premature and demand.status == dl.OK


def test_a_report_with_another_document_at_the_current_stage_is_a_repeated_step():
    """A report alone is recorded at the current stage; with a site-survey record beside it the
    event is a second 核查, which the procedure refuses. (Killed: one report document enough to
    make any event a report.)"""
    case = reach(S.VERIFY)
    day = case.last_date + timedelta(days=1)
    with pytest.raises(ProcedureError, match="cannot be repeated"):
        case.apply(ev(S.VERIFY, day, documents=[cs.DOC_BRIGADE_REPORT, "现场勘验笔录"]))


def test_a_measurement_needs_no_field_evidence():
    """A field correction of the figures (a measurement event: figures alone, at the current
    stage) is no delivery or site work of its own: not an evidence gap, while the survey it
    follows, without evidence, is. (Killed: measurements listed as gaps.)"""
    case = case_of((S.DISCOVER, "2025-03-03"), (S.VERIFY, "2025-03-04"))
    measured = case.apply(ev(S.VERIFY, "2025-03-06", cultivated_sqm=3 * MU))
    assert [g.event.date for g in measured.evidence_gaps()] == [d("2025-03-04")]


def test_a_report_to_the_bureau_head_made_before_the_exposure_does_not_answer_it(cal):
    """The case was reported to the bureau head on Monday 3 March 2025, when found; on Friday
    7 March it is exposed online, which must be reported at once (the same day). The report
    of the 3rd came before the period started and cannot discharge it: on 10 March the
    exposure's report is open and overdue."""
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2025-03-03", documents=[cs.DOC_BUREAU_HEAD_REPORT]),
            ev(S.VERIFY, "2025-03-07", documents=[cs.DOC_PUBLIC_EXPOSURE]),
        ]
    )
    report = by_name(case.deadlines(calendar=cal, today=d("2025-03-10")))["public_exposure_report"]
    assert (report.start, report.due) == (d("2025-03-07"), d("2025-03-07"))
    assert not report.done and report.status == dl.OVERDUE


def test_a_partys_period_counted_on_a_guess_is_not_called_over_for_sure(tmp_path):
    """Without 2098's schedule the statement period of a notice served Monday 3 February 2098
    is guessed Monday to Friday: 4, 5, 6, 7, 10 February, due the 10th. The Spring Festival
    the guess lacks may fall in it: with the bureau's file giving 5-7 February off, the
    period runs 4, 10, 11, 12, 13, due the 13th. A decision on the 11th was let through as
    made after the period (the review of 2026-11-29: a party's period shortened by the
    guess). It is flagged as possibly within it until the year is added, then as within it."""
    import json

    steps = [
        (S.DISCOVER, "2098-01-06"),
        (S.VERIFY, "2098-01-06"),
        (S.FILE, "2098-01-07"),
        (S.INVESTIGATE, "2098-01-08"),
        (S.NOTIFY, "2098-02-03"),
    ]
    guessing = WorkCalendar(local_file=None, use_library=False, strict=False)
    waiting = by_name(case_of(*steps).deadlines(calendar=guessing, today=d("2098-02-11")))
    period = waiting["statement_hearing_request"]
    assert period.due == d("2098-02-10") and period.estimated
    assert period.period_over and period.open and period.may_still_run  # by the guess only
    # Weeks on, the period is over whatever the year's schedule: a step then is no question.
    later = by_name(case_of(*steps).deadlines(calendar=guessing, today=d("2098-03-20")))
    assert not later["statement_hearing_request"].may_still_run
    months = case_of(*steps, (S.PENALISE, "2098-09-01"))
    period = by_name(months.deadlines(calendar=guessing, today=d("2098-09-02")))[
        "statement_hearing_request"
    ]
    assert not period.possibly_premature and not period.premature
    decided = case_of(*steps, (S.PENALISE, "2098-02-11"))
    period = by_name(decided.deadlines(calendar=guessing, today=d("2098-02-12")))[
        "statement_hearing_request"
    ]
    assert period.possibly_premature and not period.premature
    path = tmp_path / "holidays.json"
    festival = complete_year(2098, "2098-02-05", "2098-02-06", "2098-02-07")
    path.write_text(json.dumps({"2098": {"holidays": festival, "workdays": []}}))
    known = WorkCalendar(path, local_file=None, use_library=False, strict=False)
    period = by_name(decided.deadlines(calendar=known, today=d("2098-02-12")))[
        "statement_hearing_request"
    ]
    assert period.due == d("2098-02-13") and not period.estimated
    assert period.premature and not period.possibly_premature
    after = case_of(*steps, (S.PENALISE, "2098-02-14"))
    period = by_name(after.deadlines(calendar=known, today=d("2098-02-14")))[
        "statement_hearing_request"
    ]
    assert not period.premature and not period.possibly_premature


def test_an_estimate_names_the_start_year_when_only_the_due_year_is_known(tmp_path):
    """The bureau's file gives 2099 and nothing gives 2098. A demand served on Wednesday
    24 December 2098 runs 10 working days: 25, 26, 29, 30, 31 December (guessed: Monday to
    Friday), then by the file 1-3 January off, Sunday 4 January worked, 5-8 January: due
    Thursday 8 January 2099. The due year is known, yet the days of 2098 were guessed: the
    deadline is an estimate, and its line asks for 2098, the year missing, not 2099."""
    import json

    path = tmp_path / "holidays.json"
    holidays = complete_year(2099, "2099-01-02", "2099-01-03")
    path.write_text(json.dumps({"2099": {"holidays": holidays, "workdays": ["2099-01-04"]}}))
    cal = WorkCalendar(path, local_file=None, use_library=False, strict=False)
    case = Case.from_events(
        [
            ev(S.DISCOVER, "2098-12-01"),
            ev(S.VERIFY, "2098-12-01"),
            ev(S.FILE, "2098-12-02"),
            ev(S.INVESTIGATE, "2098-12-03"),
            ev(S.NOTIFY, "2098-12-04"),
            ev(S.PENALISE, "2098-12-22"),
            ev(S.DEMAND, "2098-12-24"),
        ]
    )
    demand = by_name(case.deadlines(calendar=cal, today=d("2098-12-24")))["demand_to_comply"]
    assert demand.due == d("2099-01-08")
    assert demand.warning.startswith("2098年没有官方节假日安排")
    assert "add 2098 to" in demand.warning and "2099" not in demand.warning.replace(str(path), "")


def test_a_transfer_whose_own_figures_reach_the_criminal_scale_is_the_referral():
    """After 催告, a transfer with no document is the court application below the criminal
    scale and the referral at it; the scale counts once the event is applied. Re-measured on
    the transfer itself (11 亩 of cultivated land, over the 10 亩 threshold of DOMAIN §5), the
    transfer is the referral to public security, so the case may then be closed."""
    steps = PATH_TO[S.DEMAND]
    events = [ev(stage, START + timedelta(days=n)) for n, stage in enumerate(steps)]
    day = START + timedelta(days=len(steps))
    case = Case.from_events([*events, ev(S.TRANSFER, day, cultivated_sqm=11 * MU)])
    assert case.criminal_scale and case.referred_to_police
    assert not case.marked_for_transfer
    assert case.apply(ev(S.CLOSE, day)).closed


def test_every_deadline_rule_has_a_name_and_a_basis_in_each_language():
    """A line naming a deadline names it in both halves (report_basis.case_deadlines), and
    台帐设置 lists every rule by its name and basis: the four rules of no case (the limitation
    period, temporary land) had no Chinese name, and every basis was English."""
    from zc_enforcement_plugin.core.deadlines import DEFAULT_RULES, RULE_LABELS_EN, RULE_LABELS_ZH

    assert RULE_LABELS_EN.keys() == RULE_LABELS_ZH.keys() == set(DEFAULT_RULES.names())
    assert all(re.fullmatch("[a-z][a-z ]+", label) for label in RULE_LABELS_EN.values())
    for name in DEFAULT_RULES.names():
        rule = DEFAULT_RULES.rule(name)
        assert re.search("[\u4e00-\u9fff]", RULE_LABELS_ZH[name]), name
        # Chinese throughout: no English word left in it (a law's article is 第…条).
        assert rule.basis_zh and not re.search("[A-Za-z]", rule.basis_zh), name
        assert "DOMAIN" not in rule.basis, name
