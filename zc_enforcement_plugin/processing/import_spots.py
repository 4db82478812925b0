"""Processing algorithm zcenforcement:importspots: a screened batch into the verification ledger."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import shapely
from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
    QgsProviderRegistry,
)

from ..compat import SOURCE_POLYGON
from ..core import domain, ledger, ledger_delivery, spot_files
from ..core.ledger_records import ERROR_PREFIX, WARNING_PREFIX
from ..core.ledger_reference import is_postgis_reference
from ..core.towns import assign_towns
from ..i18n import tr
from .base import (
    LEDGER_CRS,
    LEDGER_PARAMETER,
    SPOT_KEY_PARAMETER,
    EnforcementAlgorithm,
    add_ledger_parameter,
    add_spot_key_parameter,
    cancel_only,
    crs_lost_by_qgis,
    fail,
    missing_shapefile_part,
    new_ledger_file,
    open_ledger,
    remove_ledger_file,
    save_to_ledger,
    unnamed_layer_of_several,
    unreadable_file,
)
from .layer_reader import (
    layer_label,
    layer_name,
    misdecoded_text,
    read_source,
    whole_layer,
    with_file,
)

# Refusals the message of an import that imported nothing names: enough to see why (one
# cause refuses them all, as a wrong encoding does), the log holding every one.
_REFUSALS_SHOWN = 5


class ImportSpots(EnforcementAlgorithm):
    WRITES_LEDGER = True
    NAME = "importspots"
    DISPLAY_NAME = "Import screened spots into the ledger"
    GROUP = "Verification"
    GROUP_ID = "verification"
    HELP = (
        "Adds a screened batch of spots to the verification ledger (a GeoPackage, created "
        "if it does not exist, or the shared ledger as postgis:// and the name of a saved "
        "connection). The spot number field (SPOT_KEY_FIELD, default JCBH, the one "
        "screening was given) is recorded as the ledger's JCBH; a layer without it is "
        "refused before the ledger is touched.\n"
        "Importing the same batch again refreshes the spots' geometry, delivered fields "
        "and screening figures, reporting each change by spot, but never touches verdicts "
        "or evidence; a field the file lacks keeps its recorded value. A new batch is "
        "added beside the others, unless another batch holds most of its spot numbers: it "
        "is then that batch delivered again, and refused before anything is written, "
        "naming that batch and its file (give BATCH its name to refresh it, or tick "
        "REPEAT_SPOTS to record the spots again as a batch of their own, a second round of "
        "checks on the same spots). A refresh none of whose spots the batch holds is another "
        "delivery given its name by mistake: refused before anything is written, naming the "
        "file and the batch (give BATCH the delivery's own name, or tick ADD_TO_BATCH for a "
        "further part of a batch delivered in parts). Without BATCH the batch is named after "
        "the layer, and a batch of that name another file delivered, or a layer with no "
        "file, is not refreshed: the import is refused naming both.\n"
        "Refused too, each reported by number and not imported: a spot whose number the "
        "batch holds but for leading zeros (1 for 00001), spots with a duplicate or empty "
        "JCBH, and text that looks mis-decoded (GBK read as another encoding); and the "
        "whole layer when its coordinates do not fit its CRS, when it was screened twice "
        "(result fields TBMJ_2, …) or when its own fields carry result names (TBMJ, PZWH: "
        "rename them before screening). A Shapefile without .cpg has its encoding detected "
        "and reported. An import whose every spot is refused fails, naming the first "
        "refusals, and leaves the ledger as it was (a ledger file it made is removed).\n"
        "With the towns with their offices (TOWNS: XZMC town, SMC office) each spot gets "
        "the town holding most of its area; with the pieces from screening (PIECES, the "
        "OUTPUT_PIECES of the same run) the dock can show and highlight what each spot "
        "hits. A refresh without the pieces keeps the recorded pieces of each spot whose "
        "outline did not move, and removes (and reports) those of a moved spot. A towns or "
        "pieces layer whose Chinese text looks mis-decoded (a GBK Shapefile without its "
        ".cpg) stops the import before anything is written, naming its file and field."
    )

    SPOTS = "SPOTS"
    SPOT_KEY_FIELD = SPOT_KEY_PARAMETER
    LEDGER = LEDGER_PARAMETER
    BATCH = "BATCH"
    REPEAT_SPOTS = "REPEAT_SPOTS"
    ADD_TO_BATCH = "ADD_TO_BATCH"
    TOWNS = "TOWNS"
    PIECES = "PIECES"
    ADDED = "ADDED"
    REFRESHED = "REFRESHED"
    REFUSED = "REFUSED"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.SPOTS, tr("Screened spots"), [SOURCE_POLYGON])
        )
        add_spot_key_parameter(
            self, self.SPOTS, tr("Spot number field (recorded as the ledger's JCBH)")
        )
        add_ledger_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.BATCH, tr("Batch name (default: the layer's name)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.REPEAT_SPOTS,
                tr(
                    "Record the spots as a new batch even when another batch holds most of "
                    "their numbers (a second round of checks on the same spots)"
                ),
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ADD_TO_BATCH,
                tr(
                    "Add the spots to the batch named even when none of them is in it (a "
                    "further part of a batch delivered in parts)"
                ),
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.TOWNS,
                tr("Towns with their offices (XZMC, SMC)"),
                [SOURCE_POLYGON],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PIECES,
                tr("Pieces from screening (OUTPUT_PIECES), shown in the dock"),
                [SOURCE_POLYGON],
                optional=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ADDED, tr("Spots added")))
        self.addOutput(QgsProcessingOutputNumber(self.REFRESHED, tr("Spots refreshed")))
        self.addOutput(QgsProcessingOutputNumber(self.REFUSED, tr("Spots not imported")))
        self.addOutput(QgsProcessingOutputString(self.REPORT, tr("Import report")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        # A GeoPackage ledger may not exist yet: it is created on import, so only its folder
        # must exist.
        reference = self.parameterAsString(parameters, self.LEDGER, context) or ""
        path = Path(reference)
        if not is_postgis_reference(reference) and not path.parent.is_dir():
            return False, tr("Folder {folder} does not exist.").format(folder=path.parent)
        # The base class's checks of the layers given, but for the ledger's file (see above).
        for refusal in (
            missing_shapefile_part(self, parameters),
            unreadable_file(self, parameters),  # a spot file missing or not a layer
            unnamed_layer_of_several(self, parameters),
            crs_lost_by_qgis(self, parameters, context),
        ):
            if refusal:
                return False, refusal
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        source = self.parameterAsSource(parameters, self.SPOTS, context)
        if source is None:
            raise fail(
                tr("The spot layer {layer} cannot be opened.").format(
                    layer=parameters.get(self.SPOTS)
                )
            )
        # Named after its layer, also when a selection or a feature limit is given: the
        # parameter is then a definition object, whose text is no name for a batch.
        name, layer = layer_name(self, parameters, self.SPOTS, context)
        label = with_file(name, layer)
        batch = self.parameterAsString(parameters, self.BATCH, context).strip() or name
        ledger_reference = self.parameterAsString(parameters, self.LEDGER, context)

        pieces_fields = [domain.PIECE_LAYER, domain.PIECE_SPOT_FID, domain.PIECE_FEATURE_FID]
        if all(name in source.fields().names() for name in pieces_fields):
            # Screening's other output, a layer beside the spots in the same file: imported,
            # every spot number came once per piece (refused as duplicates) and spots already
            # judged were refreshed with the pieces' fields.
            raise fail(
                tr(
                    "{layer} is screening's pieces output (it has the fields {fields}), not its "
                    "spots: give the screened spots as the spot layer, and this layer as the "
                    "pieces. Nothing imported."
                ).format(layer=label, fields=", ".join(pieces_fields))
            )
        whole = whole_layer(self, parameters, self.SPOTS, context) is not None
        records, path = self._read_spots(layer, whole, source, label, feedback)
        source_path = path or label  # what the batch records as its source, and messages name
        if not records and not feedback.isCanceled():  # a cancel is said as one, below
            # Most often the wrong file or layer (or no feature selected): an empty success
            # made a new, empty ledger and said nothing.
            raise fail(
                tr(
                    "{layer} holds no spot (no feature to import): nothing imported. Is it the "
                    "delivery's spot layer, and, with selected features only, is any selected?"
                ).format(layer=source_path)
            )
        key_field = self.parameterAsString(parameters, self.SPOT_KEY_FIELD, context)
        try:
            # Before the towns and pieces, which are matched to spots by their number.
            field = ledger_delivery.number_spots_by(records, key_field, source_path)
        except ledger.LedgerError as error:
            raise fail(str(error)) from error
        if field != domain.SPOT_NUMBER:
            feedback.pushInfo(
                tr("Spot numbers are taken from the field {field}, recorded as {number}.").format(
                    field=field, number=domain.SPOT_NUMBER
                )
            )
        towns = self.parameterAsSource(parameters, self.TOWNS, context)
        if towns is not None and not feedback.isCanceled():
            label = layer_label(self, parameters, self.TOWNS, context)[0]
            self._assign_towns(records, towns, label, feedback)
        pieces = self.parameterAsSource(parameters, self.PIECES, context)
        if pieces is not None and not feedback.isCanceled():
            label = layer_label(self, parameters, self.PIECES, context)[0]
            self._attach_pieces(records, pieces, label, feedback)
        if feedback.isCanceled():
            # As a cancel while writing: a failure, never an empty success (see below).
            raise fail(tr("Cancelled, nothing imported."))
        feedback.setProgressText(
            tr("Writing {count} spots to {ledger}").format(
                count=len(records), ledger=ledger_reference
            )
        )
        made = new_ledger_file(self, parameters, context)
        try:
            with open_ledger(self, parameters, context, feedback, create=True) as store:
                if not self.parameterAsString(parameters, self.BATCH, context).strip():
                    self._refuse_merging_deliveries(store, batch, path, label)
                repeat_spots = self.parameterAsBool(parameters, self.REPEAT_SPOTS, context)
                add_to_batch = self.parameterAsBool(parameters, self.ADD_TO_BATCH, context)
                # Imported with the reply lost is imported, its report kept (run again, it
                # would be told as a refresh of every spot).
                report = save_to_ledger(
                    self,
                    feedback,
                    lambda: store.import_batch(
                        batch,
                        records,
                        source=source_path,
                        repeat_spots=repeat_spots,
                        add_to_batch=add_to_batch,
                        progress=feedback.setProgress,
                        is_cancelled=feedback.isCanceled,
                    ),
                )
        except ledger.ImportCancelled as cancelled:
            # A failure, not an empty success: a caller (a model, qgis_process) must not go on
            # as though the batch were in the ledger.
            if made is not None:
                remove_ledger_file(made)
            raise fail(tr("Cancelled, nothing imported.")) from cancelled
        except ledger.LedgerError as error:
            if made is not None:
                remove_ledger_file(made)
            raise fail(str(error)) from error
        # Each line by its kind, so that Processing's log and qgis_process --json show the
        # warnings as warnings (pushWarning: QGIS 3.16 and later).
        for line in report.lines():
            if line.startswith(ERROR_PREFIX):
                feedback.reportError(line)
            elif line.startswith(WARNING_PREFIX):
                feedback.pushWarning(line)
            else:
                feedback.pushInfo(line)
        if report.skipped and not (report.added or report.refreshed):
            # Every spot refused (a GBK file whose .cpg says UTF-8, say): a failure, as a
            # cancel is, and no empty ledger left behind to be taken for one. A re-import of
            # an unchanged batch counts its spots as refreshed, and so stays a success.
            if made is not None:
                remove_ledger_file(made)
            raise fail(
                tr(
                    "{source}: none of its {count} spots was imported, every one was refused; "
                    "the ledger is as it was. The first refusals (all are in the log):\n{refusals}"
                ).format(
                    source=source_path,
                    count=report.skipped,
                    refusals="\n".join(str(issue) for issue in report.errors[:_REFUSALS_SHOWN]),
                )
            )
        return {
            self.ADDED: report.added,
            self.REFRESHED: report.refreshed,
            self.REFUSED: report.skipped,
            self.REPORT: "\n".join(report.lines()),
        }

    def _read_spots(self, layer, whole, source, label, feedback):
        """(SpotRecords in the ledger's CRS, the file they come from or "" for a layer that
        is no file: a temporary or database layer).

        A whole Shapefile or GeoPackage layer (whole: no selection, filter or feature limit)
        is read by the ledger's own reader, which detects a DBF's encoding when there is no
        .cpg. A layer with unsaved edits is read as QGIS shows it, as screening reads it: the
        technician may have just put right, in the edit buffer, the duplicate numbers
        screening warned of, or deleted spots, which the file on disk does not hold yet. The
        batch's source is the file either way."""
        path = self._file_of(layer) if layer is not None else ""
        edited = layer is not None and (layer.isEditable() or layer.isModified())
        plain_file = (
            whole
            and layer is not None
            and not edited
            and not layer.subsetString()
            and path.lower().endswith((".shp", ".gpkg"))
        )
        if plain_file:
            parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
            try:
                records, read = spot_files.read_spot_file(path, parts.get("layerName") or None)
            except ledger.LedgerError as error:
                raise fail(str(error)) from error
            for issue in read.errors:
                feedback.reportError(f"{path}: {issue}")
            for issue in read.warnings:
                feedback.pushWarning(f"{path}: {issue}")
            return records, path
        # The fields GDAL's reader (read_spot_file, above) gives: a GeoPackage's feature id
        # column (fid), which QGIS shows as a field, is the file's row number, no delivered
        # fact; stored, every refresh from the file read in bulk said it was missing.
        ids = set(_feature_id_fields(layer)) if layer is not None else set()
        fields = [name for name in source.fields().names() if name not in ids]
        arrays = read_source(source, label, fields, LEDGER_CRS, feedback=cancel_only(feedback))
        records = [
            ledger.SpotRecord(
                attributes={name: arrays.attributes[name][row] for name in fields},
                geometry=geometry,
                source_index=int(arrays.feature_ids[row]),
            )
            for row, geometry in enumerate(arrays.geoms)
        ]
        return records, path

    @staticmethod
    def _refuse_merging_deliveries(store, batch: str, path: str, label: str) -> None:
        """Stop an import whose batch name was not given when the name it defaults to (the
        layer's) is a batch already in the ledger, unless both come from the same file: every
        quarter's delivery may be called JCTB.shp, and every screenspots run to a temporary
        output gives a layer named Screened spots; a refresh would merge the two deliveries
        into one batch, keeping the other's spots. Only files tell deliveries apart: a layer
        with no file (path "") is refused whenever its batch exists. Refused rather than
        warned about: the import would be done by the time the warning is read. Giving BATCH
        says which batch is meant."""
        batches = {b.name: b.source for b in store.batches()}
        if batch not in batches:
            return
        recorded = batches[batch] or ""
        recorded_file = _file_recorded(recorded)
        if path and recorded_file and _same_file(recorded_file, path):
            return
        if not path:
            raise fail(
                tr(
                    "The batch {batch} (the layer's name, BATCH not given) is already in the "
                    "ledger, delivered in {recorded}, and the layer {layer} is no file (a "
                    "temporary or database layer): whether it is the same delivery cannot be "
                    "told, and imported, two deliveries would merge into one batch. Nothing "
                    "was imported. Give BATCH: {batch} to refresh that batch with these spots, "
                    "or a new name for a batch of its own."
                ).format(batch=batch, recorded=recorded or "?", layer=label)
            )
        raise fail(
            tr(
                "The batch {batch} (the layer's name, BATCH not given) was delivered in "
                "{recorded}, and these spots come from {source}: imported, the two deliveries "
                "would merge into one batch. Nothing was imported. Give BATCH: {batch} to "
                "refresh that batch with this file, or a new name for a batch of its own."
            ).format(batch=batch, recorded=recorded or "?", source=path)
        )

    @staticmethod
    def _file_of(layer) -> str:
        """The file an OGR layer reads, or "" for any other layer (memory, PostGIS…)."""
        if layer.providerType() != "ogr":
            return ""
        return QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("path") or ""

    @staticmethod
    def _attach_pieces(records, pieces, label, feedback) -> None:
        """Give each spot the pieces of it screening found (what it hits, for the dock);
        label names the pieces layer (and its file) in messages."""
        fields = [domain.SPOT_NUMBER, domain.PIECE_LAYER, domain.PIECE_FEATURE, domain.PIECE_AREA]
        arrays = read_source(pieces, label, fields, LEDGER_CRS, feedback=cancel_only(feedback))
        # The layers are named in Chinese (PIECE_LAYER): a GBK file read as another encoding
        # would put each piece under no layer the dock knows, and garbled names in the ledger.
        refusal = misdecoded_text(arrays, label)
        if refusal:
            raise fail(refusal)
        by_spot: dict[str, list[dict]] = {}
        shapes: dict[str, list] = {}
        for row, geometry in enumerate(arrays.geoms):
            if geometry is None:
                continue
            number = str(arrays.attributes[domain.SPOT_NUMBER][row])
            by_spot.setdefault(number, []).append(
                {
                    # The ledger keeps the key (the dock colours by it), whichever the file has.
                    domain.PIECE_LAYER: domain.piece_layer_key(
                        arrays.attributes[domain.PIECE_LAYER][row]
                    ),
                    domain.PIECE_FEATURE: arrays.attributes[domain.PIECE_FEATURE][row],
                    domain.PIECE_AREA: arrays.attributes[domain.PIECE_AREA][row],
                    "wkt": shapely.to_wkt(geometry, rounding_precision=3),
                }
            )
            shapes.setdefault(number, []).append(geometry)
        elsewhere = []
        for record in records:
            number = str(record.number)
            outline = record.geometry
            if (
                number in shapes
                and outline is not None
                and not outline.is_empty
                # Pieces lie inside their spot: none within a metre of it are another run's
                # (the spot re-delivered, moved), and would be drawn beside it in the dock.
                and not any(shapely.dwithin(piece, outline, 1.0) for piece in shapes[number])
            ):
                elsewhere.append(number)
                continue
            record.attributes[domain.SPOT_PIECES] = by_spot.get(number, [])
        if elsewhere:
            feedback.pushWarning(
                tr(
                    "The pieces of {count} spots do not lie on their spots: {spots}. They are "
                    "from another screening run and were not attached; give the pieces output "
                    "of the run that screened these spots."
                ).format(
                    count=len(elsewhere),
                    spots=domain.first_of(elsewhere, 10),
                )
            )

    @staticmethod
    def _assign_towns(records, towns, label, feedback) -> None:
        """Each spot's town and office from the towns layer (label: its name and file)."""
        names = towns.fields().names()
        missing = [f for f in (domain.TOWN_NAME, domain.OFFICE_NAME) if f not in names]
        if missing:
            raise fail(
                tr("The towns layer {layer} has no field {field}.").format(
                    layer=label, field=", ".join(missing)
                )
            )
        arrays = read_source(
            towns,
            label,
            [domain.TOWN_NAME, domain.OFFICE_NAME],
            LEDGER_CRS,
            feedback=cancel_only(feedback),
        )
        # Town and office names are Chinese: a GBK file read as another encoding (a .shp
        # handed over without its .cpg) would write garbled names over every spot's town and
        # office, and the monthly ranking counts offices by those names. Refused, as the
        # spots and pieces are, before anything is written.
        refusal = misdecoded_text(arrays, label)
        if refusal:
            raise fail(refusal)
        town, office = assign_towns(
            np.array([r.geometry for r in records], dtype=object),
            arrays.geoms,
            np.array(arrays.attributes[domain.TOWN_NAME], dtype=object),
            np.array(arrays.attributes[domain.OFFICE_NAME], dtype=object),
        )
        outside = []
        for record, town_name, office_name in zip(records, town, office):
            if record.geometry is None or record.geometry.is_empty:
                continue  # no outline, no town: a refresh keeps the one the ledger holds
            if town_name is None and office_name is None:
                # In no town of the layer (one that covers part of the district, or in another
                # CRS): the town the delivery gives, or the ledger holds, is kept, not blanked.
                # An empty column of the delivery (a template's) gives none: it is left out,
                # so that a refresh keeps the ledger's rather than taking the blank.
                for name in (domain.TOWN_NAME, domain.OFFICE_NAME):
                    value = record.attributes.get(name)
                    if value is None or not str(value).strip():
                        record.attributes.pop(name, None)
                outside.append(str(record.number))
                continue
            record.attributes[domain.TOWN_NAME] = town_name
            record.attributes[domain.OFFICE_NAME] = office_name
        if outside:
            feedback.pushWarning(
                tr(
                    "{count} spots lie in no town of the towns layer: {spots}. Their town and "
                    "natural resources office are those the delivery gives, or on a refresh those "
                    "the ledger holds."
                ).format(
                    count=len(outside),
                    spots=domain.first_of(outside, 10),
                )
            )


def _feature_id_fields(layer) -> list[str]:
    """The fields of an OGR layer that are its feature id column (a GeoPackage's fid), not
    delivered attributes. Only OGR's: a database table's key may be a delivered field, even the
    spot number; a Shapefile has no such column, and a field of its own called fid is kept."""
    if layer.providerType() != "ogr":
        return []
    fields = layer.fields()
    return [fields.at(index).name() for index in layer.dataProvider().pkAttributeIndexes()]


def _file_recorded(source: str) -> str:
    """The file a batch's recorded source names, or "" when it names none (a temporary or
    database layer's name). Imports before the source was always the file recorded a filtered,
    selected or edited layer's label, name（file）, as with_file writes it: the file is read out
    of it (the leftmost full-width parenthesis that opens an absolute path: a layer's name or
    a folder may hold one too)."""
    if os.path.isabs(source):
        return source
    if source.endswith("）"):
        start = source.find("（")
        while start != -1:
            inner = source[start + 1 : -1]
            if os.path.isabs(inner):
                return inner
            start = source.find("（", start + 1)
    return ""


def _same_file(one: str, other: str) -> bool:
    """Whether two files are the same, however their paths are written."""
    try:
        return os.path.samefile(one, other)
    except OSError:  # a file since gone: compared by its resolved path
        return os.path.normcase(os.path.realpath(one)) == os.path.normcase(os.path.realpath(other))
