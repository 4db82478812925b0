"""Texts fitted to a Shapefile's fields: every sink of the provider that may be a .shp fits here.

A DBF text holds 254 bytes in the file's encoding. Left to GDAL, a longer text is cut at the
254th byte, inside a number of a list or a Chinese character, with no mark and only a GDAL
warning (a 三区两线 summary row with 49 spots kept 17 numbers that read as all of them).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from ..core import domain
from ..i18n import tr
from .base import output_destination, output_encoding

# Cuts named in the warning of an output; the count says how many there were.
_NAMED = 10


class ShapefileTexts:
    """Fits the texts written to one output, when it is a Shapefile, to a DBF's 254 bytes
    (domain.fit_value: a list after its last whole item, ending with its total count; any
    other text at a character's end, marked "…"), and says what was cut. Any other format
    keeps every text whole."""

    def __init__(self, algorithm, parameters: dict, output: str, context):
        destination = output_destination(algorithm, parameters, output, context)
        self.output = output
        self.shapefile = destination.split("|")[0].lower().endswith(".shp")
        self.encoding = output_encoding(parameters, output, context)
        try:
            codec = codecs.lookup(self.encoding).name
        except LookupError:  # a name GDAL knows and Python does not: UTF-8 is the larger
            codec = "utf-8"
        self.measure = lambda text: len(text.encode(codec, errors="replace"))
        self.cut: list[str] = []  # "field of row" of each text cut

    def fit(self, value, row: str, field: str, tail: Callable[[int], str] | None = None):
        """value as the output can hold it; row names the feature in the warning. tail: the end
        of a list cut (by its total count), "…等 N 项" when None."""
        if not self.shapefile or not isinstance(value, str):
            return value
        limit = domain.SHAPEFILE_TEXT_BYTES
        if self.measure(value) <= limit:
            return value
        self.cut.append(tr("field {field} of {row}").format(field=field, row=row))
        return domain.fit_value(value, limit, self.measure, tail)

    def report(self, feedback) -> None:
        """One warning for the output naming each text cut (the first few), if any was."""
        if not self.cut:
            return
        feedback.pushWarning(
            tr(
                "Output {output} is a Shapefile, whose texts hold {limit} bytes ({encoding}): "
                "{count} longer texts were cut, a list after its last whole item and ending with "
                "its total count (…等 N), any other text at a character's end marked …: "
                "{texts}. A GeoPackage output keeps them whole."
            ).format(
                output=self.output,
                limit=domain.SHAPEFILE_TEXT_BYTES,
                encoding=self.encoding,
                count=len(self.cut),
                texts=domain.first_of(self.cut, _NAMED, "；"),
            )
        )
