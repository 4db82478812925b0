"""Text from the ledger shown in the dock as it was typed: a spot number, a town or another
user's name holding HTML is never drawn as markup (bold, a local image, a link) in a label, a
message box or the message bar, and a right-to-left override in one field does not reorder
the fields after it on the spot page or the case page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from qgis.core import Qgis
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QTextDocument
from qgis.PyQt.QtWidgets import QApplication, QLabel, QMessageBox
from shapely.geometry import box

from zc_enforcement_plugin.core import domain, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.bidi import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE
from zc_enforcement_plugin.core.cases import CaseEvent, Stage
from zc_enforcement_plugin.ui.verification_dock import VerificationDock

# A spot number and another user's name as a hostile delivery or colleague might type them.
NUMBER = "<b>BOLD</b><img src=x>"
NAME = (
    '<img src="file:///usr/share/icons/hicolor/48x48/apps/qgis.png">王<a href="http://evil">x</a>'
)
REASON = "<i>斜体</i> & <u>下划线</u>"
DAY = dt.date(2025, 9, 30)


def _ledger(path, *spots: dict):
    x, y = 39_580_000.0, 4_050_000.0
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord(
                    {domain.SPOT_AREA: 400.0, **attributes},
                    box(x + 100 * row, y, x + 100 * row + 20, y + 20),
                )
                for row, attributes in enumerate(spots)
            ],
        )
    return path


@pytest.fixture
def dock(qgis_iface, qgis_new_project, monkeypatch):
    widget = VerificationDock(None, qgis_iface)
    widget.resize(520, 900)
    widget.show()
    # A question a save asks is answered Yes, never left waiting for a click; its text kept.
    widget.asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *a, **k: widget.asked.append(text) or QMessageBox.StandardButton.Yes,
    )
    yield widget
    widget.stack.acceptAllPanels()
    widget.cleanup()
    widget.deleteLater()


def without_isolates(text: str) -> str:
    """A page's text as read: without the invisible marks that set each field apart."""
    return text.replace(FIRST_STRONG_ISOLATE, "").replace(POP_DIRECTIONAL_ISOLATE, "")


def _as_html(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown(label: QLabel) -> str:
    """What ``label`` shows: its text, or, when Qt may read it as HTML, the text that HTML
    renders to (the markup gone, entities read). Anything that looks like markup in a label
    not set to plain text is taken as read, as Qt would on its first line."""
    text = label.text()
    if label.textFormat() == Qt.TextFormat.PlainText or ("<" not in text and "&" not in text):
        return text
    return _as_html(text)


def _labels_show_as_typed(widget, *typed: str) -> list[str]:
    """Every label under ``widget`` that holds one of ``typed`` in some form shows it as typed;
    the texts of the labels, as shown."""
    texts = []
    for label in widget.findChildren(QLabel):
        said = shown(label)
        for value in typed:
            # A piece of the value's markup in the label's text: the whole value must show.
            if any(piece in label.text() for piece in ("BOLD", "evil", "斜体")) and (
                value.split(">")[0] in label.text()
            ):
                assert value in said, (label.objectName(), label.text(), said)
        texts.append(said)
    return texts


def test_a_spots_number_and_a_colleagues_name_show_as_typed_in_the_dock_and_form(
    dock, tmp_path, qgis_iface
):
    path = _ledger(
        tmp_path / "ledger.gpkg",
        {domain.SPOT_NUMBER: NUMBER, domain.TOWN_NAME: NAME, domain.VERDICT_REASON: REASON},
    )
    assert dock.open_ledger(str(path))
    assert NUMBER in dock.details.toPlainText() and REASON in dock.details.toPlainText()
    spot_id = dock.session.current_id
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)
    with ledger.GeoPackageLedger(path) as colleague:
        colleague.record_verdict(spot_id, ledger.Verdict(ls.VERDICT_OTHER, "伪变化", NAME, DAY))
    panel.accept()
    assert dock.stack.currentPanel() is panel, "the conflicting save was not refused"
    texts = _labels_show_as_typed(dock, NUMBER, NAME)
    # The refusal names the colleague as typed; the stack's title line, the spot as numbered.
    assert NAME in shown(panel.messages), panel.messages.text()
    assert any(NUMBER in text for text in texts if text != shown(panel.messages)), texts
    dock.grab().save(str(tmp_path / "conflict.png"))


def test_a_colleagues_step_refusing_a_case_step_shows_the_name_as_typed(dock, tmp_path):
    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: NUMBER})
    assert dock.open_ledger(str(path))
    dock.session.record_verdict(ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", DAY))
    panel = dock.open_case_panel()
    case_id = panel.case_id
    with ledger.GeoPackageLedger(path) as colleague:
        colleague.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, DAY, NAME))
    panel.date.setDate(QDate(2025, 10, 9))
    panel.person.setText("李工")
    assert panel.record_step() is False
    assert "evil" in panel.messages.text()  # the refusal quotes the colleague's step
    _labels_show_as_typed(dock, NUMBER, NAME)
    assert NAME in shown(panel.messages), panel.messages.text()
    # "The same step as the last one?" names the colleague, in a box that shows the name as
    # typed (Qt reads a box's text as HTML when its first line looks like it).
    dock.asked.clear()
    assert panel._record_again(dock.session.store.case(case_id).events[-1])
    assert dock.asked and NAME in _as_html(dock.asked[0]), dock.asked


def test_an_evidence_rows_tooltip_shows_a_stored_path_as_written(dock, tmp_path):
    """A tooltip is read as HTML when it looks like it: a path written in the ledger by hand
    (the plugin names the files it stores itself) is shown as written, and why it is refused."""
    from tests.test_evidence_paths import _insert_by_hand
    from tests.test_verification_dock import _gps_photo

    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: "A1"})
    assert dock.open_ledger(str(path))
    assert dock.attach_files([_gps_photo(tmp_path / "site.jpg")]) == []
    stored = "A1/<b>BOLD</b><img src=x>.jpg"
    _insert_by_hand(path, stored)
    dock.file_states.clear()
    dock._show_current()
    tips = [_as_html(dock.evidence_list.item(row).toolTip()) for row in range(2)]
    tip = next(tip for tip in tips if "BOLD" in tip)
    assert tip.count(stored) == 2 and "\n" in tip, tip


def test_the_message_bar_shows_a_refusal_and_a_saved_spot_as_typed(dock, tmp_path, qgis_iface):
    """The QGIS message bar reads its text as HTML: a refused file named like markup and a
    spot numbered like markup are said as named."""
    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: NUMBER})
    assert dock.open_ledger(str(path))
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    fake = tmp_path / "<big><u>fake.jpg"
    fake.write_text("not a photo")
    assert dock.attach_files([str(fake)])  # refused
    warned = bar.get_messages(Qgis.MessageLevel.Warning)
    assert warned and "<big><u>fake.jpg" in _as_html(warned[-1]), warned
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("李工")
    panel.kind.setCurrentIndex(1)
    panel.areas[domain.CULTIVATED_AREA].setValue(400.0)  # the whole spot
    panel.accept()
    assert dock.stack.currentPanel() is dock.home, panel.messages.text()
    # The saved notice is an item of the bar's own (one at a time, replaced by the next).
    saved = [item.text() for item in bar.items() if item.level() == Qgis.MessageLevel.Success]
    assert saved and NUMBER in _as_html(saved[0]), saved
    # A save the shared ledger recorded though its reply was lost is said as information.
    dock._inform(f"图斑 {NUMBER} 已保存，无需重新保存 / spot {NUMBER} was saved")
    told = bar.get_messages(Qgis.MessageLevel.Info)
    assert told and NUMBER in _as_html(told[-1]), told


def _visual_x(document: QTextDocument, piece: str) -> float:
    """Where ``piece``'s first character is drawn on its line, from the left: a copy of
    ``document`` laid out wide enough to keep each paragraph on one line."""
    wide = QTextDocument()
    wide.setHtml(document.toHtml())
    wide.setTextWidth(5000)
    wide.size()  # laid out
    block = wide.begin()
    while block.isValid() and piece not in block.text():
        block = block.next()
    assert block.isValid(), f"{piece!r} is not on the page"
    at = block.text().index(piece)
    line = block.layout().lineForTextPosition(at)
    assert line.isValid()
    x = line.cursorToX(at)
    return x[0] if isinstance(x, tuple) else x


def test_a_direction_override_in_one_field_leaves_the_spot_pages_other_fields_in_order(
    dock, tmp_path
):
    """A right-to-left override (U+202E) in the spot number carried on over the town and the
    office after it: the title read "rtl4;所@ 4;镇 cba". Each field is isolated now."""
    path = _ledger(
        tmp_path / "ledger.gpkg",
        {
            domain.SPOT_NUMBER: "rtl\u202eabc\u200b",
            domain.TOWN_NAME: "镇;4",
            domain.OFFICE_NAME: "@所;4",
        },
    )
    assert dock.open_ledger(str(path))
    dock.session.record_verdict(ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "王\u202e工", DAY))
    dock._show_current()
    page = dock.details.document()
    assert _visual_x(page, "rtl") < _visual_x(page, "镇;4") < _visual_x(page, "@所;4")
    # A verifier's override leaves the date after the name.
    assert _visual_x(page, "王") < _visual_x(page, DAY.isoformat())
    dock.grab().save(str(tmp_path / "spot_rtl.png"))


def test_a_direction_override_in_a_person_leaves_the_case_pages_other_fields_in_order(
    dock, tmp_path
):
    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: "A1"})
    assert dock.open_ledger(str(path))
    dock.session.record_verdict(ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", DAY))
    panel = dock.open_case_panel()
    case_id = panel.case_id
    panel.acceptPanel()
    step = CaseEvent(
        case_id,
        Stage.VERIFY,
        dt.date(2025, 10, 9),
        "赵\u202e六",
        documents=("现场勘验笔录",),
        note="备注\u202eRTL\u200b 😀",
    )
    dock.session.store.add_case_event(case_id, step)
    panel = dock.open_case_panel()
    page = panel.summary.document()
    assert _visual_x(page, "赵") < _visual_x(page, "现场勘验笔录") < _visual_x(page, "备注")
    dock.grab().save(str(tmp_path / "case_rtl.png"))


# The marks that set typed values apart on the dock's pages (LRI, RLI, FSI, PDI).
ISOLATES = re.compile("[\u2066-\u2069]")


def test_text_copied_or_dragged_from_the_dock_comes_without_its_isolates(dock, tmp_path):
    """A planner copied a spot number from the spot page and pasted it into QGIS's filter: it
    matched nothing, the isolates round it came along. What the pages give (a copy, the
    selection a drag or a middle click carries) is the text as read; a path pasted into the
    ledger field drops them too."""
    number = "37030220260222"
    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: number})
    assert dock.open_ledger(str(path))
    assert f"{FIRST_STRONG_ISOLATE}{number}{POP_DIRECTIONAL_ISOLATE}" in dock.details.toPlainText()
    clipboard = QApplication.clipboard()
    clipboard.clear()
    dock.details.selectAll()
    dock.details.copy()
    assert number in clipboard.text() and not ISOLATES.search(clipboard.text())
    dragged = dock.details.createMimeDataFromSelection()
    assert number in dragged.text() and not ISOLATES.search(dragged.text() + dragged.html())

    dock.session.record_verdict(ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", DAY))
    panel = dock.open_case_panel()
    assert ISOLATES.search(panel.summary.toPlainText()), "the case page isolates nothing"
    panel.summary.selectAll()
    panel.summary.copy()
    assert "李工" in clipboard.text() and not ISOLATES.search(clipboard.text())
    panel.acceptPanel()

    clipboard.setText(f"{FIRST_STRONG_ISOLATE}{path}{POP_DIRECTIONAL_ISOLATE}")
    field = dock.ledger_file.lineEdit()
    field.clear()
    field.paste()
    assert field.text() == str(path)


def _pasted(field, text: str) -> str:
    """``text`` pasted into ``field`` (a line edit or a remarks box) over what it held."""
    QApplication.clipboard().setText(text)
    field.selectAll()
    field.paste()
    return field.text() if hasattr(field, "text") else field.toPlainText()


def test_text_pasted_into_a_forms_fields_comes_without_isolates_and_typed_text_as_typed(
    dock, tmp_path
):
    """A technician copied an approval number out of a refusal, where every value is set apart
    by isolates, and pasted it into the verdict form: it was saved with the invisible marks and
    matched no approval later. Every text field and remarks box of the verdict, case and
    patrol-case forms drops them from what is pasted; other marks stay as typed (the pages
    isolate them when they show them)."""
    number = "淄自然资规〔2025〕12号"
    marked = f"{FIRST_STRONG_ISOLATE}{number}{POP_DIRECTIONAL_ISOLATE}"
    path = _ledger(tmp_path / "ledger.gpkg", {domain.SPOT_NUMBER: "37030220250001"})
    assert dock.open_ledger(str(path))
    verdict = dock.open_verdict_form(ls.VERDICT_LEGAL)
    fields = [verdict.approval_number, verdict.actual_use, verdict.party, verdict.verifier]
    for field in [*fields, verdict.note]:
        assert _pasted(field, marked) == number, field.objectName()
    verdict.party.insert("\u202e王")  # typed: an override stays, the pages isolate it
    assert verdict.party.text().endswith("\u202e王")
    verdict.party.setText("王")
    verdict.note.clear()
    verdict.kind.setCurrentIndex(1)  # a basis, which a legal verdict needs
    verdict.areas[domain.CONSTRUCTION_AREA].setValue(400.0)  # found on site: all of the spot
    verdict.accept()
    assert dock.stack.currentPanel() is not verdict, verdict.messages.text()
    record = dock.session.store.spot_page(dock.session.current_id)
    assert number in repr(record) and not ISOLATES.search(repr(record))

    dock.session.record_verdict(ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", DAY))
    case = dock.open_case_panel()
    for field in (case.person, case.documents, case.note, case.reason, case.corrected_note):
        assert _pasted(field, marked) == number, field.objectName()
    case.acceptPanel()

    patrol = dock.open_patrol_case_form()
    assert _pasted(patrol.person, marked) == number
    patrol.acceptPanel()
