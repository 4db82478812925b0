"""Processing algorithms of the group Reports: monthly ranking, weekly dispatch, assessment and
accountability ratio, each writing an XLSX and a PDF from a ledger. Thin adapters over
core.reports; the PDF is drawn in report_pdf."""

from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core import clock, domain, reports
from ..core import staging as staging_files
from ..core.ledger import LedgerError
from ..core.report_basis import DISPATCH_WORKING_DAYS
from ..core.workdays import HolidayFileError
from ..i18n import tr
from .base import (
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
from .patrols import PatrolDaysHelp
from .report_pdf import PdfDrawingError, write_report_pdf

# The share of the progress bar computing a report takes; writing its files takes the rest.
BUILD_SHARE = 0.5


class _ReportAlgorithm(EnforcementAlgorithm):
    """Shared parameters: the ledger, the report date and the output folder."""

    GROUP = "Reports"
    GROUP_ID = "reports"
    FILE_STEM = ""

    LEDGER = LEDGER_PARAMETER
    REPORT_DATE = "REPORT_DATE"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    XLSX = "XLSX"
    PDF = "PDF"
    WARNINGS = "WARNINGS"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.add_period_parameters()
        self.addParameter(
            QgsProcessingParameterString(
                self.REPORT_DATE,
                tr("Report date (YYYY-MM-DD, empty: today)"),
                defaultValue="",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder"))
        )
        self.addOutput(QgsProcessingOutputFile(self.XLSX, tr("Report workbook (XLSX)")))
        self.addOutput(QgsProcessingOutputFile(self.PDF, tr("Report with chart (PDF)")))
        self.addOutput(QgsProcessingOutputNumber(self.WARNINGS, tr("Number of warnings")))

    def add_period_parameters(self) -> None:
        raise NotImplementedError

    def period(self, parameters, context) -> reports.Period:
        raise NotImplementedError

    def build(self, ledger, period, calendar, as_of, progress, is_cancelled):
        """The report, ``progress`` told how far it went (percent) and ``is_cancelled`` asked as
        it goes: reports.ReportCancelled when it says stop."""
        raise NotImplementedError

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        try:
            period = self.period(parameters, context)
        except ValueError as exc:
            raise fail(str(exc)) from None
        text = (self.parameterAsString(parameters, self.REPORT_DATE, context) or "").strip()
        try:
            as_of = dt.date.fromisoformat(text) if text else clock.today()
        except ValueError:
            raise fail(
                tr("The report date {date} is not a date (YYYY-MM-DD).").format(date=text)
            ) from None
        if as_of > clock.today():
            # The figures would count the cases overdue by then and the weeks not yet patrolled
            # as missed: a year typed wrong (2027 for 2026) read as a report of today.
            raise fail(
                tr(
                    "The report date {date} is after today ({today}): give today or an earlier "
                    "date, or leave it empty for today."
                ).format(date=as_of.isoformat(), today=clock.today().isoformat())
            )
        if as_of < period.start:
            # Nothing of the period has happened by then: every figure would be a zero that
            # reads as a month of no work (a December report dated 20 November).
            raise fail(
                tr(
                    "The report date {date} is before the period {period} begins ({start}): "
                    "give a date within or after it, or leave it empty for today."
                ).format(date=as_of.isoformat(), period=period.label, start=period.start)
            )
        # A report refused (an office login, a ledger that cannot be read) or cancelled leaves
        # nothing new behind: the folders made for it go again. Its workbook and PDF are
        # written into a hidden folder inside the output folder and moved into place together
        # (core.staging.publish), so a PDF that fails does not leave its new workbook beside the
        # earlier PDF, and a file that cannot be replaced (open in Excel or a PDF reader on
        # Windows) leaves the earlier pair as it was.
        made = folders_to_make(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        folder = output_folder(self, parameters, self.OUTPUT_FOLDER, context)
        result: dict = {}
        try:
            staging = staging_folder(folder, staging_files.REPORT_PREFIX, feedback.pushWarning)
            try:
                result = self._report(parameters, context, feedback, period, as_of, folder, staging)
            finally:
                for message in staging_files.discard_staging(staging):
                    feedback.pushWarning(message)
        finally:
            if not result:
                remove_made_folders(made)
        return result

    def _report(self, parameters, context, feedback, period, as_of, folder, staging) -> dict:
        """The report written into `staging` and published into `folder`; {} when cancelled
        before anything is published."""
        ledger = open_ledger(self, parameters, context, feedback)
        try:
            # The ledger's own calendar, as the dock uses. Lenient, as the dock: a deadline in
            # a year without a schedule is listed as an estimate, not left out.
            calendar = ledger.work_calendar(strict=False)
        except HolidayFileError as exc:
            ledger.close()
            raise fail(str(exc)) from None
        try:
            feedback.setProgressText(tr("Reading the ledger"))
            # Computing is the first half of the bar, writing the files the second. A cancel
            # ends a read in flight too (a shared ledger's, waiting on the network).
            with ledger.cancellable(feedback.isCanceled, reports.ReportCancelled):
                report = self.build(
                    ledger,
                    period,
                    calendar,
                    as_of,
                    lambda percent: feedback.setProgress(percent * BUILD_SHARE),
                    feedback.isCanceled,
                )
        except reports.ReportCancelled:
            return {}  # cancelled while counting: nothing was written
        except reports.OfficeLoginError as exc:
            raise fail(
                tr(
                    "{report} compares every office of the district, but the login {login} "
                    "sees only the rows of its own offices ({offices}) on the shared ledger "
                    "(row-level security): read with it, the report would rank or total them "
                    "alone as though they were the district. Run it with a brigade login. No "
                    "report was written."
                ).format(report=self.displayName(), login=exc.login, offices="、".join(exc.offices))
            ) from None
        except (LedgerError, ValueError) as exc:
            raise fail(str(exc)) from None
        finally:
            ledger.close()
        feedback.setProgress(100 * BUILD_SHARE)
        if feedback.isCanceled():
            return {}
        offices_only = getattr(report, "offices_only", None)
        if offices_only is not None:
            feedback.pushWarning(
                tr(
                    "The shared ledger was read with an office login, which sees only the rows "
                    "of its own offices (row-level security): this report holds {offices} only, "
                    "not the district, and its total is theirs."
                ).format(offices="、".join(offices_only))
            )
        for warning in report.warnings:
            feedback.pushWarning(warning)
        stem = f"{self.FILE_STEM}_{period.label}"
        xlsx, pdf = folder / f"{stem}.xlsx", folder / f"{stem}.pdf"
        writing = xlsx.name
        try:
            reports.write_report_xlsx(report, staging / xlsx.name)
            feedback.setProgressText(tr("Drawing the PDF"))
            writing = pdf.name
            pages = write_report_pdf(report, staging / pdf.name)
        except OSError as error:
            raise cannot_write(error, folder, writing, staging) from error
        except PdfDrawingError:
            raise fail(
                tr(
                    "{pdf} cannot be written: the PDF could not be drawn in {folder} (a full "
                    "disk, or a folder that cannot be written?). No report was written; an "
                    "earlier one there is as it was."
                ).format(pdf=pdf, folder=folder)
            ) from None
        if feedback.isCanceled():
            return {}
        try:
            staging_files.publish(staging, folder)
        except OSError as error:
            raise cannot_replace(error) from error
        self.saved()  # the report is in place: a cancel now cannot undo it
        feedback.pushInfo(
            tr("Wrote {xlsx} and {pdf} ({pages} pages).").format(xlsx=xlsx, pdf=pdf, pages=pages)
        )
        feedback.setProgress(100)
        return {
            self.OUTPUT_FOLDER: str(folder),
            self.XLSX: str(xlsx),
            self.PDF: str(pdf),
            self.WARNINGS: len(report.warnings),
        }


class MonthlyRanking(PatrolDaysHelp, _ReportAlgorithm):
    NAME = "monthlyranking"
    DISPLAY_NAME = "Monthly ranking of offices"
    FILE_STEM = "monthly_ranking"
    HELP = (
        "The monthly report (每月通报) ranking the natural-resources offices, due before "
        "the 5th of the next month. Per office: new illegal spots (current verdict "
        "illegal, first judged illegal in the month) with their area, cultivated land "
        "and permanent basic farmland in m² and mu; stop-order rate (illegal acts "
        "stopped ÷ illegal acts, patrol findings included; an act is stopped when, by "
        "the month's end or the report date if that comes first, its case had a stop "
        "event or its verdict said a stop order was issued); rectification rate (cases "
        "opened in the month closed right after verification or stop by then ÷ cases "
        "opened); patrol compliance (ISO weeks with at least {days} patrol "
        "days ÷ weeks); open and overdue cases as they stood at the month's end, or at "
        "the report date if that comes first (a case opened later does not count; a "
        "spot judged illegal with no case opened counts as a case discovered on its "
        "verdict date); and a score from 0 to 100, the weighted mean of the rates that "
        "apply (weights from the ledger setting report_weights or the defaults, "
        "printed in the notes). Spots and cases without an office are listed under "
        "（未填写所） and counted in the district's figures, with no patrol weeks, score or "
        "rank. Writes an XLSX workbook and a PDF with a bar chart of the scores. A "
        "month in a year without an official holiday schedule is warned. On the shared "
        "ledger an office login is refused, naming the login and its offices: run it "
        "with a brigade login."
    )
    MONTH = "MONTH"

    def add_period_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterString(
                self.MONTH, tr("Month (YYYY-MM)"), defaultValue=reports.last_month().label
            )
        )

    def period(self, parameters, context) -> reports.Period:
        text = self.parameterAsString(parameters, self.MONTH, context)
        return _period_of_kind(text, reports.MONTH, tr("{text} is not a month (YYYY-MM)."))

    def build(self, ledger, period, calendar, as_of, progress, is_cancelled):
        return reports.monthly_ranking(ledger, period, calendar, as_of, progress, is_cancelled)


def _period_of_kind(text: str, kind: str, refusal: str) -> reports.Period:
    """The period ``text`` names when it is of ``kind``; else ValueError with ``refusal``
    ({text} in it): 2026-13 was refused as no YYYY-MM, YYYY-Www, YYYY-H1/H2 or YYYY, formats
    the report then refuses too."""
    try:
        period = reports.Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != kind:
        raise ValueError(refusal.format(text=text))
    return period


class WeeklyDispatch(_ReportAlgorithm):
    NAME = "weeklydispatch"
    DISPLAY_NAME = "Weekly dispatch summary"
    FILE_STEM = "weekly_dispatch"
    HELP = (
        "The summary for the weekly dispatch meeting (每周调度) of one ISO week, Monday to "
        "Sunday: per office the spots verified for the first time and the new illegal "
        "spots of the week, and the cases by their current stage; then every open case "
        "deadline falling due from the report date to {working_days} working days after it "
        "on the ledger's holiday schedule, counted as the verification panel counts its "
        "due-soon warning (an estimated one, in a year without a schedule, up to 7 "
        "days further: its real day may be sooner), and every one already overdue. A "
        "spot judged illegal with no case opened is listed with the deadlines of a "
        "case discovered on its verdict date, its case marked 未立案 (no case opened). "
        "Writes an XLSX workbook and a PDF. On the shared ledger an office login gets "
        "its own offices alone, as the title, notes and total row say."
    )
    WEEK = "WEEK"

    def help_figures(self) -> dict[str, str]:
        return {"working_days": str(DISPATCH_WORKING_DAYS)}

    def add_period_parameters(self) -> None:
        last_week = clock.today() - dt.timedelta(days=7)
        self.addParameter(
            QgsProcessingParameterString(
                self.WEEK,
                tr("Week (any date in it, YYYY-MM-DD, or YYYY-Www)"),
                defaultValue=reports.Period.week(last_week).label,
            )
        )

    def period(self, parameters, context) -> reports.Period:
        text = (self.parameterAsString(parameters, self.WEEK, context) or "").strip()
        try:
            return reports.Period.week(dt.date.fromisoformat(text))
        except ValueError:
            return _period_of_kind(text, reports.WEEK, tr("{text} is not a week."))

    def build(self, ledger, period, calendar, as_of, progress, is_cancelled):
        return reports.weekly_dispatch(ledger, period, calendar, as_of, progress, is_cancelled)


class Assessment(_ReportAlgorithm):
    NAME = "assessment"
    DISPLAY_NAME = "Half-year or year assessment of offices"
    FILE_STEM = "assessment"
    HELP = (
        "The half-year or year assessment (半年、年度考核; the Assessment kind (KIND) chooses "
        "which, the Year assessed (YEAR) its year, and for a half-year Which half (HALF) the "
        "half) of the offices: the monthly ranking figures "
        "summed over the months of the period (rates recomputed from the summed counts, "
        "not averaged), scored with the same weights and ranked; a second sheet lists each "
        "office's monthly scores. Writes an XLSX workbook and a PDF. On the shared ledger "
        "an office login is refused, naming the login and its offices: run it with a "
        "brigade login."
    )
    KIND = "KIND"
    YEAR = "YEAR"
    HALF = "HALF"
    KIND_TITLES = {"HALF_YEAR": "Half-year", "YEAR": "Year"}
    HALF_TITLES = {"FIRST": "First half (January-June)", "SECOND": "Second half (July-December)"}

    def add_period_parameters(self) -> None:
        # The half-year ended last (January: last year's second half); with YEAR chosen, its
        # year is the year just ended from January to June, the current one (December's).
        last = reports.last_half_year()
        self.addParameter(
            QgsProcessingParameterEnum(
                self.KIND,
                tr("Assessment kind"),
                options=[tr(t) for t in self.KIND_TITLES.values()],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.YEAR,
                tr("Year assessed"),
                QgsProcessingParameterNumber.Type.Integer,
                last.start.year,
                minValue=2000,
                maxValue=2100,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.HALF,
                tr("Which half (half-year assessment)"),
                options=[tr(t) for t in self.HALF_TITLES.values()],
                defaultValue=0 if last.start.month == 1 else 1,
            )
        )

    def period(self, parameters, context) -> reports.Period:
        year = self.parameterAsInt(parameters, self.YEAR, context)
        if self.parameterAsEnum(parameters, self.KIND, context) == 1:
            return reports.Period.year(year)
        half = self.parameterAsEnum(parameters, self.HALF, context) + 1
        return reports.Period.half_year(year, half)

    def build(self, ledger, period, calendar, as_of, progress, is_cancelled):
        return reports.assessment(ledger, period, calendar, as_of, progress, is_cancelled)


class AccountabilityRatio(_ReportAlgorithm):
    NAME = "accountabilityratio"
    DISPLAY_NAME = "Accountability ratio"
    FILE_STEM = "accountability_ratio"
    HELP = (
        "The accountability ratio (问责比例) per town and for the district: cultivated "
        "land (GDMJ) of the spots judged illegal ÷ cultivated land of the spots on new "
        "construction land, those judged legal or illegal (a spot judged other: facility "
        "agricultural land, temporary land, rural road or no real change, never counts, "
        "whatever its TBLX says), over the spots whose current verdict was first given in "
        "the period (PERIOD: a year, a half-year, a month or an ISO week). A ratio of "
        "{ratio} % or more is flagged: it triggers the accountability of local leaders. "
        "Writes an XLSX workbook and a PDF with a chart of the ratios and the {ratio} % "
        "line. On the shared ledger an office login is refused, naming the login and its "
        "offices: run it with a brigade login."
    )
    PERIOD = "PERIOD"

    def help_figures(self) -> dict[str, str]:
        return {"ratio": f"{domain.ACCOUNTABILITY_RATIO * 100:g}"}

    def add_period_parameters(self) -> None:
        self.addParameter(
            QgsProcessingParameterString(
                self.PERIOD,
                tr("Period (YYYY, YYYY-H1, YYYY-MM or YYYY-Www)"),
                defaultValue=str(clock.today().year - 1),
            )
        )

    def period(self, parameters, context) -> reports.Period:
        return reports.Period.parse(self.parameterAsString(parameters, self.PERIOD, context))

    def build(self, ledger, period, calendar, as_of, progress, is_cancelled):
        return reports.accountability_ratio(ledger, period, calendar, as_of, progress, is_cancelled)
