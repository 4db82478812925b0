"""The verification dock (核查面板): walk the screened spots, record verdicts and evidence.

Layout (top to bottom): ledger and actions, filters, the counter, then the queue, the current
spot's figures, its evidence and the before/after images (these scroll when the panel is short,
with the rows above them when it is shorter still), and the navigation and verdict buttons,
always in view. Verdict forms open as panels on the same stack, so the
dock never spawns windows a technician has to manage.
"""

from __future__ import annotations

import contextlib
import html
import os
import sqlite3
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import (
    QgsDockWidget,
    QgsFileWidget,
    QgsMessageBarItem,
    QgsPanelWidget,
    QgsPanelWidgetStack,
    QgsRubberBand,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, Qt, QVariant
from qgis.PyQt.QtGui import QColor, QKeySequence, QPainter, QPalette
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QShortcut,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..compat import GEOMETRY_POLYGON
from ..core import clock, domain, ledger, ledger_delivery
from ..core import ledger_schema as ls
from ..core.workdays import HolidayFileError
from ..i18n import in_interface_language, labelled, tr, with_english
from ..processing.base import LEDGER_CRS, LEDGER_WRITES, algorithm_id
from ..processing.import_spots import ImportSpots
from ..processing.ledger_settings import LedgerSettings
from ..processing.patrols import PatrolCompliance, RecordPatrol, WithdrawPatrol
from ..processing.reports import AccountabilityRatio, Assessment, MonthlyRanking, WeeklyDispatch
from .case_panel import CasePanel, deadline_html, lawful_spot_html
from .entries_panel import EntriesPanel, FormComboBox
from .evidence_actions import EvidenceActions
from .evidence_layer import (
    leave_layer_out,
    leave_out_of_project_file,
    project_left_as_it_was,
    remove_evidence_points_layer,
    warn_of_losing_copies,
)
from .flow_layout import FlowLayout
from .image_comparison import ImageComparison
from .messages import (
    REFUSAL,
    WARNING,
    PageBrowser,
    bar_html,
    colour,
    drop_isolates_when_pasted,
    plain_html,
    plain_label,
)
from .panel_sizing import PanelSizing
from .patrol_case_panel import PatrolCasePanel, case_label, patrol_cases
from .review_session import STATUS_OVERDUE, ReviewFilter, ReviewSession, unopened_case_of
from .slots import reported
from .spot_page import piece_colour, spot_html
from .spot_queue import SpotQueueModel, SpotQueueView
from .verdict_panel import VerdictPanel

PROJECT_SCOPE = "ZcEnforcement"  # where the dock's state lives in the .qgz
# Algorithms run on the open ledger from the dock's Reports menu, each entry titled by the
# algorithm's own display name: a title of its own here went out of step with the algorithm's
# and, never catalogued, stayed English in a Chinese QGIS.
LEDGER_ALGORITHMS = (
    MonthlyRanking,
    WeeklyDispatch,
    Assessment,
    AccountabilityRatio,
    RecordPatrol,
    WithdrawPatrol,
    PatrolCompliance,
    LedgerSettings,
)
# The least height of the list, page, evidence and images (they scroll within it): with the
# rows above and the buttons below, the page then fits a panel on a 1280×800 screen.
REVIEW_AREA_MIN_HEIGHT = 180
# The progress bar's least width: the page fits a panel of 300 px (QGIS's width for a new
# panel, and what a 1366×768 screen at 150 % leaves), where the bar gave way to the counts.
PROGRESS_MIN_WIDTH = 24
# The least height of the spot's page, in lines of its text: its figures and what it touches.
DETAILS_MIN_LINES = 8
# Where the heights of the list, the spot's page, the evidence and the images are kept.
SPLITTER_SETTING = "zc_enforcement/review_heights"
# Where they were kept while the images came before the evidence, in that order: read once,
# when none are kept in the new order, so that heights dragged then stay with their widgets.
IMAGES_FIRST_SPLITTER_SETTING = "zc_enforcement/review_splitter"
# Keys of the verdict buttons: 1 legal, 2 illegal, 3 other, in the order of the categories.
VERDICT_KEYS = ("1", "2", "3")
# How long the message bar says a verdict was saved: long enough to read, gone before the next.
SAVED_NOTICE_SECONDS = 4


def _project_ledger(project: QgsProject) -> str:
    """The ledger the project records (a path resolved against the project, or a shared
    ledger's reference), "" when none."""
    from ..core.ledger_reference import is_postgis_reference

    entry, _ = project.readEntry(PROJECT_SCOPE, "ledger", "")
    return entry if not entry or is_postgis_reference(entry) else project.readPath(entry)


# The folder parameter of the export and the reports, filled by the panel (_lasting_output_folder).
OUTPUT_FOLDER = "OUTPUT_FOLDER"


class EvidenceList(QListWidget):
    """The spot's evidence files; empty, it says what to do there (an empty box, its hint in a
    tooltip alone, read as nothing to do: a review in QGIS)."""

    def paintEvent(self, event):  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.count():
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            self.viewport().rect().adjusted(6, 4, -6, -4),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self.empty_text(),
        )
        painter.end()

    @staticmethod
    def empty_text() -> str:
        return tr("No evidence yet: drop photos, videos or recordings here, or press E")


class FindBox(QLineEdit):
    """The find box: it asks for no width of its own (the panel opens no wider for it), and
    the filters' row it ends gives it what the filters leave, shared with them."""

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        hint.setWidth(self.minimumSizeHint().width())
        return hint


class VerificationDock(EvidenceActions, PanelSizing, QgsDockWidget):
    """A dock holding a panel stack: the review page, and verdict forms pushed on top of it.
    Its evidence (attaching, the marks, the check) is EvidenceActions' (evidence_actions.py),
    its panel's sizing PanelSizing's (panel_sizing.py)."""

    def __init__(self, parent=None, iface=None):
        super().__init__(tr("Spot verification"), parent)
        self.iface = iface
        self.session = ReviewSession()
        self.stack = QgsPanelWidgetStack(self)
        # The stack's title line names the page shown, a form's title with its spot's number:
        # shown as written, not read as HTML (no page is in the stack yet to be caught here).
        for label in self.stack.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.home = QgsPanelWidget(self.stack)
        self.home.setPanelTitle(tr("Spot verification"))
        self._build(self.home)
        # A click on the no-focus queue or details gives the focus to the first ancestor
        # that takes it: the page itself, where the review keys live, not the scroll area
        # the stack puts around it (the keys then stopped until a button was clicked).
        self.home.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.stack.setMainPanel(self.home)
        self._take_back_arrow()
        self.setWidget(self.stack)
        self._watch_page_size()
        self._set_up_evidence()
        self.highlight = None
        self.piece_bands: list[QgsRubberBand] = []  # what the current spot hits, on the map
        self._asking = False  # a "create a new ledger?" question is showing
        # The message bar's "verdict saved" notice, replaced by the next save's.
        self._saved_notice: QgsMessageBarItem | None = None
        # The project's ledger that could not be opened (a missing file), resolved: saved back
        # with the project, so it does not lose or change its reference.
        self._unopened_ledger = ""
        # Where the review is (ledger, filters, spot), as last shown: a change of the filters
        # or the spot marks the project changed, for QGIS to offer to save it (the place was
        # lost on quitting, asked nothing). Not while the project's own place is read back.
        self._place: tuple | None = None
        self._restoring = False
        if iface is not None:
            self.highlight = QgsRubberBand(iface.mapCanvas(), GEOMETRY_POLYGON)
            self.highlight.setStrokeColor(QColor(255, 0, 255))
            self.highlight.setFillColor(QColor(255, 0, 255, 40))
            self.highlight.setWidth(3)
            iface.mapCanvas().selectionChanged.connect(self._follow_map_selection)
        self.visibilityChanged.connect(self._show_marks_on_map)
        project = QgsProject.instance()
        project.writeProject.connect(self.save_state)
        project.writeProject.connect(self._leave_photos_out)
        project.writeMapLayer.connect(self._leave_photo_layer_out)
        project.readProject.connect(self.restore_state)
        project.cleared.connect(self.leave_ledger)
        project.layersAdded.connect(self._warn_of_losing_copies)
        LEDGER_WRITES.written.connect(self._ledger_written)
        self._show_session()
        if project.readEntry(PROJECT_SCOPE, "ledger", "")[0]:
            # Made while a project is open (the plugin reloaded, or enabled later): its
            # readProject has passed, so the review is reopened here.
            self.restore_state()

    # --- construction ----------------------------------------------------------------------------
    def _build(self, page: QWidget) -> None:
        """The review page, top to bottom as the module says. The widgets are made in the
        order of the page, which is also the order the Tab key goes through them."""
        layout = QVBoxLayout(page)
        # The rows above the list, in a widget of their own: in view on a panel tall enough
        # for them, the list's least height and the buttons; scrolled with the list on a
        # shorter one, where they pushed the buttons below the panel's foot (_place_header).
        self.header = QWidget(page)
        self.header.setObjectName("reviewHeader")
        header = QVBoxLayout(self.header)
        header.setContentsMargins(0, 0, 0, 0)
        header.addLayout(self._build_ledger_row(page))
        header.addLayout(self._build_actions_row(page))
        header.addLayout(self._build_filters(page))
        header.addLayout(self._build_counter(page))
        layout.addWidget(self.header)
        layout.addWidget(self._build_review_area(page), 1)
        layout.addLayout(self._build_navigation())
        layout.addLayout(self._build_verdict_row())
        self._bind_review_keys(page)

    def _build_ledger_row(self, page: QWidget) -> QHBoxLayout:
        """The open ledger's path and its refresh button; the shared ledgers' menu is made
        here, in the Tab order, and heads the actions row (beside the path, the row was wider
        than a 300 px panel)."""
        row = QHBoxLayout()
        self.ledger_file = QgsFileWidget(page)
        self.ledger_file.setObjectName("ledgerFile")
        self.ledger_file.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.ledger_file.setConfirmOverwrite(False)
        self.ledger_file.setFilter(tr("Ledger (*.gpkg)"))
        self.ledger_file.setDialogTitle(tr("Open or create a verification ledger"))
        # Chosen in the dialog: opened at once; typed: only on Enter, never at each keystroke
        # (that created a ledger at every prefix) nor when the field loses the focus (QGIS's
        # own dialogs take it, at exit say).
        self.ledger_file.fileChanged.connect(self._ledger_path_changed)
        self.ledger_file.lineEdit().returnPressed.connect(self._ledger_path_typed)
        drop_isolates_when_pasted(self.ledger_file.lineEdit(), self)
        # Reached by a click, never by the focus moving on by itself: when a page on top
        # closed, Qt gave the focus to the first Tab stop of the page, this field, and the
        # next N was typed into the path (Enter then offered to create a ledger there).
        self.ledger_file.lineEdit().setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.ledger_label = QLabel(tr("Ledger"), page)
        row.addWidget(self.ledger_label)
        row.addWidget(self.ledger_file, 1)
        # Another hand may change the open ledger: an import or a verdict from the Processing
        # toolbox, a colleague on the shared ledger, the bureau's new holiday file.
        self.refresh_button = QToolButton(page)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setIcon(QgsApplication.getThemeIcon("/mActionRefresh.svg"))
        self.refresh_button.setToolTip(
            tr("Refresh (R): read the ledger again, with what was recorded in it elsewhere")
        )
        self.refresh_button.clicked.connect(lambda _checked=False: self.refresh_ledger())
        row.addWidget(self.refresh_button)
        # The bureau's shared ledger: one of QGIS's saved PostgreSQL connections (its password
        # stays in QGIS's authentication manager).
        self.shared_button = self._menu_button(page, tr("Shared…"), "sharedButton")
        self.shared_button.setToolTip(tr("Open the shared ledger of a saved PostgreSQL connection"))
        shared_menu = self.shared_button.menu()
        shared_menu.aboutToShow.connect(lambda: self._fill_shared_menu(shared_menu))
        return row

    def _build_actions_row(self, page: QWidget) -> FlowLayout:
        """What is done on the whole ledger: import, export, the evidence check, the reports
        and the patrol cases. On a row of their own: beside the ledger path they made the
        panel ~700 px wide and left the path a few letters; wrapped on a narrow panel."""
        self.import_button = self._button(tr("Import…"), self.import_batch, "importButton")
        self.export_button = self._button(tr("Export…"), self.export_results, "exportButton")
        self.check_button = self._button(tr("Check evidence"), self.check_evidence, "checkButton")
        self.reports_button = self._menu_button(page, tr("Reports…"), "reportsButton")
        menu = self.reports_button.menu()
        for algorithm in LEDGER_ALGORITHMS:
            action = menu.addAction(algorithm().displayName())
            name = algorithm_id(algorithm)
            action.setObjectName(name)
            action.triggered.connect(
                lambda _checked=False, a=name: self._run_algorithm(a, self._show_session)
            )
        # Acts found on patrol have no spot to press C on: their cases are reached from here.
        self.patrol_cases_button = self._menu_button(page, tr("Patrol cases…"), "patrolCasesButton")
        self.patrol_cases_button.setToolTip(tr("Cases of acts found on patrol, not on a spot"))
        patrol_menu = self.patrol_cases_button.menu()
        patrol_menu.aboutToShow.connect(lambda: self._fill_patrol_cases_menu(patrol_menu))
        return FlowLayout().add_widgets(
            self.shared_button,
            self.import_button,
            self.export_button,
            self.check_button,
            self.reports_button,
            self.patrol_cases_button,
        )

    def _build_filters(self, page: QWidget) -> FlowLayout:
        """The queue's filters, as many to a row as the panel's width takes, each as wide as
        its longest entry (three to a row of a grid made the page wider than 300 px)."""
        filters = FlowLayout(fill=True)
        self.filter_boxes: dict[str, QComboBox] = {}
        for key, title in (
            ("batch", tr("Batch")),
            ("office", tr("Office")),
            ("town", tr("Town")),
            ("status", tr("Status")),
            ("flag", tr("Touches")),
            ("suggested", tr("Suggested")),
        ):
            box = FormComboBox(page)
            box.setObjectName(f"filter_{key}")
            # As wide as its longest entry, the entries of the ledger opened: the row of
            # filters wraps by these widths, and a box narrower than its entry cut it.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setToolTip(title)
            box.currentIndexChanged.connect(self._filters_changed)
            # Its open list is a window of its own: Ctrl+F there never reached event() below.
            box.view().installEventFilter(self)
            filters.add_widgets(box)
            self.filter_boxes[key] = box
        # Go to a spot by its number (or its last digits), Ctrl+F: a colleague's "check …123"
        # meant scrolling a list of hundreds, and a digit typed on the page opened a form.
        # Asking for little width, it shares the filters' last row rather than make the panel
        # wider or taller (a row of its own pushed the evidence out of view at 300 px).
        self.find_box = FindBox(page)
        self.find_box.setObjectName("findSpot")
        self.find_box.setPlaceholderText(tr("Find"))
        self.find_box.setToolTip(
            tr(
                "Go to the spot of this number in the list, or the one spot ending with "
                "these digits (Ctrl+F)"
            )
        )
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.go_to_number)
        filters.add_widgets(self.find_box)
        return filters

    @reported
    def go_to_number(self) -> bool:
        """The find box's Enter: go to the spot it names, in the list shown; why not, beside the
        counter. The focus goes back to the page, so → or 2 act on the spot at once."""
        text = self.find_box.text().strip()
        if not text:
            return False
        spot_id, candidates = self._find(text)
        if spot_id is None:
            if candidates > 1:
                said = tr("{count} spots of the list end with {number}: give more digits")
                self.notice.setText(said.format(count=candidates, number=text))
            else:
                self.notice.setText(self._not_listed(text))
            return False
        self.session.go_to(spot_id)
        self._go(True)
        self.home.setFocus()
        return True

    def _build_counter(self, page: QWidget) -> FlowLayout:
        """Where the current spot is, the progress, and why a move did nothing: on one row,
        or on more where the panel is narrow."""
        counts = FlowLayout()
        # Where the current spot is in the list shown (第 3 / 312 个), apart from the progress:
        # the verified count beside a list's length read as a place (0/n in the unverified list).
        self.position_label = plain_label(page)
        self.position_label.setObjectName("positionLabel")
        self.count_label = plain_label(page)
        self.count_label.setObjectName("countLabel")
        self.progress = QProgressBar(page)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        # A bar, not a figure (the counts are beside it): on a narrow panel it gives way.
        self.progress.setMinimumWidth(PROGRESS_MIN_WIDTH)
        counts.add_widgets(self.position_label, self.count_label, self.progress)
        # Why a move did nothing (end of the list, nothing left to verify): a key that seems
        # dead makes a technician press it again and doubt the dock.
        self.notice = plain_label(page)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)  # on a narrow panel on two lines, not past its edge
        self._style_notice()
        counts.add_widgets(self.notice)
        return counts

    def _style_notice(self) -> None:
        """The notice in the amber that reads on the panel's background (a stylesheet is not
        redrawn when the palette changes: set again on each change, see changeEvent)."""
        self.notice.setStyleSheet(f"color: {colour(WARNING, self)};")

    def changeEvent(self, event):  # noqa: N802 - Qt API
        # A theme changed to or from a dark one: the notice's colour, then the page's, which
        # is HTML built with the colours of the palette it was built on.
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "notice"):
            self._style_notice()
            if not sip.isdeleted(self.details):
                self._show_current()
        super().changeEvent(event)

    def _build_review_area(self, page: QWidget) -> QScrollArea:
        """The queue, the spot's page, its evidence and images, scrolling together.

        They scroll when the panel is too short for them (a 1280×800 screen), between the
        rows above and the buttons below, which stay in view: scrolled with the page, the
        buttons fell off its foot. On a shorter panel still the rows above scroll with them."""
        self.review_area = QScrollArea(page)
        self.review_area.setObjectName("reviewArea")
        self.review_area.setWidgetResizable(True)
        self.review_area.setFrameShape(QFrame.Shape.NoFrame)
        self.review_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(self.review_area)
        self.review_content = QVBoxLayout(content)  # the header goes in first when it scrolls
        self.review_content.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical, content)
        self.queue_model = SpotQueueModel(page)
        self.queue_view = SpotQueueView(splitter)
        self.queue_view.setObjectName("queue")
        self.queue_view.setModel(self.queue_model)
        # Arrow keys move between spots (dock shortcuts), not between table cells.
        self.queue_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_view.clicked.connect(lambda index: self._go(self.session.go_to_row(index.row())))
        self.details = PageBrowser(splitter)
        self.details.setObjectName("details")
        self.details.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The evidence under the spot's page, above the images: under them, it lay below the
        # review area's foot on a 300 px panel 900 px tall (the rows above wrapped), and each
        # spot's photos were reached by scrolling. A short list: at the panel's own width and
        # 900 px all four are in view still; where the area scrolls, the images, mostly
        # scrolled to already, are reached after the files.
        self.evidence_list = EvidenceList(splitter)
        self.evidence_list.setObjectName("evidence")
        self.evidence_list.setToolTip(tr("Drop photos, videos or recordings here to attach them"))
        self.images = ImageComparison(splitter)
        # The spot's page takes the spare height, and never less than a few lines of it:
        # sizes given here, before the panel is laid out, were not kept, and on a 1366×768
        # screen the page was 69 px, two lines, under the list and above the images.
        self.details.setMinimumHeight(
            DETAILS_MIN_LINES * self.details.fontMetrics().lineSpacing()
            + 2 * self.details.frameWidth()
            + 2 * round(self.details.document().documentMargin())
        )
        # The page alone grows with the panel; the others keep the heights given here (Qt's
        # splitter grows a widget without stretch to its current height, and given none the
        # evidence list took 190 px for a row or two).
        splitter.setSizes([160, 200, 70, 260])  # list, page, evidence, images
        for index, stretch in enumerate((0, 1, 0, 0)):
            splitter.setStretchFactor(index, stretch)
        self.splitter = splitter
        self._restore_review_heights()
        splitter.splitterMoved.connect(
            lambda *_moved: QgsSettings().setValue(SPLITTER_SETTING, splitter.saveState())
        )
        self.review_content.addWidget(splitter)
        self.review_area.setWidget(content)
        # As wide as what it may hold at its narrowest, the rows above too (no sideways
        # scrolling here: the list scrolls sideways within itself, and the rows wrap), and at
        # least as tall as a few rows.
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        widest = max(splitter.minimumSizeHint().width(), self.header.minimumSizeHint().width())
        self.review_area.setMinimumWidth(widest + scroll_bar)
        self.review_area.setMinimumHeight(REVIEW_AREA_MIN_HEIGHT)
        return self.review_area

    def _restore_review_heights(self) -> None:
        """The heights of the list, page, evidence and images as the user last dragged them, on
        any ledger and in the next session; those kept while the images came first are given
        to the same widgets (restored in that order, then the evidence moved up): read in the
        new order, the evidence took the images' height and the images the evidence's."""
        settings = QgsSettings()
        state = settings.value(SPLITTER_SETTING)
        if state is not None:
            self.splitter.restoreState(state)
            return
        state = settings.value(IMAGES_FIRST_SPLITTER_SETTING)
        if state is None:
            return
        evidence_at = self.splitter.indexOf(self.evidence_list)
        self.splitter.addWidget(self.evidence_list)  # last, as it was (a move: sizes go along)
        self.splitter.restoreState(state)
        self.splitter.insertWidget(evidence_at, self.evidence_list)

    def _build_navigation(self) -> QVBoxLayout:
        """Moving between spots on the first row; zoom, attach and case on the second. Each
        row wraps on a narrow panel, its buttons sharing the width as a grid's columns did."""
        navigation = QVBoxLayout()
        self.previous_button = self._button("←", self.go_previous, "previous")
        self.previous_button.setToolTip(tr("Previous spot (Left arrow)"))
        self.next_button = self._button("→", self.go_next, "next")
        self.next_button.setToolTip(tr("Next spot (Right arrow)"))
        self.unverified_button = self._button(
            tr("Next unverified (N)"), self.go_next_unverified, "nextUnverified"
        )
        self.zoom_button = self._button(tr("Zoom (Z)"), self.zoom_to_spot, "zoom")
        self.attach_button = self._button(tr("Attach… (E)"), self.attach_dialog, "attach")
        self.case_button = self._button(
            tr("Case (C)"), lambda: self.open_case_panel(ask=True), "case"
        )
        navigation.addLayout(
            FlowLayout(fill=True).add_widgets(
                self.previous_button, self.next_button, self.unverified_button
            )
        )
        on_spot = (self.zoom_button, self.attach_button, self.case_button)
        navigation.addLayout(FlowLayout(fill=True).add_widgets(*on_spot))
        return navigation

    def _build_verdict_row(self) -> FlowLayout:
        """A button per verdict category, its key in its label."""
        verdicts = FlowLayout(fill=True)
        self.verdict_buttons = []
        for key, category in zip(VERDICT_KEYS, ls.VERDICT_CATEGORIES):
            label = tr("{category} ({key})").format(category=category, key=key)
            button = self._button(
                label, lambda c=category: self.open_verdict_form(c), f"verdict{key}"
            )
            verdicts.add_widgets(button)
            self.verdict_buttons.append(button)
        return verdicts

    def _bind_review_keys(self, page: QWidget) -> None:
        """The review's keys. They act while the focus is anywhere in the dock, never on the
        main map canvas."""
        bindings = [
            (Qt.Key.Key_Right, self.go_next),
            (Qt.Key.Key_Left, self.go_previous),
            (Qt.Key.Key_N, self.go_next_unverified),
            (Qt.Key.Key_Z, self.zoom_to_spot),
            (Qt.Key.Key_E, self.attach_dialog),
            (Qt.Key.Key_C, lambda: self.open_case_panel(ask=True)),
            (Qt.Key.Key_R, self.refresh_ledger),  # not F5: QGIS's own View › Refresh
        ]
        bindings += [
            (getattr(Qt.Key, f"Key_{key}"), lambda c=category: self.open_verdict_form(c))
            for key, category in zip(VERDICT_KEYS, ls.VERDICT_CATEGORIES)
        ]
        self.shortcuts = []
        for key, action in bindings:
            shortcut = QShortcut(QKeySequence(key), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
            self.shortcuts.append(shortcut)

    # --- keys QGIS's own window takes too ---------------------------------------------------------
    def event(self, event):  # noqa: D102 - Qt API
        # Ctrl+F is QGIS's window shortcut too (Layer › Filter): a shortcut of the panel's for
        # it was ambiguous, and neither acted. Ctrl+C (Copy Features) QGIS 3.22 binds on the
        # map and the layer tree alone, but a user's keyboard settings may make it the
        # window's. Both are taken here, before any shortcut, and acted on at once: the key
        # press that follows goes to the focused box, which may keep it (a filter's list
        # searches its entries by it) and never hand it on. On a form, and Ctrl+C with
        # nothing selected on the spot's page, they are left to QGIS.
        if event.type() == QEvent.Type.ShortcutOverride and self._own_key(event):
            if event.matches(QKeySequence.StandardKey.Find):
                self._find_spot()
            else:
                # The spot's page takes no focus (the arrows move between spots), so its own
                # Ctrl+C never came: what is selected on it is copied from the review page.
                self.details.copy()
            event.accept()
            return True
        return super().event(event)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        # The key press of a key taken above, acted on already, goes no further.
        if watched is self.home and event.type() == QEvent.Type.KeyPress and self._own_key(event):
            event.accept()
            return True
        # A filter's open list (a window of its own, outside the panel): Ctrl+F closes it and
        # takes the find box; the digits typed next searched the list's entries instead.
        kinds = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if (
            event.type() in kinds
            and any(watched is box.view() for box in self.filter_boxes.values())
            and self.stack.currentPanel() is self.home
            and event.matches(QKeySequence.StandardKey.Find)
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                for box in self.filter_boxes.values():
                    box.hidePopup()
                self._find_spot()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def _own_key(self, event) -> bool:
        """Whether ``event`` is Ctrl+F, or Ctrl+C with text selected on the spot's page, on the
        review page shown (not a form over it)."""
        if self.stack.currentPanel() is not self.home:
            return False
        if event.matches(QKeySequence.StandardKey.Find):
            return True
        return event.matches(QKeySequence.StandardKey.Copy) and (
            self.details.textCursor().hasSelection()
        )

    def _follow_map_selection(self, layer) -> None:
        """One feature with a spot number (JCBH) selected on the map, in any layer (the
        ledger's spots, a screened batch): the panel goes to that spot, when the list shows
        it, and says so when it does not. Clicking a spot on the map did nothing here, and a
        technician looking at the map looked its number up in a list of hundreds."""
        # Hidden (closed, or tabbed behind another panel), it follows nothing: a move reads
        # the ledger and marks the project changed, for nobody to see.
        if not self.isVisible() or not self.session.is_open:
            return
        if not isinstance(layer, QgsVectorLayer) or layer.selectedFeatureCount() != 1:
            return
        index = layer.fields().lookupField(domain.SPOT_NUMBER)
        if index < 0:
            return
        request = QgsFeatureRequest().setSubsetOfAttributes([index])
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
        feature = next(layer.getSelectedFeatures(request), None)
        value = feature.attribute(index) if feature is not None else None
        # As importspots reads a number (a spreadsheet's 37030220260029.0 is 37030220260029);
        # an empty one (NULL, which PyQGIS gives as a QVariant, not None) names no spot.
        if isinstance(value, QVariant) and value.isNull():
            value = None
        number = ledger_delivery.spot_number_text(value)
        if number is None:
            return
        # Not read again on a miss (as the find box is): a click on a screened batch's spot
        # not imported yet read the whole ledger each time; runs of this QGIS that write into
        # it are read by themselves (_ledger_written).
        spot_id = self.session.find_number(number, exact=True)[0]
        if spot_id is None:
            self.notice.setText(self._not_listed(number))
        elif spot_id != self.session.current_id:
            self.session.go_to(spot_id)
            self._go(True)

    def _find(self, number: str) -> tuple[int | None, int]:
        """session.find_number, the ledger read again first (as R does) when no spot of the
        list could be the one: the list is as read when the ledger was opened or last read,
        and a batch imported since (by an office into the shared ledger, or from another QGIS)
        was said not to be in the ledger."""
        found = self.session.find_number(number)
        if found == (None, 0):
            self.refresh_ledger()
            found = self.session.find_number(number)
        return found

    def _not_listed(self, number: str) -> str:
        """Why no spot numbered ``number`` is listed: the filters, when they narrow the list;
        else the ledger holds none (a spot never imported, or refused by the import: a
        duplicated number). It said to clear filters none of which was set."""
        if self.session.filter.narrows:
            return tr(
                "No spot {number} in the list shown (clear the filters to search all)"
            ).format(number=number)
        return tr(
            "No spot {number} in the ledger: it was not imported, or the import refused it "
            "(a duplicated number, say; see the import's report)"
        ).format(number=number)

    def _find_spot(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    @staticmethod
    def _menu_button(page: QWidget, text: str, name: str) -> QToolButton:
        """A tool button that opens its (empty) menu at a click, to be filled by the caller."""
        button = QToolButton(page)
        button.setObjectName(name)
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(QMenu(button))
        return button

    def _take_back_arrow(self) -> None:
        """The stack's back arrow (◀) goes through the page's own leaving, as its Cancel does.
        QGIS 3.22 wires the arrow's clicked() straight to the stack's acceptCurrentPanel(),
        which calls the page's C++ acceptPanel() (not virtual, so no page can refuse it): a
        form's typed entries went without a word."""
        back = self.stack.findChild(QToolButton, "mBackButton")
        if back is None:  # another QGIS: its arrow is left as it is
            return
        back.clicked.disconnect()
        back.clicked.connect(lambda _checked=False: self.go_back())

    @reported
    def go_back(self) -> None:
        """The back arrow: a page with entries closes once they are settled, as the user says."""
        page = self.stack.currentPanel()
        if isinstance(page, EntriesPanel):
            page.leave()
        else:
            self.stack.acceptCurrentPanel()

    def _button(self, text: str, slot, name: str) -> QPushButton:
        """A button calling ``slot()``: clicked(bool)'s argument is dropped here, once."""
        button = QPushButton(text, self.home)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- ledger ----------------------------------------------------------------------------------
    def _ledger_path_typed(self) -> None:
        if sip.isdeleted(self):  # the field finishes editing as the dock is torn down
            return
        if self.choose_ledger(self.ledger_file.filePath()) and not sip.isdeleted(self):
            # Opened: the review keys act on it at once, as after a page on top closes. Left
            # in the field, N and → were typed into the path. Not opened (declined, failed):
            # the path stays the user's to correct.
            self.home.setFocus()

    def _ledger_path_changed(self, path: str) -> None:
        if self.ledger_file.lineEdit().hasFocus():
            return  # still being typed
        self.choose_ledger(path)

    @reported
    def choose_ledger(self, path: str) -> bool:
        """Open the ledger the user named; a file that does not exist yet becomes a new, empty
        ledger only once the user has said so."""
        from ..core.ledger_reference import is_postgis_reference

        path = path.strip()
        if self._asking or not path:
            return False  # asked already
        if path == str(self.session.path or ""):
            return self.open_ledger(path)  # picked again: read again
        if not is_postgis_reference(path) and not Path(path).exists():
            self._asking = True
            try:
                answer = QMessageBox.question(
                    self,
                    tr("New ledger"),
                    plain_html(
                        tr(
                            "There is no ledger at {path}. Create a new, empty ledger there?"
                        ).format(path=path)
                    ),
                )
            finally:
                self._asking = False
            if answer != QMessageBox.StandardButton.Yes:
                self._show_ledger_path()  # the field names the ledger that is open
                return False
        return self.open_ledger(path)

    def _show_ledger_path(self) -> None:
        self.ledger_file.blockSignals(True)
        self.ledger_file.setFilePath(str(self.session.path or ""))
        self.ledger_file.blockSignals(False)

    @reported
    def open_ledger(self, path: str) -> bool:
        """Open (or create) the ledger at path; a failure is shown, the previous one stays open."""
        if not path:
            return False
        if self.session.path is not None and str(path) == str(self.session.path):
            self.refresh_ledger()  # picked again: read again, as the user expects
            return True
        # Closed while the ledger being left is open: a form of it whose entries the user
        # saves goes into that ledger, and none of its pages can save into the next one. The
        # user may stay with the form instead: unlike a project closing, this can wait.
        if not self.close_panels(can_cancel=True):
            self._show_ledger_path()
            return False
        try:
            self.session.open(path)
        except (ledger.LedgerError, HolidayFileError, OSError, sqlite3.Error) as error:
            self._warn(tr("Cannot open the ledger {path}: {error}").format(path=path, error=error))
            # Picked (the … button, a project): the box shows the ledger open now; left showing
            # the refused path, it read as if that one were open while the list was the
            # other's. The message names the path. Typed: it stays the user's to correct.
            if not self.ledger_file.lineEdit().hasFocus():
                self._show_ledger_path()
            return False
        self._unopened_ledger = ""
        if self.ledger_file.filePath() != path:
            self._show_ledger_path()
        self._fill_filters()
        project = QgsProject.instance()
        self.images.pick_defaults(project)
        self.file_states.clear()  # another ledger, or the same one changed while it was shut
        self._refresh_photos()
        if str(path) != _project_ledger(project):
            project.setDirty(True)  # the project's ledger changed: to be saved with it
        self._show_session()
        # A bureau holiday year unlike the official one moves every deadline of that year:
        # said where the deadlines are read, as the reports say it.
        for warning in self.session.calendar.override_warnings:
            self._warn(warning)
        if cannot_save_to(path):  # said now, not at the first save refused
            self._warn(
                tr(
                    "The ledger {path} is read-only (or its folder is): it can be looked "
                    "through, but no verdict, case step or evidence can be saved to it."
                ).format(path=path),
                kept=True,
            )
        if not self._restoring:  # a project's ledger: said once its review is restored
            self._say_opening_notices()
        return True

    def _say_opening_notices(self) -> None:
        """What opening the ledger did (side files applied, an upgrade): kept in the message
        bar until closed, as the user may have something to do about it."""
        for notice in self.session.store.opening_notices:
            self._warn(notice, kept=True)

    def _fill_shared_menu(self, menu: QMenu) -> None:
        from ..core.ledger_reference import reference
        from ..postgis_connection import connection_names

        menu.clear()
        names = connection_names()
        if not names:
            menu.addAction(tr("No saved PostgreSQL connection")).setEnabled(False)
        for name in names:
            menu.addAction(name).triggered.connect(
                lambda _checked=False, n=name: self.open_ledger(reference(n))
            )

    def _fill_filters(self) -> None:
        choices = self.session.choices()
        options = {
            "batch": [(tr("All batches"), "")] + [(b, b) for b in choices["batch"]],
            "office": [(tr("All offices"), "")] + [(o, o) for o in choices["office"]],
            "town": [(tr("All towns"), "")] + [(t, t) for t in choices["town"]],
            "status": [
                (tr("Any status"), ""),
                (tr("unverified"), ls.STATUS_UNVERIFIED),
                (tr("verified"), ls.STATUS_VERIFIED),
                (tr("case overdue today"), STATUS_OVERDUE),
            ],
            "flag": [(tr("Touching any layer"), "")]
            + [(tr("cultivated land"), domain.CULTIVATED_FLAG)]
            + [(layer.label_zh, layer.flag_field) for layer in domain.OVERLAY_LAYERS],
            "suggested": [(tr("Any suggestion"), "")] + [(s, s) for s in choices["suggested"]],
        }
        current = self.session.filter.as_dict()
        for key, box in self.filter_boxes.items():
            box.blockSignals(True)
            box.clear()
            for text, value in options[key]:
                box.addItem(text, value)
            index = box.findData(current.get(key, ""))
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)
        if self.filter_boxes["office"].currentData():  # else every town, as filled above
            self._fit_towns_to_office()
        # A value this ledger does not have (another ledger's batch) was dropped from its box:
        # the filter applied must be the one the boxes show.
        shown = ReviewFilter.from_dict(
            {key: box.currentData() or "" for key, box in self.filter_boxes.items()}
        )
        if shown != self.session.filter:
            self.session.set_filter(shown)

    def _fit_towns_to_office(self) -> None:
        """The town box offers the towns of the office chosen (all towns for all offices): a
        town of another office listed no spot (found by a review). A town chosen that the
        office does not have goes back to all towns."""
        office = self.filter_boxes["office"].currentData() or ""
        if office:
            spots = self.session.store.spots(ledger.SpotFilter(office=office))
            towns = sorted({spot.town for spot in spots if spot.town})
        else:
            towns = self.session.choices()["town"]
        box = self.filter_boxes["town"]
        chosen = box.currentData() or ""
        box.blockSignals(True)
        box.clear()
        for text, value in [(tr("All towns"), ""), *((town, town) for town in towns)]:
            box.addItem(text, value)
        box.setCurrentIndex(max(box.findData(chosen), 0))
        box.blockSignals(False)

    @reported
    def _filters_changed(self) -> None:
        if self.filter_boxes["office"].currentData() != self.session.filter.office:
            self._fit_towns_to_office()  # another office: its towns
        values = {key: box.currentData() or "" for key, box in self.filter_boxes.items()}
        self.session.set_filter(ReviewFilter.from_dict(values))
        self.notice.setText("")  # said of the list before ("no spot 012 in the list shown")
        self._show_session()

    # --- showing ---------------------------------------------------------------------------------
    @reported
    def go_next(self) -> None:
        self._go(self.session.next(), tr("Last spot of the list"))

    @reported
    def go_previous(self) -> None:
        self._go(self.session.previous(), tr("First spot of the list"))

    @reported
    def go_next_unverified(self) -> None:
        self._go(self.session.next_unverified(), tr("No unverified spot left in the list"))

    def _go(self, moved: bool, otherwise: str = "") -> None:
        self.notice.setText("" if moved or not self.session.queue else otherwise)
        if moved:
            self._show_current()

    def _show_session(self) -> None:
        self.queue_model.set_rows(self.session.queue)
        self.queue_view.fit_columns()
        enabled = self.session.is_open
        # What works on the whole ledger needs a ledger, not a spot in the current list: an
        # empty filter result, or a ledger of patrols alone, must not lock the reports away.
        for widget in (
            self.export_button,
            self.check_button,
            self.reports_button,
            self.patrol_cases_button,
        ):
            widget.setEnabled(enabled)
        for widget in [
            self.previous_button,
            self.next_button,
            self.unverified_button,
            self.zoom_button,
            self.attach_button,
            self.case_button,
            *self.verdict_buttons,
        ]:
            widget.setEnabled(enabled and bool(self.session.queue))
        self.import_button.setEnabled(True)
        self._show_current()

    def _show_counts(self) -> None:
        place = self.session.place()
        if place is not None:
            position, shown = place
            text = tr("Spot {position} of {shown}").format(position=position, shown=shown)
        elif self.session.is_open:
            text = tr("No spot in the list")
        else:
            text = ""
        self.position_label.setText(text)
        verified, total = self.session.counts()
        self.count_label.setText(
            tr("Verified {verified} / {total}").format(verified=verified, total=total)
        )
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(verified)

    def _show_current(self) -> None:
        self._show_counts()
        settled = None
        try:
            # A save left in doubt is settled first, the one place before the dock's reads:
            # the page shows what became of it, and its user is told so below, once, rather
            # than have their next save refused for it.
            settled = self.session.settle_unconfirmed()
            # The spot, its verdicts, case and evidence, read at once: on the shared ledger
            # one round trip to the server per move, not one per thing shown.
            self._show_spot(self.session.current_page())
        except Exception as error:  # noqa: BLE001 - a slot: say it, never leave the last spot
            self._show_spot(
                None,
                tr("This spot cannot be shown: {error}").format(
                    error=in_interface_language(str(error))
                ),
            )
        if settled is not None:  # after the page, which rewrites the details
            message, recorded = settled
            if recorded:
                self._inform(message)  # as a save whose reply was lost: not to be made again
            else:
                self._warn(message, kept=True)  # to be entered again: kept until closed
        # A holiday file broken with the ledger open: looked for at every move (the calendar
        # reads the file again when its stamp changed, a stat otherwise), said once, after the
        # page, kept until closed.
        _ = self.session.calendar
        problem = self.session.take_calendar_problem()
        if problem:
            self._say_broken_holidays(problem)
        self._note_place()

    def _say_broken_holidays(self, problem: str) -> None:
        """A holiday file that cannot be read now: which entry, and that the deadlines shown
        still count by the schedule read before it broke (not a firm date of the new one)."""
        self._warn(
            in_interface_language(problem)
            + "\n"
            + tr(
                "The deadlines shown still count by the holiday schedule read before the file "
                "broke. Put the file right: the ledger will not open again with it as it is."
            ),
            kept=True,
        )

    def _note_place(self) -> None:
        """Mark the project changed when the filters or the current spot of the open ledger
        changed: they are saved with it (save_state) and reopened with it. Another ledger
        opened marks it in open_ledger, only when it is not the project's own."""
        place = (str(self.session.path or ""), self.session.filter, self.session.current_id)
        before, self._place = self._place, place
        if self._restoring or not self.session.is_open or before is None:
            return
        if before[0] == place[0] and before != place:
            QgsProject.instance().setDirty(True)

    def _show_spot(self, page: ledger.SpotPage | None, problem: str | None = None) -> None:
        """Show a spot's ``page``; None shows why there is none (``problem``, or the list's
        state). Everything shown comes from the page: no more reads of the ledger."""
        if page is None:
            if problem is not None:
                why = problem
            elif not self.session.is_open:
                why = tr("Choose or create a ledger, then import a screened batch of spots.")
            elif self.session.filter == ReviewFilter():
                why = tr("The ledger holds no spot yet: import a screened batch (Import…).")
            else:
                why = tr("No spot matches the filters.")
            self.details.setHtml(f"<p>{html.escape(why)}</p>")
            self.queue_view.show_row(-1)
            self._unchecked = []
            self.evidence_list.clear()
            self.images.show_spot(None, LEDGER_CRS)
            if self.highlight is not None:
                self.highlight.reset(GEOMETRY_POLYGON)
            self._clear_pieces()
            return
        self.queue_view.blockSignals(True)
        self.queue_view.show_row(self.session.position)
        self.queue_view.blockSignals(False)
        spot = page.spot
        self.details.setHtml(spot_html(spot, page.history, self.details, self._case_html(page)))
        self._show_evidence(page)
        geometry = QgsGeometry.fromWkt(spot.geometry.wkt) if spot.geometry is not None else None
        self.images.show_spot(geometry, LEDGER_CRS)
        if self.highlight is not None:
            if geometry is not None:
                self.highlight.setToGeometry(geometry, LEDGER_CRS)
            else:
                self.highlight.reset(GEOMETRY_POLYGON)
        self._highlight_pieces(spot.attributes.get(domain.SPOT_PIECES) or [])
        self._show_marks_on_map(self.isVisible())  # a spot shown while the panel is closed

    def _show_marks_on_map(self, visible: bool) -> None:
        """The spot's highlight and the outlines of what it hits are on the map while the
        panel is in view: closed, it left them there with nothing to say what they were."""
        for band in [self.highlight, *self.piece_bands]:
            if band is not None:
                band.setVisible(visible)

    def _highlight_pieces(self, pieces: list[dict]) -> None:
        """Outline on the main map what the spot hits, one colour per protection layer."""
        self._clear_pieces()
        if self.iface is None:
            return
        for piece in pieces:
            if piece.get(domain.PIECE_LAYER) == domain.LAYER_LAND_USE:
                continue  # land classes tile the whole spot: outlining them hides the rest
            band = QgsRubberBand(self.iface.mapCanvas(), GEOMETRY_POLYGON)
            colour = QColor(piece_colour(piece.get(domain.PIECE_LAYER)))
            band.setStrokeColor(colour)
            colour.setAlpha(70)
            band.setFillColor(colour)
            band.setWidth(2)
            band.setToGeometry(QgsGeometry.fromWkt(piece["wkt"]), LEDGER_CRS)
            self.piece_bands.append(band)

    def _clear_pieces(self) -> None:
        for band in self.piece_bands:
            band.reset(GEOMETRY_POLYGON)
            if self.iface is not None:
                self.iface.mapCanvas().scene().removeItem(band)
        self.piece_bands = []

    @reported
    def zoom_to_spot(self) -> None:
        spot = self.session.current()
        if spot is None or self.iface is None:
            return
        if spot.geometry is None or spot.geometry.is_empty:
            # Said where a move that did nothing is: a silent Z is pressed again, and doubted.
            self.notice.setText(tr("The spot has no geometry to zoom to"))
            return
        self.notice.setText("")
        minx, miny, maxx, maxy = spot.geometry.bounds
        rectangle = QgsRectangle(minx, miny, maxx, maxy)
        rectangle.grow(max(rectangle.width(), rectangle.height(), 50.0))
        canvas = self.iface.mapCanvas()
        canvas.setReferencedExtent(QgsReferencedRectangle(rectangle, LEDGER_CRS))
        canvas.refresh()

    def _show_panel(self, panel: QgsPanelWidget) -> None:
        """Show ``panel`` on top, owned by the stack from then on. PyQt leaves a page made in
        Python owned by Python even once the stack holds it: one opened by a click or a key
        was destroyed as soon as the slot returned. Owned by the stack, it lives until the
        stack closes it (Save, Cancel, Back), after the stack's own bookkeeping."""
        self.stack.showPanel(panel)
        sip.transferto(panel, self.stack)
        self._fit_stack_to_page()
        # Connected after the stack's own closing: the review page is shown again by then.
        panel.panelAccepted.connect(self._back_on_review_page)

    def _back_on_review_page(self, *_panel) -> None:
        """A page on top closed (saved, cancelled, Escape, back arrow): the focus goes to the
        review page, where N, → and the verdict keys act at once. Left to Qt it went to the
        ledger path field, and the next key typed went into the path. Only when the focus
        was in the panel: a page closed as the project closes must not take it from the map."""
        if sip.isdeleted(self):
            return
        self._fit_stack_to_page()
        if self.stack.currentPanel() is not self.home:
            return
        focused = QApplication.focusWidget()
        if focused is None or self.isAncestorOf(focused):
            self.home.setFocus()

    def close_panels(self, can_cancel: bool = False) -> bool:
        """Back to the review page: what is open on top belongs to the ledger being left. Called
        while that ledger is still open, so that a page's entries can be saved into it: each
        page with entries is asked about first, from the top (see EntriesPanel.settle). With
        `can_cancel`, False when the user chose to stay with a page (it stays on top)."""
        stays = False
        try:
            while (page := self.stack.currentPanel()) not in (None, self.home):
                if isinstance(page, EntriesPanel) and not page.settle(can_cancel):
                    stays = True
                    break
                if self.stack.currentPanel() is page:  # a save may have closed it already
                    self.stack.acceptCurrentPanel()
        finally:  # closed also when settling failed: the pages belong to the ledger left
            if not stays:
                self.stack.acceptAllPanels()
        return not stays

    # --- verdicts --------------------------------------------------------------------------------
    @reported
    def open_verdict_form(self, category: str) -> VerdictPanel | None:
        spot = self.session.current()
        if spot is None:
            return None
        store = self.session.store
        current = store.current_verdict(spot.id)

        def save(verdict: ledger.Verdict) -> int:
            # For the spot, ledger and version the form was opened on, whatever is current
            # by the time Save is pressed.
            try:
                return self.session.record_verdict(verdict, spot.id, spot.version, store)
            except ledger.ConflictError:
                # Someone saved the spot meanwhile, or a re-delivery changed it: the page
                # beneath shows their verdict, or the new figures and what changed.
                self.session.refresh()
                self._show_session()
                raise

        panel = VerdictPanel(spot, category, save, self.stack, current)
        panel.saved.connect(lambda verdict: self._verdict_saved(spot, verdict))
        panel.saved_without_reply.connect(self._saved_without_reply)
        self._show_panel(panel)
        return panel

    def _verdict_saved(self, spot: ledger.Spot, verdict: ledger.Verdict) -> None:
        """The page beneath shows the verdict; the message bar says it was saved, briefly: the
        form closing alone said nothing, and the next spot (in the unverified list) could
        read as the save having been lost."""
        self._show_session()
        if self.iface is None:
            return
        said = with_english(verdict.category, ls.CATEGORY_LABELS_EN[verdict.category])
        if verdict.kind:
            said += f" {with_english(verdict.kind, ls.KIND_LABELS_EN.get(verdict.kind, ''))}"
        self._say_saved(
            tr("Verdict for spot {number} saved: {verdict}").format(
                number=spot.number, verdict=said
            )
        )

    def _say_saved(self, text: str) -> None:
        """The message bar's brief notice of a save (a verdict, a case step): one at a time, of
        the last save. A technician saving every few seconds piled up a minute of notices
        naming spots long judged, and the newest was below the fold."""
        if self.iface is None:
            return
        bar = self.iface.messageBar()
        if self._saved_notice is not None and not sip.isdeleted(self._saved_notice):
            bar.popWidget(self._saved_notice)
        self._saved_notice = QgsMessageBarItem(
            tr("Spot verification"), bar_html(text), Qgis.MessageLevel.Success, SAVED_NOTICE_SECONDS
        )
        bar.pushItem(self._saved_notice)

    # --- cases -----------------------------------------------------------------------------------
    def _case_html(self, page: ledger.SpotPage) -> str:
        record = page.case
        if record is None:
            # A case of this spot whose rows cannot be read is said, not shown as no case.
            problems = "".join(
                f"<p style='color:{colour(REFUSAL, self.details)}'>{html.escape(problem)}</p>"
                for problem in page.unreadable_cases
            )
            return problems + self._unopened_html(page)
        case = record.case
        rules = page.deadline_rules()
        upcoming = case.next_deadline(None, rules, self.session.calendar)
        stage = case.stage.label_zh if case.stage else ""
        title = f"<b>{html.escape(tr('Case {id}').format(id=record.case_id))}</b>"
        text = f"<p>{labelled(title, stage)}"
        if case.marked_for_transfer:  # the case's own figures, which may be newer than screening's
            red = colour(REFUSAL, self.details)
            text += f" <b style='color:{red}'>达到刑事移送标准，须移送公安</b>"
        if upcoming is not None:
            text += f"<br>{deadline_html(upcoming, rules, self.details)}"
        # Shown here, where the page returns after a verdict is saved: a spot judged lawful
        # keeps its case open until the office withdraws it.
        left_open = page.case_left_open()
        warning = lawful_spot_html(left_open[1], self.details) if left_open is not None else ""
        return text + "</p>" + warning

    def _unopened_html(self, page: ledger.SpotPage) -> str:
        """A spot judged 违法 with no case opened runs the deadlines of a case discovered on its
        verdict date (the reports list and count it so): each open one, marked as a case's are,
        an estimate with its warning."""
        unopened = unopened_case_of(page.spot, page.history, page.case)
        if unopened is None:
            return ""
        rules = page.deadline_rules()
        owed = [d for d in unopened.deadlines(rules, self.session.calendar) if d.open]
        heading = tr("No case opened: deadlines run from the verdict of {day}").format(
            day=unopened.events[0].date.isoformat()
        )
        lines = "".join(f"<br>{deadline_html(d, rules, self.details)}" for d in owed)
        red = colour(REFUSAL, self.details)
        return f"<p><b style='color:{red}'>{html.escape(heading)}</b>{lines}</p>"

    @reported
    def open_case_panel(self, ask: bool = False) -> CasePanel | None:
        """The current spot's case; for an illegal verdict without one, open it first, with
        `ask` (the C key, the Case button) once the user says so: a case is never deleted, and
        one key press opened it (found by a review)."""
        spot_id = self.session.current_id
        if spot_id is None:
            return None
        # The spot's page holds its case and all the case page shows beside it: read once and
        # handed on, one round trip to the shared ledger (the case was read four times).
        page = self.session.store.spot_page(spot_id)
        if page.case is not None:
            return self.show_case(page.case.case_id, page)
        if ask and page.spot.category == ls.VERDICT_ILLEGAL:
            answer = QMessageBox.question(
                self,
                tr("Open a case"),
                tr(
                    "Open a case for spot {number}, judged 违法? A case once opened is never "
                    "deleted: one opened in error is withdrawn, with the reason."
                ).format(number=page.spot.number),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            case_id = self.session.open_case_for_current()
        except ledger.SavedWithoutReply as error:
            # Opened, its id lost with the reply: said first (reading the case back may
            # fail), then the spot's case as the ledger holds it.
            self._saved_without_reply(str(error))
            case_id = None
        page = self.session.store.spot_page(spot_id)  # read back, with the case opened
        # The review page beneath shows the case too (it said 未立案 until the spot was left).
        self.session.read_back(page)
        self._show_session()
        if case_id is None:
            if page.case is None:
                return None
            case_id = page.case.case_id
        return self.show_case(case_id, page)

    @reported
    def _fill_patrol_cases_menu(self, menu: QMenu) -> None:
        menu.clear()
        store = self.session.store
        if store is None:
            menu.addAction(tr("Open a ledger first")).setEnabled(False)
            return
        menu.addAction(tr("Open a case from a patrol finding…"), self.open_patrol_case_form)
        menu.addSeparator()
        try:
            found = patrol_cases(store)
        except ledger.LedgerError as error:  # a shared ledger's connection lost, say
            menu.addAction(in_interface_language(str(error))).setEnabled(False)
            return
        if not found:
            menu.addAction(tr("No case from a patrol yet")).setEnabled(False)
        for record in found:
            menu.addAction(
                case_label(record), lambda case_id=record.case_id: self.show_case(case_id)
            )

    @reported
    def open_patrol_case_form(self) -> PatrolCasePanel | None:
        """The form that opens a case from a recorded patrol; the case page follows."""
        if self.session.store is None:
            return None
        panel = PatrolCasePanel(self.session.store, self.stack)
        panel.opened.connect(lambda case_id: (panel.acceptPanel(), self.show_case(case_id)))
        panel.saved_without_reply.connect(self._saved_without_reply)
        self._show_panel(panel)
        return panel

    @reported
    def show_case(self, case_id: str, page: ledger.SpotPage | None = None) -> CasePanel | None:
        """The page of case ``case_id``; ``page``: its spot's page as just read, if any."""
        panel = CasePanel(
            self.session.store,
            case_id,
            lambda: self.session.calendar,
            self.stack,
            page,
            file_state=self.file_states.last_found,
        )
        panel.stepped.connect(self._case_stepped)
        panel.recorded.connect(self._say_saved)
        panel.saved_without_reply.connect(self._saved_without_reply)
        self._show_panel(panel)
        return panel

    def _case_stepped(self, page: ledger.SpotPage | None) -> None:
        """A step or correction recorded: the review page beneath shows the case's spot as the
        case page just read it back (its ``page``), not read once more."""
        if page is not None:
            self.session.read_back(page)
        self._show_session()

    # --- import and export -----------------------------------------------------------------------
    def import_batch(self) -> None:
        self._run_algorithm(algorithm_id(ImportSpots), self.refresh_ledger)

    def export_results(self) -> None:
        from ..processing.export_verification import ExportVerification as Export

        # The sheets' maps show the images the review shows: left empty, every sheet's maps
        # were blank, and the user had to find the project's images in the dialog again.
        before, after = self.images.layers()
        images = {Export.BEFORE_IMAGE: before, Export.AFTER_IMAGE: after}
        self._run_algorithm(
            algorithm_id(Export),
            None,
            {name: layer for name, layer in images.items() if layer is not None},
        )

    @reported
    def _run_algorithm(self, algorithm: str, after, filled: dict | None = None) -> None:
        """Open the dialog of the algorithm of id `algorithm` on the open ledger, with the
        `filled` parameters."""
        if QgsApplication.processingRegistry().algorithmById(algorithm) is None:
            self._warn(tr("Algorithm {id} is not available.").format(id=algorithm))
            return
        from processing import createAlgorithmDialog

        parameters = {"LEDGER": str(self.session.path)} if self.session.path else {}
        folder = self._lasting_output_folder(algorithm)
        if folder is not None:
            parameters[OUTPUT_FOLDER] = folder
        try:
            dialog = createAlgorithmDialog(algorithm, {**parameters, **(filled or {})})
            if dialog is not None:
                self._exec_algorithm_dialog(dialog)
        finally:  # an import's batch is listed however its dialog ended
            if after is not None and not sip.isdeleted(self):
                after()

    def _lasting_output_folder(self, algorithm: str) -> str | None:
        """Where the export or a report opened from the panel writes, unless the user picks
        another folder: QGIS's default was a temporary folder, which QGIS deletes when it
        quits, with the sheets, the evidence zip and the workbook in it (found by a review as
        a new user: the field lay below the dialog's fold, and Run was pressed). Beside the
        ledger file (export/<day>/, reports/); for a shared ledger beside
        the saved project; None (QGIS's own) when neither is known."""
        found = QgsApplication.processingRegistry().algorithmById(algorithm)
        if found is None or found.parameterDefinition(OUTPUT_FOLDER) is None:
            return None
        from ..core.ledger_reference import is_postgis_reference

        path = str(self.session.path or "")
        home = QgsProject.instance().homePath()
        if path and not is_postgis_reference(path):
            base = Path(path).parent
        elif home:
            base = Path(home)
        else:
            return None
        if algorithm.endswith(":exportverification"):
            # A folder a day: the package handed in last quarter is not replaced by this
            # quarter's under the same file names (a second export the same day is a redo).
            return str(base / "export" / clock.today().isoformat())
        return str(base / "reports")  # a report's files are named by their period

    def _exec_algorithm_dialog(self, dialog) -> None:
        """Show an algorithm's dialog until it is closed, then put the map tool back (a
        parameter picked on the map changes it). QGIS 3.22 deletes a dialog whose run has
        finished as it closes: processing.execAlgorithmDialog then read the results of the
        deleted dialog and raised, so the message bar said "wrapped C/C++ object … has been
        deleted" and the import's batch was not listed. Nothing is read from it here."""
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        tool = canvas.mapTool() if canvas is not None else None
        dialog.show()
        dialog.exec_()
        if canvas is not None and tool is not None and canvas.mapTool() != tool:
            with contextlib.suppress(RuntimeError, AttributeError):  # the dialog's, gone
                canvas.mapTool().reset()
            canvas.setMapTool(tool)
        if not sip.isdeleted(dialog):
            dialog.close()  # closed with Esc it is only hidden: destroyed, as QGIS's own are
            dialog.deleteLater()

    @reported
    def refresh_ledger(self) -> None:
        """Read the open ledger again: the queue, its filters' choices and the spot shown, and
        its holiday schedule; the filters and the current spot are kept.

        The connection goes on reading the file it opened even after a sync tool or `mv`
        moved, deleted or replaced it: a ledger whose file is gone is said, and nothing else
        changes (the pages keep what they hold); one replaced by another file reads that file
        from now on, which is said too."""
        from ..core.ledger_gpkg import FILE_GONE, FILE_REPLACED

        if self.session.path is None:
            return
        change = self.session.file_changed()
        if change == FILE_GONE:
            self._warn(
                tr(
                    "The ledger file {path} was moved or deleted: put it back, or open it where "
                    "it is now. Nothing else changed; the open pages keep what they hold."
                ).format(path=self.session.path)
            )
            return
        if change == FILE_REPLACED:
            self.session.reopen_file()  # a file that is no ledger is said; the old one stays
            self.file_states.clear()  # what is known of the evidence files was of the old one
            self._refresh_photos()
        try:
            self.session.reread_calendar()
        except HolidayFileError as error:  # said; the schedule read before stays in use
            self._say_broken_holidays(str(error))
        self.session.refresh()
        self._fill_filters()
        self._show_session()
        if change == FILE_REPLACED:  # said last: showing the spot rewrites the details
            self._warn(
                tr(
                    "The ledger file {path} was replaced by another file: the panel reads that "
                    "file now. The open pages keep what they hold and save into it."
                ).format(path=self.session.path)
            )
            self._say_opening_notices()

    @reported
    def _ledger_written(self, reference: str) -> None:
        """A run of the provider (from the toolbox, a model, a script) wrote to the ledger
        the dock has open: read it again, as R does, and the case page shown too, so that
        its spots, patrols and deadline rules are the ledger's now."""
        if not self.session.is_open or not _same_ledger(reference, self.session.path):
            return
        self.refresh_ledger()
        page = self.stack.currentPanel()
        if isinstance(page, CasePanel):
            page.refresh()

    # --- project state ---------------------------------------------------------------------------
    def save_state(self, *_document) -> None:
        """Write the ledger, filters, current spot and images into the project being saved."""
        from ..core.ledger_reference import is_postgis_reference

        project = QgsProject.instance()
        path = str(self.session.path or "")
        if path and not is_postgis_reference(path):
            # Relative to the project when QGIS writes relative paths, as its layers are: a
            # project copied with its folder must open the copy's ledger, not the original's.
            path = project.writePath(path)
        if not path and self._unopened_ledger:
            # The project's own ledger, missing today: kept, written as a path is (relative
            # to where the project is saved now, by Save As too). Its place in it (spot,
            # filters, images) is the project's as read, not this session's: left as it is,
            # for the day the ledger is back.
            unopened = self._unopened_ledger
            path = unopened if is_postgis_reference(unopened) else project.writePath(unopened)
            project.writeEntry(PROJECT_SCOPE, "ledger", path)
            return
        project.writeEntry(PROJECT_SCOPE, "ledger", path)
        for key, value in self.session.filter.as_dict().items():
            project.writeEntry(PROJECT_SCOPE, f"filter/{key}", value)
        project.writeEntry(PROJECT_SCOPE, "spot", str(self.session.current_id or ""))
        before, after = self.images.image_ids()
        project.writeEntry(PROJECT_SCOPE, "before_image", before)
        project.writeEntry(PROJECT_SCOPE, "after_image", after)

    # The photo layer is the panel's view of its ledger, made again when the project's ledger
    # opens: never written into the project file (see evidence_layer).
    def _leave_photos_out(self, document) -> None:
        leave_out_of_project_file(QgsProject.instance(), document)

    def _leave_photo_layer_out(self, layer, element, _document) -> None:
        leave_layer_out(layer, element)

    def _warn_of_losing_copies(self, layers) -> None:
        warn_of_losing_copies(QgsProject.instance(), layers)

    @reported
    def leave_ledger(self) -> None:
        """The project is closed (New Project, another one opening, QGIS quitting): its ledger,
        pages and marks on the map go with it; the next project reopens its own. A page with
        entries is first saved or discarded as the user says (QGIS 3.22 has no signal
        before the clearing; the ledger is the dock's, not the project's, and still open)."""
        self.close_panels()
        self.session.close()
        self._unopened_ledger = ""
        self._show_ledger_path()
        self._show_session()

    @reported
    def restore_state(self, *_document) -> None:
        """Reopen the review where the project left it, leaving the project unchanged: read
        back, its place is no change of it."""
        self._restoring = True
        try:
            self._restore_state()
        finally:
            self._note_place()  # the place read back, the one later changes are told from
            self._restoring = False

    def _restore_state(self) -> None:
        from ..core.ledger_reference import is_postgis_reference

        project = QgsProject.instance()
        # One read from a project saved by an older version of the plugin: empty, stale.
        remove_evidence_points_layer(project, self.iface)
        path = _project_ledger(project)
        if not path:
            return
        values = {
            key: project.readEntry(PROJECT_SCOPE, f"filter/{key}", "")[0]
            for key in ReviewFilter.__dataclass_fields__
        }
        # Whatever happens below, the previous project's ledger is left: work meant for this
        # project must not go into it, nor its pages stay open.
        self.close_panels()
        self.session.close()
        self._show_ledger_path()
        self._unopened_ledger = path
        if not is_postgis_reference(path) and not Path(path).exists():
            self._show_session()
            # Moved to another drive or machine, most often: said is how to point the project
            # at it again, through the box the label names.
            self._warn(
                tr(
                    "The ledger {path} saved in this project is missing (moved to another drive "
                    "or computer?). Pick it where it is now in the panel's “{box}” box, or type "
                    "its path there and press Enter; saving the project then stores the new "
                    "path."
                ).format(path=path, box=self.ledger_label.text())
            )
            return
        self.session.filter = ReviewFilter.from_dict(values)
        if not self.open_ledger(path):
            self._show_session()  # nothing open: no list, details or buttons of the old ledger
            return
        spot, _ = project.readEntry(PROJECT_SCOPE, "spot", "")
        if spot.isdigit():
            self.session.go_to(int(spot))
        before_id, _ = project.readEntry(PROJECT_SCOPE, "before_image", "")
        after_id, _ = project.readEntry(PROJECT_SCOPE, "after_image", "")
        before, after = project.mapLayer(before_id), project.mapLayer(after_id)
        if before is not None or after is not None:
            self.images.set_images(before, after)
        self._show_session()
        self._say_opening_notices()  # after the spot is shown, which rewrites the details

    # --- lifecycle -------------------------------------------------------------------------------
    @reported
    def _saved_without_reply(self, message: str) -> None:
        """A save the ledger recorded whose reply was lost (ledger.SavedWithoutReply): the
        page beneath is read again from the ledger, so it shows what was stored, and the
        message says it was saved, as information: told as a failure, it was saved again and
        refused as a conflict with itself."""
        try:
            self._show_session()
        finally:  # said whatever reading back met: it tells the user not to save again
            self._inform(message)

    def _inform(self, message: str) -> None:
        """Say ``message`` (the core's "中文 / English") in the message bar as information, kept
        until closed: it tells the user not to do again what is done; and under the spot."""
        message = in_interface_language(message)
        if self.iface is not None:
            self.iface.messageBar().pushMessage(
                tr("Spot verification"), bar_html(message), Qgis.MessageLevel.Info, 0
            )
        lines = "<br>".join(html.escape(line) for line in message.split("\n"))
        self.details.append(f"<p>{lines}</p>")

    def _warn(self, message: str, kept: bool = False) -> None:
        """Say ``message`` as a warning in the message bar (``kept`` there until closed) and
        under the spot."""
        message = in_interface_language(message)  # the core's "中文 / English" in one language
        if self.iface is not None and kept:
            self.iface.messageBar().pushMessage(
                tr("Spot verification"), bar_html(message), Qgis.MessageLevel.Warning, 0
            )
        elif self.iface is not None:
            self.iface.messageBar().pushWarning(tr("Spot verification"), bar_html(message))
        # A line a refusal (the files of a drop refused each say why): kept apart, not run
        # together into one paragraph.
        lines = "<br>".join(html.escape(line) for line in message.split("\n"))
        self.details.append(f"<p style='color:{colour(REFUSAL, self.details)}'>{lines}</p>")

    def cleanup(self) -> None:
        """Disconnect from the project and the canvas; the plugin calls this when it unloads."""
        if self.evidence_check is not None:  # it would report to a dock that is gone
            self.evidence_check.cancel()
        with contextlib.suppress(Exception):  # unloading goes on whatever the pages' fate
            self.close_panels()  # disabled or reloaded with a form being typed
        if self.session.is_open:
            # What is in use now, for the dock of a reloaded plugin to reopen (not the state
            # last saved, a ledger or spot the user has since left).
            with project_left_as_it_was(QgsProject.instance(), self.iface):
                self.save_state()
        project = QgsProject.instance()
        for signal, slot in (
            (project.writeProject, self.save_state),
            (project.writeProject, self._leave_photos_out),
            (project.writeMapLayer, self._leave_photo_layer_out),
            (project.readProject, self.restore_state),
            (project.cleared, self.leave_ledger),
            (project.layersAdded, self._warn_of_losing_copies),
            (LEDGER_WRITES.written, self._ledger_written),
        ):
            with contextlib.suppress(TypeError):  # not connected: nothing to undo
                signal.disconnect(slot)
        with contextlib.suppress(TypeError):
            self.ledger_file.lineEdit().returnPressed.disconnect()
        if self.iface is not None:
            with contextlib.suppress(TypeError):
                self.iface.mapCanvas().selectionChanged.disconnect(self._follow_map_selection)
        self._clear_pieces()
        if self.highlight is not None:
            self.highlight.reset(GEOMETRY_POLYGON)
            if self.iface is not None:
                self.iface.mapCanvas().scene().removeItem(self.highlight)
            self.highlight = None
        remove_evidence_points_layer(QgsProject.instance(), self.iface)
        self.session.close()


def _same_ledger(reference: str, opened) -> bool:
    """Whether a ledger parameter's ``reference`` names the ledger the dock opened
    (session.path: a GeoPackage's Path, or a shared ledger's postgis://… reference)."""
    from ..core.ledger_reference import is_postgis_reference, parse_reference

    if is_postgis_reference(reference) or is_postgis_reference(str(opened)):
        # postgis://conn is postgis://conn/zc_ledger, however the name is quoted
        try:
            return parse_reference(reference) == parse_reference(str(opened))
        except ledger.LedgerError:  # one of them a file's path
            return False
    try:
        return Path(reference).resolve() == Path(opened).resolve()
    except OSError:
        return False


def cannot_save_to(path) -> bool:
    """Whether the GeoPackage ledger at ``path`` cannot be written: the file, or its folder,
    where SQLite makes its journal, is read-only to this user. Not a shared ledger's reference."""
    file = Path(str(path))
    if not file.is_file():
        return False
    return not (os.access(file, os.W_OK) and os.access(file.parent, os.W_OK))
