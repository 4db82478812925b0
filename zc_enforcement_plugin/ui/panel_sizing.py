"""The verification dock's sizing (PanelSizing): how wide and tall its panel is, and where the
rows above the list go when the panel is short.

Apart from the dock because it is a concern of its own, read and changed apart from the review:
the page must fit a 300 px panel on a 1366×768 laptop at 150 % and a panel docked under the
Processing Toolbox, its buttons always in view, and how that is measured (the panel stack's
scroll area, the page's wrapped rows, QGIS's window) is what these methods hold. Beside
flow_layout.py, whose rows of buttons wrap and so change the heights measured here.
"""

from __future__ import annotations

from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, QTimer
from qgis.PyQt.QtWidgets import QMainWindow, QScrollArea, QSizePolicy, QStyle

# Docked, the panel is never shorter than its review page (the rows above and the buttons below
# in view, the page's lines between them) when that takes no more than this share of QGIS's
# window; on a short or scaled screen (1366×768 at 150 %, 1920×1080 at 200 %) a panel as tall
# as its page would push QGIS's window past the screen's foot, and it is then only as tall as
# its buttons and the scrolling middle need (the rows above scroll with the list there).
DOCKED_HEIGHT_WINDOW_SHARE = 2 / 3


class PanelSizing:
    """The dock's panel sizing, a mixin of VerificationDock (a QgsDockWidget): its eventFilter
    and showEvent are the dock's own Qt overrides. It measures what the dock builds: ``stack``
    (the panel stack), ``home`` (the review page), ``header`` (the rows above the list),
    ``splitter`` and ``review_content`` (the list's scrolling area)."""

    def _watch_page_size(self) -> None:
        """Refit the page when the room for it changes: the panel stack's viewport resized, the
        page laid out anew, the panel docked or floated. Called once the stack holds the page."""
        area = self._page_area()
        if area is not None:  # another QGIS, laid out otherwise: the header stays in view
            area.viewport().installEventFilter(self)
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.timeout.connect(self._refit_page)
        self.home.installEventFilter(self)
        self.topLevelChanged.connect(self._keep_page_height)

    def fitting_width(self) -> int:
        """The panel's width for the review page to show at its best: every column of the
        list in view and each row of buttons on one line, plus the scroll bar and frames the
        panel stack puts around it. The plugin gives it to the panel shown the first time."""
        margins = self.home.layout().contentsMargins()
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        review = self.splitter.sizeHint().width() + scroll_bar + margins.left() + margins.right()
        return max(self.home.sizeHint().width(), review) + self._page_chrome()

    def least_width(self) -> int:
        """The panel's narrowest width with the review page whole across: every button at
        least as wide as its text (the rows wrap) and no sideways scrolling of the page (the
        list scrolls sideways within itself). About 300 px, what QGIS gives a new panel."""
        return self.home.minimumSizeHint().width() + self._page_chrome()

    def _page_chrome(self) -> int:
        """What the panel stack puts around a page across: its scroll bar and frames."""
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent) + 8

    def review_page_height(self, header_in_view: bool = True) -> int:
        """The review page's least height with the rows above the list in view (the ledger,
        actions, filters and counter), or, without ``header_in_view``, with them scrolling in
        the list's area: the buttons and the list's least height alone. At the page's width:
        its rows of buttons take more lines on a narrow panel (FlowLayout)."""
        page = self.home.minimumSizeHint().height()
        header = self.header.minimumSizeHint().height() + self.home.layout().spacing()
        in_view = self.header.parentWidget() is self.home
        if header_in_view and not in_view:
            page += header
        elif not header_in_view and in_view:
            page -= header
        return page

    def _page_area(self) -> QScrollArea | None:
        """The panel stack's own scroll area, around the page (not the review area inside it).
        Looked for among the stack's children: PyQt's findChild with an empty name and
        FindDirectChildrenOnly found none, and the page's least height went without its frames."""
        areas = (child for child in self.stack.children() if isinstance(child, QScrollArea))
        return next(areas, None)

    def docked_least_height(self) -> int:
        """The least height of the docked panel's content: its review page's, so that the
        ledger and filter rows and the buttons stay in view and the list, page, images and
        evidence scroll between them. Docked below another panel (the Processing Toolbox, which
        screening needs open), the panel was given 421 px of a 1600×1000 window and the whole
        page scrolled, its verdict buttons out of view; reloaded, it came back 88 px high.
        Where that page is more than a share of QGIS's window (a scaled small screen), the
        page without the rows above, which then scroll with the list: two thirds of a 540 px
        window still pushed it past the screen's foot, the buttons below the panel's."""
        page = self.review_page_height()
        window = self.parentWidget()
        if isinstance(window, QMainWindow) and page > window.height() * DOCKED_HEIGHT_WINDOW_SHARE:
            page = self.review_page_height(header_in_view=False)
        area = self._page_area()
        if area is not None:
            page += 2 * area.frameWidth()
        return page

    def _place_header(self) -> None:
        """The rows above the list in view when the page shown has room for them, the list's
        least height and the buttons; otherwise at the top of the list's scrolling area, so
        that the move, case and verdict buttons stay at the panel's foot, never scrolled away
        (at 150 or 200 % scaling the whole page scrolled, the buttons below the panel's foot).
        Decided on the room the panel gives the page, which the header's place does not change."""
        area = self._page_area()
        if area is None:
            return
        in_view = area.viewport().height() >= self.review_page_height()
        if in_view == (self.header.parentWidget() is self.home):
            return
        if in_view:
            self.home.layout().insertWidget(0, self.header)
        else:
            self.review_content.insertWidget(0, self.header)
        self.header.show()

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        # The panel stack's viewport resized: the room for the review page changed.
        if event.type() == QEvent.Type.Resize and watched is not self.home:
            self._place_header()
        # The page laid out again, its rows of buttons wrapped onto more lines or fewer (the
        # panel narrowed or widened): its least height changed, measured once it is laid out.
        elif event.type() == QEvent.Type.LayoutRequest and watched is self.home:
            self._refit_timer.start()
        return super().eventFilter(watched, event)

    def _refit_page(self) -> None:
        """The page's least height and the header's place, again after the page was laid out
        anew (see eventFilter): narrowed, its wrapped rows need more height, and widened, less
        (a panel shown first at 300 px and then widened kept the taller least height, and the
        window grew past a 512 px screen's foot)."""
        if sip.isdeleted(self.stack) or not self.isVisible():
            return
        # Not while the panel is narrower than the page (a panel being docked is a few px
        # wide before the window gives it its width): there every button had a row of its
        # own, and the window grew by that height for good.
        area = self._page_area()
        if area is not None and area.viewport().width() < self.home.minimumSizeHint().width():
            return
        self._keep_page_height()
        self._place_header()

    def _keep_page_height(self, floating: bool | None = None) -> None:
        """Docked, keep the page's height (docked_least_height); floating, the user sizes the
        panel as they like and the page scrolls within it."""
        floating = self.isFloating() if floating is None else floating
        self.stack.setMinimumHeight(0 if floating else self.docked_least_height())

    def showEvent(self, event):  # noqa: N802 - Qt API
        # Measured on each show: the window's height and the page's fonts may have changed.
        # Once the page is laid out at the width shown: its rows wrapped at the width it had
        # hidden (a few px) asked the window for their height, and it grew past the screen.
        self._refit_timer.start()
        super().showEvent(event)

    def _fit_stack_to_page(self) -> None:
        """The stack as tall at least as the page shown needs, not as the review page needs
        under another page: the stack keeps the tallest page's least height, and at 125 or
        150 % scaling a form's Save and Cancel went below the panel's foot with its body,
        where the page scrolls within itself to keep them in view."""
        policy = self.home.sizePolicy()
        shown = self.stack.currentPanel() in (None, self.home)
        policy.setVerticalPolicy(
            QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored
        )
        self.home.setSizePolicy(policy)
