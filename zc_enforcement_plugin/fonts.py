"""The plugin's Chinese font, named once, and the family to draw it with on the running system.

Styles (resources/styles/*.qml) and the sheet layout name CHINESE_FONT, the family `make setup`
installs on Debian. Two things stop QGIS 3.22 from using it as written:

- Under a Chinese locale Qt's font database lists a CJK font by its localized name
  (文泉驿微米黑, on Chinese Windows 微软雅黑): QgsTextFormat.readXml finds no "WenQuanYi Micro
  Hei", reports "Font ... not available on system" and draws the labels in the application font.
- On Windows and macOS the font is not installed at all; one of CHINESE_FONT_SUBSTITUTES is.

So wherever the plugin draws or applies a style, it uses chinese_font_family(): the first of
these fonts installed, under the name this system's font database lists it by.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterable

from qgis.core import (
    QgsLayoutItemLabel,
    QgsLayoutItemScaleBar,
    QgsPalLayerSettings,
    QgsReadWriteContext,
    QgsRuleBasedLabeling,
    QgsTextFormat,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import (
    QFont,
    QFontDatabase,
    QFontInfo,
    QGuiApplication,
    QRawFont,
    QTextLayout,
)
from qgis.PyQt.QtXml import QDomDocument

from .compat import LABEL_TEXT_FORMAT

CHINESE_FONT = "WenQuanYi Micro Hei"  # what the shipped styles and layout name
# Where CHINESE_FONT is not installed (Windows, macOS), the first of these that is.
CHINESE_FONT_SUBSTITUTES = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimSun",
)
CHINESE_FONTS = (CHINESE_FONT, *CHINESE_FONT_SUBSTITUTES)

# OpenType 'name' table: the IDs of a family name (legacy and typographic).
_FAMILY_NAME_IDS = (1, 16)


def chinese_font_family(candidates: Iterable[str] = CHINESE_FONTS) -> str:
    """The family to draw Chinese text with here: the first candidate installed, spelt as the
    font database lists it (so QgsFontUtils.fontFamilyMatchOnSystem matches it exactly), else
    the application font's family (which QGIS never reports as missing)."""
    for name in candidates:
        family = listed_family(name)
        if family is not None:
            return family
    return QGuiApplication.font().family()


def characters_missing(text: str, family: str) -> list[str]:
    """The characters of `text` that print as an empty box (or nothing) in the font `family`
    with Qt's fallback to the other fonts installed: a rare name character (𠀀, CJK Extension
    B) or an emoji no font here has. Whitespace and control characters draw nothing anyway."""
    if text.isascii():
        return []
    return [
        c
        for c in dict.fromkeys(text)
        if ord(c) > 0x7F and not c.isspace() and not _drawn(c, family)
    ]


@functools.lru_cache(maxsize=8192)
def _drawn(character: str, family: str) -> bool:
    """Whether `character` gets a glyph in `family` or a font Qt falls back to (glyph 0 is the
    font's empty box). Asked once a character: an export's sheets ask of every text."""
    layout = QTextLayout(character, QFont(family))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return all(index != 0 for run in layout.glyphRuns() for index in run.glyphIndexes())


def listed_family(name: str) -> str | None:
    """The name this system's font database lists the font `name` by, or None if that font is
    not installed."""
    listed = QFontDatabase().families()
    for family in listed:
        if family.casefold() == name.casefold():
            return family
    # Listed under another of its names, or not installed: Qt resolves any name to some font,
    # a fallback when the family is missing (under zh_CN a missing "Microsoft YaHei" resolves to
    # 文泉驿微米黑), so the resolved font must itself carry `name` among its family names.
    font = QFont(name)
    resolved = QFontInfo(font).family()
    if resolved in listed and name.casefold() in _family_names(QRawFont.fromFont(font)):
        return resolved
    return None


def _family_names(font: QRawFont) -> set[str]:
    """The family names (all languages, case-folded) in the font's OpenType 'name' table."""
    table = bytes(font.fontTable("name"))
    if len(table) < 6:
        return set()  # not an OpenType font (or none resolved): it names nothing
    _, count, strings = struct.unpack(">3H", table[:6])
    names = set()
    for index in range(count):
        record = table[6 + 12 * index : 18 + 12 * index]
        if len(record) < 12:
            break
        platform, encoding, _, name_id, length, offset = struct.unpack(">6H", record)
        if name_id not in _FAMILY_NAME_IDS:
            continue
        data = table[strings + offset : strings + offset + length]
        if platform in (0, 3):  # Unicode and Windows: UTF-16 big-endian
            names.add(data.decode("utf-16-be", "replace").casefold())
        elif platform == 1 and encoding == 0:  # Macintosh Roman
            names.add(data.decode("mac_roman").casefold())
    return names


def with_family(text_format: QgsTextFormat, family: str) -> QgsTextFormat:
    """A copy of text_format drawn in `family`."""
    text_format = QgsTextFormat(text_format)
    font = text_format.font()
    font.setFamily(family)
    text_format.setFont(font)
    # QGIS 3.22 keeps a format's "font not found" mark through setFont (its label dialog then
    # warns): read the format back, now naming a listed family, to clear it.
    document = QDomDocument()
    parent = document.createElement("format")
    context = QgsReadWriteContext()
    parent.appendChild(text_format.writeXml(document, context))
    fresh = QgsTextFormat()
    fresh.readXml(parent, context)
    return fresh


def use_chinese_font_in_labels(layer) -> None:
    """Draw every label of the layer (simple or rule-based labeling) in chinese_font_family():
    call after loadNamedStyle, which under zh_CN has put the application font in its place."""
    labeling = layer.labeling()
    if labeling is None:
        return
    family = chinese_font_family()

    def relabelled(settings: QgsPalLayerSettings) -> QgsPalLayerSettings:
        copy = QgsPalLayerSettings(settings)  # the labeling takes ownership of what it is given
        copy.setFormat(with_family(copy.format(), family))
        return copy

    if isinstance(labeling, QgsVectorLayerSimpleLabeling):
        labeling.setSettings(relabelled(labeling.settings()))
    elif isinstance(labeling, QgsRuleBasedLabeling):
        rules = [labeling.rootRule()]
        while rules:
            rule = rules.pop()
            if rule.settings() is not None:
                rule.setSettings(relabelled(rule.settings()))
            rules.extend(rule.children())


def use_chinese_font_in_layout(layout) -> None:
    """Draw the layout's labels and scale bars in chinese_font_family(). A label item keeps the
    family it was saved with (Qt draws it in whatever that resolves to, a fallback where it is
    missing); a scale bar's text is put in the application font under zh_CN."""
    family = chinese_font_family()
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLabel) and not LABEL_TEXT_FORMAT:
            font = item.font()
            font.setFamily(family)
            item.setFont(font)
        elif isinstance(item, (QgsLayoutItemLabel, QgsLayoutItemScaleBar)):
            item.setTextFormat(with_family(item.textFormat(), family))
