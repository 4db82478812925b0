"""The verification dock, driven as a technician would: pick, move, judge, attach, reload."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import struct

import numpy as np
import pytest
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QDate, QMimeData, QPoint, QRect, Qt, QUrl
from qgis.PyQt.QtGui import QDropEvent, QKeySequence
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QDialog

from tests.holiday_notices import complete_year
from tests.test_dock_hostile_text import _as_html, without_isolates
from zc_enforcement_plugin.core import clock, domain, ledger, screening, workdays
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.towns import assign_towns
from zc_enforcement_plugin.i18n import tr
from zc_enforcement_plugin.processing.base import LEDGER_CRS
from zc_enforcement_plugin.ui.case_panel import CASE_SUMMARY_MIN_LINES, REPORT_ONLY, WITHDRAW
from zc_enforcement_plugin.ui.review_session import STATUS_OVERDUE
from zc_enforcement_plugin.ui.verification_dock import VerificationDock


@pytest.fixture
def ledger_path(tmp_path, demo):
    """A ledger holding the demo batch, screened by the core engine (no verdicts yet)."""
    import fiona

    with fiona.open(demo.gpkg, layer=domain.DEMO_LAYER_SPOTS) as layer:
        features = list(layer)
    geoms = np.array(
        [shapely.geometry.shape(f.geometry) if f.geometry else None for f in features], dtype=object
    )
    keys = [f.properties[domain.SPOT_NUMBER] for f in features]

    def layer(name, label_field):
        with fiona.open(demo.gpkg, layer=name) as source:
            rows = list(source)
        return screening.LayerInput(
            geoms=np.array([shapely.geometry.shape(r.geometry) for r in rows], dtype=object),
            labels=np.array([str(r.properties[label_field]) for r in rows]),
        )

    land_use = layer(domain.DEMO_LAYER_LAND_USE, domain.LAND_CLASS_CODE)
    land_use.class_codes = land_use.labels
    layers = {
        domain.LAYER_LAND_USE: land_use,
        domain.LAYER_RED_LINE: layer(domain.DEMO_LAYER_RED_LINE, domain.RED_LINE_CODE),
        domain.LAYER_APPROVALS: layer(domain.DEMO_LAYER_APPROVALS, domain.APPROVAL_NUMBER),
    }
    result = screening.screen_spots(geoms, keys, layers, domain.EPSG_GK3_ZONE39_PREFIXED)
    with fiona.open(demo.gpkg, layer=domain.DEMO_LAYER_TOWNS) as source:
        towns = list(source)
    town_of, office_of = assign_towns(
        geoms,
        np.array([shapely.geometry.shape(t.geometry) for t in towns], dtype=object),
        np.array([t.properties[domain.TOWN_NAME] for t in towns], dtype=object),
        np.array([t.properties[domain.OFFICE_NAME] for t in towns], dtype=object),
    )
    records = []
    for row, feature in enumerate(features):
        attributes = dict(feature.properties)
        attributes[domain.TOWN_NAME], attributes[domain.OFFICE_NAME] = town_of[row], office_of[row]
        attributes.update({name: values[row] for name, values in result.fields.items()})
        attributes = {k: (v.item() if hasattr(v, "item") else v) for k, v in attributes.items()}
        # The tests judge spots on days of 2025 (around its holidays) and nobody verifies a
        # spot before its later image: the demo batch's images are dated before those days.
        attributes[domain.SPOT_EARLIER_DATE], attributes[domain.SPOT_LATER_DATE] = (
            "2024-10-15",
            "2025-01-15",
        )
        records.append(ledger.SpotRecord(attributes, geoms[row], row))
    path = tmp_path / "ledger.gpkg"
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch("demo", records)
    return path


@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    from qgis.PyQt.QtWidgets import QApplication

    widget = VerificationDock(None, qgis_iface)
    widget.resize(520, 900)
    widget.show()
    # Keyboard shortcuts act only in the active window, as in QGIS.
    QApplication.setActiveWindow(widget)
    widget.home.setFocus()
    yield widget
    widget.stack.acceptAllPanels()  # a form a test left typed in: cleanup would ask about it
    widget.cleanup()
    widget.deleteLater()


@pytest.fixture
def answers(monkeypatch):
    """Questions and warnings shown, answered as the test says (never a modal box waiting for
    a click nobody can give): `answers.save` is the answer to an unsaved verdict form."""
    from types import SimpleNamespace

    from qgis.PyQt.QtWidgets import QMessageBox

    shown = SimpleNamespace(save=QMessageBox.StandardButton.Save, asked=[], warned=[])

    def question(_parent, _title, text, buttons=None, *_args, **_kwargs):
        shown.asked.append(text)
        # An answer the box does not offer cannot be given: a test must not pass on one.
        assert buttons is None or buttons & shown.save, f"{shown.save} is not offered"
        return shown.save

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.warned.append(text)
    )
    return shown


def test_pick_and_navigate(dock, ledger_path):
    assert dock.open_ledger(str(ledger_path))
    total = len(dock.session.queue)
    assert total > 250
    assert f"0 / {total}" in dock.count_label.text()
    first = dock.session.current_id
    QTest.keyClick(dock.home, Qt.Key.Key_Right)
    assert dock.session.position == 1
    QTest.keyClick(dock.home, Qt.Key.Key_Left)
    assert dock.session.current_id == first
    # Clicking a row in the queue makes it current and shows its number.
    index = dock.queue_model.index(5, 0)
    dock.queue_view.clicked.emit(index)
    assert dock.session.position == 5
    assert dock.queue_model.rows[5].number in dock.details.toPlainText()
    # Filters narrow the queue; the counts follow.
    box = dock.filter_boxes["flag"]
    box.setCurrentIndex(box.findData(domain.OVERLAY_LAYERS[1].flag_field))  # red line
    assert 0 < len(dock.session.queue) < total
    for summary in dock.session.queue:
        assert dock.session.store.spot(summary.id).attributes[domain.OVERLAY_LAYERS[1].flag_field]


def test_record_verdict_through_the_form(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_LEGAL)
    panel.approval_number.setText("鲁政土字〔2021〕12号")
    assert panel.kind.currentData() is None  # not defaulted: a save without it is refused
    panel.verifier.setText("李工")
    panel.accept()
    assert "依据" in panel.messages.text() and dock.session.store.current_verdict(spot_id) is None
    panel.kind.setCurrentIndex(1)
    panel.approval_number.setText("")
    panel.accept()  # a legal verdict without approval number is refused with a message
    assert panel.messages.text()
    assert dock.session.store.current_verdict(spot_id) is None

    panel.approval_number.setText("鲁政土字〔2021〕12号")
    panel.actual_use.setText("厂房")
    panel.stop_order.setChecked(False)
    panel.accept()
    stored = dock.session.store.current_verdict(spot_id)
    assert stored.category == ls.VERDICT_LEGAL
    assert stored.approval_number == "鲁政土字〔2021〕12号"
    assert stored.details[ls.DETAIL_ACTUAL_USE] == "厂房"
    assert "1 / " in dock.count_label.text()

    # N jumps to the next spot without a verdict.
    QTest.keyClick(dock.home, Qt.Key.Key_N)
    assert dock.session.current_id != spot_id
    assert dock.session.store.current_verdict(dock.session.current_id) is None


def test_attach_evidence_by_drop(dock, ledger_path, tmp_path):
    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 200 + b"\xff\xd9")
    note = tmp_path / "notes.txt"
    note.write_text("not evidence")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo)), QUrl.fromLocalFile(str(note))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dock.dropEvent(event)
    records = dock.session.store.evidence(dock.session.current_id)
    assert [r.original_name for r in records] == ["site.jpg"]  # the .txt is refused, said so
    assert "notes.txt" in dock.details.toPlainText()
    assert dock.evidence_list.count() == 1
    stored = dock.session.store.evidence_dir / records[0].path
    assert stored.read_bytes() == photo.read_bytes()


def test_state_is_saved_in_the_project_and_restored(dock, ledger_path, tmp_path, demo):
    project = QgsProject.instance()
    before = QgsRasterLayer(str(demo.before_image), "before")
    after = QgsRasterLayer(str(demo.after_image), "after")
    project.addMapLayers([before, after])
    dock.open_ledger(str(ledger_path))
    dock.images.set_images(before, after)
    box = dock.filter_boxes["status"]
    box.setCurrentIndex(box.findData(ls.STATUS_UNVERIFIED))
    dock.session.go_to_row(7)
    spot_id = dock.session.current_id
    project_file = tmp_path / "review.qgz"
    assert project.write(str(project_file))

    dock.session.close()
    project.clear()
    assert project.read(str(project_file))  # readProject restores the dock
    assert dock.session.path == ledger_path
    assert dock.session.current_id == spot_id
    assert dock.session.filter.status == ls.STATUS_UNVERIFIED
    assert [layer.name() for layer in (p.currentLayer() for p in dock.images.pickers)] == [
        "before",
        "after",
    ]


def test_missing_ledger_is_reported_not_raised(dock, tmp_path):
    bad = tmp_path / "not_a_ledger.gpkg"
    bad.write_text("this is text, not a GeoPackage")
    assert not dock.open_ledger(str(bad))
    assert "not_a_ledger.gpkg" in dock.details.toPlainText()
    assert not dock.session.is_open


def test_a_ledger_picked_and_refused_leaves_the_box_naming_the_open_one(
    dock, ledger_path, tmp_path
):
    """Picked with the … button, a file that is not a ledger was refused and its path stayed
    in the box, as if it were open, over the list of the ledger still open."""
    bad = tmp_path / "not_a_ledger.gpkg"
    bad.write_text("this is text, not a GeoPackage")
    assert dock.open_ledger(str(ledger_path))
    dock.home.setFocus()
    dock.ledger_file.setFilePath(str(bad))  # what the file dialog's choice does
    assert "not_a_ledger.gpkg" in dock.details.toPlainText()  # said
    assert dock.session.path == ledger_path
    assert dock.ledger_file.filePath() == str(ledger_path)


def test_a_broken_holiday_file_is_reported_and_the_open_ledger_stays(dock, ledger_path, tmp_path):
    """A ledger whose holidays.json beside it is broken: the dock says which file and where,
    and keeps the ledger it had open, with that ledger's own calendar (not a mix of the two)."""
    import shutil

    assert dock.open_ledger(str(ledger_path))
    calendar = dock.session.calendar
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(ledger_path, other / "ledger.gpkg")
    (other / "holidays.json").write_text('{"2027": {"holidays": ["2027-01-01",]}}')
    assert not dock.open_ledger(str(other / "ledger.gpkg"))
    assert "holidays.json" in dock.details.toPlainText()
    assert dock.session.path == ledger_path and dock.session.calendar is calendar


def test_verdict_dates_default_to_today(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    assert panel.verdict().verified_on == clock.today()
    assert panel.verdict().category == ls.VERDICT_ILLEGAL


def test_photo_positions_are_shown_on_the_map(dock, ledger_path, tmp_path):
    from PIL import Image
    from qgis.core import QgsPointXY

    from zc_enforcement_plugin.ui.evidence_layer import LAYER_PROPERTY

    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "gps.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 36.0, 0.0), 3: "E", 4: (117.0, 54.0, 0.0)}
    Image.new("RGB", (8, 8)).save(photo, "JPEG", exif=exif)
    assert dock.attach_files([str(photo)]) == []
    layers = [
        layer
        for layer in QgsProject.instance().mapLayers().values()
        if layer.customProperty(LAYER_PROPERTY)
    ]
    assert len(layers) == 1 and layers[0].featureCount() == 1
    point = next(layers[0].getFeatures()).geometry().asPoint()
    # 117°54'E 36°36'N in CGCS2000 zone 39 (computed independently with pyproj).
    import pyproj

    x, y = pyproj.Transformer.from_crs(4326, 4527, always_xy=True).transform(117.9, 36.6)
    assert point.distance(QgsPointXY(x, y)) < 1.0


def _judge_illegal(dock, day):
    dock.session.record_verdict(
        ledger.Verdict(
            category=ls.VERDICT_ILLEGAL, kind="未报即用", verifier="李工", verified_on=day
        )
    )


def test_c_asks_before_opening_a_case_and_no_opens_none(dock, ledger_path, monkeypatch):
    """One key press opened a case, and a case is never deleted (found by a review): C asks
    first; No opens none, Yes opens it; a spot with its case open goes to it unasked."""
    from qgis.PyQt.QtWidgets import QMessageBox

    asked = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, clock.today())
    spot_id = dock.session.current_id
    dock.home.setFocus()
    QTest.keyClick(dock.home, Qt.Key.Key_C)
    assert len(asked) == 1 and str(dock.session.store.spot(spot_id).number) in asked[0]
    assert dock.stack.currentPanel() is dock.home
    assert dock.session.store.spot_page(spot_id).case is None
    answer[0] = QMessageBox.StandardButton.Yes
    QTest.keyClick(dock.home, Qt.Key.Key_C)
    assert dock.session.store.spot_page(spot_id).case is not None
    dock.stack.acceptAllPanels()
    QTest.mouseClick(dock.case_button, Qt.MouseButton.LeftButton)  # its case: not asked
    assert len(asked) == 2 and dock.stack.currentPanel() is not dock.home
    dock.stack.acceptAllPanels()


def test_the_spot_pages_case_line_has_a_full_width_colon_in_chinese(dock, ledger_path, monkeypatch):
    """案件 1: 发现 on the spot's page, beside the case page's 案件 1：发现 (a review)."""
    from qgis.PyQt.QtCore import QCoreApplication
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.i18n import install_translator

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    translator = install_translator("zh_CN")
    try:
        dock.open_ledger(str(ledger_path))
        _judge_illegal(dock, clock.today())
        QTest.keyClick(dock.home, Qt.Key.Key_C)
        dock.stack.acceptAllPanels()
        case_id = dock.session.store.spot_page(dock.session.current_id).case.case_id
        text = dock.details.toPlainText()
    finally:
        QCoreApplication.removeTranslator(translator)
    assert f"案件 {case_id}：" in text and f"案件 {case_id}:" not in text, text


def test_a_run_from_the_toolbox_into_the_docks_ledger_is_shown_at_once(
    dock, ledger_path, provider, tmp_path, monkeypatch
):
    """A batch imported and a deadline rule changed from the toolbox: the dock's list lacked
    the batch and its case page kept the old deadlines until R, or a move (a review in
    QGIS). The dock reads its ledger again once such a run has finished."""
    import processing
    from qgis.PyQt.QtWidgets import QMessageBox

    from tests.test_import_spots import spot_file

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dock.open_ledger(str(ledger_path))
    before = len(dock.session.queue)
    spots = spot_file(tmp_path / "jctb.gpkg", ["NEW-1", "NEW-2"])
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": spots, "LEDGER": str(ledger_path), "BATCH": "工具箱导入"},
    )
    assert len(dock.session.queue) == before + 2
    _judge_illegal(dock, clock.today())
    QTest.keyClick(dock.home, Qt.Key.Key_C)
    page = dock.stack.currentPanel()

    def report_due(text: str) -> str:  # the written report to the brigade's line
        return next(line for line in text.splitlines() if "书面报告执法监察大队" in line)

    calendar = dock.session.calendar
    assert calendar.add_working_days(clock.today(), 2).isoformat() in report_due(
        page.summary.toPlainText()
    )
    processing.run(
        "zcenforcement:ledgersettings",
        {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"report_to_brigade": 30}'},
    )
    assert calendar.add_working_days(clock.today(), 30).isoformat() in report_due(
        page.summary.toPlainText()
    )


def test_a_ledger_written_is_the_docks_however_its_reference_is_written(tmp_path):
    """A shared ledger typed postgis://conn in the toolbox is the dock's postgis://conn/zc_ledger
    (a project stores the schema): it was not taken for it, and the dock did not read again."""
    from zc_enforcement_plugin.ui.verification_dock import _same_ledger

    assert _same_ledger("postgis://区局/zc_ledger", "postgis://区局")
    assert _same_ledger("postgis://my%20conn/public", "postgis://my conn/public")
    assert not _same_ledger("postgis://区局/other", "postgis://区局/zc_ledger")
    assert not _same_ledger(str(tmp_path / "ledger.gpkg"), "postgis://区局")
    (tmp_path / "ledger.gpkg").touch()
    assert _same_ledger(str(tmp_path / "sub" / ".." / "ledger.gpkg"), tmp_path / "ledger.gpkg")


def test_the_town_filter_offers_the_towns_of_the_office_chosen(dock, ledger_path):
    """With 罗村自然资源所 chosen the town box still offered 太河镇, which listed no spot
    (found by a review): it offers the office's towns, and a town the next office does not
    have goes back to all towns."""
    dock.open_ledger(str(ledger_path))
    every = dock.session.store.spots()
    by_office: dict[str, set] = {}
    for spot in every:
        if spot.office and spot.town:
            by_office.setdefault(spot.office, set()).add(spot.town)
    assert len(by_office) >= 2
    offices = sorted(by_office, key=lambda office: len(by_office[office]))
    office_box, town_box = dock.filter_boxes["office"], dock.filter_boxes["town"]

    def towns_offered():
        return {town_box.itemData(i) for i in range(town_box.count())} - {""}

    assert towns_offered() == {spot.town for spot in every if spot.town}
    first, second = offices[-1], next(o for o in offices if by_office[o] != by_office[offices[-1]])
    office_box.setCurrentIndex(office_box.findData(first))
    assert towns_offered() == by_office[first]
    only_first = sorted(by_office[first] - by_office[second])
    if only_first:
        town_box.setCurrentIndex(town_box.findData(only_first[0]))
        assert dock.session.filter.town == only_first[0]
        office_box.setCurrentIndex(office_box.findData(second))
        assert towns_offered() == by_office[second]
        assert town_box.currentData() == "" and dock.session.filter.town == ""
    office_box.setCurrentIndex(0)
    assert towns_offered() == {spot.town for spot in every if spot.town}


def test_the_review_page_shows_the_case_c_just_opened(dock, ledger_path):
    """After C opened 案件 13 the review page beneath still said 未立案 until the spot was left
    and come back to (a review in QGIS)."""
    dock.open_ledger(str(ledger_path))
    from zc_enforcement_plugin.i18n import tr

    unopened = tr("No case opened: deadlines run from the verdict of {day}").split("{")[0]
    _judge_illegal(dock, clock.today())
    dock._show_session()
    assert unopened in dock.details.toPlainText()
    panel = dock.open_case_panel()
    assert unopened not in dock.details.toPlainText(), dock.details.toPlainText()
    assert tr("Case {id}").format(id=panel.case_id) in dock.details.toPlainText()
    dock.stack.acceptAllPanels()


def test_the_verdict_and_the_case_come_before_the_figures_on_the_spot_page(dock, ledger_path):
    """The current verdict and the case's stage and next deadline came after the figures and
    the pieces hit, 450 px down, out of sight on every spot (a review of 2026-11-29). They
    come under the number and the suggestion; an earlier verdict, corrected, after the
    figures."""
    from zc_enforcement_plugin.i18n import tr
    from zc_enforcement_plugin.ui.spot_page import FIGURES

    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    dock.stack.acceptAllPanels()
    dock.session.record_verdict(
        ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind="占用基本农田",
            verifier="王工",
            verified_on=clock.today(),
        )
    )
    dock._show_session()
    text = without_isolates(dock.details.toPlainText())
    figures = text.index(FIGURES[0][1])
    case = text.index(tr("Case {id}").format(id=panel.case_id))
    current, earlier = text.index("王工"), text.index("李工")
    assert current < case < figures < earlier, text


def test_case_opens_for_an_illegal_spot_and_refuses_impossible_steps(dock, ledger_path):
    from zc_enforcement_plugin.core.cases import Stage

    dock.open_ledger(str(ledger_path))
    # Not judged illegal: no case, and the dock says why.
    assert dock.open_case_panel() is None
    assert "违法" in dock.details.toPlainText()

    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    assert panel is not None
    # the next step, a report alone at the stage the case is in, and the withdrawal
    assert [panel.stage.itemData(i) for i in range(panel.stage.count())] == [
        Stage.VERIFY,
        REPORT_ONLY,
        WITHDRAW,
    ]
    # The written report to the brigade is due 2 working days after discovery: the National
    # Day holiday 2025-10-01..08 is skipped, so 2025-10-10 (worked out by hand).
    assert "2025-10-10" in panel.summary.toPlainText()
    assert "已逾期" in panel.summary.toPlainText()

    events_before = len(dock.session.store.case(panel.case_id).events)
    panel.date.setDate(panel.date.minimumDate())  # a date before discovery
    panel.person.setText("李工")
    panel.record_step()
    assert panel.messages.text()  # refused, with the reason
    assert len(dock.session.store.case(panel.case_id).events) == events_before

    from qgis.PyQt.QtCore import QDate

    panel.date.setDate(QDate(2025, 10, 9))
    panel.record_step()
    assert dock.session.store.case(panel.case_id).stage is Stage.VERIFY
    assert not panel.messages.text()

    # The overdue filter lists this spot (its filing deadline has passed long ago).
    spot_id = dock.session.current_id
    panel.acceptPanel()
    box = dock.filter_boxes["status"]
    box.setCurrentIndex(box.findData("overdue"))
    assert [s.id for s in dock.session.queue] == [spot_id]
    assert "立案" in dock.details.toPlainText() or "逾期" in dock.details.toPlainText()


def test_a_step_the_same_as_the_last_is_asked_about_before_it_is_recorded(
    dock, ledger_path, answers
):
    """A technician's review: Save pressed twice recorded 制止 twice without a word, and the
    evidence line listed it twice. 制止 and 调查 may repeat (another party): asked, not refused."""
    from qgis.PyQt.QtCore import QDate
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.core.cases import Stage

    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    panel.date.setDate(QDate(2025, 10, 9))
    panel.person.setText("李工")
    assert panel.record_step()  # 核查
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.STOP))
    panel.date.setDate(QDate(2025, 10, 9))
    assert panel.record_step() and not answers.asked  # 制止
    events = len(dock.session.store.case(panel.case_id).events)
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.STOP))  # Save pressed again
    panel.date.setDate(QDate(2025, 10, 9))
    answers.save = QMessageBox.StandardButton.No
    assert not panel.record_step()
    assert len(answers.asked) == 1 and "李工" in answers.asked[0]
    assert panel.messages.text() and len(dock.session.store.case(panel.case_id).events) == events
    answers.save = QMessageBox.StandardButton.Yes
    assert panel.record_step()
    assert len(dock.session.store.case(panel.case_id).events) == events + 1


def test_report_documents_are_picked_and_say_which_deadline_they_end(dock, ledger_path):
    """The reports a deadline waits for are documents, not steps: the case panel offers their
    exact names to pick, and each open report deadline says which document ends it. Picking
    "exposed online or mass petitions" starts the same-day report to the bureau head."""
    from qgis.PyQt.QtCore import QDate

    from zc_enforcement_plugin.core import cases

    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    names = [action.text() for action in panel.add_document.menu().actions()]
    assert names == list(cases.PICKED_DOCUMENTS)
    text = panel.summary.toPlainText()
    assert f"“{cases.DOC_BRIGADE_REPORT}”" in text  # how the written report is recorded
    exposure = panel.add_document.menu().actions()[names.index(cases.DOC_PUBLIC_EXPOSURE)]
    exposure.trigger()
    exposure.trigger()  # picked twice, listed once
    assert panel.documents.text() == cases.DOC_PUBLIC_EXPOSURE
    panel.date.setDate(QDate(2025, 10, 9))
    panel.person.setText("李工")
    panel.record_step()
    assert not panel.messages.text()
    text = panel.summary.toPlainText()
    assert "网络曝光、群体信访即报局长〔work plan〕: 2025-10-09" in text
    assert f"“{cases.DOC_BUREAU_HEAD_REPORT}”" in text
    # At 核查 the procedure offers 制止/立案/结案: the report alone is its own entry, and the
    # case stays where it is.
    stage = dock.session.store.case(panel.case_id).stage
    panel.stage.setCurrentIndex(panel.stage.findData(REPORT_ONLY))
    assert panel.stage.currentData() == REPORT_ONLY
    panel.documents.setText("询问笔录")  # not a report: refused, nothing recorded
    panel.record_step()
    assert "重大案件报告" in panel.messages.text()
    panel.documents.setText(cases.DOC_SERIOUS_CASE_REPORT)
    panel.date.setDate(QDate(2025, 10, 9))
    panel.record_step()
    assert not panel.messages.text()
    assert dock.session.store.case(panel.case_id).stage is stage
    panel.stage.setCurrentIndex(0)
    # Typed with a Chinese input method's full-width semicolon: still two documents.
    panel.documents.setText(f"{cases.DOC_BRIGADE_REPORT}；{cases.DOC_BUREAU_HEAD_REPORT}")
    panel.date.setDate(QDate(2025, 10, 10))
    panel.record_step()
    assert not panel.messages.text()
    done = {d.name: d.done for d in dock.session.store.case(panel.case_id).deadlines()}
    assert done["report_to_brigade"] and done["public_exposure_report"]


def test_town_filter(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    towns = {s.town for s in dock.session.queue if s.town}
    assert len(towns) >= 2
    town = sorted(towns)[0]
    box = dock.filter_boxes["town"]
    box.setCurrentIndex(box.findData(town))
    assert dock.session.queue and {s.town for s in dock.session.queue} == {town}


def _hits_a_red_line(dock) -> None:
    """The current spot re-delivered with screening's pieces: a red line's and a land class's."""
    spot = dock.session.current()
    x, y = spot.geometry.representative_point().coords[0]
    piece = {
        domain.PIECE_LAYER: domain.LAYER_RED_LINE,
        domain.PIECE_FEATURE: "SD-01",
        domain.PIECE_AREA: 12.5,
        "wkt": shapely.box(x - 2, y - 2, x + 3, y + 0.5).wkt,
    }
    land = {**piece, domain.PIECE_LAYER: domain.LAYER_LAND_USE, domain.PIECE_FEATURE: "0103"}
    attributes = {**spot.attributes, domain.SPOT_PIECES: [piece, land]}
    batch = dock.session.queue[0].batch
    dock.session.store.import_batch(batch, [ledger.SpotRecord(attributes, spot.geometry, 0)])
    dock.session.refresh()
    dock._show_current()


def test_pieces_are_listed_and_highlighted(dock, ledger_path):
    """What a spot hits (screening's pieces, imported with the batch) is listed and outlined."""
    dock.open_ledger(str(ledger_path))
    _hits_a_red_line(dock)
    text = dock.details.toPlainText()
    assert "生态保护红线" in text and "SD-01" in text and "12.50 m²" in text
    # Red line outlined on the map; land classes are listed but not outlined.
    assert len(dock.piece_bands) == 1
    assert dock.piece_bands[0].asGeometry().area() == pytest.approx(12.5)


def test_the_spots_marks_leave_the_map_with_the_panel_and_come_back_with_it(dock, ledger_path):
    """Closed, the panel left the spot's highlight and the outlines of what it hits on the map,
    with nothing left to say what they were. They go with it and come back with it, also for
    a spot shown meanwhile (a project reopened with the panel closed)."""
    dock.open_ledger(str(ledger_path))
    _hits_a_red_line(dock)
    marks = [dock.highlight, *dock.piece_bands]
    assert len(marks) == 2 and all(mark.isVisible() for mark in marks)
    dock.close()
    assert not any(mark.isVisible() for mark in marks)
    dock._show_current()  # shown again while closed: still off the map
    assert not any(mark.isVisible() for mark in [dock.highlight, *dock.piece_bands])
    dock.show()
    marks = [dock.highlight, *dock.piece_bands]
    assert len(marks) == 2 and all(mark.isVisible() for mark in marks)
    assert dock.highlight.asGeometry().area() > 0


def test_a_refresh_without_pieces_keeps_them_listed_unless_the_outline_moved(dock, ledger_path):
    """The batch re-delivered without screening's pieces: the spot's 压占情况 stay listed and
    outlined while its outline is the one recorded; moved, they go, and the page says so among
    the re-delivery's changes (re-import with PIECES to restore them)."""
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    x, y = spot.geometry.representative_point().coords[0]
    piece = {
        domain.PIECE_LAYER: domain.LAYER_RED_LINE,
        domain.PIECE_FEATURE: "SD-01",
        domain.PIECE_AREA: 12.5,
        "wkt": shapely.box(x - 2, y - 2, x + 3, y + 0.5).wkt,
    }
    batch = dock.session.queue[0].batch
    store = dock.session.store
    with_pieces = {**spot.attributes, domain.SPOT_PIECES: [piece]}
    store.import_batch(batch, [ledger.SpotRecord(with_pieces, spot.geometry, 0)])
    store.import_batch(batch, [ledger.SpotRecord(spot.attributes, spot.geometry, 0)])
    dock.session.refresh()
    dock._show_current()
    assert "SD-01" in dock.details.toPlainText() and len(dock.piece_bands) == 1
    assert "重新交付后的变化" not in dock.details.toPlainText()

    from shapely import affinity

    moved = affinity.translate(spot.geometry, 4.0)
    store.import_batch(batch, [ledger.SpotRecord(spot.attributes, moved, 0)])
    dock.session.refresh()
    dock._show_current()
    text = dock.details.toPlainText()
    assert "SD-01" not in text and not dock.piece_bands, text
    assert "重新交付后的变化" in text and "1 块压占图斑已删除" in text and "PIECES" in text


def test_keys_keep_working_after_a_click_on_the_details_or_the_queue(dock, ledger_path):
    """The details and queue take no focus; a click there must leave the focus in the dock's
    page, where the review keys live, not on the panel stack around it."""
    from qgis.PyQt.QtWidgets import QApplication

    assert dock.open_ledger(str(ledger_path))
    dock.stack.setFocus()  # where a click on a no-focus pane used to leave it
    for pane in (dock.details, dock.queue_view.viewport()):
        QTest.mouseClick(pane, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        focused = QApplication.focusWidget()
        assert focused is dock.home or dock.home.isAncestorOf(focused), focused
    before = dock.session.position
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert dock.session.position == before + 1


def test_after_a_page_closes_the_keys_act_on_the_review_not_the_ledger_path(
    dock, ledger_path, monkeypatch
):
    """Saved with Ctrl+Return, or left with Escape, a page on top gave the focus back to the
    ledger path field: the next N was typed into the path ("…/ledger.gpkgn"), and Enter then
    offered to create a new ledger there. The focus is on the review page: N moves on."""
    from qgis.PyQt.QtWidgets import QApplication

    assert dock.open_ledger(str(ledger_path))
    path = dock.ledger_file.filePath()
    dock.home.setFocus()  # where a click on a label or between the buttons leaves it
    spot_id = dock.session.current_id
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    panel = dock.stack.currentPanel()
    panel.kind.setCurrentIndex(1)
    panel.approval_number.setText("鲁政土字〔2021〕12号")
    panel.verifier.setText("李工")
    QTest.keyClick(panel.verifier, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dock.session.store.current_verdict(spot_id) is not None, panel.messages.text()
    assert dock.stack.currentPanel() is dock.home
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert dock.session.current_id != spot_id
    assert dock.ledger_file.filePath() == path
    # A case page and a verdict form left with Escape leave it there too.
    from qgis.PyQt.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    for key in (Qt.Key.Key_C, Qt.Key.Key_3):
        moved_from = dock.session.current_id
        if key == Qt.Key.Key_C:
            _judge_illegal(dock, dt.date(2025, 3, 3))
        QTest.keyClick(QApplication.focusWidget(), key)
        assert dock.stack.currentPanel() is not dock.home
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        assert dock.stack.currentPanel() is dock.home
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
        assert dock.session.current_id != moved_from, key
        assert dock.ledger_file.filePath() == path, key
    # The path is still the user's to click and type into.
    assert dock.ledger_file.lineEdit().focusPolicy() == Qt.FocusPolicy.ClickFocus


@pytest.fixture
def message_bar(qgis_iface, monkeypatch):
    """QGIS's own message bar in place of pytest-qgis's, which keeps a list of what was pushed
    and shows nothing: what is in view, and for how long, is the bar's."""
    from qgis.gui import QgsMessageBar

    bar = QgsMessageBar()
    monkeypatch.setattr(qgis_iface, "messageBar", lambda: bar)
    yield bar
    bar.deleteLater()


def _notices(bar, level) -> list[str]:
    """The title and text of each message in view in ``bar`` at ``level``, newest first."""
    return [f"{item.title()}:{item.text()}" for item in bar.items() if item.level() == level]


def test_a_saved_verdict_is_said_with_its_spot_and_verdict(dock, ledger_path, message_bar):
    """Saving a verdict said nothing (the form just closed): the message bar says, briefly,
    which spot was judged what."""
    from qgis.core import Qgis

    assert dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("未报即用"))
    panel.verifier.setText("李工")
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    said = _notices(message_bar, Qgis.MessageLevel.Success)
    assert len(said) == 1 and spot.number in said[0], said
    assert "违法" in said[0] and "未报即用" in said[0], said
    assert message_bar.currentItem().duration() > 0  # it goes by itself
    # A refused save says no success.
    panel = dock.open_verdict_form(ls.VERDICT_OTHER)
    panel.accept()
    assert panel.messages.text() and _notices(message_bar, Qgis.MessageLevel.Success) == said


def test_files_attached_are_said_in_the_message_bar(dock, ledger_path, tmp_path, message_bar):
    """Attaching files said nothing: only the new rows of the list showed it had worked (a
    review in QGIS). The message bar says how many were attached to which spot."""
    from qgis.core import Qgis

    assert dock.open_ledger(str(ledger_path))
    number = dock.session.current().number
    photos = []
    for n in range(2):  # no position: nothing to warn of
        photos.append(tmp_path / f"p{n}.jpg")
        photos[-1].write_bytes(b"\xff\xd8\xff\xe0" + bytes([n]) * 100 + b"\xff\xd9")
    photos = [str(p) for p in photos]
    assert dock.attach_files(photos) == []
    said = _notices(message_bar, Qgis.MessageLevel.Success)
    assert len(said) == 1 and number in said[0] and "2" in said[0], said


def test_a_recorded_case_step_is_said(dock, ledger_path, message_bar):
    """A case step saved said nothing (its line went below the fold of the case page; a review
    in QGIS). The message bar says which step of which case was recorded. The stage the case
    is in stays offered first where it may repeat: the step after it offered first closed a
    transferred case (移交 → 结案) at a Save with nothing chosen (the day's code review), and a
    repeated step is asked about before it is recorded."""
    from qgis.core import Qgis
    from qgis.PyQt.QtCore import QDate

    from zc_enforcement_plugin.core.cases import Stage

    assert dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    panel.person.setText("李工")
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.VERIFY))
    panel.date.setDate(QDate(2025, 10, 9))
    assert panel.record_step()
    said = _notices(message_bar, Qgis.MessageLevel.Success)
    assert len(said) == 1 and panel.case_id in said[0] and "核查" in said[0], said
    assert "2025-10-09" in said[0]
    assert panel.stage.currentData() is not Stage.CLOSE


FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def test_ctrl_f_goes_to_a_spot_by_its_number_or_its_last_digits(dock, ledger_path):
    """No way to go to a spot by its number: a colleague's "check …123" meant scrolling 347
    rows, and a digit typed on the page opened a verdict form (a review in QGIS). Ctrl+F
    takes the find box; digits typed there are the number's, not the verdict keys; Enter
    goes to the spot (its whole number in full width, or its last digits when one spot ends
    so), the focus back on the page; a number not listed, or digits many end with, is said."""
    from qgis.PyQt.QtWidgets import QApplication

    assert dock.open_ledger(str(ledger_path))
    numbers = [s.number for s in dock.session.queue]
    target = dock.session.queue[7]
    dock.home.setFocus()
    QTest.keyClick(dock.home, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is dock.find_box
    QTest.keyClicks(dock.find_box, "123")
    assert dock.stack.currentPanel() is dock.home  # no verdict form opened by a digit
    assert dock.find_box.text() == "123"
    dock.find_box.setText(target.number.translate(FULL_WIDTH_DIGITS))  # an input method's
    QTest.keyClick(dock.find_box, Qt.Key.Key_Return)
    assert dock.session.current_id == target.id
    assert QApplication.focusWidget() is not dock.find_box
    last = next(n[-4:] for n in numbers if sum(m.endswith(n[-4:]) for m in numbers) == 1)
    dock.find_box.setText(last)
    assert dock.go_to_number()
    assert dock.session.current().number.endswith(last)
    dock.find_box.setText("9" * 20)
    assert not dock.go_to_number() and "9" * 20 in dock.notice.text()
    digit = max("0123456789", key=lambda d: sum(n.endswith(d) for n in numbers))
    dock.find_box.setText(digit)  # many end with it: which one cannot be told
    assert not dock.go_to_number()
    assert str(sum(n.endswith(digit) for n in numbers)) in dock.notice.text()


def test_a_spot_selected_on_the_map_is_shown_in_the_panel(dock, ledger_path, qgis_iface):
    """Clicking a spot on the map did nothing in the panel (a review in QGIS): one feature
    with a JCBH selected, in any layer, takes the panel to that spot; one not listed is said;
    two selected, or a layer without JCBH, move nothing."""
    from tests.screening_layers import memory_layer, square

    assert dock.open_ledger(str(ledger_path))
    listed = dock.session.queue
    start = dock.session.current_id
    layer = memory_layer(
        [(square(0, 0, 10), [listed[5].number]), (square(50, 0, 10), [listed[9].number])],
        f"field={domain.SPOT_NUMBER.lower()}:string",
        name="spots",
    )
    canvas = qgis_iface.mapCanvas()
    first, second = (f.id() for f in layer.getFeatures())
    layer.selectByIds([first, second])
    canvas.selectionChanged.emit(layer)
    assert dock.session.current_id == start  # two: which one is meant cannot be told
    layer.selectByIds([second])
    canvas.selectionChanged.emit(layer)
    assert dock.session.current_id == listed[9].id
    assert listed[9].number in dock.details.toPlainText().replace("\u2068", "").replace(
        "\u2069", ""
    )
    other = memory_layer(
        [(square(0, 0, 10), ["NOT-LISTED-1"])], f"field={domain.SPOT_NUMBER}:string", name="other"
    )
    other.selectByIds([next(other.getFeatures()).id()])
    canvas.selectionChanged.emit(other)
    assert dock.session.current_id == listed[9].id and "NOT-LISTED-1" in dock.notice.text()
    # A number a spreadsheet made a decimal (37030220260029.0) is the spot's, as on import;
    # an empty one names none (PyQGIS gives NULL as a QVariant: it said "No spot NULL").
    numeric = memory_layer(
        [(square(0, 0, 10), [float(listed[3].number)]), (square(50, 0, 10), [None])],
        f"field={domain.SPOT_NUMBER}:double",
        name="numeric",
    )
    filled, empty = (f.id() for f in numeric.getFeatures())
    dock.notice.setText("")
    numeric.selectByIds([empty])
    canvas.selectionChanged.emit(numeric)
    assert dock.session.current_id == listed[9].id and "NULL" not in dock.notice.text()
    numeric.selectByIds([filled])
    canvas.selectionChanged.emit(numeric)
    assert dock.session.current_id == listed[3].id
    # A batch imported elsewhere since the list was read (another QGIS, an office on the
    # shared ledger): a click on it says it is not listed, without reading the whole ledger
    # (a click on a batch not imported yet did so each time); the find box reads it again,
    # as R does, and goes to it.
    from shapely.geometry import box as shapely_box

    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(ledger_path) as elsewhere:
        record = {domain.SPOT_NUMBER: "NEW-1", domain.SPOT_AREA: 400.0}
        outline = shapely_box(x, y, x + 20, y + 20)
        elsewhere.import_batch("工具箱导入", [ledger.SpotRecord(record, outline)])
    new = memory_layer(
        [(square(0, 0, 10), ["NEW-1"])], f"field={domain.SPOT_NUMBER}:string", name="new"
    )
    new.selectByIds([next(new.getFeatures()).id()])
    read_again = []
    dock.session.refresh = lambda *a, refresh=dock.session.refresh, **k: (
        read_again.append(True) or refresh(*a, **k)
    )
    canvas.selectionChanged.emit(new)
    assert read_again == [] and "NEW-1" in dock.notice.text()
    dock.find_box.setText("NEW-1")
    assert dock.go_to_number() and read_again == [True]
    assert dock.session.current().number == "NEW-1" and "NEW-1" not in dock.notice.text()
    del dock.session.refresh
    numeric.selectByIds([filled])
    canvas.selectionChanged.emit(numeric)
    assert dock.session.current_id == listed[3].id
    # No filter set: the spot is not in the ledger (it said to clear filters, none being set);
    # with one set, the filters are named; a filter changed takes the notice away.
    canvas.selectionChanged.emit(other)
    said = dock.notice.text()
    assert "NOT-LISTED-1" in said and "not imported" in said and "filters" not in said, said
    box = dock.filter_boxes["status"]
    box.setCurrentIndex(box.findData(ls.STATUS_UNVERIFIED))
    assert dock.session.filter.narrows and dock.notice.text() == ""
    canvas.selectionChanged.emit(other)
    assert "clear the filters" in dock.notice.text()
    box.setCurrentIndex(0)
    # Hidden, the panel follows nothing.
    dock.hide()
    layer.selectByIds([first])
    canvas.selectionChanged.emit(layer)
    assert dock.session.current_id == listed[3].id


def test_ctrl_f_and_ctrl_c_act_in_the_panel_though_qgis_has_them_too(dock, ledger_path):
    """QGIS's window has Ctrl+F (Layer › Filter) and Ctrl+C (Copy Features): a shortcut of the
    panel's for the same key made both ambiguous, and neither acted (the day's code review).
    In a main window holding such actions, with the focus in the panel: Ctrl+F takes the find
    box, Ctrl+C copies the page's selection, neither action fires; with nothing selected on
    the page, Ctrl+C is QGIS's."""
    from qgis.PyQt.QtGui import QTextCursor
    from qgis.PyQt.QtWidgets import QAction, QApplication, QMainWindow

    window = QMainWindow()
    fired = []
    for key, name in (
        (QKeySequence.StandardKey.Find, "filter"),
        (QKeySequence.StandardKey.Copy, "copy"),
    ):
        action = QAction(name, window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False, n=name: fired.append(n))
        window.addAction(action)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(1000, 900)
    window.show()
    QApplication.setActiveWindow(window)
    try:
        assert dock.open_ledger(str(ledger_path))
        dock.home.setFocus()
        QTest.keyClick(dock.home, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is dock.find_box and fired == []
        # From a filter's list too, which keeps the key press (it searches its entries).
        box = dock.filter_boxes["status"]
        box.setFocus()
        QTest.keyClick(box, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is dock.find_box and fired == []
        # And from its open list, a window of its own (the real-QGIS check of 2026-11-29):
        # the list closes, the find box takes the digits typed next.
        box.showPopup()
        assert box.view().isVisible()
        QTest.keyClick(box.view(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert not box.view().isVisible()
        assert QApplication.focusWidget() is dock.find_box and fired == []
        dock.home.setFocus()
        QTest.keyClick(dock.home, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert fired == ["copy"]  # nothing selected on the page: QGIS's copy
        cursor = dock.details.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfLine, QTextCursor.MoveMode.KeepAnchor)
        dock.details.setTextCursor(cursor)
        QApplication.clipboard().setText("before")
        QTest.keyClick(dock.home, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert fired == ["copy"] and QApplication.clipboard().text() != "before"
    finally:
        window.removeDockWidget(dock)
        dock.setParent(None)
        window.deleteLater()


def test_the_photo_layer_leaves_the_users_active_layer_active(
    dock, ledger_path, tmp_path, qgis_iface
):
    """QGIS makes a layer added the active one: the panel's photo layer took it on opening a
    ledger, and Layer › Filter and Copy Features then acted on the photos (a review in QGIS).
    The layer the user had chosen stays active."""
    from tests.screening_layers import memory_layer, square

    chosen = memory_layer([(square(0, 0, 10), ["S"])], "field=JCBH:string", name="chosen")
    project = QgsProject.instance()
    project.addMapLayer(chosen)

    def as_qgis_does(layers):  # pytest-qgis's window makes no layer added active
        qgis_iface.setActiveLayer(layers[-1])

    project.layersAdded.connect(as_qgis_does)
    try:
        qgis_iface.setActiveLayer(chosen)
        assert dock.open_ledger(str(ledger_path))
        assert dock.attach_files([_gps_photo(tmp_path / "site.jpg")]) == []
        assert _panel_layers(), "the photo layer was added"
        assert qgis_iface.activeLayer() is chosen
    finally:
        project.layersAdded.disconnect(as_qgis_does)
        project.removeMapLayer(chosen.id())


def test_with_no_layer_active_the_photo_layer_does_not_become_active(
    dock, ledger_path, tmp_path, qgis_iface, monkeypatch
):
    """With no layer active (a project just opened), QGIS made the photo layer active on
    opening a ledger, and Ctrl+F then filtered the photos (the real-QGIS check of
    2026-11-29): no layer is active after, as before. A layer tree as QGIS's window has one,
    its current layer the active one."""
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView

    project = QgsProject.instance()
    tree = QgsLayerTreeView()
    tree.setModel(QgsLayerTreeModel(project.layerTreeRoot(), tree))  # the view owns it
    monkeypatch.setattr(qgis_iface, "layerTreeView", lambda: tree, raising=False)
    monkeypatch.setattr(qgis_iface, "activeLayer", tree.currentLayer)

    def as_qgis_does(group, first, last):  # the layer added to the tree made current
        tree.setCurrentLayer(group.children()[last].layer())

    root = project.layerTreeRoot()
    root.addedChildren.connect(as_qgis_does)
    try:
        assert tree.currentLayer() is None
        assert dock.open_ledger(str(ledger_path))
        assert dock.attach_files([_gps_photo(tmp_path / "site.jpg")]) == []
        assert _panel_layers(), "the photo layer was added"
        assert tree.currentLayer() is None
    finally:
        root.addedChildren.disconnect(as_qgis_does)


def test_ctrl_c_copies_what_is_selected_on_the_spot_page(dock, ledger_path):
    """The page takes no focus (the arrows move between spots), so Ctrl+C after selecting the
    spot's number on it copied nothing (a review in QGIS). It copies the selection, without
    the direction isolates the page holds its values in."""
    from qgis.PyQt.QtGui import QTextCursor
    from qgis.PyQt.QtWidgets import QApplication

    assert dock.open_ledger(str(ledger_path))
    number = dock.session.current().number
    QApplication.clipboard().setText("before")
    cursor = dock.details.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfLine, QTextCursor.MoveMode.KeepAnchor)
    dock.details.setTextCursor(cursor)
    dock.home.setFocus()
    QTest.keyClick(dock.home, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QApplication.clipboard().text()
    assert copied.startswith(number) and "\u2068" not in copied, repr(copied)
    assert dock.stack.currentPanel() is dock.home  # not the C key's case page


def test_switching_the_verdict_back_brings_back_the_kind_chosen(dock, ledger_path):
    """违法 → 其他 → 违法 on the form left its kind at （请选择）, the 占用基本农田 chosen lost (a
    review in QGIS). Each category's kind chosen comes back with it while the form is open."""
    assert dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(panel.kind.findData("占用基本农田"))
    panel.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(ls.VERDICT_OTHER))
    assert panel.kind.currentData() is None  # 其他's kind: not chosen yet
    panel.kind.setCurrentIndex(panel.kind.findData("设施农用地"))
    panel.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(ls.VERDICT_ILLEGAL))
    assert panel.kind.currentData() == "占用基本农田"
    panel.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(ls.VERDICT_OTHER))
    assert panel.kind.currentData() == "设施农用地"
    dock.stack.acceptAllPanels()


def test_saved_verdicts_leave_one_notice_naming_the_last_spot(dock, ledger_path, message_bar):
    """19 saves in 25 s left ~50 s of notices in the message bar, each naming a spot judged
    long before: the bar says the last save only."""
    from qgis.core import Qgis

    assert dock.open_ledger(str(ledger_path))
    judged = []
    for _ in range(3):
        judged.append(dock.session.current().number)
        panel = dock.open_verdict_form(ls.VERDICT_OTHER)
        panel.kind.setCurrentIndex(1)
        panel.verifier.setText("李工")
        panel.accept()
        assert dock.stack.currentPanel() is dock.home, panel.messages.text()
        dock.go_next_unverified()
    assert len(set(judged)) == 3, judged
    said = _notices(message_bar, Qgis.MessageLevel.Success)
    assert len(said) == 1 and judged[-1] in said[0], said
    # A message of another kind (a warning) is the user's to close: it stays.
    message_bar.pushWarning("other", "kept")
    panel = dock.open_verdict_form(ls.VERDICT_OTHER)
    panel.kind.setCurrentIndex(1)
    panel.verifier.setText("李工")
    panel.accept()
    assert len(_notices(message_bar, Qgis.MessageLevel.Success)) == 1
    assert _notices(message_bar, Qgis.MessageLevel.Warning) == ["other:kept"]


def _tab_from(widget, steps: int) -> list:
    """The widgets the focus goes through as Tab is pressed ``steps`` times from ``widget``."""
    from qgis.PyQt.QtWidgets import QApplication

    widget.setFocus()
    seen = []
    for _ in range(steps):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_leaves_the_remarks_for_the_next_field_and_types_no_tab(dock, ledger_path):
    """Tab in the remarks of the verdict form and the case page typed a tab into the note,
    saved with it, and the focus never left: it goes on to the verifier, the date and Save."""
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    assert dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 3, 3))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(1)
    panel.verifier.setText("李工")
    QTest.keyClicks(panel.note, "demolished")  # QTest types Latin-1 alone
    save = panel.buttons.button(QDialogButtonBox.StandardButton.Save)
    seen = _tab_from(panel.note, 3)
    assert seen == [panel.verifier, panel.verified_on, save], seen
    assert panel.note.toPlainText() == "demolished"
    save.click()
    assert dock.session.store.current_verdict(dock.session.current_id).note == "demolished"

    page = dock.open_case_panel()
    QTest.keyClicks(page.note, "party away")
    save = page.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert _tab_from(page.note, 1) == [save]
    assert page.note.toPlainText() == "party away"
    page.acceptPanel()


def _shift_tab_from(widget) -> object:
    """The widget the focus goes to as Shift+Tab is pressed once in ``widget``."""
    from qgis.PyQt.QtWidgets import QApplication

    widget.setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    return QApplication.focusWidget()


def test_tab_leaves_a_date_field_at_once_and_its_sections_stay_reachable(dock, ledger_path):
    """Tab stopped in a date field three times (its year, month and day) before the next field,
    unlike every other field of the forms: Tab and Shift+Tab leave it at once, in the verdict
    form and on the case page; its sections are reached by typing, "-" and the arrow keys."""
    from qgis.PyQt.QtWidgets import QApplication, QDateTimeEdit, QDialogButtonBox

    assert dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 3, 3))
    panel = dock.open_verdict_form(ls.VERDICT_LEGAL)
    assert _tab_from(panel.approval_date, 1) == [panel.approved_area]
    assert _shift_tab_from(panel.approved_area) is panel.approval_date
    assert _shift_tab_from(panel.approval_date) is panel.approval_number
    save = panel.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert _tab_from(panel.verified_on, 1) == [save]
    assert _shift_tab_from(panel.verified_on) is panel.verifier

    # Within the field: entered by Tab at its year, typed through, "-" to the next section,
    # and Ctrl+arrows between the sections, as before.
    date = panel.verified_on
    assert _tab_from(panel.verifier, 1) == [date]
    assert date.currentSection() == QDateTimeEdit.Section.YearSection
    QTest.keyClicks(date, "2025")  # a whole year goes on to the month
    assert date.currentSection() == QDateTimeEdit.Section.MonthSection
    QTest.keyClicks(date, "3-")  # a month of one digit, "-" to the day
    assert date.currentSection() == QDateTimeEdit.Section.DaySection
    QTest.keyClicks(date, "4")
    assert date.date() == QDate(2025, 3, 4), date.text()
    QTest.keyClick(date, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert date.currentSection() == QDateTimeEdit.Section.MonthSection
    QTest.keyClick(date, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert date.currentSection() == QDateTimeEdit.Section.DaySection
    assert QApplication.focusWidget() is date  # the arrows moved within it, not out of it
    panel.acceptPanel()

    page = dock.open_case_panel()
    assert _tab_from(page.date, 1) == [page.person]
    assert _shift_tab_from(page.date) is page.stage
    page.acceptPanel()


def _a_case_at_the_criminal_scale(store) -> int:
    """A spot judged illegal on 6 亩 of basic farmland (over the 5 亩 line), its case opened."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT

    x, y = 39_580_000.0, 4_050_000.0
    spot = ledger.SpotRecord({"JCBH": "T1", domain.SPOT_AREA: 12000.0}, box(x, y, x + 110, y + 110))
    store.import_batch("b", [spot])
    spot_id = store.spots()[0].id
    store.record_verdict(
        spot_id,
        ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind="占用基本农田",
            verifier="李工",
            verified_on=dt.date(2025, 3, 3),
            areas={domain.CULTIVATED_AREA: 4000.0, domain.BASIC_FARMLAND_AREA: 4000.0},
        ),
    )
    return store.open_case(ORIGIN_SPOT, spot_id=spot_id)


def test_the_referral_banner_goes_once_the_case_is_transferred(qgis_iface, tmp_path):
    """At the criminal scale the case page says in red to transfer it; after 移交 it does not
    (a banner that never goes away is soon not read)."""

    from zc_enforcement_plugin.core.cases import CaseEvent, Stage
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        case_id = _a_case_at_the_criminal_scale(store)
        calendar = WorkCalendar(None, strict=False)
        panel = CasePanel(store, case_id, calendar)
        assert "须移送公安" in panel.summary.toPlainText()
        for stage, day in ((Stage.VERIFY, 4), (Stage.FILE, 5), (Stage.TRANSFER, 6)):
            store.add_case_event(case_id, CaseEvent(case_id, stage, dt.date(2025, 3, day), "李工"))
        panel.refresh()
        assert "须移送公安" not in panel.summary.toPlainText()
    finally:
        store.close()


def test_the_referral_banner_gives_the_ledgers_serious_case_report_period(qgis_iface, tmp_path):
    """The banner states the period the ledger's deadline rules give (a bureau may set its own
    with zcenforcement:ledgersettings), not the default typed into the text."""

    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        case_id = _a_case_at_the_criminal_scale(store)
        calendar = WorkCalendar(None, strict=False)
        text = CasePanel(store, case_id, calendar).summary.toPlainText()
        assert "须移送公安并在 3 个工作日内报告" in text, text
        store.set_setting(
            ls.SETTING_DEADLINE_RULES,
            {"serious_case_report": {"amount": 5, "unit": "calendar_days"}},
        )
        text = CasePanel(store, case_id, calendar).summary.toPlainText()
        assert "须移送公安并在 5 日内报告" in text and "within 5 calendar days" in text, text
        assert "3 个工作日" not in text and "3 working days" not in text, text
    finally:
        store.close()


def test_the_verdict_form_starts_from_the_first_approval_screening_hit(qgis_iface, tmp_path):
    """The approval number is the first of the approval hits (found by their field, split at
    the hits separator), not of whichever overlay layer happens to be listed last."""
    from shapely.geometry import box

    from zc_enforcement_plugin.ui.verdict_panel import VerdictPanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        x, y = 39_580_000.0, 4_050_000.0
        hits = domain.HITS_SEPARATOR.join(["鲁政土字〔2021〕1号", "鲁政土字〔2021〕2号"])
        attributes = {"JCBH": "T1", domain.APPROVAL_HITS: hits, domain.RED_LINE_HITS: "HX-1"}
        store.import_batch("b", [ledger.SpotRecord(attributes, box(x, y, x + 50, y + 50))])
        spot = store.spot(store.spots()[0].id)
        form = VerdictPanel(spot, ls.VERDICT_LEGAL, lambda verdict: None)
        assert form.approval_number.text() == "鲁政土字〔2021〕1号"
    finally:
        store.close()


def test_the_verdict_form_says_why_the_areas_of_a_spot_of_no_known_area_go_unchecked(
    qgis_iface, tmp_path
):
    """A spot screened without geometry (TBMJ 0, no outline) and no JCMJ: its form says in
    words, naming the spot and the fields read, that the areas found on site are held to no
    spot area; a spot with its TBMJ says nothing of the kind."""
    from qgis.PyQt.QtWidgets import QLabel

    from zc_enforcement_plugin.ui.verdict_panel import VerdictPanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        unmeasured = {"JCBH": "T1", domain.SPOT_AREA: 0.0}
        measured = {"JCBH": "T2", domain.SPOT_AREA: 400.0}
        store.import_batch("b", [ledger.SpotRecord(a, None) for a in (unmeasured, measured)])
        forms = {
            s.number: VerdictPanel(store.spot(s.id), ls.VERDICT_ILLEGAL, lambda verdict: None)
            for s in store.spots()
        }
        note = forms["T1"].findChild(QLabel, "uncheckedAreas")
        assert note is not None
        for named in ("T1", domain.SPOT_AREA, domain.SPOT_MONITORED_AREA):
            assert named in note.text(), note.text()
        assert "核对" in note.text() or "not checked" in note.text(), note.text()
        assert forms["T2"].findChild(QLabel, "uncheckedAreas") is None
    finally:
        store.close()


def test_the_case_page_keeps_a_missed_serious_case_report_after_a_correction(qgis_iface, tmp_path):
    """6 亩 of basic farmland found on 03-03, the serious-case report due 03-06 never made,
    the figures corrected on site on 03-12 to 0.9 亩: the report is owed no more, but the case
    page still says it was missed, and the dock does not list the case as overdue for it."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import CasePanel
    from zc_enforcement_plugin.ui.review_session import ReviewSession

    path = tmp_path / "ledger.gpkg"
    store = ledger.GeoPackageLedger(path)
    try:
        x, y = 39_580_000.0, 4_050_000.0
        spot = ledger.SpotRecord(
            {"JCBH": "T1", domain.SPOT_AREA: 12000.0}, box(x, y, x + 110, y + 110)
        )
        store.import_batch("b", [spot])
        spot_id = store.spots()[0].id

        def verdict(day: int, basic_farmland: float, corrects=None) -> int:
            areas = {domain.CULTIVATED_AREA: 4000.0, domain.BASIC_FARMLAND_AREA: basic_farmland}
            return store.record_verdict(
                spot_id,
                ledger.Verdict(
                    category=ls.VERDICT_ILLEGAL,
                    kind="占用基本农田",
                    verifier="李工",
                    verified_on=dt.date(2025, 3, day),
                    areas=areas,
                    corrects=corrects,
                ),
            )

        first = verdict(3, 4000.0)
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
        verdict(12, 600.0, corrects=first)
        calendar = WorkCalendar(None, strict=False)
        text = CasePanel(store, case_id, calendar).summary.toPlainText()
        (line,) = [line for line in text.splitlines() if "重大案件报告" in line]
        assert "逾期未报" in line and "2025-03-12" in line
        assert "2025-03-06" in line
    finally:
        store.close()
    session = ReviewSession()
    session.open(str(path))
    try:
        today = dt.date(2025, 3, 13)  # the brigade report and filing (due 03-05, 03-06) too
        overdue = session.overdue_cases(today)
        assert [r.case_id for r in overdue] == [case_id]
        for stage in (Stage.VERIFY, Stage.FILE):
            session.store.add_case_event(case_id, CaseEvent(case_id, stage, today, "李工"))
        assert session.overdue_cases(today) == []  # the missed report alone is owed no more
    finally:
        session.close()


def test_the_case_page_names_the_steps_without_audio_video_or_photo_evidence(qgis_iface, tmp_path):
    """Every delivery, interview, site survey and supervision needs audio, video and photo
    evidence (the 2022 work plan, DOMAIN §1): with a photo of the spot taken on its day the
    site survey still lacks video and audio, and is named with them; a video and a recording
    of that day clear it. The stop order delivered the next day with nothing lacks all three."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        x, y = 39_580_000.0, 4_050_000.0
        store.import_batch("b", [ledger.SpotRecord({"JCBH": "E1"}, box(x, y, x + 20, y + 20))])
        spot_id = store.spots()[0].id
        store.record_verdict(
            spot_id,
            ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", dt.date(2025, 3, 3)),
        )
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
        photo = ledger.EvidenceRecord(
            ls.EVIDENCE_PHOTO, "E1/a.jpg", "0" * 64, 1, taken_at="2025-03-04T09:30:00"
        )
        store.add_evidence(spot_id, photo)
        store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, dt.date(2025, 3, 4), "李工"))
        store.add_case_event(
            case_id,
            CaseEvent(
                case_id,
                Stage.STOP,
                dt.date(2025, 3, 5),
                "李工",
                documents=["责令停止违法行为通知书"],
            ),
        )

        def steps_named() -> dict[str, str]:
            """What the page says each step lacks, by '<date> <stage>'."""
            panel = CasePanel(store, case_id, WorkCalendar(None, strict=False))
            text = panel.summary.toPlainText()
            (gaps,) = [line for line in text.splitlines() if "evidence" in line or "证据" in line]
            steps = re.split(r"[:：] ?", gaps, maxsplit=1)[1].split("；")
            assert all(" 缺" in step for step in steps), gaps  # each says what it lacks
            return dict(step.rsplit(" 缺", 1) for step in steps)

        lacking = steps_named()
        assert set(lacking) == {"2025-03-04 核查", "2025-03-05 制止"}, lacking
        assert set(lacking["2025-03-04 核查"].split("、")) == {"视频", "录音"}  # it has a photo
        assert set(lacking["2025-03-05 制止"].split("、")) == {"照片", "视频", "录音"}
        for n, kind in enumerate((ls.EVIDENCE_VIDEO, ls.EVIDENCE_AUDIO), start=1):
            store.add_evidence(
                spot_id,
                ledger.EvidenceRecord(
                    kind, f"E1/{kind}", str(n) * 64, 1, taken_at="2025-03-04T09:40:00"
                ),
            )
        assert set(steps_named()) == {"2025-03-05 制止"}  # the survey has all three now
    finally:
        store.close()


def test_a_patrol_case_is_not_checked_against_spot_evidence(qgis_iface, tmp_path):
    """A case from a patrol has no spot whose photos could cover its steps (the case page
    cannot link the patrol's evidence yet): it is not listed as lacking evidence, and the page
    says its evidence is not checked there (it said nothing: the review of 2026-11-29)."""
    from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, CaseEvent, Stage
    from zc_enforcement_plugin.core.patrols import PatrolRecord
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        store.add_patrol(PatrolRecord("XC-1", "南郊自然资源所", dt.date(2025, 3, 3), ["赵六"]))
        case_id = store.open_case(ORIGIN_PATROL, patrol_id="XC-1")
        store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, dt.date(2025, 3, 4), "赵六"))
        text = CasePanel(store, case_id, WorkCalendar(None, strict=False)).summary.toPlainText()
        assert "lacking" not in text and "缺照片" not in text, text
        assert "cannot be attached or checked on this page" in text, text
    finally:
        store.close()


def test_the_verdict_form_starts_from_the_areas_last_found_on_site(dock, ledger_path):
    """Saved again to change a remark, the verdict form must not put screening's figures back:
    it starts from the current verdict's site areas, so the spot's case keeps its figures and
    gets no new measurement."""
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(panel.kind.findData("未报即用"))
    # a site measurement unlike screening's: 1 m² moved from the largest land class to
    # another, so the classes still add up to the spot's area
    site = {name: spin.value() for name, spin in panel.areas.items()}
    classes = (
        domain.CULTIVATED_AREA,
        domain.AGRICULTURAL_AREA,
        domain.CONSTRUCTION_AREA,
        domain.UNUSED_AREA,
    )
    largest = max(classes, key=site.get)
    site[largest] -= 1.0
    site[next(c for c in classes if c != largest)] += 1.0
    site[domain.BASIC_FARMLAND_AREA] = min(
        site[domain.BASIC_FARMLAND_AREA], site[domain.CULTIVATED_AREA]
    )
    for name, value in site.items():
        panel.areas[name].setValue(value)
    panel.accept()
    assert not panel.messages.text(), panel.messages.text()
    case_id = dock.session.open_case_for_current()
    events = len(dock.session.store.case(case_id).events)
    again = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    assert {name: spin.value() for name, spin in again.areas.items()} == pytest.approx(site)
    again.verifier.setText("李工")
    again.kind.setCurrentIndex(again.kind.findData("未报即用"))
    again.note.setPlainText("补充备注")
    again.accept()
    assert not again.messages.text(), again.messages.text()
    assert len(dock.session.store.case(case_id).events) == events  # figures unchanged


def test_a_case_is_opened_from_a_patrol_finding_and_found_again(dock, ledger_path):
    """An act found on patrol has no spot to press C on: the dock's 巡查案件 menu opens its case
    from the patrol record, with the areas measured on site (6 亩 of basic farmland: the
    criminal scale), shows the case page, and lists the case to come back to it."""
    from qgis.PyQt.QtWidgets import QMenu

    from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, Stage
    from zc_enforcement_plugin.core.patrols import PatrolRecord
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    dock.open_ledger(str(ledger_path))
    store = dock.session.store
    office = sorted(store.known_offices())[0]
    store.add_patrol(PatrolRecord("XC-1", office, dt.date(2025, 3, 3), ["赵六"], findings="旧"))
    store.add_patrol(
        PatrolRecord("XC-2", office, dt.date(2025, 3, 5), ["钱七", "孙八"], findings="村西新建厂房")
    )
    menu = QMenu()
    dock._fill_patrol_cases_menu(menu)
    assert "还没有" in menu.actions()[-1].text() or "No case" in menu.actions()[-1].text()

    form = dock.open_patrol_case_form()
    assert form.patrol.currentData() == "XC-2"  # the newest patrol first
    assert "村西新建厂房" in form.patrol.currentText()
    form.areas[domain.CULTIVATED_AREA].setValue(4000.0)
    form.areas[domain.BASIC_FARMLAND_AREA].setValue(4000.0)

    def referral(text: str) -> bool:  # in whichever language the test's QGIS speaks
        return "移送" in text or "criminal" in text

    assert "6.00" in form.mu.text() and referral(form.mu.text())
    form.areas[domain.BASIC_FARMLAND_AREA].setValue(3326.67)  # 4.99 亩
    assert "4.99" in form.mu.text() and not referral(form.mu.text())
    form.areas[domain.BASIC_FARMLAND_AREA].setValue(4000.0)
    case_id = form.open_case()

    (record,) = store.cases(ledger.CaseFilter(origin=ORIGIN_PATROL))
    assert (record.case_id, record.patrol_id, record.office) == (case_id, "XC-2", office)
    case = record.case
    assert case.stage is Stage.DISCOVER and case.criminal_scale
    assert case.events[0].person == "钱七" and case.events[0].date == dt.date(2025, 3, 5)
    shown = dock.stack.currentPanel()
    assert isinstance(shown, CasePanel) and shown.case_id == case_id
    assert "须移送公安" in shown.summary.toPlainText()

    shown.acceptPanel()
    dock._fill_patrol_cases_menu(menu)
    (entry,) = [a for a in menu.actions() if case_id in a.text()]
    assert "XC-2" in entry.text()
    entry.trigger()
    assert dock.stack.currentPanel().case_id == case_id


def test_the_patrol_case_form_says_when_there_is_no_patrol(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    form = dock.open_patrol_case_form()
    assert form.patrol.count() == 0 and form.messages.text()
    assert form.open_case() is None
    assert dock.session.store.cases() == []


def test_the_patrol_case_form_keeps_unmeasured_apart_from_zero_and_refuses_a_larger_part(
    dock, ledger_path
):
    """Figures on a case's first event are kept for good: an area left empty is recorded as
    not measured (None), not as 0; basic farmland asked "of which" cannot exceed the
    cultivated land."""
    from zc_enforcement_plugin.core.patrols import PatrolRecord

    dock.open_ledger(str(ledger_path))
    store = dock.session.store
    office = sorted(store.known_offices())[0]
    store.add_patrol(PatrolRecord("XC-1", office, dt.date(2025, 3, 3), ["赵六"], findings="挖塘"))
    form = dock.open_patrol_case_form()
    assert form.area(domain.CULTIVATED_AREA) is None and form.mu.text() == ""
    form.areas[domain.CULTIVATED_AREA].setValue(0.0)
    form.areas[domain.BASIC_FARMLAND_AREA].setValue(4000.0)
    assert form.open_case() is None and form.messages.text()
    assert store.cases() == []
    form.areas[domain.CULTIVATED_AREA].setValue(form.areas[domain.CULTIVATED_AREA].minimum())
    form.areas[domain.BASIC_FARMLAND_AREA].setValue(
        form.areas[domain.BASIC_FARMLAND_AREA].minimum()
    )
    case_id = form.open_case()
    (event,) = store.case(case_id).events
    assert event.cultivated_sqm is None and event.basic_farmland_sqm is None


def test_ledger_wide_actions_stay_available_when_the_filter_lists_no_spot(dock, ledger_path):
    """Reports, export, evidence check and patrol cases work on the ledger, not on the listed
    spots: a filter that matches nothing must not lock them away (the spot buttons, yes)."""
    dock.open_ledger(str(ledger_path))
    box = dock.filter_boxes["status"]
    box.setCurrentIndex(box.findData("overdue"))  # no case yet: nothing is overdue
    assert dock.session.queue == []
    for button in (
        dock.reports_button,
        dock.export_button,
        dock.check_button,
        dock.patrol_cases_button,
    ):
        assert button.isEnabled(), button.objectName()
    assert not dock.case_button.isEnabled()


def test_the_case_page_says_a_partys_period_is_over_and_a_step_taken_within_it(qgis_iface):
    """A party's period run out is grey and says the office may act, not red 已逾期; a decision
    made within it is flagged on its line (the party may have waived it: not refused)."""
    from dataclasses import replace

    from zc_enforcement_plugin.core import cases
    from zc_enforcement_plugin.core import deadlines as dl
    from zc_enforcement_plugin.ui.case_panel import deadline_html

    period = cases.Deadline(
        "statement_hearing_request",
        "陈述申辩、听证申请期",
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 12),
        dl.OK,
        False,
        waiting=True,
        period_over=True,
    )
    line = deadline_html(period, dl.DEFAULT_RULES)
    assert "期限已满" in line and "已逾期" not in line and "#616161" in line
    early = cases.Deadline(
        "statement_hearing_request",
        "陈述申辩、听证申请期",
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 12),
        dl.OK,
        True,
        done_on=dt.date(2025, 5, 9),
        waiting=True,
        premature=True,
    )
    assert "期限届满前" in deadline_html(early, dl.DEFAULT_RULES)
    assert "期限届满前" not in deadline_html(replace(early, premature=False), dl.DEFAULT_RULES)
    # Over by a guess (no schedule for its year): it may run later, and a step after the
    # guessed end may be within it.
    guessed = deadline_html(replace(period, estimated=True, may_still_run=True), dl.DEFAULT_RULES)
    assert "可能更晚届满" in guessed and "可进行下一步" not in guessed
    maybe = replace(early, premature=False, possibly_premature=True, estimated=True)
    assert "可能仍在当事人期限内" in deadline_html(maybe, dl.DEFAULT_RULES)


@pytest.mark.parametrize("how", ["click", "key"])
def test_the_verdict_form_opens_from_its_button_and_its_key_and_stays(dock, ledger_path, how):
    """The technician's main action, as done in QGIS: a click passes `checked` to the slot,
    and a panel only Python holds is destroyed once the slot returns."""
    import gc

    from zc_enforcement_plugin.ui.verdict_panel import VerdictPanel

    dock.open_ledger(str(ledger_path))
    if how == "click":
        QTest.mouseClick(dock.verdict_buttons[1], Qt.MouseButton.LeftButton)
    else:
        dock.home.setFocus()
        QTest.keyClick(dock.home, Qt.Key.Key_2)
    gc.collect()
    from qgis.PyQt.QtWidgets import QApplication

    QApplication.processEvents()
    panel = dock.stack.currentPanel()
    assert isinstance(panel, VerdictPanel)
    assert panel.category.currentData() == ls.VERDICT_ILLEGAL


# --- daily use: what a technician does many times a day, and what goes wrong on the way -------


def test_typing_a_ledger_path_creates_nothing_until_the_user_says_so(
    dock, ledger_path, tmp_path, monkeypatch
):
    """Each keystroke used to open (and so create) a ledger at every prefix of the path."""
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    dock.open_ledger(str(ledger_path))
    folder = tmp_path / "typed"
    folder.mkdir()
    edit = dock.ledger_file.lineEdit()
    edit.clear()
    edit.setFocus()
    QApplication.processEvents()
    target = folder / "new_ledger.gpkg"
    answers = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: answers.pop(0) if answers else QMessageBox.No
    )
    dock.ledger_file.blockSignals(False)
    QTest.keyClicks(edit, str(target))
    assert list(folder.iterdir()) == []
    assert dock.session.path == ledger_path
    answers.append(QMessageBox.No)
    QTest.keyClick(edit, Qt.Key.Key_Return)  # typing ends: asked, and declined
    assert list(folder.iterdir()) == [] and dock.session.path == ledger_path
    assert dock.choose_ledger(str(target)) is False  # declined again (no answer given)
    answers.append(QMessageBox.Yes)
    assert dock.choose_ledger(str(target))
    assert target.exists() and dock.session.path == target


def test_a_half_typed_ledger_path_is_left_alone_when_the_focus_moves_on(
    dock, ledger_path, tmp_path, monkeypatch
):
    """Suspected (review): the path field acted on losing the focus, the user still typing
    (a click on a filter or elsewhere half-way). It does not: leaving the field opens, asks
    and says nothing, and keeps what was typed for the user to finish; Enter then acts."""
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    said = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: said.append(a[2]) or QMessageBox.StandardButton.No
    )
    monkeypatch.setattr(dock, "_warn", said.append)
    dock.open_ledger(str(ledger_path))
    edit = dock.ledger_file.lineEdit()
    half = str(tmp_path / "typed" / "new_led")
    for elsewhere in (dock.filter_boxes["town"], dock.home, dock.details):
        edit.setFocus(Qt.FocusReason.MouseFocusReason)
        QApplication.processEvents()
        assert edit.hasFocus()
        edit.selectAll()
        QTest.keyClicks(edit, half)
        elsewhere.setFocus(Qt.FocusReason.MouseFocusReason)
        QApplication.processEvents()
        assert not edit.hasFocus()
        assert said == [] and dock.session.path == ledger_path, elsewhere
        assert edit.text() == half  # the user's to finish
    edit.setFocus(Qt.FocusReason.MouseFocusReason)
    QTest.keyClick(edit, Qt.Key.Key_Return)  # typing ends: asked now, and declined
    assert len(said) == 1 and "new_led" in said[0] and dock.session.path == ledger_path
    assert not (tmp_path / "typed").exists()


def test_a_locked_ledger_refuses_the_save_with_a_message_and_keeps_the_form(
    dock, ledger_path, monkeypatch
):
    """Another session holding the write lock: after a short wait the form says so, keeps
    what was typed, and nothing is stored (no sqlite error dialog)."""
    import sqlite3

    from zc_enforcement_plugin.core import ledger_gpkg

    monkeypatch.setattr(ledger_gpkg, "WRITE_LOCK_WAIT_SECONDS", 0.1)
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)  # a kind is chosen, not defaulted
    other = sqlite3.connect(str(ledger_path), isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        panel.accept()
        assert "ledger.gpkg" in panel.messages.text() and "retry" in panel.messages.text()
        assert panel.verifier.text() == "李工"
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert dock.session.store.current_verdict(spot_id) is None
    panel.accept()  # the lock gone, the same form saves
    assert dock.session.store.current_verdict(spot_id).verifier == "李工"


def test_a_verdict_form_never_saves_into_a_ledger_opened_after_it(
    dock, ledger_path, tmp_path, answers
):
    import shutil

    from qgis.PyQt.QtWidgets import QMessageBox

    answers.save = QMessageBox.StandardButton.Discard  # asked about the form: let it go

    copy = tmp_path / "copy" / "ledger.gpkg"
    copy.parent.mkdir()
    shutil.copy(ledger_path, copy)
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)  # a kind is chosen, not defaulted
    assert dock.open_ledger(str(copy))
    assert dock.stack.currentPanel() is not panel  # the old ledger's form is closed
    panel.accept()  # a reference kept elsewhere: refused, not saved here
    assert panel.messages.text()
    for path in (ledger_path, copy):
        with ledger.GeoPackageLedger(path) as store:
            assert all(store.current_verdict(s.id) is None for s in store.spots())


def test_the_verdict_form_starts_from_the_whole_current_verdict(dock, ledger_path):
    """Saved again to change a remark, the new record repeats the rest: basis, approval,
    use, party, stop order and the day verified, not screening's or today's values."""
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    first = dock.open_verdict_form(ls.VERDICT_LEGAL)
    first.kind.setCurrentIndex(first.kind.count() - 1)
    kind = first.kind.currentData()
    first.approval_number.setText("淄政地字〔2024〕7号")
    first.actual_use.setText("厂房")
    first.party.setText("某公司")
    first.stop_order.setChecked(True)
    first.note.setPlainText("旧备注")
    first.verifier.setText("李工")
    from qgis.PyQt.QtCore import QDate

    first.verified_on.setDate(QDate(2025, 3, 4))
    first.accept()
    assert dock.session.store.current_verdict(spot_id).kind == kind

    again = dock.open_verdict_form(ls.VERDICT_LEGAL)
    assert (again.kind.currentData(), again.approval_number.text()) == (kind, "淄政地字〔2024〕7号")
    assert (again.actual_use.text(), again.party.text()) == ("厂房", "某公司")
    assert again.stop_order.isChecked() and again.note.toPlainText() == "旧备注"
    again.note.setPlainText("新备注")
    again.accept()
    stored = dock.session.store.current_verdict(spot_id)
    assert (stored.kind, stored.approval_number, stored.note) == (
        kind,
        "淄政地字〔2024〕7号",
        "新备注",
    )
    assert str(stored.verified_on)[:10] == "2025-03-04"
    assert stored.details[ls.DETAIL_PARTY] == "某公司"


def test_a_verdict_of_another_category_is_a_new_judgment_today_by_this_verifier(dock, ledger_path):
    """王五 correcting 张工's 违法 of 2025-03-04 to 其他 today was recorded as 王五's on
    2025-03-04 with the 违法 remark (a review in QGIS): another category starts today, with
    this computer's verifier and no remark; the site's facts (party, use) carry over. Saved
    again in the same category, the date goes with the verifier who gave it."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QDate

    from zc_enforcement_plugin.ui.entries_panel import today_qdate
    from zc_enforcement_plugin.ui.verdict_panel import VERIFIER_SETTING

    first, _ = _typed_form(dock, ledger_path)  # 违法, party 某公司
    first.note.setPlainText("已现场制止，责令停止施工")
    first.verifier.setText("张工")
    first.verified_on.setDate(QDate(2025, 3, 4))
    first.accept()
    QgsSettings().setValue(VERIFIER_SETTING, "王五")  # another technician's computer

    other = dock.open_verdict_form(ls.VERDICT_OTHER)
    assert other.verified_on.date() == today_qdate() and other.verifier.text() == "王五"
    assert other.note.toPlainText() == "" and other.party.text() == "某公司"
    dock.stack.acceptAllPanels()

    same = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    assert same.verified_on.date() == QDate(2025, 3, 4) and same.verifier.text() == "张工"
    assert same.note.toPlainText() == "已现场制止，责令停止施工"
    dock.stack.acceptAllPanels()


def test_an_area_typed_in_full_width_digits_is_the_figure_it_shows(dock, ledger_path):
    """６０７．７７ from a Chinese input method left the box at 0.00 without a word, and the
    save was refused for areas not adding up (a review in QGIS)."""
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    box = panel.areas[domain.CULTIVATED_AREA]
    from qgis.PyQt.QtGui import QInputMethodEvent
    from qgis.PyQt.QtWidgets import QApplication

    box.lineEdit().selectAll()
    typed = QInputMethodEvent()  # as an input method commits it (QTest types ASCII alone)
    typed.setCommitString("６０７．７７")
    QApplication.sendEvent(box.lineEdit(), typed)
    box.interpretText()
    assert box.value() == pytest.approx(607.77)
    dock.stack.acceptAllPanels()


def test_a_case_step_dated_in_the_future_is_refused(tmp_path):
    from shapely.geometry import box

    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage

    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        x, y = 39_580_000.0, 4_050_000.0
        store.import_batch("b", [ledger.SpotRecord({"JCBH": "F1"}, box(x, y, x + 20, y + 20))])
        spot_id = store.spots()[0].id
        store.record_verdict(
            spot_id, ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", dt.date(2025, 3, 3))
        )
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
        ahead = clock.today() + dt.timedelta(days=1)
        with pytest.raises(ledger.CaseError, match="future"):
            store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, ahead, "李工"))
        assert len(store.case(case_id).events) == 1
        store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, clock.today(), "李工"))


def test_a_spot_with_unreadable_figures_is_shown_as_delivered(dock, tmp_path):
    """GDMJ "" and TBMJ "2,500.00" as a delivery had them: the spot is shown (its own number,
    the texts as they are), never the previous spot's details under the new one's number."""
    from shapely.geometry import box

    path = tmp_path / "ledger.gpkg"
    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord({"JCBH": "A1", "TBMJ": 400.0}, box(x, y, x + 20, y + 20)),
                ledger.SpotRecord(
                    {"JCBH": "A2", "TBMJ": "2,500.00", "GDMJ": ""}, box(x, y, x + 50, y + 50)
                ),
            ],
        )
    dock.open_ledger(str(path))
    assert "A1" in dock.details.toPlainText()
    QTest.keyClick(dock.home, Qt.Key.Key_Right)
    text = dock.details.toPlainText()
    assert "A2" in text and "A1" not in text and "2,500.00" in text


def test_zoom_on_a_spot_without_geometry_says_why_and_the_keys_stay_on_the_review(
    dock, tmp_path, qgis_iface
):
    """Z on a spot delivered without an outline did nothing and said nothing. It says why; Z
    on a spot with one zooms, and the review keys go on acting (the focus stays on the page)."""
    from qgis.PyQt.QtWidgets import QApplication
    from shapely.geometry import box

    path = tmp_path / "ledger.gpkg"
    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord({"JCBH": "A1", "TBMJ": 400.0}, box(x, y, x + 20, y + 20)),
                ledger.SpotRecord({"JCBH": "A2", "TBMJ": 900.0}, None),
            ],
        )
    assert dock.open_ledger(str(path))
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(LEDGER_CRS)  # the extent compared in the spots' own CRS
    by_number = {row.number: row.id for row in dock.session.queue}
    dock.session.go_to(by_number["A2"])
    dock._show_current()
    before = canvas.extent()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z)
    assert dock.notice.text() == tr("The spot has no geometry to zoom to")
    assert canvas.extent() == before
    dock.session.go_to(by_number["A1"])
    dock._show_current()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z)
    assert dock.notice.text() == ""
    assert canvas.extent().contains(QgsRectangle(x, y, x + 20, y + 20)), canvas.extent()
    focused = QApplication.focusWidget()
    assert focused is dock.home or dock.home.isAncestorOf(focused), focused
    QTest.keyClick(focused, Qt.Key.Key_Right)
    assert dock.session.current_id == by_number["A2"]


def test_a_spot_without_an_outline_shows_its_figures_as_not_measured(dock, tmp_path):
    """Screening gives a spot delivered without geometry 0 m² everywhere; its page showed
    图斑 0.00 m² beside "图斑几何为空", a figure read as measured. Its figures read as not
    measured; a spot with an outline keeps its figures."""
    from shapely.geometry import box

    x, y = 39_580_000.0, 4_050_000.0
    geoms = np.array([box(x, y, x + 20, y + 30), None], dtype=object)
    result = screening.screen_spots(geoms, ["A1", "A2"], {}, domain.EPSG_GK3_ZONE39_PREFIXED)
    records = []
    for row, number in enumerate(["A1", "A2"]):
        attributes = {name: values[row] for name, values in result.fields.items()}
        attributes = {k: (v.item() if hasattr(v, "item") else v) for k, v in attributes.items()}
        records.append(ledger.SpotRecord({"JCBH": number, **attributes}, geoms[row], row))
    assert records[1].attributes[domain.SPOT_AREA] == 0  # what screening gives it
    path = tmp_path / "ledger.gpkg"
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch("b", records)
    assert dock.open_ledger(str(path))
    by_number = {row.number: row.id for row in dock.session.queue}
    dock.session.go_to(by_number["A2"])
    dock._show_current()
    text = dock.details.toPlainText()
    assert "图斑几何为空" in text
    assert "无图形，未量算" in text and "0.00" not in text, text
    # The list too: — where nothing was measured, the figure in 亩 where it was.
    model = dock.queue_model
    area = model.COLUMNS.index("area")
    shown = {
        model.rows[r].number: model.data(model.index(r, area)) for r in range(model.rowCount())
    }
    assert shown["A2"] == "—" and shown["A1"] not in ("—", "0.00"), shown
    dock.session.go_to(by_number["A1"])
    dock._show_current()
    text = dock.details.toPlainText()
    assert "未量算" not in text, text
    assert f"{records[0].attributes[domain.SPOT_AREA]:,.2f} m²" in text, text


def test_filters_follow_the_ledger_they_are_shown_for(dock, ledger_path, tmp_path):
    """A batch filter of one ledger, on another whose batches are named otherwise, must not
    stay applied under a box that reads "all batches"."""
    from shapely.geometry import box as square

    dock.open_ledger(str(ledger_path))
    batch = dock.filter_boxes["batch"]
    batch.setCurrentIndex(1)
    assert dock.session.filter.batch
    other = tmp_path / "other.gpkg"
    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(other) as store:
        store.import_batch(
            "另一批", [ledger.SpotRecord({"JCBH": "B1"}, square(x, y, x + 9, y + 9))]
        )
    dock.open_ledger(str(other))
    assert batch.currentData() == "" and dock.session.filter.batch in ("", None)
    assert [s.number for s in dock.session.queue] == ["B1"]


def test_judging_in_the_unverified_list_moves_on_to_the_next_spot(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    status = dock.filter_boxes["status"]
    status.setCurrentIndex(status.findData(ls.STATUS_UNVERIFIED))
    row = 5
    dock.session.position = row
    following = dock.session.queue[row + 1].id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)  # a kind is chosen, not defaulted
    panel.accept()
    assert dock.session.position == row and dock.session.current_id == following


def test_a_photo_with_damaged_exif_is_attached_without_its_metadata(dock, ledger_path, tmp_path):
    """An EXIF pointer of the wrong type (text where an offset belongs) raised a TypeError and
    lost the whole drop; the photo is evidence all the same, and the others in the drop too."""

    from zc_enforcement_plugin.core import capture_metadata

    # TIFF, little-endian: one IFD entry, the EXIF pointer tag (0x8769) typed ASCII "abc".
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
    tiff += struct.pack("<HHI", 0x8769, 2, 4) + b"abc\x00" + struct.pack("<I", 0)
    segment = b"Exif\x00\x00" + tiff
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(
        b"\xff\xd8\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + b"\xff\xd9"
    )
    assert capture_metadata.read_photo_exif(damaged) == capture_metadata.CaptureInfo()
    good = tmp_path / "good.jpg"
    good.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 100 + b"\xff\xd9")
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(damaged), str(good)]) == []
    assert len(dock.session.store.evidence(dock.session.current_id)) == 2


def test_a_file_not_recorded_is_not_left_in_the_evidence_folder(
    dock, ledger_path, tmp_path, monkeypatch
):
    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"1" * 100 + b"\xff\xd9")

    def refuse(*_args, **_kwargs):
        raise ledger.LedgerError("台帐只读 / read-only")

    monkeypatch.setattr(dock.session.store, "add_evidence", refuse)
    folder = dock.session.store.evidence_dir
    before = sorted(folder.rglob("*")) if folder.exists() else []
    assert dock.attach_files([str(photo)])  # refused, said
    assert not [p for p in folder.rglob("*") if p.is_file()]
    # nor the spot's folder made for it, empty (found left by a review)
    assert (sorted(folder.rglob("*")) if folder.exists() else []) == before


def test_a_read_only_ledger_is_said_when_opened_not_at_the_first_save(
    dock, ledger_path, monkeypatch
):
    """A read-only ledger opened without a word; the first verdict typed was then refused
    (found by a review). The tests run as root, for whom every file is writable: the
    permission is asked of os.access, as for any user, and answered here."""
    import os

    from zc_enforcement_plugin.ui import verification_dock

    said = []
    monkeypatch.setattr(dock, "_warn", lambda message, kept=False: said.append(message))
    dock.open_ledger(str(ledger_path))
    assert not said
    dock.leave_ledger()
    monkeypatch.setattr(verification_dock, "cannot_save_to", lambda path: True)
    assert dock.open_ledger(str(ledger_path))
    [warned] = said
    assert str(ledger_path) in warned and "read-only" in warned
    monkeypatch.undo()
    real = os.access
    for read_only in (ledger_path, ledger_path.parent):  # the file, or its folder
        monkeypatch.setattr(
            verification_dock.os, "access", lambda path, mode, ro=read_only: path != ro
        )
        assert verification_dock.cannot_save_to(ledger_path)
        monkeypatch.setattr(verification_dock.os, "access", real)
    assert not verification_dock.cannot_save_to(ledger_path)
    assert not verification_dock.cannot_save_to("postgis://bureau/ledger")


def test_a_project_whose_ledger_fails_to_open_leaves_nothing_of_the_old_one(
    dock, ledger_path, tmp_path
):
    import shutil

    dock.open_ledger(str(ledger_path))
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(ledger_path, other / "ledger.gpkg")
    (other / "holidays.json").write_text("{broken")
    project = QgsProject.instance()
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    project.writeEntry(PROJECT_SCOPE, "ledger", str(other / "ledger.gpkg"))
    dock.restore_state()
    assert not dock.session.is_open
    assert dock.queue_model.rowCount() == 0
    assert not dock.verdict_buttons[0].isEnabled() and not dock.reports_button.isEnabled()


def test_a_move_that_cannot_be_made_says_why(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    QTest.keyClick(dock.home, Qt.Key.Key_Left)  # at the first spot
    assert dock.notice.text() and dock.session.position == 0
    QTest.mouseClick(dock.next_button, Qt.MouseButton.LeftButton)
    assert dock.notice.text() == "" and dock.session.position == 1
    dock.session.position = len(dock.session.queue) - 1
    QTest.keyClick(dock.home, Qt.Key.Key_Right)
    assert dock.notice.text()


def test_a_drop_is_refused_while_a_case_page_hides_the_spot(dock, ledger_path, tmp_path):
    """Evidence is for good: a photo dropped on a case page or form must not be filed under
    the spot left current in the hidden list."""
    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    dock.open_case_panel()
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"2" * 100 + b"\xff\xd9")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(photo))])
    drop = QDropEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dock.dropEvent(drop)
    assert dock.session.store.evidence(dock.session.current_id) == []
    assert "close this page" in dock.details.toPlainText() or "关闭" in dock.details.toPlainText()
    dock.close_panels()
    dock.dropEvent(drop)
    assert len(dock.session.store.evidence(dock.session.current_id)) == 1


def test_a_spot_with_a_figure_delivered_as_text_can_still_be_judged(dock, tmp_path):
    from shapely.geometry import box

    path = tmp_path / "ledger.gpkg"
    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord(
                    {"JCBH": "A2", "TBMJ": 2500.0, "GDMJ": "1,200.00"}, box(x, y, x + 50, y + 50)
                )
            ],
        )
    dock.open_ledger(str(path))
    QTest.keyClick(dock.home, Qt.Key.Key_2)
    panel = dock.stack.currentPanel()
    assert panel is not dock.home and "1,200.00" in panel.messages.text()
    assert panel.areas[domain.CULTIVATED_AREA].value() == 0.0


def test_a_ledger_locked_by_another_session_is_said_on_every_action(dock, ledger_path, monkeypatch):
    """Under the rollback journal an import elsewhere blocks reads too: case page, verdict
    form and filters say so in the dock instead of raising into a Python error dialog."""
    import sqlite3

    from zc_enforcement_plugin.core import ledger_gpkg

    monkeypatch.setattr(ledger_gpkg, "WRITE_LOCK_WAIT_SECONDS", 0.05)
    dock.open_ledger(str(ledger_path))
    other = sqlite3.connect(str(ledger_path), isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        for act in (
            lambda: QTest.keyClick(dock.home, Qt.Key.Key_C),
            lambda: QTest.keyClick(dock.home, Qt.Key.Key_2),
            lambda: dock.filter_boxes["status"].setCurrentIndex(1),
        ):
            dock.details.clear()
            act()
            assert "retry" in dock.details.toPlainText()
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert dock.stack.currentPanel() is dock.home


def test_a_slot_error_is_shown_and_logged_not_raised(dock, ledger_path, monkeypatch):
    """A row edited by hand into something unreadable (a details text that is not JSON)."""
    import json

    from qgis.core import QgsApplication

    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(tag))
    dock.open_ledger(str(ledger_path))

    def unreadable(_spot_id):
        return json.loads("停工")

    monkeypatch.setattr(dock.session.store, "current_verdict", unreadable)
    assert dock.open_verdict_form(ls.VERDICT_LEGAL) is None
    assert "Expecting value" in dock.details.toPlainText()
    assert "ZC Enforcement" in logged


def test_after_a_typed_ledger_opens_the_keys_act_on_the_review_not_the_path(
    dock, ledger_path, tmp_path, answers
):
    """A ledger opened by typing its path and pressing Enter left the focus in the path field:
    the next N or → was typed into the path. They move on to the next spot; a path that opens
    nothing keeps the focus, for the user to correct it."""
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    edit = dock.ledger_file.lineEdit()
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
    assert edit.hasFocus()
    QTest.keyClicks(edit, str(ledger_path))
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert dock.session.path == ledger_path
    first = dock.session.current_id
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    moved = dock.session.current_id
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert first != moved != dock.session.current_id
    assert dock.ledger_file.filePath() == str(ledger_path)
    # A new ledger the user declines to create: the focus stays in the field.
    answers.save = QMessageBox.StandardButton.No
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.setText(str(tmp_path / "new.gpkg"))
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert len(answers.asked) == 1
    assert dock.session.path == ledger_path and edit.hasFocus()


def test_enter_on_a_typed_new_path_asks_once_and_a_no_puts_the_open_ledger_back(
    dock, ledger_path, tmp_path, monkeypatch
):
    from qgis.PyQt.QtWidgets import QMessageBox

    dock.open_ledger(str(ledger_path))
    asked = []

    def question(*_args, **_kwargs):
        asked.append(1)
        dock._ledger_path_typed()  # the dialog takes the focus: the field finishes again
        return QMessageBox.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dock.ledger_file.lineEdit().setText(str(tmp_path / "new.gpkg"))
    dock._ledger_path_typed()
    assert asked == [1]
    assert dock.ledger_file.filePath() == str(ledger_path)


def test_a_refused_conflicting_save_shows_the_colleagues_verdict_beneath(dock, ledger_path):
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)  # a kind is chosen, not defaulted
    with ledger.GeoPackageLedger(ledger_path) as colleague:
        colleague.record_verdict(
            spot_id, ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "王工", dt.date(2025, 3, 3))
        )
    panel.accept()
    assert panel.messages.text()
    assert dock.session.store.current_verdict(spot_id).verifier == "王工"
    assert dock.count_label.text().startswith(("已核查 1", "Verified 1"))


def test_a_save_on_a_spot_re_delivered_meanwhile_says_what_changed(dock, ledger_path):
    """The brigade re-delivers the batch while the verdict form is open, the spot's TBMJ
    changed: the save is refused, the form says the spot was re-delivered and what changed,
    and the page beneath lists the change (the save was accepted on the old figures)."""
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)
    area = spot.spot_area + 500.0
    delivered = ledger.SpotRecord(
        {domain.SPOT_NUMBER: spot.number, domain.SPOT_AREA: area}, spot.geometry, 0
    )
    with ledger.GeoPackageLedger(ledger_path) as brigade:
        brigade.import_batch(spot.batch, [delivered])
    panel.accept()
    said = panel.messages.text()
    assert "re-delivered" in said and f"TBMJ {spot.spot_area:.2f} → {area:.2f}" in said, said
    assert dock.session.store.verdict_history(spot.id) == []
    assert f"→ {area:.2f}" in dock.details.toPlainText()


def test_an_unreadable_verdict_date_is_said_not_replaced_by_today(dock, ledger_path, monkeypatch):
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    current = ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "王工", "2025/3/4")
    monkeypatch.setattr(dock.session.store, "current_verdict", lambda _id: current)
    panel = dock.open_verdict_form(ls.VERDICT_OTHER)
    assert "2025/3/4" in panel.messages.text()
    assert spot_id == dock.session.current_id


def test_a_kind_no_longer_listed_is_said_not_dropped(dock, ledger_path, monkeypatch):
    dock.open_ledger(str(ledger_path))
    current = ledger.Verdict(ls.VERDICT_OTHER, "旧类型", "王工", "2025-03-04")
    monkeypatch.setattr(dock.session.store, "current_verdict", lambda _id: current)
    panel = dock.open_verdict_form(ls.VERDICT_OTHER)
    assert panel.kind.currentData() is None and "旧类型" in panel.messages.text()


def test_pages_closed_by_cancel_or_back_leave_a_clean_review_page(dock, ledger_path):
    """Closed by the user with nothing of theirs held in Python, a page must go through the
    stack's own closing: no back arrow or old title left above the review page, and the next
    form headed by its own spot alone."""
    import gc

    from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QLabel

    def titles() -> list[str]:
        return [
            label.text()
            for label in dock.stack.findChildren(QLabel)
            if label.isVisible() and "判定" in label.text() or "Verdict for" in label.text()
        ]

    dock.open_ledger(str(ledger_path))
    for _ in range(3):
        QTest.mouseClick(dock.verdict_buttons[1], Qt.MouseButton.LeftButton)
        gc.collect()
        QApplication.processEvents()
        form = dock.stack.currentPanel()
        cancel = form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        del form
        QTest.mouseClick(cancel, Qt.MouseButton.LeftButton)
        gc.collect()
        QApplication.processEvents()
        assert dock.stack.currentPanel() is dock.home
        assert not [t for t in titles() if t]
        QTest.keyClick(dock.home, Qt.Key.Key_Right)
    QTest.mouseClick(dock.verdict_buttons[1], Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    (title,) = [t for t in titles() if t]
    assert title.count(str(dock.session.queue[dock.session.position].number)) == 1
    assert ">" not in title


def test_a_project_copied_with_its_folder_opens_the_copys_ledger(dock, ledger_path, tmp_path):
    """The ledger's path is stored as QGIS stores its layers' (relative by default): the
    copy must not go on writing verdicts into the original folder's ledger."""
    import shutil

    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    original = ledger_path.parent / "review.qgz"
    assert project.write(str(original))
    copy = tmp_path / "moved"
    copy.mkdir()
    shutil.copy(ledger_path, copy / ledger_path.name)
    shutil.copy(original, copy / "review.qgz")
    dock.session.close()
    project.clear()
    assert project.read(str(copy / "review.qgz"))
    assert dock.session.path == copy / ledger_path.name


def test_the_evidence_photo_layer_does_not_trigger_qgis_scratch_layer_warning(dock, ledger_path):
    from zc_enforcement_plugin.ui.evidence_layer import LAYER_PROPERTY

    dock.open_ledger(str(ledger_path))
    (layer,) = [
        layer
        for layer in QgsProject.instance().mapLayers().values()
        if layer.customProperty(LAYER_PROPERTY)
    ]
    assert layer.providerType() == "memory"
    assert int(layer.customProperty("skipMemoryLayersCheck")) == 1


def test_a_users_duplicate_of_the_photo_layer_is_warned_of_as_a_scratch_layer(
    dock, ledger_path, tmp_path
):
    """Duplicate Layer copies the panel's "no scratch-layer warning" into the user's copy:
    QGIS would then close it, photos' points and all, without asking."""
    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    # Duplicate Layer as QGIS 3.22 does it: a clone added, then the original's style (custom
    # properties with it) set on it - the property comes back if taken off on adding.
    from qgis.core import QgsReadWriteContext
    from qgis.PyQt.QtWidgets import QApplication
    from qgis.PyQt.QtXml import QDomDocument

    copy = photos.clone()
    copy.setName(f"{photos.name()} copy")
    project.addMapLayer(copy, False)  # nor does QGIS hand events on before the style is set
    project.layerTreeRoot().addLayer(copy)
    style = QDomDocument()
    photos.exportNamedStyle(style, QgsReadWriteContext())
    assert copy.importNamedStyle(style)[0]
    assert int(copy.customProperty("skipMemoryLayersCheck")) == 1
    QApplication.processEvents()  # Duplicate Layer is done
    assert copy.featureCount() == 1 and copy.customProperty("skipMemoryLayersCheck") is None
    assert int(photos.customProperty("skipMemoryLayersCheck")) == 1


def _project_xml(project_file) -> str:
    """The project document as QGIS wrote it, from a .qgs or out of a .qgz."""
    import zipfile

    if project_file.suffix == ".qgz":
        with zipfile.ZipFile(project_file) as archive:
            (name,) = [n for n in archive.namelist() if n.endswith(".qgs")]
            return archive.read(name).decode("utf-8")
    return project_file.read_text(encoding="utf-8")


def _gps_photo(path, colour=(0, 0, 0)):
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 36.0, 0.0), 3: "E", 4: (117.0, 54.0, 0.0)}
    Image.new("RGB", (8, 8), colour).save(path, "JPEG", exif=exif)
    return path


def test_an_evidence_rows_tooltip_gives_the_whole_row(dock, ledger_path, tmp_path):
    """On a panel of usual width an evidence row is cut off at the right, its camera time and
    position hidden, and its tooltip gave the path alone: it gives the whole row."""
    assert dock.open_ledger(str(ledger_path))
    dock.resize(518, 900)
    assert dock.attach_files([_gps_photo(tmp_path / "site.jpg")]) == []
    record = dock.session.store.evidence(dock.session.current_id)[0]
    assert record.gps_lon is not None
    item = dock.evidence_list.item(0)
    tip = item.toolTip()
    assert record.path in tip and f"{record.gps_lon:.5f}" in tip and f"{record.gps_lat:.5f}" in tip
    assert item.text() in tip
    # A row marked missing says why, over the whole row.
    (dock.session.store.evidence_dir / record.path).unlink()
    dock.file_states.clear()
    dock._show_current()
    item = dock.evidence_list.item(0)
    assert item.text().startswith(tr("Missing")), item.text()
    assert f"{record.gps_lat:.5f}" in item.toolTip() and "evidence folder" in item.toolTip()


def _photo_at(path, lon: float, lat: float):
    """A JPEG whose EXIF GPS is at (lon, lat), to the second's hundredth."""
    from PIL import Image

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 2))

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    Image.new("RGB", (8, 8), (9, 9, 9)).save(path, "JPEG", exif=exif)
    return path


def test_a_photo_taken_far_from_its_spot_is_said_when_attached(dock, ledger_path, tmp_path):
    """A photo whose position lay 1 km from the spot, another spot's, was attached without a
    word and counted as this spot's evidence of its steps (the review of 2026-11-29). It is
    attached (a site may be shot from afar) and said, with the distance; one taken on the
    spot says nothing."""
    from pyproj import Transformer

    from zc_enforcement_plugin.core import evidence

    assert dock.open_ledger(str(ledger_path))
    spot = dock.session.current_page().spot
    inside = spot.geometry.representative_point()
    lon, lat = Transformer.from_crs(4527, 4326, always_xy=True).transform(inside.x, inside.y)
    assert dock.attach_files([_photo_at(tmp_path / "here.jpg", lon, lat)]) == []
    assert (
        "taken" not in dock.details.toPlainText() and "拍摄位置" not in dock.details.toPlainText()
    )
    assert dock.attach_files([_photo_at(tmp_path / "far.jpg", lon + 0.02, lat)]) == []
    text = dock.details.toPlainText()
    assert f"from spot {spot.number}" in text or f"距图斑 {spot.number}" in text, text
    assert len(dock.session.store.evidence(spot.id)) == 2  # both attached
    # 0.02° of longitude at 36.6° N is about 1,785 m; from the outline, a little less.
    metres = int(re.search(r"taken ([\d,]+) m from spot", text).group(1).replace(",", ""))
    assert evidence.FAR_FROM_SPOT_METRES < metres < 1800, metres


def test_a_video_taken_far_from_its_spot_is_said_and_dated_by_itself(dock, ledger_path, tmp_path):
    """A video's position and time were never read (dated by the copy's file time): one shot
    1 km from the spot is said as a photo is, and its day is the day it was shot."""
    from pyproj import Transformer

    from zc_enforcement_plugin.core import evidence

    assert dock.open_ledger(str(ledger_path))
    spot = dock.session.current_page().spot
    inside = spot.geometry.representative_point()
    lon, lat = Transformer.from_crs(4527, 4326, always_xy=True).transform(inside.x, inside.y)

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    shot = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.timezone.utc)  # as its clock showed it
    seconds = int((shot - dt.datetime(1904, 1, 1, tzinfo=dt.timezone.utc)).total_seconds())
    where = f"{lat:+08.4f}{lon + 0.02:+09.4f}/".encode()
    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", seconds, seconds, 1000, 0) + bytes(80))
    udta = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(where), 0) + where))
    video = tmp_path / "VID_far.mp4"
    video.write_bytes(box(b"ftyp", b"mp42" + bytes(4) + b"isom") + box(b"moov", mvhd + udta))
    assert dock.attach_files([video]) == []
    text = dock.details.toPlainText()
    assert "VID_far.mp4" in text and f"from spot {spot.number}" in text, text
    (record,) = [r for r in dock.session.store.evidence(spot.id) if r.kind == "video"]
    assert record.taken_at == "2026-11-03T10:00:00"
    assert evidence.evidence_day(record) == dt.date(2026, 11, 3)
    # The list shows the time as one reads it, and so does the map's layer.
    rows = [dock.evidence_list.item(i).text() for i in range(dock.evidence_list.count())]
    (row,) = [text for text in rows if "VID_far.mp4" in text]
    assert "2026-11-03 10:00:00" in row and "T10" not in row, row
    (layer,) = _panel_layers()
    shown = {f["path"]: f["taken_at"] for f in layer.getFeatures()}
    assert shown[record.path] == "2026-11-03 10:00:00"


def test_a_file_recorded_for_another_spot_is_said_when_attached(dock, ledger_path, tmp_path):
    """The same photo dropped on a second spot was recorded for it without a word, evidence of
    both (the review of 2026-11-29). It is recorded (one photo may show two neighbours) and
    said, naming the spot that holds it; a file of its own says nothing."""
    assert dock.open_ledger(str(ledger_path))
    photo = _photo_at(tmp_path / "site.jpg", 117.9, 36.6)
    first = dock.session.current_page().spot
    assert dock.attach_files([photo]) == []
    dock.go_next()
    second = dock.session.current_page().spot
    assert second.id != first.id
    own = _photo_at(tmp_path / "own.jpg", 117.8, 36.5)
    assert dock.attach_files([own]) == []
    assert "same file" not in dock.details.toPlainText()
    assert "也已登记" not in dock.details.toPlainText()
    assert dock.attach_files([photo]) == []
    text = dock.details.toPlainText()
    assert f"图斑 {first.number} 的证据" in text or f"evidence of spot {first.number}" in text
    assert [e.original_name for e in dock.session.store.evidence(second.id)] == [
        "own.jpg",
        "site.jpg",
    ]


def _panel_layers():
    from zc_enforcement_plugin.ui.evidence_layer import is_panel_layer

    return [layer for layer in QgsProject.instance().mapLayers().values() if is_panel_layer(layer)]


def _tree(project):
    """The layer tree as (depth, group or layer, name) rows."""
    rows = []

    def walk(node, depth):
        for child in node.children():
            group = child.nodeType() == child.NodeType.NodeGroup
            rows.append((depth, "group" if group else "layer", child.name()))
            if group:
                walk(child, depth + 1)

    walk(project.layerTreeRoot(), 0)
    return rows


def test_a_users_copy_or_permanent_photo_layer_is_the_users(dock, ledger_path, tmp_path):
    """QGIS copies the panel's mark into a duplicate and keeps it through Make Permanent:
    taken for the panel's, both were left out of the saved project, and the permanent one
    was emptied and refilled in its GeoPackage (found by a review)."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    copy = photos.clone()  # Duplicate Layer
    copy.setName("my copy")
    project.addMapLayer(copy)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    kept = str(tmp_path / "kept_photos.gpkg")
    written = QgsVectorFileWriter.writeAsVectorFormatV3(
        photos, kept, QgsCoordinateTransformContext(), options
    )
    assert written[0] == QgsVectorFileWriter.WriterError.NoError
    photos.setDataSource(kept, "my permanent photos", "ogr")  # Make Permanent
    assert _panel_layers() == []
    # The panel refreshed (a second photo): a new layer of its own; the user's stay as they are.
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps2.jpg", (255, 0, 0)))]) == []
    (panels,) = _panel_layers()
    assert panels.featureCount() == 2 and photos.featureCount() == 1
    project_file = tmp_path / "kept.qgs"
    assert project.write(str(project_file))
    plain = QgsProject()
    assert plain.read(str(project_file))
    names = sorted(layer.name() for layer in plain.mapLayers().values())
    assert names == ["my copy", "my permanent photos"]
    text = _project_xml(project_file)  # the panel's own: left out, but for <layerorder>'s id
    assert text.count(panels.id()) == 1 and f'<layer id="{panels.id()}"/>' in text


def test_a_users_group_or_layer_named_like_the_photo_layers_id_is_saved(
    dock, ledger_path, tmp_path
):
    """Only the places a project names a layer by its id are cleared: a group or a layer
    that bears that id as its name is the user's (a review lost both from the tree)."""
    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    (photos,) = _panel_layers()
    group = project.layerTreeRoot().addGroup(photos.id())
    for name in ("parcels", "owners"):
        layer = QgsVectorLayer("Point?crs=EPSG:4527", name, "memory")
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    named = QgsVectorLayer("Point?crs=EPSG:4527", photos.id(), "memory")
    project.addMapLayer(named)
    expected = [row for row in _tree(project) if row[2] != photos.name()]
    project_file = tmp_path / "named.qgs"
    assert project.write(str(project_file))
    plain = QgsProject()
    assert plain.read(str(project_file))
    assert _tree(plain) == expected


def _user_layer(name, geometry="Point"):
    return QgsVectorLayer(f"{geometry}?crs=EPSG:4527&field=k:string", name, "memory")


def _canonical(text, drop=()):
    """The project document with attributes in a fixed order, the save time left out, and
    the elements drop picks (root -> elements) taken away: two writes compared as written."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    root.attrib.pop("saveDateTime", None)
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in [e for pick in drop for e in pick(root)]:
        parents[element].remove(element)
    return ET.canonicalize(ET.tostring(root, encoding="unicode"), strip_text=True)


def test_saving_takes_only_the_photo_layer_out_of_a_users_project(dock, ledger_path, tmp_path):
    """A project of groups within groups, joins, a relation, a print layout, a map theme,
    snapping and a custom drawing order, with a group and a layer named like the photo layer's
    id: saved, it differs from what QGIS writes without the panel's hooks only by the photo
    layer's own <maplayer> and its layer tree, snapping and drawing-order entries; read back by
    a QGIS without the plugin, every layer of the user's is there, in its group and order.
    (Matching any attribute or text equal to the id, saving dropped the group, the layer named
    like the id and the join to the photo layer - found by a review.)"""
    import xml.etree.ElementTree as ET

    from qgis.core import (
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsMapThemeCollection,
        QgsPrintLayout,
        QgsRelation,
        QgsSnappingConfig,
        QgsTolerance,
        QgsVectorLayerJoinInfo,
    )

    from zc_enforcement_plugin.ui.evidence_layer import LEFT_OUT_TAG

    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    pid = photos.id()
    root = project.layerTreeRoot()
    users = []
    for g, group_name in enumerate(["parcels", pid]):  # a group named like the photo layer's id
        group = root.addGroup(group_name)
        inner = group.addGroup(f"inner {g}")
        for i in range(3):
            layer = _user_layer(f"layer {g}.{i}")
            project.addMapLayer(layer, False)
            (inner if i % 2 else group).addLayer(layer)
            users.append(layer)
    named = _user_layer(pid)  # a layer named like it
    owners = _user_layer("owners", "NoGeometry")
    for layer in (named, owners):
        project.addMapLayer(layer)
        users.append(layer)
    for target, joined in ((users[0], users[1]), (users[2], photos)):  # one joins the photos
        join = QgsVectorLayerJoinInfo()
        join.setJoinLayer(joined)
        join.setJoinFieldName("k" if joined is not photos else domain.SPOT_NUMBER)
        join.setTargetFieldName("k")
        assert target.addJoin(join)
    relation = QgsRelation()
    relation.setId("parcel_owner")
    relation.setName("parcel owner")
    relation.setReferencingLayer(users[0].id())
    relation.setReferencedLayer(owners.id())
    relation.addFieldPair("k", "k")
    assert relation.isValid()
    project.relationManager().addRelation(relation)
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(pid)
    frame = QgsLayoutItemMap(layout)
    frame.setKeepLayerSet(True)
    frame.setLayers([users[0], photos, users[4]])
    layout.addLayoutItem(frame)
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(frame)
    legend.setAutoUpdateModel(False)  # its own copy of the tree, written into the layout
    layout.addLayoutItem(legend)
    project.layoutManager().addLayout(layout)
    snapping = project.snappingConfig()
    snapping.setEnabled(True)
    snapping.setMode(QgsSnappingConfig.SnappingMode.AdvancedConfiguration)
    for layer in (users[3], photos):
        snapping.setIndividualLayerSettings(
            layer,
            QgsSnappingConfig.IndividualLayerSettings(
                True, QgsSnappingConfig.SnappingTypes.VertexFlag, 7, 0, 0, 0
            ),
        )
    snapping.setUnits(QgsTolerance.UnitType.Pixels)
    project.setSnappingConfig(snapping)
    theme = QgsMapThemeCollection.MapThemeRecord()
    theme.setLayerRecords(
        [
            QgsMapThemeCollection.MapThemeLayerRecord(users[0]),
            QgsMapThemeCollection.MapThemeLayerRecord(photos),
        ]
    )
    project.mapThemeCollection().insert("field check", theme)
    root.setHasCustomLayerOrder(True)
    root.setCustomLayerOrder([users[5], photos, *users[:5], *users[6:]])
    tree = [row for row in _tree(project) if row[2] != photos.name()]

    hooked, plain_file = tmp_path / "hooked.qgs", tmp_path / "without_hooks.qgs"
    assert project.write(str(hooked))
    project.writeProject.disconnect(dock._leave_photos_out)
    project.writeMapLayer.disconnect(dock._leave_photo_layer_out)
    try:
        assert project.write(str(plain_file))
    finally:
        project.writeProject.connect(dock._leave_photos_out)
        project.writeMapLayer.connect(dock._leave_photo_layer_out)

    def own_maplayer(doc):
        return [e for e in doc.find("projectlayers") if e.findtext("id") == pid]

    # The project's own layer tree (its drawing order in it) and snapping settings name the
    # layer by its id. The layouts are written after the hook: the layout legend's copy of the
    # tree keeps its entry, as <layerorder> keeps the id.
    def in_the_tree(doc):
        tree = doc.find("layer-tree-group")
        return [e for e in tree.iter("layer-tree-layer") if e.get("id") == pid] + [
            e for order in tree.iter("custom-order") for e in order if e.text == pid
        ]

    def in_snapping(doc):
        settings = doc.find("snapping-settings")
        return [e for e in settings.iter("layer-setting") if e.get("id") == pid]

    without_photos = _canonical(
        _project_xml(plain_file), drop=(own_maplayer, in_the_tree, in_snapping)
    )
    written = ET.fromstring(_project_xml(plain_file))  # each there to be taken out
    assert [len(pick(written)) for pick in (own_maplayer, in_the_tree, in_snapping)] == [1, 2, 1]
    left_out = _canonical(_project_xml(hooked), drop=(lambda doc: list(doc.iter(LEFT_OUT_TAG)),))
    assert left_out == without_photos

    # Read back by a QGIS without the plugin: what it reads of the file QGIS wrote unaided,
    # but for the photo layer.
    plain, unaided = QgsProject(), QgsProject()
    assert plain.read(str(hooked)) and unaided.read(str(plain_file))
    assert sorted(plain.mapLayers()) == sorted(layer.id() for layer in users)
    assert sorted(unaided.mapLayers()) == sorted([pid, *plain.mapLayers()])
    assert _tree(plain) == tree
    assert [row for row in _tree(unaided) if row[2] != photos.name()] == tree
    order = [layer.id() for layer in plain.layerTreeRoot().customLayerOrder()]
    assert plain.layerTreeRoot().hasCustomLayerOrder() and order[0] == users[5].id()
    assert order == [
        layer.id() for layer in unaided.layerTreeRoot().customLayerOrder() if layer.id() != pid
    ]

    def joins(read):
        return {
            layer.name(): [join.joinLayerId() for join in layer.vectorJoins()]
            for layer in read.mapLayers().values()
            if layer.id() != pid and layer.vectorJoins()
        }

    assert joins(plain) == joins(unaided) == {"layer 0.0": [users[1].id()], "layer 0.2": [pid]}
    # The map theme (written after the hook, as the layouts) keeps the photo layer's id, which
    # reading skips: no layer has it.
    assert plain.mapThemeCollection().mapThemeVisibleLayerIds("field check") == [users[0].id()]
    for read in (plain, unaided):
        assert list(read.relationManager().relations()) == ["parcel_owner"]
        assert read.relationManager().relation("parcel_owner").isValid()
        assert [layout.name() for layout in read.layoutManager().layouts()] == [pid]


def _features_in(path, table):
    """How many features a GeoPackage table holds, read from the file (not a layer's cache)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def _made_permanent(layer, path):
    """Layer > Make Permanent as QGIS does it: the features written to a GeoPackage, then the
    same layer (same id, custom properties and all) pointed at it."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "kept_photos"
    written = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsCoordinateTransformContext(), options
    )
    assert written[0] == QgsVectorFileWriter.WriterError.NoError, written
    layer.setDataSource(f"{path}|layername=kept_photos", "my permanent photos", "ogr")
    assert layer.isValid()


def test_a_users_copies_of_the_photo_layer_come_back_with_the_project_untouched(
    dock, ledger_path, tmp_path
):
    """Reopened with the plugin running, a project keeps the user's duplicate and permanent
    photo layers (reading removed them as layers of an older version), and the panel's refresh
    neither empties nor refills the user's GeoPackage table."""
    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    copy = photos.clone()  # Duplicate Layer
    copy.setName("my copy")
    project.addMapLayer(copy)
    kept = tmp_path / "kept_photos.gpkg"
    _made_permanent(photos, kept)
    permanent_id = photos.id()
    project_file = tmp_path / "kept.qgs"
    assert project.write(str(project_file))
    dock.session.close()
    project.clear()

    assert project.read(str(project_file))
    assert dock.session.is_open  # the project's ledger, reopened by restore_state
    (panel,) = _panel_layers()
    assert panel.featureCount() == 1
    names = {layer.name(): layer for layer in project.mapLayers().values()}
    assert sorted(names) == sorted(["my copy", "my permanent photos", panel.name()])
    assert names["my permanent photos"].id() == permanent_id
    assert names["my copy"].providerType() == "memory"  # QGIS keeps no features of it
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps2.jpg", (255, 0, 0)))]) == []
    assert _panel_layers() == [panel] and panel.featureCount() == 2
    assert names["my permanent photos"].featureCount() == 1
    assert _features_in(kept, "kept_photos") == 1


def test_a_photo_layer_an_older_version_let_the_user_make_permanent_is_the_users(
    dock, ledger_path, tmp_path
):
    """Older versions marked the photo layer with a plain True, which Make Permanent kept:
    such a GeoPackage layer in a project is the user's. Opening the ledger must not take it for
    the panel's (truncating and refilling its table), nor reading the project remove it."""
    from zc_enforcement_plugin.ui.evidence_layer import LAYER_PROPERTY

    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    kept = tmp_path / "kept_photos.gpkg"
    _made_permanent(photos, kept)
    photos.setCustomProperty(LAYER_PROPERTY, True)  # the mark as an older version wrote it
    # The user's own point, beside the photo's: a table taken for the panel's would be emptied
    # and refilled with the ledger's one photo.
    from qgis.core import QgsFeature

    extra = QgsFeature(photos.fields())
    extra.setGeometry(next(photos.getFeatures()).geometry())
    assert photos.dataProvider().addFeatures([extra])[0]
    assert _features_in(kept, "kept_photos") == 2
    dock.session.close()
    dock.open_ledger(str(ledger_path))
    (panel,) = _panel_layers()
    assert panel is not photos and panel.featureCount() == 1
    assert photos.featureCount() == 2 and _features_in(kept, "kept_photos") == 2

    project_file = tmp_path / "older.qgs"
    assert project.write(str(project_file))
    permanent_id = photos.id()
    dock.session.close()
    project.clear()
    assert project.read(str(project_file))
    (again,) = [layer for layer in project.mapLayers().values() if layer.providerType() == "ogr"]
    assert again.id() == permanent_id and again.featureCount() == 2
    assert _features_in(kept, "kept_photos") == 2


@pytest.mark.parametrize("suffix", [".qgz", ".qgs"])
def test_the_evidence_photo_layer_is_kept_out_of_the_project_file_and_comes_back_full(
    dock, ledger_path, tmp_path, demo, suffix
):
    """QGIS writes a memory layer without its features: saved, the photo layer came back
    empty, and stale where the ledger did not open. The file holds none of it; reopening
    the project makes it again from the ledger, with its photo."""
    import xml.etree.ElementTree as ET

    project = QgsProject.instance()
    before = QgsRasterLayer(str(demo.before_image), "before")
    project.addMapLayer(before)
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    project.layerTreeRoot().setHasCustomLayerOrder(True)  # the order that lists every layer
    project_file = tmp_path / f"review{suffix}"
    assert project.write(str(project_file))

    text = _project_xml(project_file)
    root = ET.fromstring(text)
    assert 'evidence_points"' not in text and "memory?" not in text  # nor its property, source
    assert [e.text for e in root.find("projectlayers").iter("layername")] == ["before"]
    assert [e.text for e in root.find("projectlayers").iter("id")] == [before.id()]
    assert [e.get("id") for e in root.iter("layer-tree-layer")] == [before.id()]
    assert [e.text for e in root.find(".//custom-order").iter("item")] == [before.id()]
    assert photos in project.snappingConfig().individualLayerSettings()  # in the session
    assert [e.get("id") for e in root.find("snapping-settings").iter("layer-setting")] == []
    # Its id is left only in <layerorder>, written after any hook: an id no layer has.
    (left,) = [e for e in root.iter() if photos.id() in (e.text or "") + str(e.attrib)]
    assert left.tag == "layer" and root.find("layerorder") is not None
    assert left in list(root.find("layerorder"))
    # A QGIS without the plugin reads the user's layer alone, and no broken one.
    plain = QgsProject()
    assert plain.read(str(project_file))
    assert [layer.name() for layer in plain.mapLayers().values()] == ["before"]
    # Saving took nothing from the session: the layer is still on the map, with its photo.
    assert _panel_layers() == [photos] and photos.featureCount() == 1

    dock.session.close()
    project.clear()
    assert project.read(str(project_file))
    (again,) = _panel_layers()
    assert again.featureCount() == 1
    assert sorted(layer.name() for layer in project.mapLayers().values()) == sorted(
        ["before", again.name()]
    )


def test_an_empty_photo_layer_saved_by_an_older_version_is_dropped_on_reading(
    dock, ledger_path, tmp_path
):
    """Projects saved before hold the layer, empty: it is taken out on reading, even when the
    project's ledger is missing (nothing then brings it back, so it stayed empty for good)."""
    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    assert dock.attach_files([str(_gps_photo(tmp_path / "gps.jpg"))]) == []
    (photos,) = _panel_layers()
    # Written as the older version did.
    project.writeProject.disconnect(dock._leave_photos_out)
    project.writeMapLayer.disconnect(dock._leave_photo_layer_out)
    try:
        project_file = tmp_path / "old.qgs"
        assert project.write(str(project_file))
    finally:
        project.writeProject.connect(dock._leave_photos_out)
        project.writeMapLayer.connect(dock._leave_photo_layer_out)
    assert photos.id() in _project_xml(project_file)
    dock.session.close()
    project.clear()
    ledger_path.rename(ledger_path.with_name("moved.gpkg"))
    project.setDirty(False)
    assert project.read(str(project_file))
    assert _panel_layers() == []
    assert "missing" in dock.details.toPlainText()


def test_a_project_whose_ledger_is_missing_leaves_the_old_ledger_and_keeps_its_own_entry(
    dock, ledger_path, tmp_path
):
    """Work meant for project B must not go into project A's ledger, and saving B must not
    repoint it at A's ledger nor drop its reference."""
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    dock.open_ledger(str(ledger_path))
    form = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    project = QgsProject.instance()
    project.writeEntry(PROJECT_SCOPE, "ledger", "./renamed/ledger.gpkg")
    dock.restore_state()
    assert not dock.session.is_open and dock.stack.currentPanel() is dock.home
    assert "renamed" in dock.details.toPlainText()
    assert dock.ledger_file.filePath() == ""
    form.verifier.setText("李工")
    form.accept()  # a reference kept elsewhere: refused
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert all(store.current_verdict(s.id) is None for s in store.spots())
    dock.save_state()
    assert project.readEntry(PROJECT_SCOPE, "ledger", "")[0] == "./renamed/ledger.gpkg"


def test_the_ledger_field_losing_the_focus_asks_nothing(dock, ledger_path, tmp_path, monkeypatch):
    """QGIS's own dialogs (Save project? at exit) take the focus from a half-typed path: no
    "create a new ledger?" then; only Enter acts on a typed path."""
    from qgis.PyQt.QtWidgets import QMessageBox

    dock.open_ledger(str(ledger_path))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(1) or QMessageBox.No)
    edit = dock.ledger_file.lineEdit()
    dock.ledger_file.blockSignals(True)  # as typed: acted on by the keys below only
    edit.setText(str(tmp_path / "half_typed.gpkg"))
    dock.ledger_file.blockSignals(False)
    edit.editingFinished.emit()
    assert asked == []
    edit.returnPressed.emit()
    assert asked == [1]


def test_an_expected_refusal_is_shown_without_a_traceback_in_the_log(dock, ledger_path):
    from qgis.core import QgsApplication

    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(tag))
    dock.open_ledger(str(ledger_path))
    assert dock.open_case_panel() is None  # not judged illegal: the ledger refuses
    assert "违法" in dock.details.toPlainText()
    assert "ZC Enforcement" not in logged


def test_a_drop_is_a_copy_and_one_that_attached_nothing_is_ignored(dock, ledger_path, tmp_path):
    dock.open_ledger(str(ledger_path))
    note = tmp_path / "notes.txt"
    note.write_text("not evidence")
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"3" * 100 + b"\xff\xd9")

    def drop(path):
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(  # a file manager offers copy or move, proposing a move
            QPoint(5, 5),
            Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ShiftModifier,
        )
        event.setDropAction(Qt.DropAction.MoveAction)
        dock.dropEvent(event)
        return event

    refused = drop(note)
    assert not refused.isAccepted()
    taken = drop(photo)
    assert taken.isAccepted() and taken.dropAction() == Qt.DropAction.CopyAction


def test_new_project_leaves_the_ledger_and_a_reloaded_plugin_reopens_the_projects(
    dock, ledger_path, qgis_iface
):
    """New Project: the old project's ledger, pages and marks go. A dock made while a project
    is open (the plugin reloaded) reopens that project's ledger: its readProject has passed."""
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    dock.open_ledger(str(ledger_path))
    dock.session.go_to_row(3)
    spot_id = dock.session.current_id
    dock.save_state()
    dock.open_case_panel()  # not judged: refused, the review page stays
    project = QgsProject.instance()
    saved = project.readEntry(PROJECT_SCOPE, "ledger", "")[0]
    assert saved

    again = VerificationDock(None, qgis_iface)  # as after a reload, the project still open
    try:
        assert again.session.path == ledger_path and again.session.current_id == spot_id
    finally:
        again.cleanup()
        again.deleteLater()

    project.clear()  # New Project
    assert not dock.session.is_open
    assert dock.stack.currentPanel() is dock.home and dock.queue_model.rowCount() == 0


def test_files_dragged_over_a_page_are_still_the_docks(dock, ledger_path, tmp_path):
    """Refused at the drag, they went on to QGIS's main window, which opened each photo as
    a raster layer of the project."""
    from qgis.PyQt.QtGui import QDragEnterEvent

    dock.open_ledger(str(ledger_path))
    dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "site.jpg"))])
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.ignore()
    dock.dragEnterEvent(enter)
    assert enter.isAccepted()


def test_the_same_file_is_recorded_once_per_spot(dock, ledger_path, tmp_path):
    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"4" * 100 + b"\xff\xd9")
    assert dock.attach_files([str(photo)]) == []
    (problem,) = dock.attach_files([str(photo)])
    assert "already recorded" in problem
    assert len(dock.session.store.evidence(dock.session.current_id)) == 1
    # A copy under another name is refused naming the file dropped, the spot and the file it
    # repeats (before, the stored file alone: the user could not tell which drop was meant).
    number = dock.session.current().number
    copy = tmp_path / "dup_a.jpg"
    copy.write_bytes(photo.read_bytes())
    (problem,) = dock.attach_files([str(copy)])
    assert problem.startswith(
        f"dup_a.jpg 与图斑 {number} 已登记的证据 {number}/site.jpg 是同一文件"
    )
    assert f"dup_a.jpg is the same file as {number}/site.jpg" in problem
    assert len(dock.session.store.evidence(dock.session.current_id)) == 1
    assert not (dock.session.store.evidence_dir / number / "dup_a.jpg").exists()


def test_save_as_keeps_a_missing_ledger_where_it_was(dock, ledger_path, tmp_path):
    """A project whose ledger is missing, saved elsewhere: the copy must point at the same
    ledger, not at a ledger of that name beside the copy."""
    import shutil

    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    project = QgsProject.instance()
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(ledger_path, first / "ledger.gpkg")
    dock.open_ledger(str(first / "ledger.gpkg"))
    assert project.write(str(first / "p.qgz"))
    project.clear()
    (first / "ledger.gpkg").unlink()  # moved away since
    assert project.read(str(first / "p.qgz"))
    assert not dock.session.is_open  # the ledger is missing
    assert project.write(str(second / "p.qgz"))
    entry = project.readEntry(PROJECT_SCOPE, "ledger", "")[0]
    assert project.readPath(entry) == str(first / "ledger.gpkg")


def test_a_reloaded_plugin_reopens_the_ledger_in_use_not_the_one_last_saved(
    dock, ledger_path, tmp_path, qgis_iface
):
    import shutil

    dock.open_ledger(str(ledger_path))
    dock.save_state()  # saved with this ledger
    other = tmp_path / "other" / "ledger.gpkg"
    other.parent.mkdir()
    shutil.copy(ledger_path, other)
    dock.open_ledger(str(other))
    dock.session.go_to_row(4)
    spot_id = dock.session.current_id
    dock.cleanup()  # unload
    again = VerificationDock(None, qgis_iface)
    try:
        assert again.session.path == other and again.session.current_id == spot_id
    finally:
        again.cleanup()
        again.deleteLater()


def test_a_file_whose_stored_copy_was_lost_is_restored_by_attaching_it_again(
    dock, ledger_path, tmp_path
):
    from zc_enforcement_plugin.core import evidence

    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"5" * 100 + b"\xff\xd9")
    assert dock.attach_files([str(photo)]) == []
    (record,) = dock.session.store.evidence(dock.session.current_id)
    stored = dock.session.store.evidence_dir / record.path
    stored.unlink()
    assert evidence.check_evidence_integrity(dock.session.store)
    (problem,) = dock.attach_files([str(photo)])
    assert "restored" in problem and stored.exists()
    assert evidence.check_evidence_integrity(dock.session.store) == []
    assert len(dock.session.store.evidence(dock.session.current_id)) == 1


def test_a_file_a_colleague_attached_a_moment_before_is_not_said_restored(
    dock, ledger_path, tmp_path, monkeypatch
):
    """Two people attach the same photo at once: the second was told its file had been
    missing and was restored (the review of 2026-11-29). It says another session recorded
    it a moment ago; the file and its one record stay."""
    dock.open_ledger(str(ledger_path))
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"7" * 100 + b"\xff\xd9")
    store = dock.session.store
    record_it = store.add_evidence

    def a_colleague_first(spot_id, record, **_kwargs):
        record_it(spot_id, record)  # the colleague's save, committed first
        raise ledger.LedgerError("记录已存在 / the record already exists")

    monkeypatch.setattr(store, "add_evidence", a_colleague_first)
    (problem,) = dock.attach_files([str(photo)])
    assert "a moment ago" in problem and "restored" not in problem, problem
    (record,) = store.evidence(dock.session.current_id)
    assert (store.evidence_dir / record.path).exists()


def test_the_case_pages_say_late_steps_figures_and_the_referral_in_words(dock, ledger_path):
    """A deadline met late says so (not a red 已完成); a correction of figures reads as one,
    with its figures, not as another step; the review page's case line says the case is at
    the referral scale when its own figures are, screening's notwithstanding."""
    from qgis.PyQt.QtCore import QDate

    dock.open_ledger(str(ledger_path))
    spot_id = next(s.id for s in dock.session.queue if (s.spot_area or 0) >= 4000.0)
    dock.session.go_to(spot_id)
    _judge_illegal(dock, dt.date(2025, 9, 30))
    panel = dock.open_case_panel()
    for stage, day in ((cases_stage("VERIFY"), 9), (cases_stage("FILE"), 13)):
        panel.stage.setCurrentIndex(panel.stage.findData(stage))
        panel.date.setDate(QDate(2025, 10, day))
        panel.person.setText("李工")
        panel.record_step()
        assert not panel.messages.text()
    text = panel.summary.toPlainText()
    (filing,) = [line for line in text.splitlines() if line.startswith("逾期未整改立案")]
    assert "逾期完成（2025-10-13）" in filing
    panel.acceptPanel()
    current = dock.session.store.current_verdict(spot_id)
    dock.session.store.record_verdict(
        spot_id,
        ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind="未报即用",
            verifier="李工",
            verified_on=dt.date(2025, 10, 14),
            areas={domain.CULTIVATED_AREA: 4000.0, domain.BASIC_FARMLAND_AREA: 4000.0},
            corrects=current.id,
        ),
    )
    dock._show_current()
    assert "须移送公安" in dock.details.toPlainText()
    panel = dock.open_case_panel()
    assert "面积更正：耕地 6.00 亩，永久基本农田 6.00 亩" in panel.summary.toPlainText()


def cases_stage(name):
    from zc_enforcement_plugin.core.cases import Stage

    return getattr(Stage, name)


def test_the_review_page_shows_what_the_verifier_recorded_on_site(dock, ledger_path):
    """Party, actual use, the stop order, remarks and the areas found on site (the figures the
    reports count, which may differ from screening's) are shown with the verdict; they were
    stored and shown nowhere."""
    dock.open_ledger(str(ledger_path))
    dock.session.record_verdict(
        ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind="未报即用",
            verifier="李工",
            verified_on=dt.date(2025, 9, 30),
            areas={domain.CULTIVATED_AREA: 333.33},
            note="东侧已拆除",
            details={
                ls.DETAIL_PARTY: "某某建材公司",
                ls.DETAIL_ACTUAL_USE: "厂房",
                ls.DETAIL_STOP_ORDER: True,
            },
        )
    )
    dock._show_session()
    text = without_isolates(dock.details.toPlainText())
    for said in (
        "核实耕地面积 333.33 m²（0.50 亩）",
        "当事人：某某建材公司",
        "实际用途：厂房",
        "已下达责令停止违法行为通知书",
        "备注：东侧已拆除",
    ):
        assert said in text, text


def test_an_image_that_does_not_reach_the_spot_is_said(dock, ledger_path, demo):
    """The demo's images cover a few spots: beside any other the canvases stay white, which
    read as broken; the dock says the image chosen does not cover the spot."""
    from qgis.core import QgsGeometry

    before = QgsRasterLayer(str(demo.before_image), "before")
    after = QgsRasterLayer(str(demo.after_image), "after")
    QgsProject.instance().addMapLayers([before, after])
    dock.open_ledger(str(ledger_path))
    dock.images.set_images(before, after)
    covered = outside = None
    for spot in dock.session.queue:
        box = QgsGeometry.fromWkt(dock.session.store.spot(spot.id).geometry.wkt).boundingBox()
        if after.extent().contains(box):
            covered = covered or spot.id
        elif not after.extent().intersects(box):
            outside = outside or spot.id
    assert covered and outside
    dock.session.go_to(outside)
    dock._show_current()
    assert not dock.images.coverage.isHidden()
    assert "after" in dock.images.coverage.text().lower() or "后时相" in dock.images.coverage.text()
    # Over the images, in view: under them it lay just below the pane's usual height.
    grid = dock.images.layout()
    assert (
        grid.getItemPosition(grid.indexOf(dock.images.coverage))[0]
        < (grid.getItemPosition(grid.indexOf(dock.images.canvases[0]))[0])
    )
    dock.session.go_to(covered)
    dock._show_current()
    assert dock.images.coverage.isHidden()


def test_the_image_note_follows_the_image_picked(dock, ledger_path, demo, tmp_path):
    """Picking another image updates the note (it kept what the first image said); an image
    without a coordinate reference system is said to have none."""
    import shutil

    from qgis.core import QgsGeometry

    before = QgsRasterLayer(str(demo.before_image), "before")
    after = QgsRasterLayer(str(demo.after_image), "after")
    plain = tmp_path / "plain.tif"
    shutil.copy(demo.after_image, plain)
    for side in plain.parent.glob("plain.*"):
        if side.suffix != ".tif":
            side.unlink()
    unplaced = QgsRasterLayer(str(plain), "plain")
    unplaced.setCrs(QgsCoordinateReferenceSystem())
    QgsProject.instance().addMapLayers([before, after, unplaced])
    dock.open_ledger(str(ledger_path))
    covered = next(
        s.id
        for s in dock.session.queue
        if after.extent().contains(
            QgsGeometry.fromWkt(dock.session.store.spot(s.id).geometry.wkt).boundingBox()
        )
    )
    dock.images.set_images(before, after)
    dock.session.go_to(covered)
    dock._show_current()
    assert dock.images.coverage.isHidden()
    dock.images.pickers[1].setLayer(unplaced)
    assert not dock.images.coverage.isHidden()
    assert "coordinate reference system" in dock.images.coverage.text() or "坐标系" in (
        dock.images.coverage.text()
    )
    dock.images.pickers[1].setLayer(after)
    assert dock.images.coverage.isHidden()


def test_an_image_removed_from_the_project_leaves_its_picker_empty_until_one_is_added(
    dock, ledger_path, demo
):
    """The after image removed from the project: its picker moved to the before image while
    the canvas showed the removed one, then nothing, and the after image added again was not
    taken (a review in QGIS). Now the picker and its canvas are emptied; an image added whose
    name says after is taken by the empty picker, and the other picker is left as chosen."""
    before = QgsRasterLayer(str(demo.before_image), "前时相影像 before")
    after = QgsRasterLayer(str(demo.after_image), "后时相影像 after")
    project = QgsProject.instance()
    project.addMapLayers([before, after])
    dock.open_ledger(str(ledger_path))
    dock.images.set_images(before, after)
    before_id = before.id()
    project.removeMapLayer(after.id())
    assert [p.currentLayer() for p in dock.images.pickers][1] is None
    assert dock.images.pickers[0].currentLayer().id() == before_id
    assert dock.images.canvases[1].layers() == []
    assert [layer.id() for layer in dock.images.canvases[0].layers()] == [before_id]
    again = QgsRasterLayer(str(demo.after_image), "后时相影像 after")
    other = QgsRasterLayer(str(demo.before_image), "另一期 before")
    project.addMapLayers([other, again])
    assert [p.currentLayer().id() for p in dock.images.pickers] == [before_id, again.id()]
    assert [layer.id() for layer in dock.images.canvases[1].layers()] == [again.id()]


def test_a_bureau_holiday_year_unlike_the_official_one_is_said_in_the_dock(dock, ledger_path):
    """2026 given with its fixed-date holidays only (no Spring Festival): every 2026 deadline
    moves; the dock says so on opening the ledger, as the reports do."""
    import json

    fixed = complete_year(2026)
    (ledger_path.parent / "holidays.json").write_text(
        json.dumps({"2026": {"holidays": fixed}}), encoding="utf-8"
    )
    assert dock.open_ledger(str(ledger_path))
    text = dock.details.toPlainText()
    assert "2026" in text and "holidays.json" in text, text


# --- a verdict form with entries, when the project closes or another ledger opens ---------------


def _typed_form(dock, ledger_path):
    """A technician half-way through a spot: kind, party and remarks typed, not saved."""
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.kind.setCurrentIndex(1)
    panel.party.setText("某公司")
    panel.note.setPlainText("现场已硬化")
    panel.verifier.setText("李工")
    return panel, dock.session.current_id


def _verdicts(path) -> dict:
    with ledger.GeoPackageLedger(path) as store:
        return {s.id: store.verdict_history(s.id) for s in store.spots()}


def test_the_question_about_long_entries_stays_a_screen_high(dock, ledger_path, answers):
    """Remarks of 3,900 characters made the question 2,121 px tall on a 1,000 px screen, its
    buttons out of reach (a review in QGIS): each entry is cut to a line of the box, the
    remark whole in the form it asks about."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.ui.entries_panel import BRIEF_WIDTH

    panel, _ = _typed_form(dock, ledger_path)
    long_note = "现场已硬化，" * 650
    panel.note.setPlainText(long_note)
    answers.save = QMessageBox.StandardButton.Cancel
    panel.leave()
    [asked] = answers.asked
    assert "某公司" in asked and long_note not in asked and long_note[:40] in asked
    assert max(len(line) for line in asked.splitlines()) <= BRIEF_WIDTH + 40, asked
    assert panel.note.toPlainText() == long_note  # the form keeps it whole


def test_closing_the_project_asks_about_a_typed_verdict_and_save_records_it(
    dock, ledger_path, answers
):
    """New Project (or another project, or quitting) closed the form and its entries went
    without a word: now asked, and Save records the verdict through the form's own Save."""
    panel, spot_id = _typed_form(dock, ledger_path)
    number = str(panel.spot.number)
    QgsProject.instance().clear()
    assert len(answers.asked) == 1 and number in answers.asked[0]
    assert not answers.warned and not dock.session.is_open
    assert dock.stack.currentPanel() is dock.home
    (stored,) = _verdicts(ledger_path)[spot_id]
    assert (stored.category, stored.kind) == (ls.VERDICT_ILLEGAL, panel.kind.itemData(1))
    assert (stored.details[ls.DETAIL_PARTY], stored.note, stored.verifier) == (
        "某公司",
        "现场已硬化",
        "李工",
    )


def test_closing_the_project_and_discarding_a_typed_verdict_records_nothing(
    dock, ledger_path, answers
):
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.ui.verdict_panel import VERIFIER_SETTING

    QgsSettings().setValue(VERIFIER_SETTING, "王工")
    before = _verdicts(ledger_path)
    _typed_form(dock, ledger_path)
    answers.save = QMessageBox.StandardButton.Discard
    QgsProject.instance().clear()
    assert len(answers.asked) == 1 and not answers.warned
    assert _verdicts(ledger_path) == before
    assert QgsSettings().value(VERIFIER_SETTING) == "王工"  # not the discarded form's 李工
    assert not dock.session.is_open and dock.stack.currentPanel() is dock.home


def test_a_typed_verdict_the_ledger_refuses_is_said_with_its_reasons_and_entries(
    dock, ledger_path, answers
):
    """Save answered, but the form cannot be saved (no verifier): the project closes anyway,
    so the user is told why, that nothing was recorded, and what they had typed."""
    panel, _spot_id = _typed_form(dock, ledger_path)
    panel.verifier.setText("")
    QgsProject.instance().clear()
    assert len(answers.asked) == 1
    (warning,) = answers.warned
    assert "the verifier is required" in warning and str(panel.spot.number) in warning
    assert "某公司" in warning and "现场已硬化" in warning
    assert all(not history for history in _verdicts(ledger_path).values())


def test_only_a_verdict_form_with_entries_asks_when_the_project_closes(dock, ledger_path, answers):
    """A form left as it opened (also one started from the spot's current verdict) closes
    silently, as before, and nothing is asked while the review or a case page is on top; one
    changed entry, and the user is asked."""
    panel, spot_id = _typed_form(dock, ledger_path)
    panel.accept()  # judged: saved once, by the user
    again = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    assert again.party.text() == "某公司"  # started from the verdict saved
    QgsProject.instance().clear()
    assert answers.asked == [] and not dock.session.is_open
    dock.open_ledger(str(ledger_path))
    dock.open_verdict_form(ls.VERDICT_LEGAL)  # on a spot not judged yet, untouched
    QgsProject.instance().clear()
    dock.open_ledger(str(ledger_path))
    dock.session.go_to(spot_id)
    dock.open_case_panel()
    QgsProject.instance().clear()
    assert answers.asked == []
    assert len(_verdicts(ledger_path)[spot_id]) == 1

    dock.open_ledger(str(ledger_path))
    dock.session.go_to(spot_id)
    dock.open_verdict_form(ls.VERDICT_ILLEGAL).note.setPlainText("已拆除")
    QgsProject.instance().clear()
    assert len(answers.asked) == 1
    assert _verdicts(ledger_path)[spot_id][-1].note == "已拆除"


def test_opening_another_ledger_asks_about_a_typed_verdict_and_saves_it_in_its_own(
    dock, ledger_path, tmp_path, answers
):
    """The form's entries are saved into the ledger the form was opened on, while it is still
    open, never into the one being opened."""
    import shutil

    copy = tmp_path / "copy" / "ledger.gpkg"
    copy.parent.mkdir()
    shutil.copy(ledger_path, copy)
    _panel, spot_id = _typed_form(dock, ledger_path)
    assert dock.open_ledger(str(copy))
    assert len(answers.asked) == 1 and not answers.warned
    assert dock.session.path == copy and dock.stack.currentPanel() is dock.home
    assert len(_verdicts(ledger_path)[spot_id]) == 1
    assert all(not history for history in _verdicts(copy).values())


def test_a_holiday_year_added_beside_the_open_ledger_counts_without_reopening(dock, ledger_path):
    """Late in the year the bureau adds next year's holidays.json beside the ledger open in the
    dock: the next deadline counts by it, with no restart or reopening (the made-up year has a
    Spring Festival from 8 to 12 February, a Monday to a Friday, in the first year
    chinesecalendar does not know). A file broken later is said once; the schedule read before
    stays in use."""
    import json

    year = max(workdays.library_years()) + 1
    rest = dt.date(year, 2, 8) + dt.timedelta(days=-dt.date(year, 2, 8).weekday())  # a Monday
    spring = [rest + dt.timedelta(days=n) for n in range(5)]
    assert dock.open_ledger(str(ledger_path))
    assert not dock.session.calendar.covers(rest)
    holidays = ledger_path.parent / "holidays.json"
    rest_days = complete_year(year, *[d.isoformat() for d in spring])
    holidays.write_text(
        json.dumps({str(year): {"holidays": rest_days}}),
        encoding="utf-8",
    )
    calendar = dock.session.calendar
    assert calendar.covers(rest) and not calendar.is_working_day(rest)
    assert calendar.add_working_days(spring[0] - dt.timedelta(days=3), 1) == spring[-1] + (
        dt.timedelta(days=3)
    )
    holidays.write_text(f'{{"{year}": {{"holidays": ["{year}-01-01",]}}}}', encoding="utf-8")
    # Said at the next move, with what the deadlines shown count by meanwhile (the review of
    # 2026-11-29: Next and Previous said nothing, the dates shown read as firm).
    QTest.keyClick(dock.home, Qt.Key.Key_Right)
    text = dock.details.toPlainText()
    assert "holidays.json" in text and "schedule read before the file broke" in text, text
    assert dock.session.calendar is calendar  # refused: the schedule read before stays
    assert dock.session.take_calendar_problem() == ""  # said once


def test_picking_the_open_ledger_again_reads_its_holiday_schedule_again(
    dock, ledger_path, monkeypatch
):
    """Picking the ledger already open reads its holiday schedule again (a shared ledger's is on
    its server, where no file can be watched): here counted by the calls to work_calendar."""
    assert dock.open_ledger(str(ledger_path))
    reads = []
    store = dock.session.store
    read = store.work_calendar
    monkeypatch.setattr(store, "work_calendar", lambda **kw: reads.append(kw) or read(**kw))
    assert dock.open_ledger(str(ledger_path)) is True
    assert reads == [{"strict": False}]


def test_refresh_reads_what_was_recorded_in_the_open_ledger_elsewhere(dock, ledger_path):
    """A batch imported and a verdict recorded from the Processing toolbox (here: another
    connection to the file) show in the dock on Refresh (the button, R, or the same ledger
    picked again), with the filter and the spot shown kept."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    assert dock.open_ledger(str(ledger_path))
    before = len(dock.session.queue)
    shown = dock.session.current_id
    with ledger.GeoPackageLedger(ledger_path) as store:
        spots = store.spots()
        extra = [
            ledger.SpotRecord(
                {domain.SPOT_NUMBER: f"X{i}", domain.SPOT_AREA: 100.0},
                shapely.box(39_500_000 + 50 * i, 4_060_000, 39_500_030 + 50 * i, 4_060_030),
            )
            for i in range(3)
        ]
        assert store.import_batch("toolbox", extra).ok
        other = next(s for s in spots if s.id != shown)
        store.record_verdict(
            other.id, ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "李四", clock.today())
        )
    assert len(dock.session.queue) == before  # not yet read
    dock.refresh_button.click()
    assert len(dock.session.queue) == before + 3
    assert dock.session.current_id == shown
    assert dock.session.counts()[0] == 1
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.import_batch("toolbox 2", extra, repeat_spots=True).ok
    QTest.keyClick(dock.queue_view, Qt.Key.Key_R)
    assert len(dock.session.queue) == before + 6
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.import_batch("toolbox 3", extra, repeat_spots=True).ok
    dock.ledger_file.lineEdit().setText(str(ledger_path))  # picked again: typed, Enter
    QTest.keyClick(dock.ledger_file.lineEdit(), Qt.Key.Key_Return)
    assert len(dock.session.queue) == before + 9


def test_a_holiday_file_broken_during_a_save_neither_undoes_nor_hides_it(
    dock, ledger_path, answers
):
    """A half-typed holidays.json saved beside the ledger while a verdict is typed, the queue
    showing the overdue cases (which reads the calendar after each save): the save is
    recorded and not said to have failed, on the project closing as with the Save button;
    the broken file is said by the dock."""
    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    dock.open_case_panel().acceptPanel()
    spot_id = dock.session.current_id
    box = dock.filter_boxes["status"]
    box.setCurrentIndex(box.findData("overdue"))
    assert [s.id for s in dock.session.queue] == [spot_id]
    holidays = ledger_path.parent / "holidays.json"
    year = max(workdays.library_years()) + 1

    def type_verdict_and_break_the_file(note: str):
        panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
        panel.note.setPlainText(note)
        panel.verifier.setText("李工")
        holidays.write_text(f'{{"{year}": {{"holidays": ["{year}-02-10"]}}}}', "utf-8")
        return panel

    type_verdict_and_break_the_file("补充说明").accept()  # the Save button
    assert dock.stack.currentPanel() is dock.home
    assert [v.note for v in _verdicts(ledger_path)[spot_id]][-1] == "补充说明"
    assert "holidays.json" in dock.details.toPlainText()
    holidays.unlink()
    type_verdict_and_break_the_file("再次补充")
    QgsProject.instance().clear()
    assert len(answers.asked) == 1 and answers.warned == []
    assert [v.note for v in _verdicts(ledger_path)[spot_id]][-1] == "再次补充"


def test_opening_another_ledger_can_be_cancelled_for_a_typed_verdict(
    dock, ledger_path, tmp_path, answers
):
    """Unlike a project closing, opening another ledger can wait: Cancel keeps the form, its
    entries and the ledger it belongs to."""
    import shutil

    from qgis.PyQt.QtWidgets import QMessageBox

    copy = tmp_path / "copy" / "ledger.gpkg"
    copy.parent.mkdir()
    shutil.copy(ledger_path, copy)
    panel, spot_id = _typed_form(dock, ledger_path)
    answers.save = QMessageBox.StandardButton.Cancel
    assert dock.open_ledger(str(copy)) is False
    assert dock.session.path == ledger_path and dock.stack.currentPanel() is panel
    assert panel.party.text() == "某公司"
    assert dock.ledger_file.filePath() == str(ledger_path)
    assert _verdicts(ledger_path)[spot_id] == []


def test_unloading_the_plugin_asks_about_a_typed_verdict(dock, ledger_path, answers):
    """Disabled or reloaded with a verdict being typed: asked, as on a project closing."""
    _panel, spot_id = _typed_form(dock, ledger_path)
    dock.cleanup()
    assert len(answers.asked) == 1
    assert len(_verdicts(ledger_path)[spot_id]) == 1


def test_the_panel_s_own_layer_leaves_the_project_unchanged_and_a_new_ledger_does_not(
    dock, ledger_path
):
    """The evidence-photo layer comes and goes with the panel (a reload, a disable, the
    project's ledger reopened): no "save changes?" for that. A ledger the user opens is a
    change of the project, which records it."""
    from zc_enforcement_plugin.ui.evidence_layer import LAYER_PROPERTY
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    project = QgsProject.instance()

    def mark_dirty(*_):  # as QGIS's main window does on any layer added or removed
        project.setDirty(True)

    project.layersAdded.connect(mark_dirty)
    project.layersRemoved.connect(mark_dirty)
    project.setDirty(False)
    assert dock.open_ledger(str(ledger_path))
    assert project.isDirty()  # the user's choice, to be saved with the project
    dock.save_state()
    QTest.keyClick(dock.home, Qt.Key.Key_Right)  # another spot: state the reload reopens
    assert project.isDirty()  # a change of the place saved with the project
    project.setDirty(False)
    dock.cleanup()  # the plugin disabled: the panel's layer goes, its state is written
    assert not [lyr for lyr in project.mapLayers().values() if lyr.customProperty(LAYER_PROPERTY)]
    assert not project.isDirty()
    again = VerificationDock(None, dock.iface)  # re-enabled: the project's ledger reopened
    try:
        assert again.session.path is not None and str(again.session.path) == str(ledger_path)
        assert [lyr for lyr in project.mapLayers().values() if lyr.customProperty(LAYER_PROPERTY)]
        assert not project.isDirty()
        assert project.readEntry(PROJECT_SCOPE, "ledger", "")[0]
    finally:
        project.layersAdded.disconnect(mark_dirty)
        project.layersRemoved.disconnect(mark_dirty)
        again.cleanup()
        again.deleteLater()


def test_an_open_case_page_counts_by_a_holiday_file_added_meanwhile(dock, ledger_path):
    """The case page open while the bureau saves holidays.json beside the ledger: shown again
    (after a step, say), its deadlines count by the file, as the rest of the dock does. The
    file makes 1-3 October 2025 (Wednesday to Friday) the only days off around them."""
    import json

    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 29))  # Monday: 2 working days on, written report due
    panel = dock.open_case_panel()
    assert "2025-10-10" in panel.summary.toPlainText()  # the official 1-8 October break
    fixed = complete_year(2025)
    (ledger_path.parent / "holidays.json").write_text(
        json.dumps({"2025": {"holidays": fixed}}), encoding="utf-8"
    )
    panel.refresh()
    text = panel.summary.toPlainText()
    assert "2025-10-06" in text and "2025-10-10" not in text


def test_an_estimated_deadline_in_the_dock_says_where_the_year_goes(dock, ledger_path):
    """The dock shows each deadline's own line, not the calendar's yearly message: an estimate
    there names the bureau's file to add the year to (here a calendar that knows no year)."""
    dock.open_ledger(str(ledger_path))
    bureau_file = workdays.bureau_holiday_file(ledger_path)
    dock.session._calendar = workdays.WorkCalendar(
        local_file=None, use_library=False, strict=False, add_to=bureau_file
    )
    _judge_illegal(dock, dt.date(2025, 9, 30))
    text = dock.open_case_panel().summary.toPlainText()
    assert "估算" in text and f"add 2025 to {bureau_file}" in text


# --- leaving a page with typed entries by its back arrow, Cancel or Escape ----------------------


def _back_arrow(dock):
    """The stack's ◀ above a page, as the user clicks it."""
    from qgis.PyQt.QtWidgets import QToolButton

    back = dock.stack.findChild(QToolButton, "mBackButton")
    assert back.isVisible()
    return back


def test_the_back_arrow_asks_about_a_typed_verdict_and_cancel_keeps_the_form(
    dock, ledger_path, answers
):
    """The back arrow closed the form and its entries went without a word: now asked, as when
    the project closes; Cancel stays with the form and its entries."""
    from qgis.PyQt.QtWidgets import QMessageBox

    panel, spot_id = _typed_form(dock, ledger_path)
    answers.save = QMessageBox.StandardButton.Cancel
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1 and str(panel.spot.number) in answers.asked[0]
    assert "某公司" in answers.asked[0]  # the question says what would be lost
    assert dock.stack.currentPanel() is panel and panel.party.text() == "某公司"
    assert _verdicts(ledger_path)[spot_id] == []

    answers.save = QMessageBox.StandardButton.Save
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    assert dock.stack.currentPanel() is dock.home and not answers.warned
    (stored,) = _verdicts(ledger_path)[spot_id]
    assert (stored.details[ls.DETAIL_PARTY], stored.note) == ("某公司", "现场已硬化")


def test_the_question_on_leaving_lists_what_was_typed_not_what_the_form_opened_with(
    dock, ledger_path, answers
):
    """Only remarks typed on a 合法 form, and the question listed the approval number and site
    areas screening gave, the verifier last saved and today's date as unsaved entries (a
    review in QGIS). It lists what the user typed or changed; a save still records it all."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.ui.verdict_panel import VERIFIER_SETTING

    QgsSettings().setValue(VERIFIER_SETTING, "李四")
    try:
        dock.open_ledger(str(ledger_path))
        store = dock.session.store
        approved = next(
            s.id
            for s in dock.session.queue
            if store.spot(s.id).attributes.get(domain.APPROVAL_HITS)
        )
        dock.session.go_to(approved)
        dock._show_current()
        panel = dock.open_verdict_form(ls.VERDICT_LEGAL)
    finally:
        QgsSettings().remove(VERIFIER_SETTING)
    number = panel.approval_number.text()
    assert number  # screening's first approval, as a start
    panel.note.setPlainText("现场为批准的厂房")
    answers.save = QMessageBox.StandardButton.Cancel
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    (asked,) = answers.asked
    assert "现场为批准的厂房" in asked, asked
    for opened_with in (number, "李四", clock.today().isoformat(), "Verdict"):
        assert opened_with not in asked, (opened_with, asked)
    assert "李四" in panel.entries() and number in panel.entries()  # all of it is saved
    # An entry the form opened with, emptied, is a change too.
    panel.approval_number.setText("")
    assert panel.changed_entries().splitlines() == [
        "Remarks: 现场为批准的厂房",
        "Approval number: (cleared)",
    ]


def test_a_refused_save_from_the_back_arrow_keeps_the_form_with_its_reasons(
    dock, ledger_path, answers
):
    panel, spot_id = _typed_form(dock, ledger_path)
    panel.verifier.setText("")
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1 and not answers.warned
    assert dock.stack.currentPanel() is panel and panel.party.text() == "某公司"
    assert "the verifier is required" in panel.messages.text()
    assert _verdicts(ledger_path)[spot_id] == []


def test_after_a_refused_save_the_forms_lines_follow_its_fields(dock, ledger_path):
    """违法 saved with no kind and no verifier: both red lines stayed under the form after the
    kind was chosen and the verifier typed, as if still wrong, until the next save (a review
    in QGIS). Once a save was refused, the form's check runs as its fields change: a line goes
    as its field is put right, a field made wrong again, or wrong otherwise, says so."""
    dock.open_ledger(str(ledger_path))
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("")
    assert not panel.save()
    shown = panel.messages.text()
    assert "a verdict of “illegal” needs its kind" in shown, shown
    assert "the verifier is required" in shown, shown
    panel.verifier.setText("李四")
    shown = panel.messages.text()
    assert "the verifier is required" not in shown and "needs its kind" in shown, shown
    panel.verifier.setText("")
    assert "the verifier is required" in panel.messages.text()
    panel.verifier.setText("李四")
    panel.kind.setCurrentIndex(1)
    assert panel.messages.text() == ""
    # A date wrong in another way: said with the new date, not taken away as put right.
    tomorrow = clock.today() + dt.timedelta(days=1)
    panel.verified_on.setMaximumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    panel.verified_on.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert f"the verification date {tomorrow} is in the future" in panel.messages.text()
    panel.verified_on.setDate(QDate(clock.today().year, clock.today().month, clock.today().day))
    assert panel.messages.text() == ""
    assert panel.save()
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)  # no save refused: nothing said
    panel.verifier.setText("")
    assert panel.messages.text() == ""


def test_a_chinese_interface_shows_a_refusal_in_chinese_alone(dock, ledger_path):
    """The core's refusals are "中文 / English": under a Chinese form the English half was a
    second reading of each reason. The case page's banner and refusals likewise."""
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN")
    try:
        panel, spot_id = _typed_form(dock, ledger_path)
        # The entries a question lists, with a full-width colon after each Chinese label.
        assert "当事人：某公司" in panel.entries() and ": " not in panel.entries()
        panel.verifier.setText("")
        assert not panel.save()
        assert panel.messages.text() == "须填写核查人"
        assert _verdicts(ledger_path)[spot_id] == []
        # Dates as the ledger and the reports write them, not Qt's "27 Nov 2026".
        today = clock.today().isoformat()
        assert panel.verified_on.text() == today
        assert panel.approval_date.displayFormat() == "yyyy-MM-dd"
        # The spot page's referral line (a spot at criminal scale) in Chinese alone.
        from zc_enforcement_plugin.ui.spot_page import spot_html

        store = dock.session.store
        spots = [store.spot(s.id) for s in store.spots()]
        page = spot_html(next(s for s in spots if s.attributes.get(domain.CRIMINAL_FLAG)), [])
        assert "达到刑事移送标准" in page and "criminal-referral" not in page
    finally:
        QCoreApplication.removeTranslator(translator)
    panel.verifier.setText(" ")
    assert not panel.save()  # any other interface keeps both halves
    assert panel.messages.text() == "须填写核查人 / the verifier is required"


def test_the_forms_cancel_and_escape_ask_and_discard_records_nothing(dock, ledger_path, answers):
    """Cancel is not labelled Discard: with entries it asks, as the arrow does; Escape (which
    QGIS's panels take as Back) too. Discard closes the form, recording nothing."""
    from qgis.PyQt.QtWidgets import QDialogButtonBox, QMessageBox

    answers.save = QMessageBox.StandardButton.Discard
    panel, spot_id = _typed_form(dock, ledger_path)
    cancel = panel.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    QTest.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1 and dock.stack.currentPanel() is dock.home

    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.party.setText("某公司")
    QTest.keyClick(panel.party, Qt.Key.Key_Escape)
    assert len(answers.asked) == 2 and dock.stack.currentPanel() is dock.home
    assert _verdicts(ledger_path)[spot_id] == []


def _typed_case_page(dock, ledger_path):
    """A case page with a step half typed: person, documents and remarks."""
    from zc_enforcement_plugin.core import cases

    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 9, 30))
    page = dock.open_case_panel()
    page.date.setDate(page.date.date().addDays(-1))
    page.person.setText("王五")
    page.documents.setText(cases.DOC_BRIGADE_REPORT)
    page.note.setPlainText("已报大队")
    return page, len(dock.session.store.case(page.case_id).events)


def test_closing_the_project_asks_about_a_typed_case_step_and_save_records_it(
    dock, ledger_path, answers
):
    page, events = _typed_case_page(dock, ledger_path)
    case_id = page.case_id
    QgsProject.instance().clear()
    assert len(answers.asked) == 1 and case_id in answers.asked[0] and "王五" in answers.asked[0]
    assert not answers.warned and dock.stack.currentPanel() is dock.home
    with ledger.GeoPackageLedger(ledger_path) as store:
        recorded = store.case(case_id).events
    assert len(recorded) == events + 1
    assert (recorded[-1].person, recorded[-1].note) == ("王五", "已报大队")


def test_the_back_arrow_and_another_ledger_ask_about_a_typed_case_step(
    dock, ledger_path, tmp_path, answers
):
    import shutil

    from qgis.PyQt.QtWidgets import QMessageBox

    page, events = _typed_case_page(dock, ledger_path)
    copy = tmp_path / "copy" / "ledger.gpkg"
    copy.parent.mkdir()
    shutil.copy(ledger_path, copy)
    answers.save = QMessageBox.StandardButton.Cancel
    assert dock.open_ledger(str(copy)) is False
    assert dock.stack.currentPanel() is page and page.person.text() == "王五"
    answers.save = QMessageBox.StandardButton.Discard
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 2 and dock.stack.currentPanel() is dock.home
    assert len(dock.session.store.case(page.case_id).events) == events
    # A step recorded, and the person kept for the next: nothing typed is left unsaved.
    page = dock.open_case_panel()
    page.person.setText("王五")
    page.date.setDate(page.date.date().addDays(-1))
    assert page.record_step() and page.person.text() == "王五"
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 2 and dock.stack.currentPanel() is dock.home


def test_a_typed_patrol_case_form_is_asked_about_and_saved_opens_its_case(
    dock, ledger_path, answers
):
    from zc_enforcement_plugin.core.patrols import PatrolRecord
    from zc_enforcement_plugin.ui.case_panel import CasePanel

    dock.open_ledger(str(ledger_path))
    store = dock.session.store
    office = sorted(store.known_offices())[0]
    store.add_patrol(PatrolRecord("XC-1", office, dt.date(2025, 3, 3), ["赵六"], findings="挖塘"))
    form = dock.open_patrol_case_form()
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)  # untouched: no question
    assert answers.asked == [] and dock.stack.currentPanel() is dock.home
    form = dock.open_patrol_case_form()
    form.areas[domain.CULTIVATED_AREA].setValue(1200.0)
    QTest.mouseClick(_back_arrow(dock), Qt.MouseButton.LeftButton)
    (question,) = answers.asked
    assert "1,200.00" in question
    (record,) = store.cases()
    assert record.case.events[0].cultivated_sqm == 1200.0
    shown = dock.stack.currentPanel()  # as its Save does: the new case's page
    assert isinstance(shown, CasePanel) and shown.case_id == record.case_id


# --- the export and the verdict form's approval field ------------------------------------------


class DialogDeletedOnClose(QDialog):
    """An algorithm's dialog as QGIS 3.22 leaves one whose run has finished: deleted as it
    closes, so that anything read from it afterwards raises."""

    def exec_(self) -> int:
        sip.delete(self)
        return 1

    def results(self) -> dict:
        return {"closed": not self.isVisible()}  # what AlgorithmDialog.results reads, gone


def algorithm_dialogs(monkeypatch) -> list:
    """The (algorithm, parameters) of each algorithm dialog the dock opens, each dialog a
    DialogDeletedOnClose, where the dock and Processing's own helpers make one."""
    import processing
    import processing.tools.general

    opened = []

    def create(algorithm, parameters=None):
        opened.append((algorithm, parameters))
        return DialogDeletedOnClose()

    monkeypatch.setattr(processing, "createAlgorithmDialog", create)
    monkeypatch.setattr(processing.tools.general, "createAlgorithmDialog", create)
    return opened


@pytest.mark.parametrize("button", ["import_button", "export_button"])
def test_a_dialog_deleted_as_it_closes_says_no_error_and_the_import_is_listed(
    dock, ledger_path, provider, qgis_iface, monkeypatch, button
):
    """Closed after a finished run, the export's dialog (deleted by QGIS 3.22 as it closes)
    made the message bar say "wrapped C/C++ object of type AlgorithmDialog has been deleted",
    and an import's batch was not listed: the ledger was not read again."""
    from qgis.core import Qgis

    opened = algorithm_dialogs(monkeypatch)
    dock.open_ledger(str(ledger_path))
    read_again = []
    monkeypatch.setattr(dock, "refresh_ledger", lambda: read_again.append(dock.session.path))
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    QTest.mouseClick(getattr(dock, button), Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    said = [
        bar.get_messages(level) for level in (Qgis.MessageLevel.Warning, Qgis.MessageLevel.Critical)
    ]
    assert said == [[], []]
    assert "deleted" not in dock.details.toPlainText()
    assert read_again == ([ledger_path] if button == "import_button" else [])


def test_export_opens_with_the_images_the_dock_shows(
    dock, ledger_path, demo, provider, monkeypatch
):
    """The PDF sheets' maps are the images: the dialog opened with the ledger alone, and every
    sheet came out blank unless the user found the images again."""
    from qgis.core import QgsRasterLayer

    opened = algorithm_dialogs(monkeypatch)
    before = QgsRasterLayer(str(demo.before_image), "before")
    after = QgsRasterLayer(str(demo.after_image), "after")
    QgsProject.instance().addMapLayers([before, after])
    dock.open_ledger(str(ledger_path))
    dock.images.set_images(before, after)
    QTest.mouseClick(dock.export_button, Qt.MouseButton.LeftButton)
    ((algorithm, parameters),) = opened
    assert algorithm == "zcenforcement:exportverification"
    assert parameters["LEDGER"] == str(ledger_path)
    assert (parameters["BEFORE_IMAGE"], parameters["AFTER_IMAGE"]) == (before, after)
    # Beside the ledger, not QGIS's temporary folder, deleted with everything exported in
    # it when QGIS quits (found by a review as a new user, who pressed Run).
    # A folder a day: last quarter's package, handed in, is not replaced by this one's.
    assert parameters["OUTPUT_FOLDER"] == str(ledger_path.parent / "export" / str(clock.today()))


def test_the_reports_menu_opens_each_ledger_algorithm_on_the_open_ledger(
    dock, ledger_path, provider, monkeypatch
):
    """Each entry opens its algorithm by the id Processing knows it by (one not registered
    would only say "not available"), with the ledger filled in."""
    opened = algorithm_dialogs(monkeypatch)
    dock.open_ledger(str(ledger_path))
    entries = [
        action
        for action in dock.reports_button.menu().actions()
        if action.objectName().startswith("zcenforcement:")
    ]
    for action in entries:
        action.trigger()
    names = [
        "monthlyranking",
        "weeklydispatch",
        "assessment",
        "accountabilityratio",
        "recordpatrol",
        "withdrawpatrol",
        "patrolcompliance",
        "ledgersettings",
    ]
    assert [algorithm for algorithm, _ in opened] == [f"zcenforcement:{n}" for n in names]
    assert all(parameters["LEDGER"] == str(ledger_path) for _, parameters in opened)
    # A report's files go beside the ledger, not into a temporary folder; an algorithm that
    # writes no folder gets none.
    reports = str(ledger_path.parent / "reports")
    folders = {algorithm: parameters.get("OUTPUT_FOLDER") for algorithm, parameters in opened}
    assert folders["zcenforcement:monthlyranking"] == reports
    assert folders["zcenforcement:recordpatrol"] is None
    assert all(folder in (reports, None) for folder in folders.values())


def test_the_approval_number_shows_its_example_only_where_it_is_entered(dock, ledger_path):
    """Disabled on an illegal or other verdict, the example number in grey read as a number
    recorded for the spot."""
    dock.open_ledger(str(ledger_path))
    form = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    assert not form.approval_number.isEnabled() and form.approval_number.placeholderText() == ""
    form.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(ls.VERDICT_LEGAL))
    assert form.approval_number.isEnabled() and "〔" in form.approval_number.placeholderText()
    form.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(ls.VERDICT_OTHER))
    assert form.approval_number.placeholderText() == ""


# --- the review page's list, counter and size ------------------------------------------------


def _place(position: int, shown: int) -> str:
    return tr("Spot {position} of {shown}").format(position=position, shown=shown)


def _judge(dock, row: int) -> None:
    """Click ``row`` and save an 'other' verdict for its spot through the form."""
    dock.queue_view.clicked.emit(dock.queue_model.index(row, 0))
    panel = dock.open_verdict_form(ls.VERDICT_OTHER)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()


def test_the_counter_gives_the_current_spots_place_in_the_list_shown_for_each_filter(
    dock, ledger_path
):
    """Each status filter: the counter reads the current spot's place among those listed (the
    verified count, all that was shown, read 0/n in the unverified list); judged there, the
    spot leaves the list and the next one takes its place; an empty list says so."""
    dock.open_ledger(str(ledger_path))
    status = dock.filter_boxes["status"]
    everyone = len(dock.session.queue)
    for row in (0, 1, 2):  # so that the verified list is not empty
        _judge(dock, row)
    for value, listed in (
        ("", everyone),
        (ls.STATUS_UNVERIFIED, everyone - 3),
        (ls.STATUS_VERIFIED, 3),
    ):
        status.setCurrentIndex(status.findData(value))
        assert len(dock.session.queue) == listed
        # The spot shown stays current when the new list holds it; else the first is.
        ids = [summary.id for summary in dock.session.queue]
        place = ids.index(dock.session.current_id) + 1
        assert dock.position_label.text() == _place(place, listed), value
        dock.queue_view.clicked.emit(dock.queue_model.index(0, 0))
        assert dock.position_label.text() == _place(1, listed), value
        QTest.keyClick(dock.home, Qt.Key.Key_Right)
        assert dock.position_label.text() == _place(2, listed), value
        dock.queue_view.clicked.emit(dock.queue_model.index(listed - 1, 0))
        assert dock.position_label.text() == _place(listed, listed), value
        # The bar counts the verified among what the other filters select, in every list.
        assert dock.count_label.text() == tr("Verified {verified} / {total}").format(
            verified=3, total=everyone
        )

    # Judged in the unverified list, the spot leaves it: the next takes its row and place.
    status.setCurrentIndex(status.findData(ls.STATUS_UNVERIFIED))
    shown = len(dock.session.queue)
    following = dock.session.queue[5].id
    _judge(dock, 4)
    assert dock.session.current_id == following
    assert dock.position_label.text() == _place(5, shown - 1)
    assert dock.session.counts() == (4, everyone)
    # The last one judged: the one before it, now last, is current.
    _judge(dock, shown - 2)
    assert dock.position_label.text() == _place(shown - 2, shown - 2)
    assert dock.session.current_id == dock.session.queue[-1].id

    # A list with nothing in it (no case, none overdue) places nothing, and says so.
    status.setCurrentIndex(status.findData(STATUS_OVERDUE))
    assert dock.session.queue == []
    assert dock.position_label.text() == tr("No spot in the list")
    assert dock.session.counts() == (5, everyone)


def _whole_in_view(widget, area) -> bool:
    """Whether ``widget`` lies whole inside the viewport of the scroll area ``area``."""
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


def _row_and_columns_readable(dock) -> None:
    """The current spot's row lies whole in the list's view, every cell's text whole in it."""
    view = dock.queue_view
    viewport = view.viewport().rect()
    row = dock.session.position
    assert view.selectionModel().isRowSelected(row, view.rootIndex())
    metrics = view.fontMetrics()
    for column in range(dock.queue_model.columnCount()):
        index = dock.queue_model.index(row, column)
        cell = view.visualRect(index)
        assert viewport.contains(cell), (column, cell, viewport)
        text = str(index.data() or "")
        assert metrics.horizontalAdvance(text) < cell.width(), (column, text, cell)
    assert not view.horizontalScrollBar().isVisible()


def test_a_restored_review_shows_its_spots_row_whole_with_every_column(dock, ledger_path, tmp_path):
    """The project reopens the review at the spot last shown, far down the unverified list:
    its row is scrolled whole into view (it was left half hidden), and at the panel's own
    width every column, the verdict last, reads whole (the verdict was cut at the right)."""
    from qgis.PyQt.QtWidgets import QApplication

    project = QgsProject.instance()
    dock.open_ledger(str(ledger_path))
    # Judged, with the longest verdict there is: its column must still read whole.
    dock.session.store.record_verdict(
        dock.session.queue[60].id,
        ledger.Verdict(ls.VERDICT_ILLEGAL, "擅自改变用途", "李工", dt.date(2025, 3, 3)),
    )
    status = dock.filter_boxes["status"]
    status.setCurrentIndex(status.findData(ls.STATUS_UNVERIFIED))
    dock.session.go_to_row(57)
    spot_id = dock.session.current_id
    project_file = tmp_path / "review.qgz"
    assert project.write(str(project_file))
    dock.session.close()
    project.clear()

    dock.resize(dock.fitting_width(), 900)
    assert project.read(str(project_file))  # readProject restores the dock
    assert dock.session.current_id == spot_id and dock.session.position == 57
    _row_and_columns_readable(dock)  # at once, before Qt lays anything out again
    QApplication.processEvents()
    _row_and_columns_readable(dock)
    # Shown shorter, then taller: the row stays whole in view.
    for height in (640, 1000):
        dock.resize(dock.fitting_width(), height)
        QApplication.processEvents()
        _row_and_columns_readable(dock)
    # The judged spot, in the list of all: its verdict reads whole too.
    status.setCurrentIndex(status.findData(""))
    dock.session.go_to(dock.session.store.spots(None)[60].id)
    dock._show_current()
    QApplication.processEvents()
    _row_and_columns_readable(dock)
    assert dock.queue_model.index(dock.session.position, 4).data() == "违法 擅自改变用途"


def _action_buttons(dock) -> list:
    return [
        dock.refresh_button,
        dock.shared_button,
        dock.import_button,
        dock.export_button,
        dock.check_button,
        dock.reports_button,
        dock.patrol_cases_button,
        dock.previous_button,
        dock.next_button,
        dock.unverified_button,
        dock.zoom_button,
        dock.attach_button,
        dock.case_button,
        *dock.verdict_buttons,
    ]


@pytest.mark.parametrize(
    ("screen", "height"),
    [
        ("1280x800", 640),  # the panel's height once QGIS's title, menus, toolbars are drawn
        # Not 1600×1000 (840 px) any more: the spot's page keeps 8 lines, and the list, page,
        # images and evidence then scroll there by ~70 px.
        ("1920x1200", 1040),
    ],
)
def test_every_button_is_in_view_on_a_small_screen_and_a_large_one(
    dock, ledger_path, tmp_path, screen, height
):
    """On a 1280×800 screen the judge, move and export buttons fell below the panel's foot;
    now the list, page, images and evidence scroll between the rows above and the buttons,
    which stay in view. On a larger screen nothing scrolls and the list keeps its rows."""
    from qgis.PyQt.QtWidgets import QApplication

    dock.open_ledger(str(ledger_path))
    dock.resize(dock.fitting_width(), height)
    QApplication.processEvents()
    page_area = dock.home.parentWidget()
    while not hasattr(page_area, "viewport"):  # the scroll area the panel stack puts around
        page_area = page_area.parentWidget()
    assert page_area.verticalScrollBar().maximum() == 0  # the page itself never scrolls
    for button in _action_buttons(dock):
        assert button.isVisible(), button.objectName()
        assert _whole_in_view(button, page_area), button.objectName()
        assert button.visibleRegion().boundingRect() == button.rect(), button.objectName()
    # What scrolls instead: the review area, and only on the small screen.
    area = dock.review_area
    scrolls = area.verticalScrollBar().maximum() > 0
    assert scrolls == (height < 700)
    # The list keeps a few rows in view either way, the current one whole.
    assert dock.queue_view.viewport().height() >= 4 * 22
    assert _whole_in_view(dock.queue_view, area)
    _row_and_columns_readable(dock)
    # The panel drawn as it is shown, to be looked at.
    dock.grab().save(str(tmp_path / f"dock_{screen}.png"))
    # The buttons work from where they are: the verdict form opens from its button.
    QTest.mouseClick(dock.verdict_buttons[1], Qt.MouseButton.LeftButton)
    assert dock.stack.currentPanel() is not dock.home


def test_a_deadline_in_the_year_after_the_librarys_last_says_it_has_no_schedule(
    dock, ledger_path, monkeypatch
):
    """DOMAIN §5 in the dock, on the ledger's own calendar. Today (27 November 2026)
    chinesecalendar knows up to 2026 and holidays.json no year, so 2027 has no schedule. The
    same edge a year earlier, as the ledger refuses dates after today: the library stops at
    2025. Judged illegal on Tuesday 30 December 2025, the written report is due 2 working days
    later: Wednesday 31 December, 1 January off (fixed), so Friday 2 January 2026, an estimate
    that must say 2026 has no schedule and name the holidays.json beside the ledger. Once the
    bureau adds the 2026 notice there (1-3 January off, Sunday 4 January worked) it is Sunday
    4 January, and filing Monday 5 January (31 Dec, 4 Jan, 5 Jan), with no warning."""
    from tests.holiday_notices import write_notice_2026

    monkeypatch.setattr(workdays, "library_years", lambda: frozenset(range(2004, 2026)))
    dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 12, 30))
    panel = dock.open_case_panel()
    text = panel.summary.toPlainText()
    bureau_file = workdays.bureau_holiday_file(ledger_path)
    # The estimate is marked on the date itself.
    assert "书面报告执法监察大队〔work plan〕: 2026-01-02（估算）" in text
    assert "2026年没有官方节假日安排，期限为估算" in text
    assert f"add 2026 to {bureau_file}" in text
    # The warning, with its path, and the document to record each on a line of its own.
    lines = text.replace("\u2028", "\n").splitlines()
    warning = next(line for line in lines if line.startswith("2026年没有官方节假日安排"))
    assert warning.endswith(str(bureau_file)), warning
    assert any(line.startswith("record the document") for line in lines), lines

    write_notice_2026(bureau_file)
    panel.refresh()
    text = panel.summary.toPlainText()
    assert "书面报告执法监察大队〔work plan〕: 2026-01-04" in text
    assert "逾期未整改立案〔work plan〕: 2026-01-05" in text
    assert "没有官方节假日安排" not in text and "估算" not in text


@pytest.mark.parametrize(
    ("width", "height"),
    [
        ("least", 900),  # a narrow panel (300 px) on a tall screen: the rows above wrap
        ("fitting", 640),  # the panel's own width on a 1280×800 screen
    ],
)
def test_the_spots_evidence_is_in_view_without_scrolling(
    dock, ledger_path, tmp_path, width, height
):
    """The spot's evidence files were listed under the before/after images, below the foot of
    the review area on a 300 px panel 900 px tall (and at the panel's own width on a 1280×800
    screen): each spot's photos were reached by scrolling. They are listed under the spot's
    page, above the images, their first row in view as the spot is shown; nothing is hidden,
    the images follow them."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QApplication

    from zc_enforcement_plugin.ui.verification_dock import SPLITTER_SETTING

    QgsSettings().remove(SPLITTER_SETTING)
    assert dock.open_ledger(str(ledger_path))
    photos = [_gps_photo(tmp_path / f"site{n}.jpg", (40 * n, 0, 0)) for n in range(3)]
    assert dock.attach_files(photos) == []
    dock.resize(dock.least_width() if width == "least" else dock.fitting_width(), height)
    for _ in range(3):  # the page laid out, then refitted (PanelSizing)
        QApplication.processEvents()
    area = dock.review_area
    assert dock.header.parentWidget() is dock.home  # the rows above in view, not scrolled
    assert area.verticalScrollBar().value() == 0
    # The list's top in the area's view, its first row's upper half too (its text shows): on
    # the 300 px panel in English the filters take more lines than in Chinese, and the row's
    # foot is a pixel under the view's. Heights only: the list scrolls sideways on its own.
    first_row = dock.evidence_list.visualItemRect(dock.evidence_list.item(0))
    top = dock.evidence_list.viewport().mapTo(area.viewport(), first_row.topLeft()).y()
    assert top >= 0 and top + first_row.height() // 2 <= area.viewport().height(), (
        top,
        area.viewport().height(),
        dock.splitter.sizes(),
    )
    # Nothing hidden: the images are on the page still, under the evidence.
    assert dock.images.isVisible()
    assert dock.images.y() > dock.evidence_list.y()
    dock.grab().save(str(tmp_path / f"dock_evidence_{width}_{height}.png"))


def test_the_spots_page_keeps_eight_lines_and_the_heights_dragged_are_kept(
    dock, ledger_path, qgis_iface
):
    """On a 1366×768 screen the spot's page was 69 px, two lines between the list and the
    images (the heights given it before the panel was laid out were not kept). It keeps at
    least 8 lines and takes the spare height; heights the user drags are kept for next time."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QApplication

    from zc_enforcement_plugin.ui.verification_dock import DETAILS_MIN_LINES, SPLITTER_SETTING

    QgsSettings().remove(SPLITTER_SETTING)
    dock.open_ledger(str(ledger_path))
    lines = DETAILS_MIN_LINES * dock.details.fontMetrics().lineSpacing()
    sizes = {}
    for height in (560, 1040):  # the panel on a 1366×768 screen, and on a 1920×1200 one
        dock.resize(dock.fitting_width(), height)
        QApplication.processEvents()
        assert dock.details.viewport().height() >= lines, (height, dock.splitter.sizes())
        sizes[height] = dock.splitter.sizes()
    # Spare height goes to the page: the list, evidence and images keep theirs.
    dock.resize(dock.fitting_width(), 1400)
    QApplication.processEvents()
    growth = [tall - short for short, tall in zip(sizes[1040], dock.splitter.sizes())]
    assert growth[1] > 0 and growth[0] == growth[2] == growth[3] == 0, (sizes, growth)

    # Dragged: kept, and a panel made again (QGIS started again) shows them so.
    queue, details, evidence, images = dock.splitter.sizes()
    dragged = [queue + 60, details - 60, evidence, images]
    dock.splitter.setSizes(dragged)
    assert dock.splitter.sizes() == dragged
    dock.splitter.splitterMoved.emit(queue + 60, 1)  # as a drag of the first handle says
    from zc_enforcement_plugin.ui.verification_dock import VerificationDock

    again = VerificationDock(None, qgis_iface)
    try:
        again.resize(dock.size())
        again.show()
        QApplication.processEvents()
        assert again.splitter.sizes() == dragged
    finally:
        again.cleanup()
        again.deleteLater()
        QgsSettings().remove(SPLITTER_SETTING)


def test_heights_dragged_while_the_images_came_first_stay_with_their_widgets(dock, qgis_iface):
    """Heights kept while the evidence was listed under the images are in that order (list,
    page, images, evidence): read as they are now, the evidence took the images' 260 px and
    the images were squeezed to their least. Each widget gets its own height back."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QApplication, QListWidget, QSplitter, QWidget

    from zc_enforcement_plugin.ui.verification_dock import (
        IMAGES_FIRST_SPLITTER_SETTING,
        SPLITTER_SETTING,
    )

    dock.resize(dock.fitting_width(), 1040)
    QApplication.processEvents()
    queue, details, evidence, images = dock.splitter.sizes()
    # A splitter of the old order, dragged: the images 40 px taller, the evidence 30 px.
    old = QSplitter(Qt.Orientation.Vertical)
    for _ in range(4):
        QWidget(old)
    old.resize(200, sum(dock.splitter.sizes()) + 3 * old.handleWidth())
    old.setSizes([queue, details - 70, images + 40, evidence + 30])
    settings = QgsSettings()
    settings.remove(SPLITTER_SETTING)
    settings.setValue(IMAGES_FIRST_SPLITTER_SETTING, old.saveState())
    again = VerificationDock(None, qgis_iface)
    try:
        again.resize(dock.size())
        again.show()
        QApplication.processEvents()
        assert isinstance(again.splitter.widget(2), QListWidget)  # the evidence, above
        assert again.splitter.widget(3) is again.images
        assert again.splitter.sizes() == [queue, details - 70, evidence + 30, images + 40]
    finally:
        again.cleanup()
        again.deleteLater()
        settings.remove(IMAGES_FIRST_SPLITTER_SETTING)
        settings.remove(SPLITTER_SETTING)


@pytest.mark.parametrize("height", [430, 380])  # a 1366×768 screen at 125 % and at 150 %
def test_a_page_on_top_keeps_its_save_in_view_on_a_scaled_screen(dock, ledger_path, height):
    """At 125 or 150 % scaling the panel is shorter than the review page's least height, which
    the stack kept for every page: a form's Save and Cancel went below the panel's foot. The
    form scrolls within itself with them in view; back on the review page, it is laid out
    as before, its buttons in view."""
    from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox

    dock.open_ledger(str(ledger_path))
    dock.resize(dock.fitting_width(), height)
    QApplication.processEvents()
    assert dock.review_page_height() > height  # too short for the review page with its rows
    _judge_illegal(dock, dt.date(2025, 3, 3))
    for open_page in (lambda: dock.open_verdict_form(ls.VERDICT_LEGAL), dock.open_case_panel):
        page = open_page()
        for _ in range(2):  # the stack's new least height, then the scroll area's resize
            QApplication.processEvents()
        buttons = page.findChild(QDialogButtonBox)
        for button in buttons.buttons():
            assert _whole_in_view(button, _stack_area(page)), (height, button.text())
            assert button.visibleRegion().boundingRect() == button.rect(), button.text()
        page.acceptPanel()
        QApplication.processEvents()
    assert dock.stack.currentPanel() is dock.home
    assert dock.home.height() >= dock.home.minimumSizeHint().height()


def _stack_area(panel):
    """The scroll area the panel stack puts around ``panel``."""
    area = panel.parentWidget()
    while not hasattr(area, "viewport"):
        area = area.parentWidget()
    return area


@pytest.mark.parametrize(
    ("screen", "height"),
    [
        ("1280x800", 640),
        # A 1920×1080 screen at 125 %: QGIS's window is 1536×864, the panel ~700 px high.
        ("1536x864", 704),
    ],
)
def test_the_forms_save_and_refusal_stay_in_view_and_ctrl_return_saves(
    dock, ledger_path, tmp_path, screen, height
):
    """The verdict form (11 fields and 6 areas) is taller than the panel: its Save lay at the
    panel's foot, 2 px of it in view, and the reason a save was refused below that. The fields
    scroll; the refusal and Save/Cancel stay in view, and Ctrl+Return saves from any field."""
    from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox

    from zc_enforcement_plugin.core.patrols import PatrolRecord

    dock.open_ledger(str(ledger_path))
    store = dock.session.store
    store.add_patrol(
        PatrolRecord("XC-1", sorted(store.known_offices())[0], dt.date(2025, 3, 3), ["赵六"])
    )
    dock.resize(dock.fitting_width(), height)
    spot_id = dock.session.current_id
    QTest.keyClick(dock.home, Qt.Key.Key_1)
    panel = dock.stack.currentPanel()
    panel.kind.setCurrentIndex(1)
    panel.verifier.setText("")
    panel.accept()  # refused: no verifier, no approval number
    QApplication.processEvents()
    assert panel.messages.text() and store.current_verdict(spot_id) is None
    dock.grab().save(str(tmp_path / f"verdict_form_{screen}.png"))
    area = _stack_area(panel)
    save = panel.buttons.button(QDialogButtonBox.StandardButton.Save)
    for widget in (save, panel.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
        assert widget.isVisible() and _whole_in_view(widget, area), (screen, widget.text())
        assert widget.visibleRegion().boundingRect() == widget.rect(), (screen, widget.text())
    assert _whole_in_view(panel.messages, area), screen
    assert panel.messages.visibleRegion().boundingRect() == panel.messages.rect(), screen
    assert "Ctrl+Return" in save.toolTip()

    # Ctrl+Return in a line edit, and Ctrl+Enter in the remarks, save the verdict.
    panel.approval_number.setText("鲁政土字〔2021〕12号")
    panel.verifier.setText("李工")
    panel.verifier.setFocus()
    QTest.keyClick(panel.verifier, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stored = store.current_verdict(spot_id)
    assert stored is not None and stored.verifier == "李工", panel.messages.text()
    assert dock.stack.currentPanel() is dock.home
    dock.session.go_to(spot_id)
    QTest.keyClick(dock.home, Qt.Key.Key_2)
    panel = dock.stack.currentPanel()
    panel.kind.setCurrentIndex(1)
    panel.note.setFocus()
    QTest.keyClick(panel.note, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert store.current_verdict(spot_id).category == ls.VERDICT_ILLEGAL, panel.messages.text()
    assert panel.note.toPlainText() == ""  # the key saved, it typed no new line

    # The case page and the patrol-case form keep theirs in view too.
    for open_page in (dock.open_patrol_case_form, dock.open_case_panel):
        page = open_page()
        QApplication.processEvents()
        page.messages.setText("x " * 200)  # a long refusal
        QApplication.processEvents()
        area = _stack_area(page)
        save = page.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        assert _whole_in_view(save, area), (screen, type(page).__name__)
        assert save.visibleRegion().boundingRect() == save.rect(), (screen, type(page).__name__)
        assert _whole_in_view(page.messages, area), (screen, type(page).__name__)
        dock.grab().save(str(tmp_path / f"{type(page).__name__}_{screen}.png"))
        page.messages.clear()
        page.acceptPanel()


def test_a_change_of_filter_or_spot_marks_the_project_changed_and_is_reopened_with_it(
    dock, ledger_path, tmp_path
):
    """The filters and the current spot are saved with the project, but changing them marked
    nothing: QGIS quit without asking, and the review's place was lost. Now each change marks
    the project changed; a project opened (its place read back) is not."""
    project = QgsProject.instance()
    project_file = tmp_path / "review.qgz"
    dock.open_ledger(str(ledger_path))
    assert project.write(str(project_file))
    assert not project.isDirty()

    office = dock.filter_boxes["office"]
    office.setCurrentIndex(2)
    chosen_office = office.currentData()
    assert chosen_office and project.isDirty()
    assert project.write(str(project_file)) and not project.isDirty()
    QTest.keyClick(dock.home, Qt.Key.Key_Right)
    assert project.isDirty()
    assert project.write(str(project_file)) and not project.isDirty()
    status = dock.filter_boxes["status"]
    status.setCurrentIndex(status.findData(ls.STATUS_UNVERIFIED))
    assert project.isDirty()
    dock.session.go_to_row(3)
    dock._show_current()  # as a click on the list's row does
    spot_id = dock.session.current_id
    assert project.write(str(project_file)) and not project.isDirty()
    # Showing the same place again (a refresh, a redraw) is no change.
    dock.refresh_ledger()
    assert not project.isDirty()

    dock.session.close()
    project.clear()
    assert project.read(str(project_file))
    assert not project.isDirty()  # opened, its place read back: nothing to save
    assert dock.session.filter.office == chosen_office
    assert dock.session.filter.status == ls.STATUS_UNVERIFIED
    assert dock.session.current_id == spot_id
    QTest.keyClick(dock.home, Qt.Key.Key_N)
    assert dock.session.current_id != spot_id and project.isDirty()


def test_an_illegal_spot_with_no_case_shows_its_deadlines_and_is_listed_overdue(
    dock, ledger_path, monkeypatch, tmp_path
):
    """A spot judged 违法 and no case opened runs the deadlines of a case discovered on its
    verdict date (the reports list and count it so): its page shows the written report and
    filing due, marked 估算 with the file to add the year to when no schedule covers them, and
    the overdue filter lists it. Once a case is opened the case's own line takes their place."""
    # No schedule for any year: every working-day deadline is an estimate, whatever today is.
    monkeypatch.setattr(workdays, "library_years", lambda: frozenset())
    dock.open_ledger(str(ledger_path))
    judged_on = clock.today() - dt.timedelta(days=14)
    spot_id = dock.session.current_id
    _judge_illegal(dock, judged_on)
    dock._show_session()
    text = dock.details.toPlainText()
    assert (
        tr("No case opened: deadlines run from the verdict of {day}").format(
            day=judged_on.isoformat()
        )
        in text
    ), text
    report = next(line for line in text.splitlines() if "书面报告执法监察大队" in line)
    filing = next(line for line in text.splitlines() if "逾期未整改立案" in line)
    for line in (report, filing):
        assert "已逾期" in line and "（估算）" in line, line
    assert "holidays.json" in text  # the estimate's warning says which file to add the year to
    dock.grab().save(str(tmp_path / "unopened_spot_page.png"))
    from qgis.PyQt.QtWidgets import QTextBrowser

    page = QTextBrowser()  # the whole page at once, to look at: the dock's pane scrolls
    page.setHtml(dock.details.toHtml())
    page.resize(520, 760)
    page.grab().save(str(tmp_path / "unopened_spot_details.png"))

    status = dock.filter_boxes["status"]
    status.setCurrentIndex(status.findData(STATUS_OVERDUE))
    assert [s.id for s in dock.session.queue] == [spot_id]
    assert dock.session.current_id == spot_id

    case_id = dock.session.open_case_for_current()
    dock._show_session()
    text = dock.details.toPlainText()
    assert tr("Case {id}").format(id=case_id) in text
    assert "No case opened" not in text and "未立案：" not in text


def _typed_illegal_form(dock):
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)  # a kind is chosen, not defaulted
    return panel


def test_a_ledger_file_moved_away_is_said_and_the_form_keeps_what_was_typed(dock, ledger_path):
    """The ledger moved or deleted with QGIS open: refresh (R) and picking the same path
    again read on from the file no longer there, and a save was refused as a read-only file.
    Now both say the file was moved or deleted, naming it; the list and the form stay."""
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    queue = list(dock.session.queue)
    panel = _typed_illegal_form(dock)
    moved = ledger_path.with_name("moved.gpkg")
    ledger_path.rename(moved)

    dock.refresh_ledger()
    said = dock.details.toPlainText()
    assert str(ledger_path) in said and "moved or deleted" in said
    assert dock.session.queue == queue and dock.stack.currentPanel() is panel
    assert dock.choose_ledger(str(ledger_path))  # picked again: the same said, nothing asked
    assert dock.details.toPlainText().count("moved or deleted") == 2

    panel.accept()
    assert "moved or deleted" in panel.messages.text() and "ledger.gpkg" in panel.messages.text()
    assert "read-only" not in panel.messages.text()
    assert panel.verifier.text() == "李工" and dock.stack.currentPanel() is panel

    moved.rename(ledger_path)  # put back: the same file, the same form saves
    panel.accept()
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.current_verdict(spot_id).verifier == "李工"


def test_a_ledger_file_replaced_on_disk_is_read_from_the_new_file(dock, ledger_path):
    """A colleague's copy delivered over the ledger (os.replace by a sync tool): refresh read
    on from the replaced file. Now the panel reads the new one and says so."""
    import os
    import shutil

    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    incoming = ledger_path.with_name("incoming.gpkg")
    shutil.copyfile(ledger_path, incoming)  # the colleague's copy: the spot not judged there
    _judge_illegal(dock, clock.today())
    dock.refresh_ledger()
    assert dock.session.store.current_verdict(spot_id) is not None
    os.replace(incoming, ledger_path)

    dock.refresh_ledger()
    assert "replaced by another file" in dock.details.toPlainText()
    assert str(ledger_path) in dock.details.toPlainText()
    assert dock.session.current_id == spot_id  # the spot shown is kept
    assert dock.session.store.current_verdict(spot_id) is None  # as the new file has it
    assert all(s.status == ls.STATUS_UNVERIFIED for s in dock.session.queue)


def test_a_save_into_a_replaced_ledger_file_reads_the_new_file_first(dock, ledger_path):
    """A form saved after the file was replaced: refused once, saying the new file is read
    now; the form keeps what was typed and the next save goes into the new file."""
    import os
    import shutil

    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    incoming = ledger_path.with_name("incoming.gpkg")
    shutil.copyfile(ledger_path, incoming)
    panel = _typed_illegal_form(dock)
    os.replace(incoming, ledger_path)

    panel.accept()
    assert "replaced by another file" in panel.messages.text()
    assert "read-only" not in panel.messages.text()
    assert panel.verifier.text() == "李工" and dock.stack.currentPanel() is panel
    panel.accept()
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.current_verdict(spot_id).verifier == "李工"


def test_saving_a_project_whose_ledger_is_missing_keeps_its_place_in_the_ledger(dock, ledger_path):
    """Saved while its ledger was missing, the project lost its spot, filters and images:
    this session's were written over them (no spot, the previous project's filter), and
    once the ledger was back the review reopened elsewhere. They are now kept as read."""
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    dock.open_ledger(str(ledger_path))  # the session left: another filter, another spot
    dock.session.go_to(dock.session.queue[3].id)
    project = QgsProject.instance()
    entries = {
        "ledger": "./renamed/ledger.gpkg",
        "spot": "214",
        "before_image": "before_2023_abc",
        "after_image": "after_2024_def",
        **{f"filter/{key}": "" for key in ("batch", "town", "status", "flag", "suggested")},
        "filter/office": "南郊自然资源所",
    }
    for key, value in entries.items():
        project.writeEntry(PROJECT_SCOPE, key, value)
    dock.restore_state()
    assert "renamed" in dock.details.toPlainText()  # the missing ledger is said

    dock.save_state()  # the project saved, its ledger still missing
    saved = {key: project.readEntry(PROJECT_SCOPE, key, "")[0] for key in entries}
    assert saved == entries


def test_the_case_page_corrects_a_mistyped_step_and_withdraws_a_case(qgis_iface, tmp_path):
    """立案 typed 2025-11-10 for 10-13: the page's 更正 records the right date with its reason,
    the history shows both, and the deadlines move; the spot then judged 合法 is said on the
    page until the case is withdrawn (the withdrawal's reason from the remarks)."""
    from tests.test_case_corrections import _case_on_s3
    from zc_enforcement_plugin.core.cases import Stage
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.ui.case_panel import WITHDRAW, CasePanel

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        case_id = _case_on_s3(store)
        panel = CasePanel(store, case_id, WorkCalendar(None, strict=False))
        panel.resize(460, 760)
        assert "2026-02-08" in panel.summary.toPlainText()  # 90 days from the mistyped 立案
        assert panel.corrected.currentText() == "2025-11-10 立案 李四"  # and who recorded it
        # The rows appear on demand (a short panel keeps Save in view) and go once done.
        assert not panel.correction_box.isVisibleTo(panel)
        panel.show_correction.click()
        assert panel.correction_box.isVisibleTo(panel)
        panel.person.setText("王五")
        panel.corrected_date.setDate(QDate(2025, 10, 13))
        assert not panel.record_correction()  # no reason: refused on the page, nothing written
        assert "理由" in panel.messages.text()
        panel.reason.setText("录入错误")
        assert panel.record_correction()
        assert not panel.correction_box.isVisibleTo(panel)
        text = without_isolates(panel.summary.toPlainText())
        assert "2025-11-10（已更正为 2025-10-13：录入错误（王五）） 立案" in text, text
        assert "2026-01-11" in text and "2026-02-08" not in text, text
        assert store.case(case_id).date_of(Stage.FILE) == dt.date(2025, 10, 13)
        panel.grab().save(str(tmp_path / "case_corrected.png"))

        spot_id = store.case_record(case_id).spot_id
        store.record_verdict(
            spot_id,
            ledger.Verdict(
                category=ls.VERDICT_LEGAL,
                kind=ls.VERDICT_KINDS[ls.VERDICT_LEGAL][0],
                verifier="张三",
                verified_on="2025-11-20",
                approval_number="鲁政土字〔2025〕12号",
            ),
        )
        panel.refresh()
        assert "2025-11-20" in panel.summary.toPlainText()
        assert "not withdrawn" in panel.summary.toPlainText() or "尚未撤销" in (
            panel.summary.toPlainText()
        )
        panel.stage.setCurrentIndex(panel.stage.findData(WITHDRAW))
        panel.date.setDate(QDate(2025, 11, 21))
        panel.note.setPlainText("图斑判定为合法")
        panel.grab().save(str(tmp_path / "case_lawful.png"))
        assert panel.record_step()
        case = store.case(case_id)
        assert case.withdrawn and case.events[-1].note == "图斑判定为合法"
        assert "撤销案件" in panel.summary.toPlainText()
        assert store.case_left_open(spot_id) is None
        panel.grab().save(str(tmp_path / "case_withdrawn.png"))
    finally:
        store.close()


def test_an_evidence_path_written_by_hand_is_shown_refused_saying_why(dock, ledger_path, tmp_path):
    """A row naming '../private.jpg' (sqlite3, as an office's psql) is marked 路径被拒绝 (it
    was marked 缺失, as if a file were lost), its file never read (the same bytes as the real
    photo: only its path tells), and its tooltip says the path is refused, not that the file
    has gone."""
    import sqlite3

    from tests.test_evidence_paths import _insert_by_hand
    from zc_enforcement_plugin.core import evidence

    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 200 + b"\xff\xd9")
    (ledger_path.parent / "private.jpg").write_bytes(photo.read_bytes())
    with ledger.GeoPackageLedger(ledger_path) as store:
        spot = store.spots()[0]
        record = evidence.store_evidence_file(ledger_path, spot.number, photo, ls.EVIDENCE_PHOTO)
        store.add_evidence(spot.id, record)
    _insert_by_hand(ledger_path, "../private.jpg")
    assert sqlite3.connect(str(ledger_path)).execute(
        f"SELECT count(*) FROM {ls.T_EVIDENCE}"
    ).fetchone() == (2,)
    assert dock.open_ledger(str(ledger_path))
    assert dock.session.go_to(spot.id)
    QTest.qWait(50)  # the real photo is hashed between the panel's events
    texts = [dock.evidence_list.item(i).text() for i in range(dock.evidence_list.count())]
    # As shown: a tooltip is HTML, so that a path holding markup is shown as written.
    tips = [_as_html(dock.evidence_list.item(i).toolTip()) for i in range(len(texts))]
    refused = texts.index(next(t for t in texts if "../private.jpg" in t))
    assert texts[refused].startswith(tr("Path refused"))
    assert not texts[1 - refused].startswith((tr("Path refused"), tr("Missing"))), texts
    assert "../private.jpg" in tips[refused]
    said = tr("Not read: the stored path is refused ({reason}): {path}")
    assert tips[refused].startswith(said.split("{")[0]), tips[refused]
    assert "must be relative" in tips[refused] and tips[refused].endswith("../private.jpg")
    dock.grab().save(str(tmp_path / "refused_evidence_path.png"))
    dock.evidence_list.grab().save("/tmp/fsec/refused_evidence_list.png")


def _menu_entries(widget) -> dict[tuple[str, int], str]:
    """Every entry of every menu in `widget`, filled as when opened: (the menu's button, place)
    -> text."""
    from qgis.PyQt.QtWidgets import QMenu

    entries = {}
    for menu in widget.findChildren(QMenu):
        menu.aboutToShow.emit()  # the menus filled when opened (shared ledgers, patrol cases)
        owner = menu.parent().objectName() or type(menu.parent()).__name__
        actions = [action for action in menu.actions() if not action.isSeparator()]
        assert actions, f"menu of {owner} has no entries"
        entries.update({(owner, place): a.text() for place, a in enumerate(actions)})
    return entries


def test_every_menu_entry_of_the_dock_is_chinese_in_a_chinese_qgis(
    dock, ledger_path, qgis_iface, answers
):
    """The Reports menu showed 'Ledger settings: deadline rules and ranking weights' in a
    Chinese QGIS: its title, passed to tr() as a variable, was never catalogued. Every entry of
    every menu (the dock's own and the case page's), in English and in Chinese: each must read
    otherwise in Chinese, or be catalogued as it is, or be Chinese already (a document name)."""
    import re

    from qgis.PyQt.QtCore import QCoreApplication

    from tests.test_translations import catalogue
    from zc_enforcement_plugin.i18n import install_translator

    assert dock.open_ledger(str(ledger_path))
    _judge_illegal(dock, dt.date(2025, 3, 3))
    assert dock.open_case_panel() is not None
    english = _menu_entries(dock)
    owners = {owner for owner, _place in english}
    assert {"reportsButton", "sharedButton", "patrolCasesButton", "addDocument"} <= owners
    assert len([key for key in english if key[0] == "reportsButton"]) == 8

    translator = install_translator("zh_CN")
    chinese_dock = VerificationDock(None, qgis_iface)
    try:
        assert chinese_dock.open_ledger(str(ledger_path))
        chinese_dock.session.go_to(dock.session.current_id)  # the spot whose case is open
        assert chinese_dock.open_case_panel() is not None
        chinese = _menu_entries(chinese_dock)
        chinese_dock.stack.acceptAllPanels()
        chinese_dock.cleanup()
    finally:
        QCoreApplication.removeTranslator(translator)
        chinese_dock.deleteLater()
    assert chinese.keys() == english.keys()
    translations = catalogue()
    untranslated = [
        f"{owner}: {text}"
        for (owner, place), text in english.items()
        if chinese[owner, place] == text
        and translations.get(text) != text
        and re.search("[A-Za-z]", text)
    ]
    assert not untranslated, "English left in the Chinese menus:\n" + "\n".join(untranslated)


# QGIS's window on a 1920×1080 screen at 200 % (960×540 logical; 1366×768 at 150 % gives
# 910×512), and the height its menus and three rows of toolbars took there above the panel
# (the reviewer's screenshots: the docked panel was 378 px high).
SCALED_WINDOW = (960, 540)
SCALED_CHROME = 162


def _overdue_lines_in_view(browser, area) -> int:
    """How many lines of ``browser`` say 已逾期, each asserted to lie whole in its view and in
    the viewport of ``area`` (the panel's): red deadlines scrolled out of sight go unread."""
    from qgis.PyQt.QtGui import QTextDocument

    found, cursor = 0, browser.document().find("已逾期")
    while not cursor.isNull():
        line = browser.cursorRect(cursor)  # in the browser's viewport
        assert browser.viewport().rect().contains(line), (line, browser.viewport().rect())
        top_left = browser.viewport().mapTo(area.viewport(), line.topLeft())
        assert area.viewport().rect().contains(QRect(top_left, line.size())), top_left
        found += 1
        cursor = browser.document().find("已逾期", cursor, QTextDocument.FindFlag(0))
    return found


def test_on_a_scaled_small_screen_every_button_and_the_overdue_deadlines_stay_in_view(
    qgis_iface, qgis_new_project, ledger_path, tmp_path
):
    """At 200 % on 1920×1080 (or 150 % on 1366×768) the docked panel is ~360 px high: the
    review page scrolled as a whole, its move, case and verdict buttons below the panel's foot;
    the case page's summary shrank to a line and a half, its red overdue deadlines out of
    sight, and its Close cut off. The buttons stay at the foot of each page, only the middle
    scrolls, and the summary keeps its first lines in view."""
    from qgis.PyQt.QtWidgets import (
        QApplication,
        QDialogButtonBox,
        QLabel,
        QMainWindow,
        QStatusBar,
    )

    window = QMainWindow()
    chrome = QLabel("menus and toolbars")
    chrome.setFixedHeight(SCALED_CHROME)
    window.setMenuWidget(chrome)
    window.setStatusBar(QStatusBar(window))
    window.setCentralWidget(QLabel("map"))
    dock = VerificationDock(window, qgis_iface)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(*SCALED_WINDOW)
    window.show()
    # As wide as the plugin docks it (what the page needs across: the width is not in question).
    window.resizeDocks([dock], [dock.fitting_width()], Qt.Orientation.Horizontal)
    try:
        dock.open_ledger(str(ledger_path))
        _judge_illegal(dock, dt.date(2025, 3, 3))  # its report and filing long overdue
        dock._show_current()
        for _ in range(3):
            QApplication.processEvents()
        window.grab().save(str(tmp_path / "review_page.png"))
        assert window.height() == SCALED_WINDOW[1]  # the panel left the window its size
        area = _stack_area(dock.home)
        buttons = [
            dock.previous_button,
            dock.next_button,
            dock.unverified_button,
            dock.zoom_button,
            dock.attach_button,
            dock.case_button,
            *dock.verdict_buttons,
        ]
        for button in buttons:
            assert _whole_in_view(button, area), button.text()
            assert button.visibleRegion().boundingRect() == button.rect(), button.text()

        verdict = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
        for _ in range(3):
            QApplication.processEvents()
        window.grab().save(str(tmp_path / "verdict_form.png"))
        for button in verdict.buttons.buttons():
            assert _whole_in_view(button, _stack_area(verdict)), button.text()
            assert button.visibleRegion().boundingRect() == button.rect(), button.text()
        verdict.acceptPanel()

        case = dock.open_case_panel()
        for _ in range(3):
            QApplication.processEvents()
        window.grab().save(str(tmp_path / "case_page.png"))
        for button in case.findChild(QDialogButtonBox).buttons():
            assert _whole_in_view(button, _stack_area(case)), button.text()
            assert button.visibleRegion().boundingRect() == button.rect(), button.text()
        lines = case.summary.fontMetrics().lineSpacing()
        assert case.summary.viewport().height() >= CASE_SUMMARY_MIN_LINES * lines
        assert _whole_in_view(case.summary.viewport(), _stack_area(case))
        assert _overdue_lines_in_view(case.summary, _stack_area(case)) >= 2
    finally:
        dock.stack.acceptAllPanels()
        dock.cleanup()
        window.close()
        dock.deleteLater()


def _contrast(foreground, background) -> float:
    """The WCAG 2 contrast ratio of two QColors."""

    def luminance(colour):
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _coloured_texts(browser) -> list[tuple[str, str]]:
    """(colour, text) of each coloured run of ``browser``'s page, the layers' ■ marks aside
    (a legend's swatch, not text to read)."""
    import re

    runs = re.findall(r"color:(#[0-9a-fA-F]{6});[^>]*>([^<]*)<", browser.toHtml())
    return [(colour, text) for colour, text in runs if text.strip() and text.strip() != "■"]


def test_on_a_dark_theme_every_coloured_text_of_the_panel_reads(dock, ledger_path):
    """QGIS's Night Mapping theme draws the panel on #222: the dock's red (#b00020) read at
    2.2:1 there (overdue deadlines, missing evidence, the criminal scale, refusals), its amber
    and grey at 2.6:1, the list's verdicts at 2.6-3.1:1. On a dark palette every coloured text
    is drawn in a variant reading at 4.5:1 at least (WCAG AA); on a light one, as before."""
    from qgis.PyQt.QtGui import QColor, QPalette
    from qgis.PyQt.QtWidgets import QApplication

    def show(palette):
        dock.setPalette(palette)
        dock.session.refresh()
        dock._show_session()
        dock.session.go_to(spot_id)
        dock._show_current()
        QApplication.processEvents()

    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    _judge_illegal(dock, dt.date(2025, 3, 3))  # no case: its deadlines overdue, in red
    light = QPalette(dock.palette())
    dark = QPalette(dock.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        dark.setColor(group, QPalette.ColorRole.Base, QColor("#222222"))
        dark.setColor(group, QPalette.ColorRole.Window, QColor("#2b2b2b"))
        dark.setColor(group, QPalette.ColorRole.Text, QColor("#dddddd"))
        dark.setColor(group, QPalette.ColorRole.WindowText, QColor("#dddddd"))
    base = QColor("#222222")

    show(dark)
    runs = _coloured_texts(dock.details)
    assert any("已逾期" in text for _colour, text in runs), runs
    for colour, text in runs:
        assert _contrast(QColor(colour), base) >= 4.5, (colour, text)
    # The case page: its overdue deadlines, the limitation line.
    case = dock.open_case_panel()
    runs = _coloured_texts(case.summary)
    assert any("已逾期" in text for _colour, text in runs), runs
    for colour, text in runs:
        assert _contrast(QColor(colour), base) >= 4.5, (colour, text)
    case.acceptPanel()
    # The list's verdict, and the rest of its text in the view's own colour.
    row = dock.session.position
    brush = dock.queue_model.index(row, 4).data(Qt.ItemDataRole.ForegroundRole)
    assert _contrast(brush.color(), base) >= 4.5, brush.color().name()
    # A missing evidence file's row.
    photo = ledger_path.parent / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 200 + b"\xff\xd9")
    assert dock.attach_files([str(photo)]) == []
    page = dock.session.current_page()
    (page.evidence_dir / page.evidence[0].path).unlink()
    dock._show_current()
    item = dock.evidence_list.item(0)
    assert item.text().startswith(tr("Missing")), item.text()
    assert _contrast(item.foreground().color(), base) >= 4.5, item.foreground().color().name()
    # The notice beside the counter.
    dock.go_previous()
    notice = dock.notice.palette().color(QPalette.ColorRole.WindowText)
    assert dock.notice.text() and _contrast(notice, base) >= 4.5, notice.name()

    show(light)  # as before on a light palette
    runs = _coloured_texts(dock.details)
    assert {colour for colour, text in runs if "已逾期" in text} == {"#b00020"}, runs


# QGIS's window in logical px on a 1366×768 screen at 150 % and at 125 %, and the width QGIS
# gives a new panel there (what the reviewers' laptops showed: the panel narrower than its page).
SCALED_1366_WINDOWS = {"150%": (910, 512), "125%": (1093, 614)}
NARROW_PANEL = 300


def _the_pages_buttons(page) -> list:
    """The buttons a user presses on ``page``: not those inside a field (a line edit's clear
    button, the file widget's "…"), which the field draws as it likes."""
    from qgis.gui import QgsFileWidget
    from qgis.PyQt.QtWidgets import QAbstractButton, QLineEdit

    def in_a_field(button) -> bool:
        parent = button.parentWidget()
        while parent is not None and parent is not page:
            if isinstance(parent, (QgsFileWidget, QLineEdit)):
                return True
            parent = parent.parentWidget()
        return False

    return [
        button
        for button in page.findChildren(QAbstractButton)
        if button.isVisible() and not in_a_field(button)
    ]


def _buttons_whole_across(page, at_foot: list) -> None:
    """No sideways scrolling of ``page`` in the panel, and each of its buttons as wide as its
    text asks and inside the panel's viewport across; those ``at_foot`` whole in view."""
    area = _stack_area(page)
    viewport = area.viewport().rect()
    assert area.horizontalScrollBar().maximum() == 0, (type(page).__name__, page.width())
    buttons = _the_pages_buttons(page)
    assert all(button in buttons for button in at_foot)
    for button in buttons:
        name = button.objectName() or button.text()
        left = button.mapTo(area.viewport(), QPoint(0, 0)).x()
        assert left >= 0 and left + button.width() <= viewport.width(), (name, left)
        assert button.width() >= button.sizeHint().width(), (name, button.width())
    for button in at_foot:
        assert _whole_in_view(button, area), button.objectName() or button.text()
        assert button.visibleRegion().boundingRect() == button.rect(), button.text()


@pytest.mark.parametrize(
    ("language", "scaling"), [("zh_CN", "150%"), ("en", "125%"), ("en", "150%")]
)
def test_on_a_300_px_panel_every_button_wraps_whole_into_view(
    qgis_iface, qgis_new_project, ledger_path, tmp_path, language, scaling
):
    """At 1366×768 and 150 % (and in English at 125 or 150 %) QGIS gives the panel 300 px:
    the page was 656 px wide, the rows of buttons (共享…, the move and verdict buttons, the
    forms' Cancel and Save) cut at the right and the page scrolled sideways. The rows wrap
    instead: every button whole and as wide as its text, nothing scrolls sideways but the
    list, on the review page and on each page on top of it."""
    from qgis.PyQt.QtCore import QCoreApplication
    from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMainWindow

    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN") if language == "zh_CN" else None
    assert language == "en" or translator is not None
    window = QMainWindow()
    window.setCentralWidget(QLabel("map"))
    dock = VerificationDock(window, qgis_iface)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(*SCALED_1366_WINDOWS[scaling])
    window.show()
    window.resizeDocks([dock], [NARROW_PANEL], Qt.Orientation.Horizontal)

    def settle():
        for _ in range(4):
            QApplication.processEvents()

    try:
        dock.open_ledger(str(ledger_path))
        _judge_illegal(dock, dt.date(2025, 3, 3))
        dock._show_current()
        settle()
        assert dock.width() == NARROW_PANEL
        window.grab().save(str(tmp_path / f"review_{language}_{scaling}.png"))
        foot = [dock.previous_button, dock.next_button, dock.unverified_button]
        foot += [dock.zoom_button, dock.attach_button, dock.case_button, *dock.verdict_buttons]
        _buttons_whole_across(dock.home, foot)
        assert dock.least_width() <= NARROW_PANEL < dock.fitting_width()
        # The rows did wrap: the move buttons on two rows, the spot's own on two.
        assert dock.unverified_button.y() > dock.previous_button.y()
        # The list scrolls sideways within itself, its first column (the spot's number) whole.
        assert dock.queue_view.horizontalScrollBar().maximum() > 0
        assert dock.queue_view.columnWidth(0) <= dock.queue_view.viewport().width()

        for open_page in (
            lambda: dock.open_verdict_form(ls.VERDICT_ILLEGAL),
            dock.open_case_panel,
            dock.open_patrol_case_form,
        ):
            page = open_page()
            settle()
            name = type(page).__name__
            window.grab().save(str(tmp_path / f"{name}_{language}_{scaling}.png"))
            box = page.findChild(QDialogButtonBox)
            _buttons_whole_across(page, box.buttons())
            page.acceptPanel()
            settle()
    finally:
        dock.stack.acceptAllPanels()
        dock.cleanup()
        window.close()
        dock.deleteLater()
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


def test_every_text_colour_reads_at_wcag_aa_on_its_background():
    """Every colour the dock draws text in (messages.COLOURS), its light variant on the light
    panel (white) and its dark one on QGIS's Night Mapping panel (#222), reads at 4.5:1 at
    least (WCAG AA for normal text). The light due-soon orange, #e65100, read at 3.8:1."""
    from qgis.PyQt.QtGui import QColor

    from zc_enforcement_plugin.ui.messages import COLOURS

    light_background, dark_background = QColor("#ffffff"), QColor("#222222")
    low = {
        f"{role} {variant}": round(_contrast(QColor(colour), background), 2)
        for role, (light, dark) in COLOURS.items()
        for variant, colour, background in (
            ("light", light, light_background),
            ("dark", dark, dark_background),
        )
        if _contrast(QColor(colour), background) < 4.5
    }
    assert not low, low
