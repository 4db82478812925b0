"""The wrapping row of buttons (ui/flow_layout.py): where it wraps, who takes a row's spare
width, how narrow and how tall it is, and that the page around makes room for its rows."""

from __future__ import annotations

import pytest
from qgis.PyQt.QtCore import QRect
from qgis.PyQt.QtWidgets import (
    QApplication,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zc_enforcement_plugin.ui.flow_layout import FlowLayout

SPACING = 6  # set, not the style's: the widths below are sums of it
TEXTS = ("确定保存", "取消", "更正某一步…")


@pytest.fixture
def made(qgis_app):
    """Make a host widget with a FlowLayout of the widgets given; the hosts are kept alive
    (a layout whose widget Python collected lays out nothing) until the test ends."""
    hosts = []

    def make(*widgets: QWidget, fill: bool = False) -> FlowLayout:
        host = QWidget()
        flow = FlowLayout(fill=fill)
        flow.setSpacing(SPACING)
        host.setLayout(flow)
        flow.add_widgets(*widgets)
        hosts.append(host)
        return flow

    return make


def _buttons() -> list[QPushButton]:
    return [QPushButton(text) for text in TEXTS]


def _rows(widgets) -> int:
    """How many rows ``widgets`` (in the layout's order) are on: a row starts again at the
    left (by their tops a row cannot be told, a button of fixed height is centred in it)."""
    return 1 + sum(1 for before, after in zip(widgets, widgets[1:]) if after.x() <= before.x())


def _one_row_width(widgets) -> int:
    """The width that takes ``widgets`` on one row, each as wide as its text, and no more."""
    return sum(widget.sizeHint().width() for widget in widgets) + SPACING * (len(widgets) - 1)


def test_buttons_that_fit_exactly_share_a_row_and_one_pixel_less_wraps(made):
    """The spacing between the buttons counts, and a row exactly as wide as they need takes
    them all: a button wrapped for no reason cost the panel a row."""
    buttons = _buttons()
    flow = made(*buttons)
    exact = _one_row_width(buttons)

    flow.setGeometry(QRect(0, 0, exact, 100))
    assert _rows(buttons) == 1, [button.geometry() for button in buttons]
    assert [button.width() for button in buttons] == [b.sizeHint().width() for b in buttons]

    flow.setGeometry(QRect(0, 0, exact - 1, 100))
    assert _rows(buttons) == 2, [button.geometry() for button in buttons]
    assert buttons[-1].x() == 0 and buttons[-1].y() > buttons[0].y()
    assert buttons[1].y() == buttons[0].y()


def test_an_item_wider_than_the_row_keeps_its_least_width(made):
    """On a row narrower than itself a button stays as wide as its text and a word-wrapped
    label (no minimum set on it) as wide as a word, taking the lines it needs: given the row
    alone, the label's words were cut at the right."""
    label = QLabel("变更图斑核查结果已经记录，请继续核查下一个图斑")
    label.setWordWrap(True)
    button = QPushButton("更正某一步…")
    flow = made(label, button)
    least = label.minimumSizeHint().width()
    narrow = least // 2
    assert 0 < narrow < least < label.sizeHint().width()

    flow.setGeometry(QRect(0, 0, narrow, 400))

    assert label.width() == least
    assert label.height() == label.heightForWidth(least) > label.sizeHint().height()
    assert button.width() == button.sizeHint().width()
    assert button.y() >= label.geometry().bottom()


def test_a_progress_bar_takes_the_rows_spare_width(made):
    """An item that expands sideways takes what the row has spare; a button beside it does
    not, and the row is filled to its right edge."""
    bar = QProgressBar()
    button = QPushButton("取消")
    flow = made(bar, button)
    spare = 41
    width = _one_row_width([bar, button]) + spare

    flow.setGeometry(QRect(0, 0, width, 100))

    assert _rows([bar, button]) == 1
    assert bar.width() == bar.sizeHint().width() + spare
    assert button.width() == button.sizeHint().width()
    assert button.geometry().right() == width - 1


def test_without_fill_the_spare_width_is_left_at_the_right(made):
    buttons = _buttons()
    flow = made(*buttons)
    flow.setGeometry(QRect(0, 0, _one_row_width(buttons) + 41, 100))
    assert [button.width() for button in buttons] == [b.sizeHint().width() for b in buttons]


def test_with_fill_the_buttons_share_the_row_to_the_pixel(made):
    """Spare width that does not divide by the number of buttons: shared all the same, the
    last button ends at the row's right edge (not a pixel or two short of it)."""
    buttons = _buttons()
    flow = made(*buttons, fill=True)
    spare = 3 * 7 + 2
    width = _one_row_width(buttons) + spare

    flow.setGeometry(QRect(0, 0, width, 100))

    assert _rows(buttons) == 1
    assert buttons[-1].geometry().right() == width - 1
    gained = [button.width() - button.sizeHint().width() for button in buttons]
    assert sum(gained) == spare and max(gained) - min(gained) <= 1, gained


def test_the_least_width_is_the_widest_items(made):
    """The row may wrap down to its widest button alone, no narrower: a least width of 0 let
    the panel cut that button's text."""
    buttons = _buttons()
    flow = made(*buttons)
    widest = max(button.sizeHint().width() for button in buttons)
    assert flow.minimumSize().width() == widest
    buttons[-1].hide()  # a hidden button asks for no room
    assert flow.minimumSize().width() == max(b.sizeHint().width() for b in buttons[:-1])


def test_a_row_is_as_tall_as_its_tallest_item(made):
    """A short button first and a taller label after it: the row as tall as the label (not
    as the first item), the button (its height fixed) in the middle of it."""
    button = QPushButton("取消")
    label = QLabel("第一行\n第二行\n第三行")
    flow = made(button, label)
    tall = label.sizeHint().height()
    assert tall > button.sizeHint().height()

    flow.setGeometry(QRect(0, 0, 600, 400))

    assert label.geometry() == QRect(button.width() + SPACING, 0, label.width(), tall)
    assert button.height() == button.sizeHint().height()
    assert button.y() == (tall - button.height()) // 2
    assert flow.sizeHint().height() == flow.minimumSize().height() == tall


def test_a_narrower_page_makes_room_for_the_wrapped_rows(qgis_app):
    """Narrowed until the buttons wrap, the page asks for the taller rows: it did not, and
    the rows that wrapped went below its foot, under whatever came next."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.addWidget(QLabel("图斑"))
    buttons = _buttons()
    flow = FlowLayout()
    flow.setSpacing(SPACING)
    column.addLayout(flow.add_widgets(*buttons))
    page.resize(_one_row_width(buttons) + 200, 50)
    page.show()

    def settle():
        for _ in range(4):
            QApplication.processEvents()

    try:
        settle()
        assert _rows(buttons) == 1
        one_row = page.minimumSizeHint().height()

        page.resize(flow.minimumSize().width() + 40, page.height())
        settle()

        assert _rows(buttons) > 1
        assert page.minimumSizeHint().height() > one_row
        assert page.height() > buttons[-1].geometry().bottom()
    finally:
        page.close()


def _page_with_a_row(buttons):
    """A page as the dock's: a label above the row of ``buttons``, the row nested in the
    page's column, shown one-row wide with room to spare."""
    page = QWidget()
    column = QVBoxLayout(page)
    label = QLabel("第 1 / 312 个")
    column.addWidget(label)
    flow = FlowLayout()
    flow.setSpacing(SPACING)
    column.addLayout(flow.add_widgets(*buttons))
    page.resize(_one_row_width(buttons) + 60, 200)
    page.show()
    return page, label


def _settle():
    for _ in range(4):
        QApplication.processEvents()


def test_a_button_whose_text_grows_wraps_at_the_next_layout(qgis_app):
    """The rows worked out at a width are kept only until an item changes: a button given a
    longer text (a count in its label) is laid out by its new width, wrapping the row."""
    buttons = _buttons()
    page, _label = _page_with_a_row(buttons)
    try:
        _settle()
        assert _rows(buttons) == 1
        buttons[0].setText(TEXTS[0] + "（共 312 个图斑）")
        _settle()
        assert _rows(buttons) == 2
        assert buttons[0].width() == buttons[0].sizeHint().width()
        assert page.height() > buttons[-1].geometry().bottom()
    finally:
        page.close()


def test_a_page_laid_out_again_works_the_rows_out_once(qgis_app, monkeypatch):
    """Each move of the dock changes a label above its rows of buttons, and Qt lays the page
    out again, asking each row its size hint, least size and place: the rows are worked out
    once for it, not once for each question (five times each, 36 times a move over the
    dock's six rows, was most of what the rows added to a move)."""
    buttons = _buttons()
    page, label = _page_with_a_row(buttons)
    worked_out = []
    rows = FlowLayout._rows

    def counted(self, *args):
        worked_out.append(args)
        return rows(self, *args)

    try:
        _settle()
        monkeypatch.setattr(FlowLayout, "_rows", counted)
        label.setText("第 2 / 312 个")
        _settle()
        assert len(worked_out) == 1, worked_out
        assert _rows(buttons) == 1
    finally:
        page.close()
