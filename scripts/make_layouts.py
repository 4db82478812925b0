"""Regenerates resources/layouts/verification_sheet.qpt (run once after changing the sheet here).

The template is written with PyQGIS, so it always loads in the QGIS version the plugin targets.
Labels are QGIS expressions over the atlas fields of the export (core/export.py); the two maps
and the photo pictures are found by id by the exportverification algorithm.
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt writes XML attributes in hash order: a fixed seed makes the written file the same on every
# run, so a change to it in git is a change made here (tests/test_generated_resources.py).
os.environ.setdefault("QT_HASH_SEED", "0")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsExpressionContextUtils,
    QgsLayoutItem,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsReadWriteContext,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from zc_enforcement_plugin.core import domain  # noqa: E402
from zc_enforcement_plugin.core import export as ex  # noqa: E402
from zc_enforcement_plugin.core import ledger_schema as ls  # noqa: E402
from zc_enforcement_plugin.fonts import CHINESE_FONT  # noqa: E402
from zc_enforcement_plugin.processing.export_verification import (  # noqa: E402
    ATLAS_MARGIN,
    BUREAU_VARIABLE,
    COVER_MISSING,
    COVER_OUTSIDE,
    COVER_PARTIAL,
    EXPORT_DATE_VARIABLE,
    IMAGE_COVER_FIELDS,
    ITEM_BEFORE_MAP,
    ITEM_MAIN_MAP,
    ITEM_NOTE,
    ITEM_PHOTOS,
    ITEM_REASON,
    ITEM_ZONES_HIT,
    LAYOUT_TEMPLATE,
    NOTE_FONT_PT,
)

BUREAU = "淄博市自然资源局淄川分局"  # printed in the footer; a bureau edits the layout variable
PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, mm
LEFT, RIGHT = 12.0, 198.0
WIDTH = RIGHT - LEFT
ROW_H = 5.0  # 9 pt in one line; the sheet must hold screening's and the verified figures
REASON_H = 9.0  # two lines of 9 pt: the reasons screening writes run to about 110 characters
ZONES_HIT_H = 9.0  # two lines of 9 pt: a spot on a zone boundary hits two of a layer's zones
NOTE_H = 12.0  # three lines of NOTE_FONT_PT; the export cuts a longer remark to fit
LABEL_W = 30.0  # the grey name cells of the figure tables: 8 characters of 9 pt bold
VALUE_W = (WIDTH - 2 * LABEL_W) / 2
NAME_FILL = QColor("#eef1f5")
SECTION_FILL = QColor("#d9e2ee")
LINE = QColor("#404040")
WARNING_TEXT = QColor("#c00000")
PHOTO_NOTE_H = 5.0  # mm under the photos for the note on those not printed


def font(size: float, bold: bool = False) -> QFont:
    value = QFont(CHINESE_FONT)  # the export puts in the family installed where it runs
    value.setStyleHint(QFont.SansSerif)  # saved with the font: the fallback where it is missing
    value.setPointSizeF(size)
    value.setBold(bold)
    return value


def field(name: str) -> str:
    return f'"{name}"'


def area(sqm: str, unstated: str = "") -> str:
    """m² with 2 decimals and the export's 亩 of it after it (export._areas: the sheet works out
    no 亩 of its own); `unstated` when the figure is NULL."""
    mu = sqm + domain.MU_SUFFIX
    assert mu in {c.name for c in ex.EXPORT_COLUMNS}, f"the export gives {sqm} no 亩"
    text = (
        f"format_number({field(sqm)}, 2) || ' 平方米（' || format_number({field(mu)}, 2) || ' 亩）'"
    )
    return f"[% CASE WHEN {field(sqm)} IS NULL THEN '{unstated}' ELSE {text} END %]"


# A spot without geometry: the maps would keep the previous sheet's extent and show its spot.
NO_GEOMETRY = "coalesce(area(@atlas_geometry), 0) = 0"


def only_with_geometry(item: QgsLayoutItem) -> None:
    item.dataDefinedProperties().setProperty(
        QgsLayoutObject.ExcludeFromExports, QgsProperty.fromExpression(NO_GEOMETRY)
    )


def verified_area(sqm: str) -> str:
    """A verified figure (HC…) with its 亩; '—' when the verdict did not state it."""
    return area(sqm, "—")


def value(name: str) -> str:
    # coalesce: QGIS 3.22 prints a NULL of a memory layer as "0"
    return f"[% coalesce({field(name)}, '') %]"


class Sheet:
    def __init__(self, layout: QgsPrintLayout):
        self.layout = layout

    def place(self, item: QgsLayoutItem, x: float, y: float, w: float, h: float, item_id=""):
        item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
        item.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))
        if item_id:
            item.setId(item_id)
        self.layout.addLayoutItem(item)
        return item

    def label(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        h: float,
        size: float = 9.0,
        bold: bool = False,
        align=Qt.AlignLeft,
        frame: bool = False,
        fill: QColor | None = None,
        item_id: str = "",
        colour: QColor | None = None,
    ) -> QgsLayoutItemLabel:
        item = QgsLayoutItemLabel(self.layout)
        item.setText(text)
        colour = colour or QColor("#000000")
        if hasattr(item, "setTextFormat"):  # QGIS >= 3.24
            text_format = QgsTextFormat.fromQFont(font(size, bold))
            text_format.setColor(colour)
            item.setTextFormat(text_format)
        else:
            item.setFont(font(size, bold))
            item.setFontColor(colour)
        item.setHAlign(align)
        item.setVAlign(Qt.AlignVCenter)
        item.setMarginX(1.5)
        item.setMarginY(0.5)
        if frame:
            item.setFrameEnabled(True)
            item.setFrameStrokeColor(LINE)
            item.setFrameStrokeWidth(QgsLayoutMeasurement(0.2, QgsUnitTypes.LayoutMillimeters))
        item.setBackgroundEnabled(fill is not None)
        if fill is not None:
            item.setBackgroundColor(fill)
        return self.place(item, x, y, w, h, item_id)

    def section(self, title: str, y: float) -> float:
        self.label(title, LEFT, y, WIDTH, ROW_H, 10, True, frame=True, fill=SECTION_FILL)
        return y + ROW_H

    def pair_row(
        self,
        y: float,
        cells: list[tuple[str, str]],
        height: float = ROW_H,
        size: float = 9.0,
        item_id: str = "",
    ) -> float:
        """One table row of name/value cells: two pairs, or one pair spanning the width (its
        value cell named ``item_id``)."""
        x = LEFT
        for name, text in cells:
            self.label(name, x, y, LABEL_W, height, 9, True, Qt.AlignCenter, True, NAME_FILL)
            x += LABEL_W
            width = VALUE_W if len(cells) == 2 else WIDTH - LABEL_W
            cell = self.label(text, x, y, width, height, size, frame=True, item_id=item_id)
            x += width
        if item_id:
            cell.setVAlign(Qt.AlignTop)  # a long text reads from its first line
        return y + height

    def map(self, item_id: str, x: float, y: float, w: float, h: float) -> QgsLayoutItemMap:
        item = QgsLayoutItemMap(self.layout)
        item.setAtlasDriven(True)
        item.setAtlasScalingMode(QgsLayoutItemMap.Auto)
        item.setAtlasMargin(ATLAS_MARGIN)
        item.setFrameEnabled(True)
        item.setFrameStrokeColor(LINE)
        item.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, QgsUnitTypes.LayoutMillimeters))
        item.setBackgroundColor(QColor("#ffffff"))
        item.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}"))
        self.place(item, x, y, w, h, item_id)
        # An extent of the item's own shape: the atlas keeps the shape of the extent it finds,
        # and from an empty one it would stretch the map down the page.
        item.setExtent(QgsRectangle(0, 0, w, h))
        return item

    def image_cover(self, item_id: str, image: str, x: float, y: float, w: float, h: float):
        """Over the map `item_id`, shown only when its image (后时相影像, 前时相影像) does not
        cover the sheet's spot whole: a map without imagery must not pass for a blank one.
        The export writes how it covers each spot into the atlas field IMAGE_COVER_FIELDS."""
        cover = field(IMAGE_COVER_FIELDS[item_id])
        text = (
            f"[% CASE WHEN {cover} = '{COVER_OUTSIDE}' THEN '{image}未覆盖本图斑' "
            f"WHEN {cover} = '{COVER_PARTIAL}' THEN '{image}仅覆盖本图斑一部分' "
            f"WHEN {cover} = '{COVER_MISSING}' THEN '未提供{image}' ELSE '' END %]"
        )
        label = self.label(
            text,
            x,
            y,
            w,
            h,
            10,
            True,
            Qt.AlignCenter,
            True,
            QColor(255, 255, 255, 230),
            colour=WARNING_TEXT,
        )
        label.setFrameStrokeColor(WARNING_TEXT)
        label.dataDefinedProperties().setProperty(
            QgsLayoutObject.ExcludeFromExports,
            QgsProperty.fromExpression(f"{cover} IS NULL OR {NO_GEOMETRY}"),
        )
        return label


def build(layout: QgsPrintLayout) -> None:
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize("A4", QgsLayoutItemPage.Portrait)
    QgsExpressionContextUtils.setLayoutVariable(layout, BUREAU_VARIABLE, BUREAU)
    sheet = Sheet(layout)

    # --- title ---------------------------------------------------------------------------------
    sheet.label("卫片图斑核查表", LEFT, 8, WIDTH, 10, 20, True, Qt.AlignCenter)
    y = sheet.pair_row(
        20, [("图斑编号", value(domain.SPOT_NUMBER)), ("批次", value(ex.BATCH_NAME))]
    )
    sheet.pair_row(
        y, [("乡镇", value(domain.TOWN_NAME)), ("自然资源所", value(domain.OFFICE_NAME))]
    )

    # --- maps: the spot over the after image, the before image beside it ----------------------
    top, main_w, main_h, gap = 36.0, 122.0, 84.0, 4.0
    inset_x, inset_w = LEFT + main_w + gap, WIDTH - main_w - gap
    sheet.label(f"后时相影像　{value(domain.SPOT_LATER_DATE)}", LEFT, top, main_w, 5, 8.5)
    sheet.label(f"前时相影像　{value(domain.SPOT_EARLIER_DATE)}", inset_x, top, inset_w, 5, 8.5)
    main_map = sheet.map(ITEM_MAIN_MAP, LEFT, top + 5, main_w, main_h)
    before_map = sheet.map(ITEM_BEFORE_MAP, inset_x, top + 5, inset_w, inset_w)
    no_map = sheet.label(
        "图斑无几何，无法制图", LEFT, top + 5, main_w, main_h, 12, align=Qt.AlignCenter, frame=True
    )
    no_map.dataDefinedProperties().setProperty(
        QgsLayoutObject.ExcludeFromExports, QgsProperty.fromExpression(f"NOT ({NO_GEOMETRY})")
    )

    scale_bar = QgsLayoutItemScaleBar(layout)
    scale_bar.setLinkedMap(main_map)
    scale_bar.setStyle("Single Box")
    scale_bar.setUnits(QgsUnitTypes.DistanceMeters)
    scale_bar.setUnitLabel("米")
    scale_bar.setNumberOfSegments(2)
    scale_bar.setNumberOfSegmentsLeft(0)
    scale_bar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeFitWidth)
    scale_bar.setMinimumBarWidth(18)
    scale_bar.setMaximumBarWidth(30)
    scale_bar.setHeight(1.5)
    scale_bar.setBackgroundEnabled(True)
    scale_bar.setBackgroundColor(QColor(255, 255, 255, 210))
    if hasattr(scale_bar, "setTextFormat"):
        scale_bar.setTextFormat(QgsTextFormat.fromQFont(font(7)))
    else:
        scale_bar.setFont(font(7))
    sheet.place(scale_bar, LEFT + 2, top + 5 + main_h - 11, 40, 9)

    north = QgsLayoutItemPicture(layout)
    north.setPicturePath(":/images/north_arrows/layout_default_north_arrow.svg")
    north.setLinkedMap(main_map)
    north.setNorthMode(QgsLayoutItemPicture.GridNorth)
    north.setBackgroundEnabled(True)
    north.setBackgroundColor(QColor(255, 255, 255, 210))
    sheet.place(north, LEFT + main_w - 10, top + 7, 8, 12)
    for item in (main_map, before_map, scale_bar, north):
        only_with_geometry(item)
    # Across the top of each map, clear of the north arrow and of the spot: the atlas leaves
    # it ~12 % of the map above and below.
    sheet.image_cover(ITEM_MAIN_MAP, "后时相影像", LEFT + 4, top + 6, main_w - 20, 5)
    sheet.image_cover(ITEM_BEFORE_MAP, "前时相影像", inset_x + 2, top + 6, inset_w - 4, 5)

    # Beside the main map under the inset: where the spot is and how it is drawn.
    centre = "centroid(@atlas_geometry)"
    lon_lat = (
        f"transform({centre}, 'EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}', "
        f"'EPSG:{domain.EPSG_CGCS2000_GEOGRAPHIC}')"
    )
    info_y = top + 5 + inset_w + 3
    info = sheet.label(
        "红色线框：图斑范围\n"
        f"比例尺 1:[% format_number(map_get(item_variables('{ITEM_MAIN_MAP}'), "
        "'map_scale'), 0) %]\n"
        f"中心：X [% format_number(x({centre}), 1) %]，Y [% format_number(y({centre}), 1) %]\n"
        f"经纬度：[% format_number(x({lon_lat}), 6) %]，[% format_number(y({lon_lat}), 6) %]\n"
        f"坐标系：CGCS2000 3° 带（EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}）",
        inset_x,
        info_y,
        inset_w,
        top + 5 + main_h - info_y,
        7.5,
    )
    info.setVAlign(Qt.AlignTop)
    only_with_geometry(info)

    # --- figures ---------------------------------------------------------------------------------
    labels = domain.output_field_labels_zh()
    y = sheet.section("图斑基本情况（筛查结果）", top + 5 + main_h + 3)
    # The spot's area, then its land split read on (DOMAIN §2, with the part no parcel
    # classes): 耕地 + 其他农用地 + 建设用地 + 未利用地 + 未调查或无法归类 = 图斑. Named by
    # what they measure (the cells give 平方米 and 亩): the field labels less 面积, which fit
    # a name cell where 未调查或无法归类面积 would not.
    subject = domain.AREA_SUBJECTS_ZH
    screening = [
        (subject[name], area(name))
        for name in (
            domain.SPOT_AREA,
            domain.CULTIVATED_AREA,
            domain.AGRICULTURAL_AREA,
            domain.CONSTRUCTION_AREA,
            domain.UNUSED_AREA,
            domain.UNSURVEYED_AREA,
            domain.NEW_CONSTRUCTION_AREA,
            domain.APPROVED_AREA,
            domain.BASIC_FARMLAND_AREA,
            domain.RED_LINE_AREA,
            domain.NO_MINING_AREA,
            domain.THREE_ZONES_AREA,
        )
    ]
    split = {*domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA}
    assert all(field(name) in "".join(text for _, text in screening) for name in split), (
        "a part of the land split left off the sheet: it would not add up"
    )
    for left, right in zip(screening[::2], screening[1::2]):
        y = sheet.pair_row(y, [left, right])
    y = sheet.pair_row(
        y,
        [
            (labels[domain.SPOT_TYPE], value(domain.SPOT_TYPE)),
            (labels[domain.APPROVAL_HITS], value(domain.APPROVAL_HITS)),
        ],
    )
    # Which red line, no-mining zone and view area: the figures above say only how much.
    y = sheet.pair_row(
        y,
        [("涉及管控区域", value(ex.ZONES_HIT_FIELD))],
        ZONES_HIT_H,
        item_id=ITEM_ZONES_HIT,
    )
    y = sheet.pair_row(
        y,
        [
            (labels[domain.SUGGESTED_VERDICT], value(domain.SUGGESTED_VERDICT)),
            (labels[domain.CRIMINAL_FLAG], value(domain.CRIMINAL_FLAG)),
        ],
    )
    # The export cuts a reason too long for its cell, with a warning (whole in the spreadsheet).
    y = sheet.pair_row(
        y,
        [(labels[domain.VERDICT_REASON], value(domain.VERDICT_REASON))],
        REASON_H,
        item_id=ITEM_REASON,
    )

    # --- the verdict ---------------------------------------------------------------------------
    y = sheet.section("核查判定（核实结果）", y + 2)
    y = sheet.pair_row(
        y, [("判定类别", value(ex.VERDICT_CATEGORY)), ("类型/依据", value(ex.VERDICT_KIND))]
    )
    y = sheet.pair_row(
        y, [("批准文号", value(ex.VERDICT_APPROVAL)), ("核查状态", value(ex.STATUS))]
    )
    # What was found on site besides the figures: who did it, what it is, whether stopped. An
    # illegal act not stopped is said so: said only when issued, "not issued" read as unsaid.
    stopped, not_stopped = "'（已下达责令停止通知书）'", "'（未下达责令停止通知书）'"
    illegal = f"{field(ex.VERDICT_CATEGORY)} = '{ls.VERDICT_ILLEGAL}'"
    issued = f"{field(ex.STOP_ORDER)} = '{ex.YES_ZH}'"
    not_issued = f"{field(ex.STOP_ORDER)} = '{ex.NO_ZH}' AND {illegal}"
    stop = (
        f"[% CASE WHEN {issued} THEN {stopped} WHEN {not_issued} THEN {not_stopped} ELSE '' END %]"
    )
    # No use stated, a dash before the order's mark, as for a figure not stated: the mark
    # alone in the cell read as the use.
    used = (
        f"[% CASE WHEN coalesce({field(ex.ACTUAL_USE)}, '') = '' AND ({issued} OR {not_issued}) "
        f"THEN '—' ELSE coalesce({field(ex.ACTUAL_USE)}, '') END %]"
    )
    y = sheet.pair_row(y, [("当事人", value(ex.PARTY)), ("实际用途", used + stop)])
    y = sheet.pair_row(
        y,
        [
            ("核查人", value(ex.VERIFIER)),
            ("核查日期", f"[% coalesce(format_date({field(ex.VERIFIED_ON)}, 'yyyy-MM-dd'), '') %]"),
        ],
    )
    # The verdict's own figures, where screening's above are only what the layers said.
    names = {name: f"核实{subject[name]}" for name in ls.VERDICT_AREA_FIELDS}
    order = [
        domain.CULTIVATED_AREA,
        domain.BASIC_FARMLAND_AREA,
        domain.CONSTRUCTION_AREA,
        domain.RED_LINE_AREA,
        domain.AGRICULTURAL_AREA,
        domain.UNUSED_AREA,
    ]
    assert sorted(order) == sorted(ls.VERDICT_AREA_FIELDS), "a verified figure left off the sheet"
    for left, right in zip(order[::2], order[1::2]):
        y = sheet.pair_row(
            y,
            [
                (names[left], verified_area(ex.VERIFIED_AREA_PREFIX + left)),
                (names[right], verified_area(ex.VERIFIED_AREA_PREFIX + right)),
            ],
        )
    # Three lines of 8 pt: the export cuts a longer remark to fit, with a warning (the full
    # text is in the spreadsheet).
    y = sheet.pair_row(
        y, [("备注", value(ex.VERDICT_NOTE))], NOTE_H, NOTE_FONT_PT, item_id=ITEM_NOTE
    )

    # --- photos ----------------------------------------------------------------------------------
    # A file missing, altered or refused is said where the evidence is counted (the manifest says
    # which: 核验结果 缺失, 已改动, 路径被拒绝).
    problems = field(ex.EVIDENCE_PROBLEMS)
    problem_note = (
        f"[% CASE WHEN coalesce({problems}, 0) > 0 THEN '，其中 ' || {problems} || "
        f"' 件文件缺失、已改动或路径被拒绝，见 {ex.MANIFEST_NAME}' ELSE '' END %]"
    )
    y = sheet.section(f"现场照片（证据 {value(ex.EVIDENCE_COUNT)} 件{problem_note}）", y + 2)
    photo_h = PAGE_H - 14 - y - 2
    photo_gap = 3.0
    photo_w = (WIDTH - photo_gap * (len(ITEM_PHOTOS) - 1)) / len(ITEM_PHOTOS)
    sheet.label("", LEFT, y, WIDTH, photo_h + 2, frame=True)
    # No photo shown: none taken, or their files are missing, altered or not drawable, which
    # must not read as none taken: the export's note says which (PHOTOS_NOTE_FIELD).
    first = field(ITEM_PHOTOS[0])
    shown = f"({first} IS NOT NULL AND {first} <> '')"
    note = field(ex.PHOTOS_NOTE_FIELD)
    noted = f"({note} IS NOT NULL AND {note} <> '')"
    empty = sheet.label("无现场照片", LEFT, y, WIDTH, photo_h + 2, 10, align=Qt.AlignCenter)
    empty.dataDefinedProperties().setProperty(
        QgsLayoutObject.ExcludeFromExports,
        QgsProperty.fromExpression(f"{shown} OR {noted}"),
    )
    lost = sheet.label(
        f"[% {note} %]",
        LEFT,
        y,
        WIDTH,
        photo_h + 2,
        10,
        align=Qt.AlignCenter,
        colour=WARNING_TEXT,
    )
    lost.dataDefinedProperties().setProperty(
        QgsLayoutObject.ExcludeFromExports,
        QgsProperty.fromExpression(f"{shown} OR NOT {noted}"),
    )
    # Photos shown and others not: the note under them, in a strip kept free for it, so the
    # photos printed are not taken for all there are.
    photo_h -= PHOTO_NOTE_H
    beside = sheet.label(
        f"[% {note} %]",
        LEFT,
        y + 1 + photo_h,
        WIDTH,
        PHOTO_NOTE_H,
        8,
        align=Qt.AlignCenter,
        colour=WARNING_TEXT,
    )
    beside.dataDefinedProperties().setProperty(
        QgsLayoutObject.ExcludeFromExports,
        QgsProperty.fromExpression(f"NOT {shown} OR NOT {noted}"),
    )
    for index, name in enumerate(ITEM_PHOTOS):
        picture = QgsLayoutItemPicture(layout)
        picture.setResizeMode(QgsLayoutItemPicture.Zoom)
        picture.setPictureAnchor(QgsLayoutItem.Middle)
        properties = picture.dataDefinedProperties()
        # Through @atlas_feature: a bare field is an "expression eval error" to QGIS each time
        # the picture is drawn with no sheet's feature yet (loading, starting the atlas),
        # logged for every picture of every export.
        properties.setProperty(
            QgsLayoutObject.PictureSource,
            QgsProperty.fromExpression(f"coalesce(attribute(@atlas_feature, '{name}'), '')"),
        )
        properties.setProperty(
            QgsLayoutObject.ExcludeFromExports,
            QgsProperty.fromExpression(f"{field(name)} IS NULL OR {field(name)} = ''"),
        )
        x = LEFT + index * (photo_w + photo_gap)
        sheet.place(picture, x, y + 1, photo_w, photo_h, name)

    # --- footer ----------------------------------------------------------------------------------
    footer_y = PAGE_H - 11
    sheet.label(
        f"[% @{BUREAU_VARIABLE} %]　　导出日期：[% @{EXPORT_DATE_VARIABLE} %]",
        LEFT,
        footer_y,
        WIDTH * 0.7,
        5,
        8,
    )
    sheet.label(
        "第 [% @atlas_featurenumber %] 页 / 共 [% @atlas_totalfeatures %] 页",
        LEFT + WIDTH * 0.7,
        footer_y,
        WIDTH * 0.3,
        5,
        8,
        align=Qt.AlignRight,
    )


def stable_uuids(xml: str) -> str:
    """``xml`` with each item's random uuid replaced by one derived from its order in the file
    (references such as a scale bar's map keep pointing at the same item), so the template is
    written the same on every run."""
    found = dict.fromkeys(
        re.findall(r"\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}", xml)
    )
    for order, old in enumerate(found):
        stable = uuid.uuid5(uuid.NAMESPACE_URL, f"zc-sheet-item-{order}")
        xml = xml.replace(old, f"{{{stable}}}")
    return xml


def main(argv: list[str]) -> None:
    """Writes the template to resources/layouts, or to the path given (the test compares it)."""
    target = Path(argv[0]) if argv else LAYOUT_TEMPLATE
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}"))
    layout = QgsPrintLayout(project)
    layout.setName("卫片图斑核查表")
    build(layout)
    target.parent.mkdir(parents=True, exist_ok=True)
    ok = layout.saveAsTemplate(str(target), QgsReadWriteContext())
    if ok:
        target.write_text(stable_uuids(target.read_text(encoding="utf-8")), encoding="utf-8")
    print(target, "ok" if ok else "FAILED")
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1:])
