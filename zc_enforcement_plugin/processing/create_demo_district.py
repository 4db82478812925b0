"""Processing algorithm zcenforcement:createdemodistrict: a synthetic district to try things on."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingOutputFile,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ..core import demo_district
from ..i18n import tr
from .base import EnforcementAlgorithm, fail, output_folder, progress_callbacks
from .demo_project import write_demo_project

SIZE_CHOICES = ("DEMO",) + tuple(demo_district.BENCH_SIZES)


class CreateDemoDistrict(EnforcementAlgorithm):
    NAME = "createdemodistrict"
    DISPLAY_NAME = "Create demo district"
    GROUP = "Demo and tools"
    GROUP_ID = "tools"
    HELP = (
        "Writes a synthetic district shaped like Zichuan into one GeoPackage (EPSG:4527): "
        "land-use parcels DLTB, permanent basic farmland YJJBNT, ecological red line STHX, "
        "no-mining zones JCQ, three-zones-two-lines lines, zones and view areas, approvals "
        "PZYD, towns with their offices, and a batch of satellite spots JCTB in which a "
        "few spots are broken on purpose (invalid geometry, a duplicate JCBH, one outside "
        "the district); mining licences CKQ, temporary land approvals LSYD, facility land "
        "filings SSNYD and what field checks found on them SDXZ, for the campaign audits. "
        "Also writes before/after images, a 0/1 change raster (change.tif) and a styled "
        "QGIS project. The same seed always gives the same GeoPackage and images, byte for "
        "byte (the project differs in its layer ids and save time only). SIZE: DEMO (the "
        "default) or one of the benchmark districts S, M, L and M-dense; the random seed "
        "makes it repeatable."
    )

    FOLDER = "FOLDER"
    SIZE = "SIZE"
    SEED = "SEED"
    WITH_IMAGES = "WITH_IMAGES"
    GEOPACKAGE = "GEOPACKAGE"
    PROJECT = "PROJECT"
    SUMMARY = "SUMMARY"

    def flags(self):
        # Writing a QgsProject file is only safe on the main thread.
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterFolderDestination(self.FOLDER, tr("Output folder")))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SIZE,
                tr("Size (DEMO: a few hundred spots; S, M, L: benchmark districts)"),
                options=list(SIZE_CHOICES),
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Type.Integer, 370302
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.WITH_IMAGES, tr("Write before/after images"), True)
        )
        self.addOutput(QgsProcessingOutputFile(self.GEOPACKAGE, tr("Demo district GeoPackage")))
        self.addOutput(QgsProcessingOutputFile(self.PROJECT, tr("Demo QGIS project")))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        folder = output_folder(self, parameters, self.FOLDER, context)
        size_name = SIZE_CHOICES[self.parameterAsEnum(parameters, self.SIZE, context)]
        size = demo_district.DEMO if size_name == "DEMO" else demo_district.BENCH_SIZES[size_name]
        seed = self.parameterAsInt(parameters, self.SEED, context)
        with_images = self.parameterAsBoolean(parameters, self.WITH_IMAGES, context)
        folder.mkdir(parents=True, exist_ok=True)
        progress, is_cancelled = progress_callbacks(feedback)
        try:
            district = demo_district.create_demo_district(
                folder,
                size,
                seed=seed,
                with_images=with_images,
                progress=progress,
                is_cancelled=is_cancelled,
            )
        except demo_district.DemoCancelled as cancelled:
            raise fail(tr("Cancelled: the demo district was not completed.")) from cancelled
        project_path = folder / "demo_district.qgz"
        for problem in write_demo_project(
            district.gpkg, project_path, district.before_image, district.after_image
        ):
            feedback.reportError(problem)
        summary = ", ".join(f"{name} {count}" for name, count in district.layers.items())
        feedback.pushInfo(tr("Wrote {path}: {summary}").format(path=district.gpkg, summary=summary))
        return {
            self.GEOPACKAGE: str(district.gpkg),
            self.PROJECT: str(project_path),
            self.SUMMARY: summary,
        }
