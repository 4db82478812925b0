"""A save on the shared ledger whose connection was lost at COMMIT after the server committed it
(ledger.SavedWithoutReply, told 已保存，无需重新保存). Found by review: the dock and the case
page showed it as any refused save, red under a form kept open, and a user who saved again met
a verdict conflict with their own save. Now every form takes it as saved: closed or cleared as
after any save, the spot or case read back from the ledger, the message said as information;
nothing recorded twice."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely.geometry
from qgis.core import Qgis, QgsProcessingFeedback

from tests.postgis_fixtures import new_schema, open_store
from tests.test_postgis_commit_loss import _cut_at_commit
from tests.test_postgis_ledger import TAIHE, TAIHE_TOWN, illegal, spot
from zc_enforcement_plugin.core import domain, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT, Stage
from zc_enforcement_plugin.core.patrols import PatrolRecord

# What the message says, in whichever language the test's QGIS speaks.
SAVED = ("已保存，无需重新保存", "do not save it again")


def _says_saved(text: str) -> bool:
    return any(said in text for said in SAVED)


@pytest.fixture
def shared(pg_database, schema, tmp_path):
    """The shared ledger with two spots of one office, as the brigade opens it."""
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    store.import_batch(
        "b",
        [
            spot("37030220260001", 0, TAIHE_TOWN, TAIHE),
            spot("37030220260002", 1, TAIHE_TOWN, TAIHE),
        ],
    )
    yield store
    store.close()


@pytest.fixture
def dock(qgis_iface, qgis_new_project, shared, monkeypatch):
    """The dock with ``shared`` open in it, the message bar emptied (texts and items)."""
    from zc_enforcement_plugin import postgis_connection
    from zc_enforcement_plugin.ui.verification_dock import VerificationDock

    widget = VerificationDock(None, qgis_iface)
    widget.resize(520, 900)
    widget.show()
    monkeypatch.setattr(postgis_connection, "open_ledger_store", lambda *_a, **_k: shared)
    assert widget.open_ledger(f"postgis://test/{shared.schema}")
    # pytest-qgis's bar is one for the whole run: its list of pushed texts is emptied by
    # clear_messages, the items an earlier test's dock pushed in view only by clearWidgets.
    qgis_iface.messageBar().clear_messages()
    qgis_iface.messageBar().clearWidgets()
    yield widget
    widget.stack.acceptAllPanels()
    widget.cleanup()
    widget.deleteLater()


def _told(qgis_iface) -> tuple[list[str], list[str]]:
    """(information, warnings) the message bar holds."""
    bar = qgis_iface.messageBar()
    return bar.get_messages(Qgis.MessageLevel.Info), bar.get_messages(Qgis.MessageLevel.Warning)


def test_a_verdict_saved_without_its_reply_closes_the_form_and_shows_the_stored_verdict(
    dock, shared, pg_database, qgis_iface, tmp_path
):
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("超占用地"))
    panel.verifier.setText("李工")
    panel.areas[domain.CONSTRUCTION_AREA].setValue(249.5)  # the split adds up to the spot's 400
    _cut_at_commit(pg_database, shared, after=True)
    panel.accept()

    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    assert panel.messages.text() == ""  # no red line: it is no refusal
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and _says_saved(info[0]), info
    bar = qgis_iface.messageBar()
    assert warnings == [] and bar.get_messages(Qgis.MessageLevel.Success) == []
    assert [item for item in bar.items() if item.level() == Qgis.MessageLevel.Success] == []
    # Read back from the ledger: the list and the page show the verdict as stored, once.
    (stored,) = shared.verdict_history(spot_id)
    assert (stored.kind, stored.verifier) == ("超占用地", "李工")
    assert shared.conflicts() == []
    summary = next(s for s in dock.session.queue if s.id == spot_id)
    assert summary.status == ls.STATUS_VERIFIED and summary.kind == "超占用地"
    assert dock.session.current_id == spot_id
    page = dock.details.toPlainText()
    assert "超占用地" in page and "李工" in page and _says_saved(page), page
    # To look at: the dock, and the foot of the spot's page where the message is said.
    dock.resize(dock.fitting_width(), 900)
    dock.grab().save(str(tmp_path / "dock_saved_without_reply.png"))
    bar = dock.details.verticalScrollBar()
    bar.setValue(bar.maximum())
    dock.details.grab().save(str(tmp_path / "details_saved_without_reply.png"))
    # The next save of the spot is based on the version stored: no conflict with itself.
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.note.setPlainText("复核")
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    assert len(shared.verdict_history(spot_id)) == 2 and shared.conflicts() == []


def test_a_case_opened_and_a_step_saved_without_their_replies_show_the_case_as_stored(
    dock, shared, pg_database, qgis_iface
):
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    spot_id = dock.session.current_id
    shared.record_verdict(spot_id, illegal(day="2026-03-02"), expected_version=0)
    dock.refresh_ledger()
    _cut_at_commit(pg_database, shared, after=True)
    panel = dock.open_case_panel()  # the spot has no case: C opens it

    (record,) = shared.cases()
    assert isinstance(panel, CasePanel) and panel.case_id == record.case_id
    assert dock.stack.currentPanel() is panel
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and _says_saved(info[0]) and warnings == [], (info, warnings)

    panel.stage.setCurrentIndex(panel.stage.findData(Stage.VERIFY))
    panel.date.setDate(dt.date(2026, 3, 3))
    panel.person.setText("李四")
    panel.documents.setText("现场勘验笔录")
    panel.note.setPlainText("已核实")
    _cut_at_commit(pg_database, shared, after=True)
    assert panel.record_step()

    assert panel.messages.text() == ""
    assert (panel.documents.text(), panel.note.toPlainText()) == ("", "")  # cleared as saved
    assert not panel.is_changed()  # leaving asks nothing: nothing is unsaved
    events = shared.case(record.case_id).events
    assert [e.stage for e in events] == [Stage.DISCOVER, Stage.VERIFY]  # once
    assert Stage.VERIFY.label_zh in panel.summary.toPlainText().split("\n")[0]
    assert "李四" in panel.summary.toPlainText()
    info, warnings = _told(qgis_iface)
    assert len(info) == 2 and _says_saved(info[1]) and warnings == [], (info, warnings)
    assert dock.stack.currentPanel() is panel  # the case page stays for the next step


def test_a_patrol_case_opened_without_its_reply_shows_the_case_opened(
    dock, shared, pg_database, qgis_iface
):
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    shared.add_patrol(PatrolRecord("XC-2026-0001", TAIHE, dt.date(2026, 3, 2), ["李四"]))
    form = dock.open_patrol_case_form()
    _cut_at_commit(pg_database, shared, after=True)
    assert form.save()

    (record,) = shared.cases(ledger.CaseFilter(origin=ORIGIN_PATROL))
    shown = dock.stack.currentPanel()
    assert isinstance(shown, CasePanel) and shown.case_id == record.case_id
    assert record.patrol_id == "XC-2026-0001"
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and _says_saved(info[0]) and warnings == [], (info, warnings)


def test_evidence_attached_without_its_reply_is_kept_and_said_as_attached(
    dock, shared, pg_database, qgis_iface, tmp_path
):
    from PIL import Image

    photo = tmp_path / "site.jpg"
    Image.new("RGB", (8, 8)).save(photo, "JPEG")
    spot_id = dock.session.current_id
    _cut_at_commit(pg_database, shared, after=True)
    assert dock.attach_files([str(photo)]) == []

    (record,) = shared.evidence(spot_id)
    assert (shared.evidence_dir / record.path).is_file()  # its copy kept, not removed
    assert dock._attached_last == 1
    assert dock.evidence_list.count() == 1
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and "site.jpg" in info[0] and _says_saved(info[0]), info
    assert warnings == []


class _Feedback(QgsProcessingFeedback):
    """A Processing feedback keeping the information it is given."""

    def __init__(self):
        super().__init__()
        self.said = []

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        self.said.append(info)
        super().pushInfo(info)


def _run_cut_at_commit(algorithm, parameters, store, pg_database, monkeypatch):
    """(results, information said) of Processing algorithm ``algorithm`` run on ``store`` (as
    its postgis:// ledger), whose save's COMMIT reaches the server and loses its reply. A run
    that fails raises, as Processing does."""
    from qgis import processing
    from qgis.core import QgsProcessingContext

    from zc_enforcement_plugin import postgis_connection

    monkeypatch.setattr(postgis_connection, "open_ledger_store", lambda *_a, **_k: store)
    monkeypatch.setattr(store, "close", lambda: None)  # the fixture closes it
    _cut_at_commit(pg_database, store, after=True)
    feedback = _Feedback()
    results = processing.run(
        f"zcenforcement:{algorithm}",
        {"LEDGER": f"postgis://test/{store.schema}", **parameters},
        context=QgsProcessingContext(),
        feedback=feedback,
    )
    assert store._commit.__name__ == "_commit", "the save's COMMIT was not cut"
    return results, feedback.said


def test_a_patrol_recorded_without_its_reply_is_a_success(
    provider, shared, pg_database, monkeypatch
):
    """The 记录巡查 algorithm: the patrol recorded once, its number given, the message said."""
    result, said = _run_cut_at_commit(
        "recordpatrol",
        {"OFFICE": TAIHE, "DATE": "2026-03-02", "STAFF": "李四;王五"},
        shared,
        pg_database,
        monkeypatch,
    )
    (patrol,) = shared.patrols()
    assert result["PATROL_ID"] == patrol.id
    assert any(_says_saved(line) for line in said), said


def test_an_import_saved_without_its_reply_is_a_success_with_its_report(
    provider, shared, pg_database, monkeypatch, tmp_path
):
    """The 导入图斑 algorithm: the batch imported once, its counts and refusals given as the
    import made them (its report kept), the message said; not a failure to run again."""
    import fiona

    spots_file = tmp_path / "delivery.gpkg"
    properties = {"JCBH": "str", "XZMC": "str", "SMC": "str", "TBMJ": "float"}
    with fiona.open(
        spots_file,
        "w",
        driver="GPKG",
        schema={"geometry": "Polygon", "properties": properties},
        crs="EPSG:4527",
    ) as out:
        for i, number in enumerate(["37030220260101", "37030220260102", ""]):
            outline = spot(number, i, TAIHE_TOWN, TAIHE).geometry
            row = {"JCBH": number, "XZMC": TAIHE_TOWN, "SMC": TAIHE, "TBMJ": 400.0}
            out.write({"geometry": shapely.geometry.mapping(outline), "properties": row})
    result, said = _run_cut_at_commit(
        "importspots",
        {"SPOTS": str(spots_file), "BATCH": "2026年第1季度"},
        shared,
        pg_database,
        monkeypatch,
    )
    imported = shared.spots(ledger.SpotFilter(batch="2026年第1季度"))
    assert sorted(s.number for s in imported) == ["37030220260101", "37030220260102"]  # once
    assert (result["ADDED"], result["REFRESHED"], result["REFUSED"]) == (2, 0, 1)
    assert "图斑编号为空" in result["REPORT"], result["REPORT"]  # the refusal, as it was made
    assert any(_says_saved(line) for line in said), said


def test_settings_stored_without_their_reply_are_a_success_and_read_back(
    provider, shared, pg_database, monkeypatch, tmp_path
):
    """The 台帐设置 algorithm: the settings stored, what is in force then read back and listed."""
    folder = tmp_path / "moved_evidence"
    folder.mkdir()
    result, said = _run_cut_at_commit(
        "ledgersettings",
        {"REPORT_WEIGHTS": '{"timeliness": 20}', "EVIDENCE_FOLDER": str(folder)},
        shared,
        pg_database,
        monkeypatch,
    )
    assert shared.stored_evidence_dir() == str(folder)
    assert shared.settings()[ls.SETTING_REPORT_WEIGHTS]["timeliness"] == 20
    assert "timeliness: 20" in result["IN_FORCE"], result["IN_FORCE"]
    assert any(_says_saved(line) for line in said), said


def test_a_copy_saved_without_its_reply_is_compared_and_keeps_its_evidence_files(
    provider, pg_database, monkeypatch, tmp_path
):
    """The 复制台帐 algorithm into the shared ledger: the copy committed, then compared row by row
    and file by file as any copy; the evidence files it put in the shared folder are kept (they
    are the copied rows' evidence), and the run succeeds with its summary."""
    from qgis import processing
    from qgis.core import QgsProcessingContext

    from zc_enforcement_plugin.core import evidence
    from zc_enforcement_plugin.processing import copy_ledger

    source = tmp_path / "office.gpkg"
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
        spot_id = store.spots()[0].id
        store.add_evidence(
            spot_id, evidence.store_evidence_file(source, "37030220260001", photo, "photo")
        )
    target = open_store(pg_database, new_schema(pg_database), tmp_path=tmp_path)
    reference = f"postgis://test/{target.schema}"
    real_open = copy_ledger.open_ledger_store
    monkeypatch.setattr(
        copy_ledger,
        "open_ledger_store",
        lambda ref, **kw: target if ref == reference else real_open(ref, **kw),
    )
    _cut_at_commit(pg_database, target, after=True)
    feedback = _Feedback()
    try:
        result = processing.run(
            "zcenforcement:copyledger",
            {"SOURCE": str(source), "TARGET": reference},
            context=QgsProcessingContext(),
            feedback=feedback,
        )
        assert result["DIFFERENCES"] == 0
        # The copy's own report: what it copied, its file among them.
        assert f"{ls.T_SPOTS} 1" in result["SUMMARY"], result["SUMMARY"]
        assert "evidence files copied 1" in result["SUMMARY"], result["SUMMARY"]
        assert any(_says_saved(line) for line in feedback.said), feedback.said
        (record,) = target.evidence(spot_id)
        assert (target.evidence_dir / record.path).read_bytes() == photo.read_bytes()
        assert len(target.spots()) == 1  # once
    finally:
        target.close()


def test_a_case_step_saved_without_its_reply_is_said_saved_even_when_reading_back_fails(
    dock, shared, pg_database, qgis_iface, monkeypatch
):
    """The server still unsteady after the save: reading the case back fails, and is said; the
    save is said as saved all the same, and the step is not left typed to be saved again."""
    spot_id = dock.session.current_id
    shared.record_verdict(spot_id, illegal(day="2026-03-02"), expected_version=0)
    case_id = shared.open_case(ORIGIN_SPOT, spot_id=spot_id)
    panel = dock.show_case(case_id)
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.VERIFY))
    panel.date.setDate(dt.date(2026, 3, 3))
    panel.person.setText("李四")
    panel.note.setPlainText("已核实")
    _cut_at_commit(pg_database, shared, after=True)
    record_step = shared.add_case_event

    def unreachable(*_args, **_kwargs):
        raise ledger.LedgerError("无法连接数据库服务器 / cannot connect to the database server")

    def saved_then_unreachable(*args, **kwargs):
        # The page reads the case before it saves: the reads fail only once it is saved.
        try:
            return record_step(*args, **kwargs)
        finally:
            for read in ("case_record", "spot_page"):
                monkeypatch.setattr(shared, read, unreachable)

    monkeypatch.setattr(shared, "add_case_event", saved_then_unreachable)
    panel.record_step()

    info, _warnings = _told(qgis_iface)
    assert len(info) == 1 and _says_saved(info[0]), info
    failed = panel.messages.text()  # the case page could not be read back: said there
    assert "无法连接" in failed or "cannot connect" in failed, failed
    assert not panel.is_changed()  # nothing left typed to be saved again
    monkeypatch.undo()  # the server answers again: the step is in the ledger, once
    assert [e.stage for e in shared.case(case_id).events] == [Stage.DISCOVER, Stage.VERIFY]


def test_a_verdict_saved_whose_spot_cannot_be_read_back_is_said_saved(
    dock, shared, qgis_iface, monkeypatch
):
    """The server gone right after the commit: reading the spot back failed, the error came out
    of the save, and the form stayed open as if refused; saved again, it met a conflict with
    its own save (the review of 2026-11-29). It is said as saved, and the form closes."""
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("超占用地"))
    panel.verifier.setText("李工")
    panel.areas[domain.CONSTRUCTION_AREA].setValue(249.5)
    record = shared.record_verdict

    def unreachable(*_args, **_kwargs):
        raise ledger.LedgerError("无法连接数据库服务器 / cannot connect to the database server")

    def saved_then_unreachable(*args, **kwargs):
        try:
            return record(*args, **kwargs)
        finally:
            monkeypatch.setattr(shared, "spot_page", unreachable)

    monkeypatch.setattr(shared, "record_verdict", saved_then_unreachable)
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    info, _warnings = _told(qgis_iface)
    assert len(info) == 1 and _says_saved(info[0]), info
    assert "cannot connect" in info[0] or "无法连接" in info[0], info
    monkeypatch.undo()  # the server answers again: the verdict is in the ledger, once
    assert len(shared.verdict_history(spot_id)) == 1 and shared.conflicts() == []


# What the store says of an earlier save found recorded, in either language.
EARLIER_SAVED = ("您先前的保存已记录", "your earlier save was recorded")


def test_a_verdict_left_in_doubt_and_saved_again_closes_the_form_as_saved(
    dock, shared, pg_database, qgis_iface
):
    """Found by review: told 服务器未确认保存, the user pressed Save again and was told someone
    else (their own login) had saved the spot, and a conflict row was kept of their own save."""
    from tests.test_postgis_commit_loss import _in_doubt_at_commit

    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("超占用地"))
    panel.verifier.setText("李工")
    panel.areas[domain.CONSTRUCTION_AREA].setValue(249.5)
    _in_doubt_at_commit(pg_database, shared, after=True)
    panel.accept()
    assert dock.stack.currentPanel() is panel  # in doubt: the form stays, as before
    assert "重新打开台帐核对" in panel.messages.text() or "reopen" in panel.messages.text()

    panel.accept()  # saved again

    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and any(said in info[0] for said in EARLIER_SAVED), info
    assert warnings == []
    (stored,) = shared.verdict_history(spot_id)  # once, and shown as stored
    assert (stored.kind, stored.verifier) == ("超占用地", "李工")
    assert shared.conflicts() == []
    assert "超占用地" in dock.details.toPlainText()


def test_a_case_step_left_in_doubt_and_recorded_again_is_shown_as_recorded(
    dock, shared, pg_database, qgis_iface, monkeypatch
):
    """The same on the case page: the step recorded once, no conflict kept, the page showing it."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from tests.test_postgis_commit_loss import _in_doubt_at_commit

    spot_id = dock.session.current_id
    shared.record_verdict(spot_id, illegal(day="2026-03-02"), expected_version=0)
    case_id = shared.open_case(ORIGIN_SPOT, spot_id=spot_id)
    panel = dock.show_case(case_id)
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.VERIFY))
    panel.date.setDate(dt.date(2026, 3, 3))
    panel.person.setText("李四")
    panel.note.setPlainText("已核实")
    _in_doubt_at_commit(pg_database, shared, after=True)
    assert not panel.record_step()
    asked = []  # the page may ask whether to record the same step as the last one again
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes
    )

    assert panel.record_step()  # recorded again

    assert [e.stage for e in shared.case(case_id).events] == [Stage.DISCOVER, Stage.VERIFY]
    assert shared.case_conflicts() == []
    assert panel.note.toPlainText() == "" and not panel.is_changed()
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and any(said in info[0] for said in EARLIER_SAVED), info
    assert warnings == []
    assert "李四" in panel.summary.toPlainText()


def test_a_batch_withdrawn_without_its_reply_is_a_success_with_its_count(
    provider, shared, pg_database, monkeypatch
):
    """The 撤回批次 algorithm: the batch removed, the count of spots it removed given, the
    message said; not a failure (a rerun would be refused: no such batch)."""
    shared.import_batch(
        "误导入", [spot(f"3703022026020{i}", i, TAIHE_TOWN, TAIHE) for i in range(3)]
    )
    result, said = _run_cut_at_commit(
        "withdrawbatch", {"BATCH": "误导入"}, shared, pg_database, monkeypatch
    )
    assert result["REMOVED"] == 3
    assert "误导入" not in [batch.name for batch in shared.batches()]
    assert not shared.spots(ledger.SpotFilter(batch="误导入"))
    assert any(_says_saved(line) for line in said), said


# What the dock says of an earlier save it found not recorded, in either language.
EARLIER_NOT_SAVED = ("您先前的保存未记录", "your earlier save was not recorded")


def _verdict_in_doubt(dock, shared, pg_database, *, recorded: bool):
    """The verdict form of the current spot filled and saved, the save left in doubt (its
    reply lost, the server not reached to ask): the form, kept open saying so."""
    from tests.test_postgis_commit_loss import _in_doubt_at_commit

    panel = _filled_verdict_form(dock)
    _in_doubt_at_commit(pg_database, shared, after=recorded)
    panel.accept()
    assert dock.stack.currentPanel() is panel  # in doubt: the form stays
    assert "重新打开台帐核对" in panel.messages.text() or "reopen" in panel.messages.text()
    return panel


def _filled_verdict_form(dock):
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("超占用地"))
    panel.verifier.setText("李工")
    panel.areas[domain.CONSTRUCTION_AREA].setValue(249.5)  # the split adds up to the spot's 400
    return panel


def _leave_form(dock, monkeypatch) -> None:
    """The form left with its back arrow, its entries discarded when asked."""
    from qgis.PyQt.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    dock.stack.acceptAllPanels()
    assert dock.stack.currentPanel() is dock.home


def _judge_the_other_spot(dock, shared) -> int:
    """The other spot judged through its form; its id. The form closes as saved."""
    other = next(s.id for s in dock.session.queue if s.id != dock.session.current_id)
    assert dock.session.go_to(other)
    dock._show_current()
    panel = _filled_verdict_form(dock)
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    assert len(shared.verdict_history(other)) == 1
    return other


def test_a_verdict_left_in_doubt_is_settled_when_the_dock_reads_the_ledger_again(
    dock, shared, pg_database, qgis_iface, monkeypatch
):
    """Found by review: told 服务器未确认保存，请重新打开台帐核对, the user left the form and read
    the ledger again; the page showed the verdict stored, nothing said what became of the save,
    and their next save, of another spot, was refused (本次保存未进行，请核对后再保存) for the
    save they had just checked. The dock's read now settles it: said once, as information,
    under the page showing the verdict; the next save is made."""
    spot_id = dock.session.current_id
    _verdict_in_doubt(dock, shared, pg_database, recorded=True)
    _leave_form(dock, monkeypatch)

    dock.refresh_ledger()  # as the message asks

    page = dock.details.toPlainText()
    assert "超占用地" in page, page  # shown stored, as before
    (stored,) = shared.verdict_history(spot_id)
    assert stored.verifier == "李工"
    _judge_the_other_spot(dock, shared)  # not refused for the save just checked
    assert any(said in page for said in EARLIER_SAVED), page  # and said under it
    info, warnings = _told(qgis_iface)
    assert len(info) == 1 and any(said in info[0] for said in EARLIER_SAVED), info  # once
    assert warnings == []
    assert shared.conflicts() == []


def test_a_verdict_left_in_doubt_not_recorded_is_said_to_enter_again_when_the_dock_reads(
    dock, shared, pg_database, qgis_iface, monkeypatch
):
    spot_id = dock.session.current_id
    _verdict_in_doubt(dock, shared, pg_database, recorded=False)
    _leave_form(dock, monkeypatch)

    dock.refresh_ledger()

    assert shared.verdict_history(spot_id) == []
    page = dock.details.toPlainText()
    _judge_the_other_spot(dock, shared)  # not refused: the user was told to enter it again
    assert any(said in page for said in EARLIER_NOT_SAVED), page
    info, warnings = _told(qgis_iface)
    assert info == [], info
    assert len(warnings) == 1 and any(said in warnings[0] for said in EARLIER_NOT_SAVED)


def test_a_verdict_in_doubt_saved_again_after_the_dock_read_the_ledger_is_saved_once(
    dock, shared, pg_database, qgis_iface
):
    """The dock reads the ledger while the form is still open: Save pressed again is still
    told saved, not refused as a conflict with the user's own save."""
    spot_id = dock.session.current_id
    panel = _verdict_in_doubt(dock, shared, pg_database, recorded=True)
    dock.refresh_ledger()

    panel.accept()  # saved again

    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    (stored,) = shared.verdict_history(spot_id)
    assert stored.kind == "超占用地" and shared.conflicts() == []
    info, warnings = _told(qgis_iface)
    assert warnings == [] and all(any(s in i for s in EARLIER_SAVED) for i in info), info
