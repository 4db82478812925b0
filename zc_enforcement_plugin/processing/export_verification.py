"""Processing algorithm zcenforcement:exportverification: the package a technician uploads.

GeoPackage, Shapefile, XLSX ledger and evidence zip come from core.export; the PDF verification
sheets are a print-layout atlas over the ledger's spots, one page per spot.
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeedback,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsPrintLayout,
    QgsProcessingAlgorithm,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
    QgsRasterLayer,
    QgsReadWriteContext,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QFile, QFileDevice, QIODevice, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QFont, QFontMetricsF, QImageIOHandler, QImageReader
from qgis.PyQt.QtXml import QDomDocument

from ..compat import FIELD_STRING, LABEL_TEXT_FORMAT
from ..core import clock, disk, domain, evidence, export, xlsx
from ..core import staging as staging_files
from ..fonts import characters_missing, chinese_font_family, use_chinese_font_in_layout
from ..i18n import in_interface_language, tr
from ..resources_paths import RESOURCES
from .base import (
    LEDGER_CRS,
    LEDGER_PARAMETER,
    EnforcementAlgorithm,
    add_ledger_parameter,
    cannot_replace,
    cannot_write,
    fail,
    folders_to_make,
    open_ledger,
    output_folder,
    remove_made_folders,
    staging_folder,
)

# --- the print layout: resources/layouts/verification_sheet.qpt, made by scripts/make_layouts.py --
LAYOUT_TEMPLATE = RESOURCES / "layouts" / "verification_sheet.qpt"
ITEM_MAIN_MAP = "main_map"  # atlas-driven, over the after image
ITEM_BEFORE_MAP = "before_map"  # inset over the before image
ITEM_NOTE = "note"  # the remark (备注) cell: a longer remark is cut to fit it
ITEM_REASON = "reason"  # the suggested verdict's reason (建议判定理由): cut to fit like the remark
ITEM_ZONES_HIT = "zones_hit"  # 涉及管控区域, export.zones_hit_text: cut to fit like the remark
NOTE_FONT_PT = 8.0
NOTE_CUT = "…（全文见 {name}）"  # what a cut remark ends with: where to read the rest
ITEM_PHOTOS = export.PHOTO_FIELDS  # picture items, their paths data-defined from these fields
# Atlas-only fields: how the image of each map covers the sheet's spot, NULL where it covers it
# whole (or the spot has no geometry). Outside the image a map is blank white, which reads as
# bare ground unless the sheet says why: a label over the map shows the state.
IMAGE_COVER_FIELDS = {ITEM_MAIN_MAP: "after_cover", ITEM_BEFORE_MAP: "before_cover"}
LOGGED_SPOTS = 20  # spot numbers a coverage warning names
COVER_OUTSIDE = "outside"  # the spot lies wholly outside the image's extent
COVER_PARTIAL = "partial"  # part of the spot lies outside it
COVER_MISSING = "missing"  # no image was given
BUREAU_VARIABLE = "zc_bureau"  # layout variable printed in the footer
# Layout variable of the footer's 导出日期, set at each export: QGIS's own now() is the day in
# this computer's zone, the day before until 08:00 Beijing time on a laptop set to UTC.
EXPORT_DATE_VARIABLE = "zc_export_date"
ATLAS_MARGIN = 0.3  # the spot takes the middle of the main map, 30 % margin around it
SPOT_OUTLINE = {
    "color": "0,0,0,0",
    "style": "no",
    "outline_color": "#ff1010",
    "outline_width": "0.7",
}
PDF_DPI = 200  # enough for imagery on paper, and 300 spots stay a manageable file
MM_PER_INCH = 25.4
THUMBNAIL_QUALITY = 88  # JPEG quality of the photos' copies on the sheets

BASENAME = "verification"
SHEETS_NAME = f"{BASENAME}_sheets.pdf"
EVIDENCE_ZIP_NAME = "evidence.zip"
ENCODINGS = export.SHAPEFILE_ENCODINGS  # the ENCODING enum's options, in order


class ExportVerification(EnforcementAlgorithm):
    NAME = "exportverification"
    DISPLAY_NAME = "Export verification results"
    GROUP = "Verification"
    GROUP_ID = "verification"
    HELP = (
        "Writes the verification results of a ledger (or of one batch) into a folder, "
        "ready to upload: verification.gpkg and verification.shp (with a .cpg naming "
        "the Shapefile encoding chosen (ENCODING), UTF-8 or GBK; Shapefile field names are "
        "at most 10 "
        "bytes), verification.xlsx (one row per spot with Chinese headers, areas in m² "
        "and mu to 2 decimals and a totals row), verification_sheets.pdf (one "
        "verification sheet per spot: the spot over the after image, the before image "
        "beside it, the screening figures, the current verdict and up to three photos, "
        "printed as upright copies at the sheet's resolution; a photo missing, altered "
        "or that QGIS cannot draw is not printed, and the sheet says how many) "
        "and evidence.zip (every evidence file under its spot number, with "
        "manifest.csv listing each file's SHA-256 and where the ledger stores it, and the "
        "same as manifest.xlsx for Excel). Each "
        "evidence file is checked against the hash the ledger recorded: missing or "
        "altered files are reported and marked in the manifest. An evidence folder that "
        "cannot be read at all (a shared folder not connected, a ledger moved without "
        "its evidence folder) stops the export, naming it, before anything is written. "
        "Every spot is exported, verified or not; the "
        "verdict columns of a spot not yet verified are empty. The sheets can be "
        "limited to the verified spots (a blank sheet of a spot not yet verified "
        "serves as a field form), and their making can be cancelled: the PDF is then "
        "not written; a cancelled or refused export leaves the folder as it was. A text the "
        "GBK encoding cannot hold stops the export with the "
        "spot and field named, and so does a spot number the Shapefile would not keep "
        "whole and distinct (longer than the 254 bytes a DBF text holds, or written "
        "alike with another's in GBK); other texts longer than that are cut in the "
        "Shapefile alone, with a warning. Verification sheets for: every spot, or the "
        "verified spots only."
    )

    LEDGER = LEDGER_PARAMETER
    BATCH = "BATCH"
    ENCODING = "ENCODING"
    AFTER_IMAGE = "AFTER_IMAGE"
    BEFORE_IMAGE = "BEFORE_IMAGE"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    WITH_PDF = "WITH_PDF"
    SHEETS_FOR = "SHEETS_FOR"
    SHEETS_FOR_EVERY_SPOT, SHEETS_FOR_VERIFIED = 0, 1  # the SHEETS_FOR options, in order
    GEOPACKAGE = "GEOPACKAGE"
    SHAPEFILE = "SHAPEFILE"
    XLSX = "XLSX"
    PDF = "PDF"
    EVIDENCE_ZIP = "EVIDENCE_ZIP"
    SPOTS = "SPOTS"
    EVIDENCE_PROBLEMS = "EVIDENCE_PROBLEMS"
    SUMMARY = "SUMMARY"

    def flags(self):
        # Print layouts and their private project are only safe on the main thread.
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.BATCH, tr("Batch (empty: every spot of the ledger)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.ENCODING,
                tr("Shapefile encoding"),
                options=list(ENCODINGS),
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                self.AFTER_IMAGE, tr("After image (main map of the sheets)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                self.BEFORE_IMAGE, tr("Before image (inset of the sheets)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder"))
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.WITH_PDF, tr("Make the PDF verification sheets"), defaultValue=True
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SHEETS_FOR,
                tr("Verification sheets for"),
                options=[tr("Every spot exported"), tr("Verified spots only")],
                defaultValue=self.SHEETS_FOR_EVERY_SPOT,
            )
        )
        self.addOutput(QgsProcessingOutputFile(self.GEOPACKAGE, tr("Verification GeoPackage")))
        self.addOutput(QgsProcessingOutputFile(self.SHAPEFILE, tr("Verification Shapefile")))
        self.addOutput(QgsProcessingOutputFile(self.XLSX, tr("Verification ledger (XLSX)")))
        self.addOutput(QgsProcessingOutputFile(self.PDF, tr("Verification sheets (PDF)")))
        self.addOutput(QgsProcessingOutputFile(self.EVIDENCE_ZIP, tr("Evidence zip")))
        self.addOutput(QgsProcessingOutputNumber(self.SPOTS, tr("Spots exported")))
        self.addOutput(
            QgsProcessingOutputNumber(
                self.EVIDENCE_PROBLEMS, tr("Evidence files missing, altered or refused")
            )
        )
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        batch = self.parameterAsString(parameters, self.BATCH, context).strip() or None
        encoding = ENCODINGS[self.parameterAsEnum(parameters, self.ENCODING, context)]
        with_pdf = self.parameterAsBoolean(parameters, self.WITH_PDF, context)
        verified_only = (
            self.parameterAsEnum(parameters, self.SHEETS_FOR, context) == self.SHEETS_FOR_VERIFIED
        )
        after = self.parameterAsRasterLayer(parameters, self.AFTER_IMAGE, context)
        before = self.parameterAsRasterLayer(parameters, self.BEFORE_IMAGE, context)
        if with_pdf:
            for parameter, image in ((self.AFTER_IMAGE, after), (self.BEFORE_IMAGE, before)):
                # By the label the dialog shows, in its language: the key is never shown.
                label = self.parameterDefinition(parameter).description()
                refuse_unplaced_image(label, image)

        def part(start: float, end: float):
            return lambda percent: feedback.setProgress(start + (end - start) * percent / 100.0)

        # A refused or cancelled export leaves nothing new behind: the folders made for it are
        # removed again, and the package is written into a staging folder inside the output
        # folder, moved into place only once whole, so an earlier package there is kept as it
        # was (not half replaced) until this one is complete.
        made = folders_to_make(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        folder = output_folder(self, parameters, self.OUTPUT_FOLDER, context)
        staging: Path | None = None
        published = False
        writing = ""  # the package's file being written into staging, as the folder will name it
        try:
            store = open_ledger(self, parameters, context, feedback)
            try:
                # A cancel ends a read waiting on a shared ledger's network too, not only
                # the work between reads.
                with store.cancellable(feedback.isCanceled, export.ExportCancelled):
                    feedback.setProgressText(tr("Reading the ledger"))
                    rows = export.verification_rows(store, batch, part(0, 10), feedback.isCanceled)
                    if not rows:
                        reference = self.parameterAsString(parameters, self.LEDGER, context)
                        raise fail(self._no_spots_message(store, batch, reference))
                    # Its spot's 已下达责令停止通知书, 案件编号 and 案件阶段 go out without it:
                    # say so.
                    for message in store.unreadable_cases:
                        feedback.pushWarning(message)
                    # Its spot goes out without its verdict: say so.
                    for message in store.unreadable_verdicts:
                        feedback.pushWarning(message)
                    sheet_rows = [row for row in rows if row.verified] if verified_only else rows
                    if with_pdf and sheet_rows:
                        self._say_sheets_to_make(sheet_rows, feedback)
                    # Before anything is written: what the Shapefile in the chosen encoding
                    # would write wrongly (a character it cannot hold, a spot number cut) stops
                    # here.
                    export.check_shapefile(rows, encoding)
                    # The evidence zip and the sheets' photos need it: a shared ledger whose brigade
                    # has set no evidence folder, or whose share this machine does not reach, and a
                    # ledger moved without its evidence folder, stop here with the folder named,
                    # before any file is written: not with a package saying every file is lost.
                    evidence_dir = evidence.readable_evidence_dir(
                        store,
                        [record for row in rows for record in row.evidence],
                        evidence.NOTHING_EXPORTED,
                    )
                    staging = staging_folder(
                        folder, staging_files.EXPORT_PREFIX, feedback.pushWarning
                    )

                    # First: what it finds missing or altered goes into every file written after it.
                    feedback.setProgressText(tr("Zipping the evidence files"))
                    writing = EVIDENCE_ZIP_NAME
                    evidence_zip = export.write_evidence_zip(
                        staging / EVIDENCE_ZIP_NAME, store, rows, part(10, 35), feedback.isCanceled
                    )
                    for problem in evidence_zip.problems:
                        feedback.reportError(problem.message, fatalError=False)

                    feedback.setProgressText(tr("Writing the GeoPackage and the Shapefile"))
                    writing = f"{BASENAME}.gpkg"
                    vectors = export.write_vector_exports(
                        staging,
                        rows,
                        encoding,
                        basename=BASENAME,
                        progress=part(35, 45),
                        is_cancelled=feedback.isCanceled,
                    )
                    for warning in vectors.warnings:
                        feedback.pushWarning(warning)
                    feedback.setProgressText(tr("Writing the XLSX ledger"))
                    title = f"卫片图斑核查台帐（{batch}）" if batch else "卫片图斑核查台帐"
                    if not store.sees_every_office:
                        # Its totals row sums the spots listed, never naming the district; but the
                        # package is what is uploaded, and one office's must not pass for the
                        # district's: its title and the log say whose it is.
                        own = "、".join(sorted(store.configured_offices()))
                        title = f"{title}（仅{own}）"
                        feedback.pushWarning(
                            tr(
                                "The shared ledger was read with an office login, which sees "
                                "only the spots of its own offices' towns (row-level security): "
                                "this export holds the spots of {offices} only, not the district's."
                            ).format(offices=own)
                        )
                    writing = f"{BASENAME}.xlsx"
                    xlsx = export.write_xlsx(
                        staging / f"{BASENAME}.xlsx",
                        rows,
                        title=title,
                        progress=part(45, 50),
                        is_cancelled=feedback.isCanceled,
                        whole_text_in=f"{BASENAME}.gpkg",
                        warn=feedback.pushWarning,
                    )
                    feedback.setProgress(50)

                    pdf = ""
                    pdf_path = staging / SHEETS_NAME
                    if with_pdf and not sheet_rows:
                        feedback.pushWarning(
                            tr(
                                "No spot exported is verified yet: no verification sheets "
                                "were made."
                            )
                        )
                    if with_pdf and sheet_rows:
                        feedback.setProgressText(
                            tr("Making {count} verification sheets").format(count=len(sheet_rows))
                        )
                        writing = SHEETS_NAME
                        self._export_sheets(
                            sheet_rows, evidence_dir, after, before, pdf_path, feedback
                        )
                        pdf = str(folder / SHEETS_NAME)
                    # A cancel pressed after the last file's last check: nothing is published.
                    if feedback.isCanceled():
                        raise export.ExportCancelled()
            except export.ExportCancelled:
                feedback.reportError(
                    tr("Cancelled: nothing was written, the output folder is as it was.")
                )
                return {}
            except export.ExportError as error:
                # The hidden staging folder is no name the user knows: the folder's is.
                said = (
                    str(error) if staging is None else str(error).replace(str(staging), str(folder))
                )
                raise fail(said) from error
            except OSError as error:
                if not writing:
                    raise  # not a write of the package: reading the ledger says its own
                raise cannot_write(error, folder, writing, staging) from error
            finally:
                store.close()
            self._say_earlier_batches_replaced(folder, rows, feedback)
            removed = publish_package(staging, folder, with_sheets=bool(pdf))
            self.saved()  # the package is in place: a cancel now cannot undo it
            for name in removed:
                # Every other file of the package was just rewritten; sheets of an earlier
                # export (another batch, other verdicts) would pass for this one's.
                feedback.pushWarning(
                    tr(
                        "{name} of an earlier export was in {folder}: removed, as this export "
                        "makes no verification sheets."
                    ).format(name=name, folder=folder)
                )
            published = True
        finally:
            if staging is not None:
                for message in staging_files.discard_staging(staging):
                    feedback.pushWarning(message)
            if not published:
                remove_made_folders(made)
        feedback.setProgress(100)

        verified = sum(1 for row in rows if row.verified)
        summary = "\n".join(
            (
                tr(
                    "{count} spots exported ({verified} verified), {files} evidence files, "
                    "Shapefile in {encoding}."
                ).format(
                    count=len(rows),
                    verified=verified,
                    files=evidence_zip.files,
                    encoding=encoding,
                ),
                # A refused path apart from the missing files: not read, so not known to be
                # lost. In the words of the evidence check, which says the same of the files.
                in_interface_language(evidence.problem_summary(evidence_zip.problems)),
            )
        )
        feedback.pushInfo(summary)
        return {
            self.GEOPACKAGE: str(folder / vectors.geopackage.name),
            self.SHAPEFILE: str(folder / vectors.shapefile.name),
            self.XLSX: str(folder / xlsx.name),
            self.PDF: pdf,
            self.EVIDENCE_ZIP: str(folder / evidence_zip.path.name),
            self.OUTPUT_FOLDER: str(folder),
            self.SPOTS: len(rows),
            self.EVIDENCE_PROBLEMS: len(evidence_zip.problems),
            self.SUMMARY: summary,
        }

    @staticmethod
    def _no_spots_message(store, batch, ledger_path) -> str:
        if batch is None:
            return tr("The ledger {path} holds no spots.").format(path=ledger_path)
        names = ", ".join(b.name for b in store.batches()) or "-"
        return tr("The ledger has no batch {batch} (batches: {names}).").format(
            batch=batch, names=names
        )

    # --- the PDF sheets ------------------------------------------------------------------------
    def _say_earlier_batches_replaced(self, folder: Path, rows, feedback) -> None:
        """An export of other batches in the folder is replaced without a question, as files
        are; said, naming what goes (an office exporting its mining batch into the folder of
        its quarter's lost the quarter's package unsaid, found by a review)."""
        earlier, spots = export.batches_exported(folder / f"{BASENAME}.gpkg")
        now = sorted({str(row.values.get(export.BATCH_NAME) or "") for row in rows})
        if earlier and earlier != now:
            feedback.pushWarning(
                tr(
                    "{folder} held an export of {earlier} ({spots} spots): replaced by this one "
                    "of {now}. Export each batch into a folder of its own to keep both."
                ).format(
                    folder=folder,
                    earlier="、".join(earlier),
                    spots=spots,
                    now="、".join(now),
                )
            )

    def _say_sheets_to_make(self, sheet_rows, feedback) -> None:
        """Say, before the long work, how many sheets (PDF pages) the export makes and, when
        most are of spots not yet verified (blank field forms), how to make only the verified
        spots' sheets: a batch mostly unverified took minutes printing pages nobody asked
        for, and the log said so only once it was printing them. The default stays."""
        unverified = sum(1 for row in sheet_rows if not row.verified)
        feedback.pushInfo(
            tr(
                "{count} verification sheets (PDF pages) will be made, {unverified} of them "
                "for spots not yet verified."
            ).format(count=len(sheet_rows), unverified=unverified)
        )
        if unverified * 2 > len(sheet_rows):
            choice = self.parameterDefinition(self.SHEETS_FOR)
            feedback.pushInfo(
                tr(
                    "To make the verified spots' sheets only, set “{parameter}” to “{option}”."
                ).format(
                    parameter=choice.description(),
                    option=choice.options()[self.SHEETS_FOR_VERIFIED],
                )
            )

    def _export_sheets(self, rows, evidence_dir, after, before, pdf_path, feedback) -> None:
        if not LAYOUT_TEMPLATE.is_file():
            raise fail(tr("The layout template {path} is missing.").format(path=LAYOUT_TEMPLATE))
        # A private project: the user's own project is neither read nor changed.
        project = QgsProject()
        project.setCrs(LEDGER_CRS)
        layout = QgsPrintLayout(project)
        document = QDomDocument()
        if not document.setContent(LAYOUT_TEMPLATE.read_text("utf-8")):
            raise fail(tr("The layout template {path} is damaged.").format(path=LAYOUT_TEMPLATE))
        _, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
        if not ok:
            raise fail(tr("The layout template {path} is damaged.").format(path=LAYOUT_TEMPLATE))
        # The slots print copies made to their size at PDF_DPI, upright, removed after: the
        # originals went in whole (a 6000×4000 photo at 2946 ppi, GBs for a batch).
        copies = Path(tempfile.mkdtemp(prefix="zc_sheet_photos_"))
        try:
            thumbnails = SheetThumbnails(copies, photo_slot_pixels(layout))
            photos = {}
            for row in rows:
                if feedback.isCanceled():
                    raise export.ExportCancelled()
                photos[row.spot_id] = row.sheet_photos(evidence_dir, thumbnails)
                for refused in photos[row.spot_id].refusals:  # names the spot and the file
                    feedback.pushWarning(refused)
                for path in photos[row.spot_id].unshowable:
                    feedback.pushWarning(
                        tr(
                            "Spot {number}: the photo {path} cannot be shown on its sheet (an "
                            "empty file, another kind of file named as a photo, or a format "
                            "such as HEIC that this QGIS cannot read); it is in the evidence "
                            "zip, and the sheet says so."
                        ).format(number=row.number, path=path)
                    )
            self._print_sheets(
                layout, project, sheet_layer(rows, photos), after, before, pdf_path, feedback
            )
        finally:
            # Not TemporaryDirectory, which raises on Windows where a copy is still held open:
            # the PDF is written by then, and a leftover copy is the system's to clear.
            shutil.rmtree(copies, ignore_errors=True)

    def _print_sheets(self, layout, project, spots, after, before, pdf_path, feedback) -> None:
        images = {
            ITEM_MAIN_MAP: after.clone() if after is not None else None,
            ITEM_BEFORE_MAP: before.clone() if before is not None else None,
        }
        project.addMapLayers([spots, *(layer for layer in images.values() if layer is not None)])
        # The template names CHINESE_FONT: here it may be listed otherwise, or not installed.
        use_chinese_font_in_layout(layout)
        _say_unprintable(spots, chinese_font_family(), feedback)
        QgsExpressionContextUtils.setLayoutVariable(
            layout, EXPORT_DATE_VARIABLE, clock.today().isoformat()
        )
        for item_id, image in images.items():
            uncovered = mark_image_cover(
                spots, IMAGE_COVER_FIELDS[item_id], image, project.transformContext()
            )
            for state, numbers in uncovered.items():
                if numbers:
                    feedback.pushWarning(
                        image_cover_message(item_id, state).format(
                            image=image.source(),
                            count=len(numbers),
                            numbers=first_spots(numbers),
                        )
                    )
            if image is None:
                feedback.pushInfo(image_cover_message(item_id, COVER_MISSING))
            item = layout.itemById(item_id)
            if not isinstance(item, QgsLayoutItemMap):
                raise fail(tr("The layout template has no map item {id}.").format(id=item_id))
            item.setCrs(spots.crs())
            # The atlas keeps the shape of the map's current extent: give it the item's shape.
            item.zoomToExtent(spots.extent())
            item.setLayers([spots] + ([image] if image is not None else []))
            item.setKeepLayerSet(True)
        # Cells whose text is cut to fit them, each said by spot (whole in the spreadsheet).
        cut_cells = (
            (
                ITEM_NOTE,
                export.VERDICT_NOTE,
                tr(
                    "The remark of spot {number} is too long for its verification sheet: cut "
                    "there, ending with …; it is whole in {name}"
                ),
            ),
            (
                ITEM_REASON,
                domain.VERDICT_REASON,
                tr(
                    "The suggested verdict's reason of spot {number} is too long for its "
                    "verification sheet: cut there, ending with …; it is whole in {name}"
                ),
            ),
            (
                ITEM_ZONES_HIT,
                export.ZONES_HIT_FIELD,
                tr(
                    "The controlled zones spot {number} hits are too many for its verification "
                    "sheet: cut there, ending with …; each is in {name}"
                ),
            ),
        )
        for item_id, field, message in cut_cells:
            for number, whole in fit_cell(spots, layout.itemById(item_id), field):
                feedback.pushWarning(message.format(number=number, name=whole))
        atlas = layout.atlas()
        atlas.setCoverageLayer(spots)
        atlas.setEnabled(True)
        atlas.setHideCoverage(False)
        atlas.setSortFeatures(True)
        atlas.setSortExpression(f'"{export.SEQUENCE}"')

        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = PDF_DPI
        settings.rasterizeWholeImage = False
        # The exporter's own feedback: it reports 0-100 % over the sheets (the second half of
        # the export here) and stops between sheets when the user cancels.
        sheets = QgsFeedback()
        sheets.progressChanged.connect(lambda percent: feedback.setProgress(50 + percent / 2))
        feedback.canceled.connect(sheets.cancel)
        if feedback.isCanceled():
            sheets.cancel()
        result, error = QgsLayoutExporter.exportToPdf(atlas, str(pdf_path), settings, sheets)
        if result == QgsLayoutExporter.Canceled or sheets.isCanceled():
            pdf_path.unlink(missing_ok=True)  # a PDF of some of the sheets would pass for all
            raise export.ExportCancelled()
        if result == QgsLayoutExporter.FileError and disk.disk_full(pdf_path.parent):
            # The exporter says only that the file could not be written.
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(pdf_path))
        if result != QgsLayoutExporter.Success:
            raise fail(
                tr("The PDF {path} could not be written: {error}").format(
                    path=pdf_path.parent.parent / pdf_path.name, error=error or result
                )
            )


def publish_package(staging: Path, folder: Path, with_sheets: bool) -> list[str]:
    """Move the whole package from `staging` into `folder`, all or nothing (staging.publish),
    each file replacing the earlier export's of its name. An earlier export's file this one has
    none of goes too: its Shapefile's side files (a spatial index of features it lacks) and its
    sheets, whose name is returned for the log. A file that cannot be replaced stops the run,
    naming it, with the earlier package whole."""
    names = set(staging_files.package_names(staging))
    removing = [
        folder / f"{BASENAME}{suffix}"
        for suffix in export.SHAPEFILE_SUFFIXES
        if f"{BASENAME}{suffix}" not in names
    ]
    removed = []
    if not with_sheets and (folder / SHEETS_NAME).exists():
        removing.append(folder / SHEETS_NAME)
        removed.append(SHEETS_NAME)
    try:
        staging_files.publish(staging, folder, removing)
    except OSError as error:
        raise cannot_replace(error) from error
    return removed


def first_spots(numbers: list[str]) -> str:
    """The spot numbers a coverage warning names: a ledger may have hundreds of spots off its
    images (the demo's 300), each sheet says so itself, and the log names the first few."""
    shown = ", ".join(numbers[:LOGGED_SPOTS])
    return shown + (" …" if len(numbers) > LOGGED_SPOTS else "")


def image_cover_message(item_id: str, state: str) -> str:
    """What the log says of the spots in `state` (COVER_*) for the map `item_id`."""
    after = item_id == ITEM_MAIN_MAP
    if state == COVER_MISSING:
        return (
            tr("No after image was given: the main map of every sheet says so, without imagery.")
            if after
            else tr("No before image was given: the inset of every sheet says so, without imagery.")
        )
    if state == COVER_OUTSIDE:
        return (
            tr(
                "The after image {image} does not cover {count} spots: the main map of their "
                "sheets shows no imagery and says so. Spots: {numbers}"
            )
            if after
            else tr(
                "The before image {image} does not cover {count} spots: the inset of their "
                "sheets shows no imagery and says so. Spots: {numbers}"
            )
        )
    return (
        tr(
            "The after image {image} covers only part of {count} spots: the main map of their "
            "sheets says so. Spots: {numbers}"
        )
        if after
        else tr(
            "The before image {image} covers only part of {count} spots: the inset of their "
            "sheets says so. Spots: {numbers}"
        )
    )


def refuse_unplaced_image(parameter: str, image: QgsRasterLayer | None) -> None:
    """Stop the export, naming the parameter (by the label its dialog shows) and the file, when
    the image given has no CRS: its place is unknown, and the sheets would draw it wherever its
    numbers fall in the ledger's CRS, with its coverage judged on that guess (DOMAIN.md §4:
    never silently assumed)."""
    if image is None or image.crs().isValid():
        return
    raise fail(
        tr(
            "{parameter}: the image {path} has no coordinate reference system, so where it "
            "lies is not known and the sheets would show whatever ground its coordinates fall "
            "on. Set its CRS (Layer Properties › Source, then save it with it), or leave the "
            "image out."
        ).format(parameter=parameter, path=image.source())
    )


def image_extent(
    image: QgsRasterLayer, crs: QgsCoordinateReferenceSystem, context: QgsCoordinateTransformContext
) -> QgsRectangle | None:
    """The image's extent in `crs`, or None where it cannot be transformed there."""
    extent = image.extent()
    if not image.crs().isValid() or image.crs() == crs:
        return extent
    try:
        return QgsCoordinateTransform(image.crs(), crs, context).transformBoundingBox(extent)
    except QgsCsException:
        return None


def mark_image_cover(
    spots: QgsVectorLayer,
    field_name: str,
    image: QgsRasterLayer | None,
    context: QgsCoordinateTransformContext,
) -> dict[str, list[str]]:
    """Write into `field_name` how `image` covers each spot with a geometry (a COVER_* state,
    NULL where whole); the numbers of the spots outside it and of those partly outside, in
    sheet order. Judged on the image's extent: where it holds no data inside is not known here."""
    index = spots.fields().indexOf(field_name)
    extent = None if image is None else image_extent(image, spots.crs(), context)
    if image is not None and extent is None:
        return {}  # the sheets cannot say: leave them unmarked rather than wrong
    changes: dict[int, dict[int, str | None]] = {}
    uncovered: dict[str, list[str]] = {COVER_OUTSIDE: [], COVER_PARTIAL: []}
    for feature in spots.getFeatures():
        geometry = feature.geometry()
        if geometry.isEmpty():
            continue  # no map on its sheet: nothing to cover
        if extent is None:
            state = COVER_MISSING
        elif extent.contains(geometry.boundingBox()):
            continue
        elif extent.intersects(geometry.boundingBox()) and geometry.intersects(extent):
            state = COVER_PARTIAL
        else:
            state = COVER_OUTSIDE
        changes[feature.id()] = {index: state}
        if state in uncovered:
            uncovered[state].append(str(feature[domain.SPOT_NUMBER]))
    if changes:
        spots.dataProvider().changeAttributeValues(changes)
    return uncovered


def _label_font(label: QgsLayoutItemLabel) -> QFont:
    return label.textFormat().toQFont() if LABEL_TEXT_FORMAT else label.font()


# Places named in a warning of a character the sheets cannot print, the rest counted.
UNPRINTABLE_PLACES_NAMED = 5


def _say_unprintable(spots: QgsVectorLayer, family: str, feedback) -> None:
    """Say the characters the sheets' font (with Qt's fallback fonts) cannot print, once a
    character, with how many places hold it and the first spots and fields: a party named
    张𠀀 printed as 张□ without a word (the review of 2026-11-29). Every other file of the
    package holds them; only the sheet shows a box, or nothing."""
    texts = [
        field.name()
        for field in spots.fields()
        if field.type() == FIELD_STRING and field.name() not in ITEM_PHOTOS
    ]
    places: dict[str, list[str]] = {}
    for feature in spots.getFeatures():
        for name in texts:
            value = feature[name]
            if not isinstance(value, str):
                continue
            for character in characters_missing(value, family):
                places.setdefault(character, []).append(f"{feature[domain.SPOT_NUMBER]} {name}")
    for character, where in places.items():
        named = "、".join(where[:UNPRINTABLE_PLACES_NAMED])
        if len(where) > UNPRINTABLE_PLACES_NAMED:
            named += " …"
        feedback.pushWarning(
            tr(
                "The font {font} and those it falls back to have no {character} ({code}): the "
                "verification sheets print an empty box or nothing there, in {count} places "
                "(spot, field): {places}. The other files of the package hold the text whole."
            ).format(
                font=family,
                character=character,
                code=f"U+{ord(character):04X}",
                count=len(where),
                places=named,
            )
        )


def whole_in(text: str) -> str:
    """The file of the package a text cut on its sheet is whole in: the workbook, unless its
    cell had to cut it too (over xlsx.CELL_TEXT_LIMIT characters); then the GeoPackage."""
    return f"{BASENAME}.xlsx" if len(text) <= xlsx.CELL_TEXT_LIMIT else f"{BASENAME}.gpkg"


def fit_cell(spots: QgsVectorLayer, label, field: str) -> list[tuple[str, str]]:
    """Cut each text of `field` too long for its sheet cell ``label`` (a layout label, or None
    when a template has none) so that it fits, ending with NOTE_CUT; (number, the file it is
    whole in) of each spot whose text was cut. The cell would otherwise clip the text with
    nothing to say so."""
    if not isinstance(label, QgsLayoutItemLabel):
        return []
    size = label.sizeWithUnits()  # mm in the template
    # Metrics in tenths of a millimetre, whatever the screen: a font of the label's point size.
    font = _label_font(label)
    font.setPixelSize(max(1, round(font.pointSizeF() * 254 / 72)))
    metrics = QFontMetricsF(font)
    box = QRectF(0, 0, 10 * (size.width() - 2 * label.marginX()) * 0.97, 1e6)
    height = 10 * (size.height() - 2 * label.marginY())

    def fits(text: str) -> bool:
        return metrics.boundingRect(box, int(Qt.TextWordWrap), text).height() <= height

    index = spots.fields().indexOf(field)
    if index < 0:
        return []
    changes, numbers = {}, []
    for feature in spots.getFeatures():
        note = feature[field]
        if not isinstance(note, str) or fits(note):
            continue
        cut_end = NOTE_CUT.format(name=whole_in(note))
        low, high = 0, len(note)  # the longest start of the remark that fits with cut_end
        while low < high:
            middle = (low + high + 1) // 2
            if fits(note[:middle].rstrip() + cut_end):
                low = middle
            else:
                high = middle - 1
        changes[feature.id()] = {index: note[: _at_a_break(note, low)].rstrip() + cut_end}
        numbers.append((str(feature[domain.SPOT_NUMBER]), whole_in(note)))
    if changes:
        spots.dataProvider().changeAttributeValues(changes)
    return numbers


# Where a cut text may end: after a clause or an item, or between words. Cut anywhere, a
# reason read "已于 2025-1…", a date that looks whole (found by a review).
_BREAKS = "；;，,、。 "
_BREAK_REACH = 30  # characters a cut goes back for a break; further, it cuts where it fits


def _at_a_break(text: str, end: int) -> int:
    """Where to cut ``text`` at or before ``end``: at the last break within reach (the mark
    itself left out, the cut's … follows the whole clause, item or word before it), else at
    ``end``; ``end`` when the text is not cut there at all."""
    if end >= len(text):
        return end
    start = max(0, end - _BREAK_REACH)
    found = max(text.rfind(mark, start, end) for mark in _BREAKS)
    return found if found > 0 else end


def photo_slot_pixels(layout) -> QSize:
    """The size of the sheet's photo slots in pixels at PDF_DPI (the template's first slot)."""
    item = layout.itemById(ITEM_PHOTOS[0])
    if not isinstance(item, QgsLayoutItemPicture):
        raise fail(tr("The layout template has no picture item {id}.").format(id=ITEM_PHOTOS[0]))
    size = layout.convertToLayoutUnits(item.sizeWithUnits())  # mm
    return QSize(
        max(1, math.ceil(size.width() / MM_PER_INCH * PDF_DPI)),
        max(1, math.ceil(size.height() / MM_PER_INCH * PDF_DPI)),
    )


class SheetThumbnails:
    """Copies of photos for the sheets' slots, in `folder`: at most `slot` pixels, upright.

    Called with a photo's path and its file opened (ExportRow.sheet_photos), it gives the copy,
    or None when Qt cannot read the photo (an empty file, a text named .jpg, HEIC without a
    reader)."""

    def __init__(self, folder: Path, slot: QSize):
        self.folder, self.slot = folder, slot
        self.made: dict[Path, Path | None] = {}  # a photo of two spots is copied once

    def __call__(self, path: Path, handle: BinaryIO) -> Path | None:
        if path not in self.made:
            self.made[path] = self._copy(handle, self.folder / f"{len(self.made) + 1}")
        return self.made[path]

    def _copy(self, handle: BinaryIO, target: Path) -> Path | None:
        # Read from the file opened (open_evidence_file), never by its path again: a photo
        # swapped for a link since it was opened would be followed to the file it names.
        photo = QFile()
        if not photo.open(
            handle.fileno(),
            QIODevice.OpenModeFlag.ReadOnly,
            QFileDevice.FileHandleFlag.DontCloseHandle,
        ):
            return None
        try:
            return self._copy_from(photo, target)
        finally:
            photo.close()

    def _copy_from(self, photo: QFile, target: Path) -> Path | None:
        reader = QImageReader(photo)
        # The camera's orientation (EXIF 6: held upright) applied: a copy keeps no EXIF.
        reader.setAutoTransform(True)
        if not reader.canRead():
            return None
        stored = reader.size()  # before the EXIF rotation, which the scaling is applied to
        if stored.isValid() and not stored.isEmpty():
            turned = reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90
            upright = stored.transposed() if turned else stored
            scale = min(self.slot.width() / upright.width(), self.slot.height() / upright.height())
            if scale < 1.0:  # the JPEG reader decodes at the smaller size: no 47 MB in memory
                reader.setScaledSize(
                    QSize(
                        max(1, round(stored.width() * scale)),
                        max(1, round(stored.height() * scale)),
                    )
                )
        image = reader.read()
        if image.isNull():
            return None  # a header Qt reads over data it cannot (a truncated file)
        if image.width() > self.slot.width() or image.height() > self.slot.height():
            image = image.scaled(
                self.slot,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        # A screenshot's transparency kept; a photo as JPEG, small in the PDF.
        kind = "PNG" if image.hasAlphaChannel() else "JPG"
        target = target.with_suffix(f".{kind.lower()}")
        if not image.save(str(target), kind, THUMBNAIL_QUALITY):
            return None
        return target


# A memory layer's plain "string" holds 255 characters and refuses the whole feature beyond
# that (a long remark or a deep photo path left the atlas empty); length 0 is unlimited.
TEXT_FIELD = "string(0)"


def sheet_layer(rows, photos: dict[int, export.SheetPhotos]) -> QgsVectorLayer:
    """The atlas coverage: a memory layer of the spots with the export fields, the files their
    photo slots print and the note on the photos not printed (`photos` by spot id)."""
    fields = []
    for column in export.EXPORT_COLUMNS:
        kind = {
            export.COL_SQM: "double",
            export.COL_MU: "double",
            export.COL_INT: "integer",
            export.COL_DATE: "date",
        }.get(column.kind, TEXT_FIELD)
        fields.append(f"field={column.name}:{kind}")
    fields += [f"field={name}:{TEXT_FIELD}" for name in export.PHOTO_FIELDS]
    fields.append(f"field={export.PHOTOS_NOTE_FIELD}:{TEXT_FIELD}")
    fields.append(f"field={export.ZONES_HIT_FIELD}:{TEXT_FIELD}")
    fields += [f"field={name}:{TEXT_FIELD}" for name in IMAGE_COVER_FIELDS.values()]
    uri = f"MultiPolygon?crs={LEDGER_CRS.authid()}&" + "&".join(fields)
    layer = QgsVectorLayer(uri, "核查图斑", "memory")
    symbol = QgsFillSymbol.createSimple(SPOT_OUTLINE)
    layer.renderer().setSymbol(symbol)
    features = []
    for row in rows:
        feature = QgsFeature(layer.fields())
        if row.geometry is not None:
            geometry = QgsGeometry()
            geometry.fromWkb(shapely.to_wkb(row.geometry))
            feature.setGeometry(geometry)
        values = []
        for column in export.EXPORT_COLUMNS:
            value = row.values.get(column.name)
            if isinstance(value, dt.date):
                value = QDate(value.year, value.month, value.day)
            values.append(value)
        shown = [str(path) for path in photos[row.spot_id].shown]
        values += shown + [None] * (len(export.PHOTO_FIELDS) - len(shown))
        values.append(photos[row.spot_id].note)
        values.append(export.zones_hit_text(row.values))
        values += [None] * len(IMAGE_COVER_FIELDS)  # see mark_image_cover
        feature.setAttributes(values)
        features.append(feature)
    ok, _ = layer.dataProvider().addFeatures(features)
    if not ok:
        raise fail(
            tr("The verification sheets could not be prepared: {error}").format(
                error=layer.dataProvider().lastError()
            )
        )
    layer.updateExtents()
    return layer
