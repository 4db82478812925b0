"""What the dock sends the shared PostGIS ledger when a user opens a case page, records a case
step or saves a verdict: on a bureau's VPN (35 ms each way) each statement is a round trip of
70 ms on the main thread, and these took 24, 33 and 16 of them (1.9 s, 3 s and more, 1.6 s).
Now the case page reads its case once per open and once after a step, with the spot's page
(one statement) it is shown beside; a save's lock is one statement, not six; and what a save
reads back is handed to the page beneath instead of being read again. What is shown is the
same as a page opened afresh reads."""

from __future__ import annotations

import pytest

from tests import test_spot_page_reads as pages
from tests.test_spot_page_reads import _open_in_dock, round_trips
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import Stage
from zc_enforcement_plugin.i18n import tr

# The filled shared ledger and the dock of the spot page's tests.
postgis, dock = pages.postgis, pages.dock

# A save: the connection checked (SELECT 1), BEGIN, the spot's or case's lock (one statement),
# what the save reads under it and writes, COMMIT.
LOCK_ROUND_TRIPS = 1
# Opening the page of a case the spot has: the spot's page, which holds the case, its verdicts,
# evidence and settings (one statement), and nothing read again for the case page.
OPEN_CASE_ROUND_TRIPS = 1
# Opening a case for a spot judged 违法 and showing its page: the spot's page (no case yet);
# the opening (SELECT 1, BEGIN, lock, the spot, its verdicts, its case if any, the case and its
# first event inserted, COMMIT); the spot's page again, with the new case.
OPEN_NEW_CASE_ROUND_TRIPS = 11
# A step: the save (SELECT 1, BEGIN, the case's existence, lock, the case's rows and events, the
# step inserted, COMMIT) and the case page read back (one statement), which the review page
# beneath shows too.
CASE_STEP_ROUND_TRIPS = 9
# A verdict: the save (SELECT 1, the spot, BEGIN, lock, its verdicts and deliveries under the
# lock, the verdict inserted, its case looked up, COMMIT) and the spot's page read back, for
# the list and the page beneath alike.
VERDICT_ROUND_TRIPS = 10
# Attaching a file: the spot's page, which holds the files recorded for it (their folder is
# where the new one goes); the save (SELECT 1, the spot, BEGIN, lock, the same file looked for,
# the file recorded, COMMIT). The evidence folder is the one given when opening: not read.
ATTACH_ROUND_TRIPS = 8


@pytest.fixture
def no_questions(monkeypatch):
    """A question asked would wait for a click no one makes: fail instead."""
    from qgis.PyQt.QtWidgets import QMessageBox

    def asked(_parent, title, text, *_args, **_kwargs):
        raise AssertionError(f"asked {title!r}: {text}")

    monkeypatch.setattr(QMessageBox, "question", staticmethod(asked))


def _afresh(store, panel):
    """The summary of ``panel``'s case as a case page opened afresh on it shows it."""
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    fresh = CasePanel(store, panel.case_id, panel._calendar)
    try:
        return fresh.summary.toHtml(), [fresh.stage.itemText(i) for i in range(fresh.stage.count())]
    finally:
        fresh.deleteLater()


def _shown(panel):
    return panel.summary.toHtml(), [panel.stage.itemText(i) for i in range(panel.stage.count())]


def test_a_saves_lock_is_one_statement_and_leaves_the_transactions_lock_wait(postgis):
    """The lock's own bounded wait is put back once it is taken: an import waiting its turn
    for a batch (lock_timeout 0, _awaiting_batch) still waits without end afterwards."""
    store, ids = postgis
    case_id = int(store.cases()[0].case_id)
    with store.transaction(), store._awaiting_batch():
        with round_trips(store) as sent:
            store._lock_spot(ids[0])
            store._lock_case(case_id)
        assert store._scalar("SELECT current_setting('lock_timeout')") == "0"
    assert len(sent) <= 2 * LOCK_ROUND_TRIPS, sent


def test_opening_a_case_page_reads_its_case_once(dock, postgis, monkeypatch, no_questions):
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    assert dock.session.go_to(ids[2])  # a case opened, with a step
    dock._show_current()
    with round_trips(store) as sent:
        panel = dock.open_case_panel()
    assert panel is not None and dock.stack.currentPanel() is panel
    assert len(sent) <= OPEN_CASE_ROUND_TRIPS, (len(sent), sent)
    assert _shown(panel) == _afresh(store, panel)
    assert Stage.VERIFY.label_zh in panel.summary.toPlainText()


def test_opening_a_new_case_page_reads_its_case_once(dock, postgis, monkeypatch, no_questions):
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    assert dock.session.go_to(ids[1])  # judged 违法, no case opened
    dock._show_current()
    with round_trips(store) as sent:
        panel = dock.open_case_panel()
    assert panel is not None and dock.stack.currentPanel() is panel
    assert len(sent) <= OPEN_NEW_CASE_ROUND_TRIPS, (len(sent), sent)
    assert store.cases()[-1].spot_id == ids[1] and store.cases()[-1].case_id == panel.case_id
    assert _shown(panel) == _afresh(store, panel)
    assert tr("Case {id}").format(id=panel.case_id) in panel.summary.toPlainText()


def test_saving_a_case_step_reads_the_case_back_once(dock, postgis, monkeypatch, no_questions):
    """The step recorded, the case page shows it as a page opened afresh does, and the review
    page beneath shows the case's new stage, from the same read."""
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    assert dock.session.go_to(ids[2])
    dock._show_current()
    panel = dock.open_case_panel()
    stage = panel.stage.currentData()
    assert isinstance(stage, Stage)
    panel.person.setText("王五")
    with round_trips(store) as sent:
        assert panel.record_step(), panel.messages.text()
    assert len(sent) <= CASE_STEP_ROUND_TRIPS, (len(sent), sent)
    last = store.case(panel.case_id).events[-1]
    assert (last.stage, last.person) == (stage, "王五")
    assert _shown(panel) == _afresh(store, panel)
    assert "王五" in panel.summary.toPlainText()
    assert stage.label_zh in dock.details.toPlainText()


def test_saving_a_verdict_reads_the_spot_back_once(dock, postgis, monkeypatch, no_questions):
    """The verdict saved, the list and the review page show it from one read of the spot."""
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    assert dock.session.go_to(ids[0])  # never judged
    dock._show_current()
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("未报即用"))
    panel.verifier.setText("赵六")
    spot = store.spot(ids[0])
    cultivated = panel.areas["GDMJ"].value()
    panel.areas["JSYDMJ"].setValue(round(spot.spot_area - cultivated, 2))
    with round_trips(store) as sent:
        assert panel.save(), panel.messages.text()
    assert len(sent) <= VERDICT_ROUND_TRIPS, (len(sent), sent)
    assert store.current_verdict(ids[0]).verifier == "赵六"
    assert dock.session.current_id == ids[0]
    assert dock.session.queue[dock.session.position].status == ls.STATUS_VERIFIED
    assert "赵六" in dock.details.toPlainText()
    # The page shown is the one the ledger now holds, not one read before the save.
    assert dock.session.current_page() == store.spot_page(ids[0])


def test_attaching_a_file_reads_the_spots_evidence_once(postgis, tmp_path):
    """The spot and then its evidence were read for each file attached, the evidence only to
    find the folder the spot's files lie in: one round trip more per file. The file goes where
    it went, beside the spot's others."""
    from zc_enforcement_plugin.ui.review_session import ReviewSession

    store, ids = postgis
    session = ReviewSession()
    session.store = store
    session.refresh()
    assert session.go_to(ids[4])  # two photos recorded
    (folder,) = {record.path.split("/")[0] for record in store.evidence(ids[4])}
    photo = pages._photo(tmp_path / "later.jpg", (0, 200, 0))
    with round_trips(store) as sent:
        record = session.attach_evidence(photo)
    assert len(sent) <= ATTACH_ROUND_TRIPS, (len(sent), sent)
    assert record.path == f"{folder}/later.jpg"
    assert (store.evidence_dir / record.path).is_file()
    assert store.evidence(ids[4])[-1].path == record.path
