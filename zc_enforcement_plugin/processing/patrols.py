"""Processing algorithms for the patrol ledger (巡查台帐): record patrols, check the weekly rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate

from ..compat import (
    FIELD_INT,
    FIELD_STRING,
    GEOMETRY_POINT,
    GEOMETRY_POLYGON,
    SOURCE_LINE,
    WKB_NO_GEOMETRY,
)
from ..core import clock, domain, ledger, patrols
from ..core.ledger_records import office_aliases_in, under_current_names
from ..core.workdays import HolidayFileError
from ..i18n import tr
from .base import (
    LEDGER_CRS,
    EnforcementAlgorithm,
    add_features,
    add_ledger_parameter,
    fail,
    open_ledger,
    open_sink,
    save_to_ledger,
)
from .layer_reader import layer_label, read_source


def _date(algorithm, parameters, name, context) -> dt.date:
    value = algorithm.parameterAsDateTime(parameters, name, context)
    return dt.date(value.date().year(), value.date().month(), value.date().day())


class PatrolDaysHelp:
    """For an algorithm whose HELP states the work plan's patrol days a week as {days}: the
    figure from its one place, core.patrols."""

    def help_figures(self) -> dict[str, str]:
        return {"days": str(patrols.PATROL_DAYS_PER_WEEK)}


class RecordPatrol(PatrolDaysHelp, EnforcementAlgorithm):
    WRITES_LEDGER = True
    NAME = "recordpatrol"
    DISPLAY_NAME = "Record a patrol"
    GROUP = "Cases and patrols"
    GROUP_ID = "patrols"
    HELP = (
        "Adds one day's patrol of an office to the ledger's patrol records (巡查台帐): "
        "date, staff, the route, what was found and the spots it concerns. The route is a "
        "line layer (ROUTE, for instance drawn in a scratch layer) or a GPX track (GPX) "
        "from a phone or GPS unit; it is stored in CGCS2000 / 3-degree Gauss-Krüger zone "
        "39. Patrol records are append-only, and the rule 'patrol on at least {days} days "
        "a week' is checked by Patrol compliance. Refused, nothing recorded: an office or "
        "spot number the ledger does not know (spot numbers concerned may also be "
        "separated by 、), a date after today, a GPX track recorded on other days than the "
        "patrol's (Beijing time), and the same patrol on the same route recorded twice."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.addParameter(QgsProcessingParameterString("OFFICE", tr("Office (SMC)")))
        # Today in Beijing, as the dock's forms start: the dialog's own default is the day in
        # this computer's zone (yesterday before 08:00 on a laptop set to UTC).
        today = clock.today()
        self.addParameter(
            QgsProcessingParameterDateTime(
                "DATE",
                tr("Patrol date"),
                type=QgsProcessingParameterDateTime.Type.Date,
                defaultValue=QDate(today.year, today.month, today.day),
            )
        )
        self.addParameter(QgsProcessingParameterString("STAFF", tr("Staff, separated by ;")))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "ROUTE", tr("Route (line layer)"), [SOURCE_LINE], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                "GPX",
                tr("Route (GPX track)"),
                extension="gpx",
                optional=True,
                behavior=QgsProcessingParameterFile.Behavior.File,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "FINDINGS", tr("What was found"), "", multiLine=True, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "SPOTS", tr("Spot numbers concerned, separated by ;"), "", optional=True
            )
        )
        self.addOutput(QgsProcessingOutputString("PATROL_ID", tr("Patrol number")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        if parameters.get("DATE") in (None, ""):
            # The default is the dialog's start (it always sends the date shown): a script
            # entering past patrols that left DATE out would file each under today.
            raise fail(tr("Give the patrol's date (DATE): nothing was recorded."))
        office = self.parameterAsString(parameters, "OFFICE", context).strip()
        day = _date(self, parameters, "DATE", context)
        staff = staff_names(self.parameterAsString(parameters, "STAFF", context))
        if not staff:  # separators alone (" ; 、"): said before a patrol number is made up
            raise fail(tr("Give the patrol's staff: nothing was recorded."))
        route = self._route(parameters, context, day, feedback)
        patrol_id = f"XC-{office}-{day.isoformat()}-{clock.now():%H%M%S}"
        try:
            record = patrols.PatrolRecord(
                id=patrol_id,
                office=office,
                date=day,
                staff=staff,
                route=route.wkt if route is not None else None,
                findings=self.parameterAsString(parameters, "FINDINGS", context).strip(),
                spot_numbers=tuple(
                    domain.split_list(self.parameterAsString(parameters, "SPOTS", context))
                ),
            )
            with open_ledger(self, parameters, context, feedback) as store:
                _check_known(store, record)
                record, alike = _numbered(store, record)
                # Recorded with its reply lost is recorded: run again, it would be a second
                # patrol of the same day and staff.
                save_to_ledger(self, feedback, lambda: store.add_patrol(record))
        except (ValueError, ledger.LedgerError, patrols.GpxError) as error:
            raise fail(str(error)) from error
        feedback.pushInfo(tr("Recorded patrol {id}").format(id=record.id))
        if alike:
            # Kept (a morning's and an afternoon's patrol are alike on paper), but said: most
            # often the same patrol entered twice, which adds no patrol day.
            feedback.pushWarning(
                tr(
                    "{id} is like {alike} of the same day (staff, findings and spots; no route "
                    "to tell them apart): it adds no patrol day. If it is the same patrol, "
                    "withdraw one with Withdraw a patrol."
                ).format(id=record.id, alike="、".join(alike))
            )
        return {"PATROL_ID": record.id}

    def _route(self, parameters, context, day: dt.date, feedback):
        """The route as one shapely line in EPSG:4527, from the line layer or the GPX file;
        a track recorded on other days than the patrol's is refused (a phone's old track).
        A line feature without geometry is left out, and said."""
        gpx = self.parameterAsString(parameters, "GPX", context)
        if gpx:
            try:
                days = patrols.track_days(patrols.read_gpx_track(gpx))
                if not days:  # a track without times may be any day's: recorded, and said
                    feedback.pushWarning(
                        tr(
                            "The GPX track {file} has no times: that it was walked on {date} "
                            "cannot be checked."
                        ).format(file=gpx, date=day.isoformat())
                    )
                days_said = "、".join(d.isoformat() for d in sorted(days))
                if days and day not in days:
                    raise fail(
                        tr(
                            "The GPX track {file} was recorded on {days} (Beijing time; a GPX "
                            "file's times are UTC), not on the patrol date {date}: choose that "
                            "day's track."
                        ).format(file=gpx, days=days_said, date=day.isoformat())
                    )
                if days and day != min(days):
                    # A patrol across midnight (22:00 to 01:00) was accepted for either day,
                    # and recorded for both counted two patrol days: one track, one patrol,
                    # on the day it began.
                    raise fail(
                        tr(
                            "The GPX track {file} runs over {days} (Beijing time): one track "
                            "is one patrol, recorded for the day it began, {first}. Nothing "
                            "was recorded."
                        ).format(file=gpx, days=days_said, first=min(days).isoformat())
                    )
                return patrols.route_from_gpx(gpx)
            except patrols.GpxError as error:
                raise fail(str(error)) from error
        source = self.parameterAsSource(parameters, "ROUTE", context)
        if source is None:
            return None
        label = layer_label(self, parameters, "ROUTE", context)[0]
        # The dialog offers line layers only; a path typed or scripted may be anything, and
        # the spots' polygons would end in a GEOS error or "got GeometryCollection".
        if QgsWkbTypes.geometryType(source.wkbType()) in (GEOMETRY_POLYGON, GEOMETRY_POINT):
            raise fail(
                tr("The route {layer} is a {kind} layer: a route is lines, or a GPX track.").format(
                    layer=label, kind=QgsWkbTypes.displayString(source.wkbType())
                )
            )
        arrays = read_source(source, label, [], LEDGER_CRS)
        lines, skipped = [], []
        for geom, fid in zip(arrays.geoms, arrays.feature_ids.tolist()):
            if geom is None or geom.is_empty:
                skipped.append(f"fid {fid}")
                continue
            if shapely.get_dimensions(geom) != 1:
                raise fail(
                    tr(
                        "Feature fid {fid} of the route {layer} is a {kind}: a route is lines, "
                        "or a GPX track."
                    ).format(fid=fid, layer=label, kind=geom.geom_type)
                )
            if not geom.is_valid:
                raise fail(
                    tr(
                        "Feature fid {fid} of the route {layer} is not a valid line ({reason}): "
                        "correct it or leave it out."
                    ).format(fid=fid, layer=label, reason=shapely.is_valid_reason(geom))
                )
            lines.append(geom)
        if not lines:
            raise fail(tr("The route layer {layer} holds no line.").format(layer=label))
        if skipped:  # the patrol is recorded with less of its route than the layer shows
            feedback.pushWarning(
                tr(
                    "{count} features of the route {layer} have no geometry and were skipped: "
                    "{features}."
                ).format(count=len(skipped), layer=label, features=domain.first_of(skipped, 10))
            )
        return shapely.line_merge(shapely.union_all(lines))


class WithdrawPatrol(EnforcementAlgorithm):
    WRITES_LEDGER = True
    NAME = "withdrawpatrol"
    DISPLAY_NAME = "Withdraw a patrol"
    GROUP = "Cases and patrols"
    GROUP_ID = "patrols"
    HELP = (
        "Withdraws a patrol recorded by mistake (another day's or another office's, one never "
        "made, the same patrol twice under two numbers), with the reason. The patrol stays in "
        "the ledger as recorded, with the withdrawal beside it (records are append-only); "
        "from then on Patrol compliance, the monthly ranking and the assessment no longer "
        "count it, and no case is opened from it. Record the corrected patrol anew with "
        "Record a patrol. Refused, nothing withdrawn: no reason given, a patrol number the "
        "ledger does not hold (on the shared ledger: or one of another office), a patrol "
        "withdrawn already, and a patrol a case was opened from (the case rests on it)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.addParameter(QgsProcessingParameterString("PATROL_ID", tr("Patrol number")))
        self.addParameter(
            QgsProcessingParameterString("REASON", tr("Reason for withdrawing"), multiLine=True)
        )
        self.addOutput(QgsProcessingOutputString("PATROL_ID", tr("Patrol number")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        # Processing's own refusal of an empty text names the parameter in English alone.
        for name, said in (
            ("PATROL_ID", tr("Give the number of the patrol to withdraw: nothing was withdrawn.")),
            ("REASON", tr("Say why the patrol is withdrawn: nothing was withdrawn.")),
        ):
            if not str(parameters.get(name) or "").strip():
                return False, said
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        number = self.parameterAsString(parameters, "PATROL_ID", context).strip()
        reason = self.parameterAsString(parameters, "REASON", context)
        try:
            with open_ledger(self, parameters, context, feedback) as store:
                found = store.patrols(patrol_ids=[number], include_withdrawn=True)
                # Withdrawn with its reply lost is withdrawn: run again, it is refused as such.
                save_to_ledger(self, feedback, lambda: store.withdraw_patrol(number, reason))
        except ledger.LedgerError as error:
            raise fail(str(error)) from error
        feedback.pushInfo(tr("Withdrew patrol {id}").format(id=number))
        for patrol in found:  # a number typed: what it named, for the user to see
            feedback.pushInfo(
                tr("It was {office}'s patrol of {date} by {staff}.").format(
                    office=patrol.office,
                    date=patrol.date.isoformat(),
                    staff="、".join(patrol.staff),
                )
            )
        return {"PATROL_ID": number}


# Weekdays off (official holidays) among a week's days checked: the rule asks the same days of a
# Spring Festival week as of any (bureau-confirm), and the column shows which weeks those are.
HOLIDAY_DAYS_FIELD = "JJRTS"


def _holidays_in(calendar, first: dt.date, last: dt.date) -> int | None:
    """Monday-to-Friday days off from `first` to `last`; None where a day's year has no
    official schedule (a guessed calendar knows only the fixed-date holidays)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if calendar is None or not all(calendar.covers(day) for day in days):
        return None
    return sum(1 for day in days if day.weekday() < 5 and not calendar.is_working_day(day))


def staff_names(typed: str) -> tuple[str, ...]:
    """The staff of a patrol as typed: a list's separators, and also spaces and slashes
    (张三 李四, 张三/李四); "张三 李四 王五" was stored as one person. But two single
    characters apart are one name padded to the width of three (李　四, as official papers
    align a two-character name with others): no name is one character, and 李 and 四 were
    stored as two people. Single characters in a row are paired so (张 三 李 四)."""
    names = []
    for item in domain.split_list(re.sub(r"[/／]+", ";", typed)):
        single = None  # a single character waiting for the other half of its name
        for part in item.split():
            if len(part) > 1:
                names += [single, part] if single else [part]
                single = None
            elif single:
                names.append(single + part)
                single = None
            else:
                single = part
        if single:
            names.append(single)
    return tuple(names)


def _numbered(store, record: patrols.PatrolRecord) -> tuple[patrols.PatrolRecord, list[str]]:
    """The record with a number no patrol holds yet (two recorded in one second would share
    one), and the numbers of the day's patrols alike but for a route to tell them apart;
    refused when the same patrol, on the same route, is already recorded (the tool run twice
    with the same track)."""
    same_day = store.patrols(office=record.office, start=record.date, end=record.date)
    alike = []
    for other in same_day:  # a patrol withdrawn may well be recorded again, corrected
        if not (
            sorted(other.staff) == sorted(record.staff)  # 张三;李四 is 李四、张三
            and other.findings == record.findings
            and tuple(other.spot_numbers) == tuple(record.spot_numbers)
        ):
            continue
        if _same_route(other, record):
            raise fail(tr("This patrol is already recorded, as {id}.").format(id=other.id))
        if other.route is None or record.route is None:
            alike.append(other.id)
    # A withdrawn patrol keeps its number (append-only): taken all the same.
    everyone = store.patrols(
        office=record.office, start=record.date, end=record.date, include_withdrawn=True
    )
    taken = {other.id for other in everyone}
    number, n = record.id, 1
    while number in taken:
        n += 1
        number = f"{record.id}-{n}"
    return dataclasses.replace(record, id=number), alike


def _same_route(one: patrols.PatrolRecord, other: patrols.PatrolRecord) -> bool:
    """Whether two patrols walked the same recorded route; without routes there is no telling
    a morning's patrol from an afternoon's, and both are kept."""
    a, b = one.route_geometry(), other.route_geometry()
    if a is None or b is None:
        return False
    return a.hausdorff_distance(b) <= 0.01  # stored as a multi-line, given as a line


def _check_known(store, record: patrols.PatrolRecord) -> None:
    """A patrol is recorded for good (patrols are append-only): an office or spot number the
    ledger does not know is a typo that would stay, and count a phantom office, so it is
    refused with the names the ledger does know. An office login on the shared ledger sees only
    its own offices and their towns' spots: what it does not see may well exist, hidden by row
    security, and is refused as not this login's, never as not in the ledger."""
    offices = store.known_offices()
    renamed = office_aliases_in(store.settings()).get(record.office)
    if renamed:  # the old name of an office renamed: counted under the new one, named here
        raise fail(
            tr(
                "Office {office} was renamed {current} (the ledger's office aliases): record "
                "the patrol under {current}. On the shared ledger a login still set up as "
                "{office} needs the administrator to set it up with the new name first. "
                "Nothing was recorded."
            ).format(office=record.office, current=renamed)
        )
    numbers = {s.number for s in store.spots()}
    unknown = [number for number in record.spot_numbers if number not in numbers]
    if not store.sees_every_office:
        _check_own(store, record, unknown)
    if offices and record.office not in offices:
        raise fail(
            tr("Office {office} is not in the ledger; its offices are: {offices}.").format(
                office=record.office, offices="、".join(sorted(offices))
            )
        )
    if unknown:
        raise fail(
            tr("Spot numbers not in the ledger: {numbers}.").format(numbers="、".join(unknown))
        )


def _check_own(store, record: patrols.PatrolRecord, unseen: list[str]) -> None:
    """The refusals of _check_known for a login that sees only its own offices' rows."""
    own = "、".join(sorted(store.configured_offices()))
    login = store.login
    if record.office not in store.configured_offices():
        raise fail(
            tr(
                "Office {office} is not one of this login's offices: on the shared ledger the "
                "login {login} sees only {own} (row-level security). A patrol of another office "
                "is recorded with that office's login or the brigade's. Nothing was recorded."
            ).format(office=record.office, login=login, own=own)
        )
    if unseen:
        raise fail(
            tr(
                "Spots {numbers} are not among this login's spots: on the shared ledger the "
                "login {login} sees only the spots of the towns of {own} (row-level security); "
                "a spot of another office's towns is hidden from it. A patrol of another "
                "office's spots is recorded with that office's login or the brigade's. Nothing "
                "was recorded."
            ).format(numbers="、".join(unseen), login=login, own=own)
        )


class PatrolCompliance(PatrolDaysHelp, EnforcementAlgorithm):
    NAME = "patrolcompliance"
    DISPLAY_NAME = "Patrol compliance by office and week"
    GROUP = "Cases and patrols"
    GROUP_ID = "patrols"
    HELP = (
        "Checks the work plan's rule that each office patrols on at least {days} days "
        "a week (patrol days required per week, a parameter) between two dates, by ISO "
        "week (Monday to Sunday), counting distinct patrol days. Output: one row per "
        "office and week that falls short (SMC office, ZC ISO week 'YYYY-Www', ZKS "
        "first day, XCTS days patrolled, YQTS days required, QK days missing, BF 1 "
        "when the week is cut by the dates checked, which is shown but not counted as "
        "a shortfall, JJRTS its weekdays off by the official holiday schedule, empty "
        "where there is none)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        # Last complete week (Monday to Sunday) by default: both dates were today, a range of
        # one day in which no week can be judged.
        today = clock.today()
        monday = today - dt.timedelta(days=today.weekday() + 7)
        for name, title, day in (
            ("START", tr("From"), monday),
            ("END", tr("To"), monday + dt.timedelta(days=6)),
        ):
            self.addParameter(
                QgsProcessingParameterDateTime(
                    name,
                    title,
                    type=QgsProcessingParameterDateTime.Type.Date,
                    defaultValue=QDate(day.year, day.month, day.day),
                )
            )
        self.addParameter(
            QgsProcessingParameterNumber(
                "MIN_DAYS",
                tr("Patrol days required per week"),
                QgsProcessingParameterNumber.Type.Integer,
                patrols.PATROL_DAYS_PER_WEEK,
                minValue=1,
                maxValue=7,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", tr("Weeks short of patrols")))
        self.addOutput(QgsProcessingOutputNumber("SHORTFALLS", tr("Weeks short of patrols")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        start, end = (
            _date(self, parameters, "START", context),
            _date(self, parameters, "END", context),
        )
        if end < start:
            raise fail(tr("The end date is before the start date."))
        today = clock.today()
        if start > today:
            raise fail(
                tr("The dates checked ({start} to {end}) are after today, {today}.").format(
                    start=start, end=end, today=today
                )
            )
        if end > today:
            # Days not come yet are no days missed: counted to them, every office fell short
            # of every future week. The week of today is then cut, shown, not counted.
            feedback.pushWarning(
                tr("The end date {end} is after today: weeks are checked up to {today}.").format(
                    end=end, today=today
                )
            )
            end = today
        try:
            with open_ledger(self, parameters, context, feedback) as store:
                # An office renamed: its patrols under the old name count under the new one,
                # which known_offices lists.
                aliases = office_aliases_in(store.settings())
                records = under_current_names(store.patrols(start=start, end=end), aliases)
                # Every office the ledger knows, as the monthly ranking lists them: one that
                # stopped patrolling before the range (and has no spots) is the one short.
                offices = sorted(store.known_offices())
                try:
                    calendar = store.work_calendar(strict=False)
                except HolidayFileError as error:  # only for JJRTS: said, left empty
                    feedback.pushWarning(str(error))
                    calendar = None
        except ledger.LedgerError as error:
            raise fail(str(error)) from error
        shortfalls = patrols.weekly_compliance(
            records, offices, start, end, self.parameterAsInt(parameters, "MIN_DAYS", context)
        )
        fields = QgsFields()
        for name, kind in (
            (domain.OFFICE_NAME, FIELD_STRING),  # SMC: XZMC is a town
            ("ZC", FIELD_STRING),
            ("ZKS", FIELD_STRING),
            ("XCTS", FIELD_INT),
            ("YQTS", FIELD_INT),
            ("QK", FIELD_INT),
            ("BF", FIELD_INT),
            (HOLIDAY_DAYS_FIELD, FIELD_INT),
        ):
            fields.append(QgsField(name, kind))
        sink, dest = open_sink(
            self,
            parameters,
            "OUTPUT",
            context,
            fields,
            WKB_NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        counted = 0
        for shortfall in shortfalls:
            feature = QgsFeature(fields)
            days = len(shortfall.patrol_days)
            feature.setAttributes(
                [
                    shortfall.office,
                    f"{shortfall.iso_year}-W{shortfall.iso_week:02d}",
                    shortfall.week_start.isoformat(),
                    days,
                    shortfall.required,
                    max(shortfall.required - days, 0),
                    int(shortfall.partial),
                    _holidays_in(calendar, shortfall.counted_from, shortfall.counted_to),
                ]
            )
            add_features(sink, [feature], "OUTPUT")
            counted += int(shortfall.is_shortfall)
        feedback.pushInfo(tr("{count} office-weeks short of patrols").format(count=counted))
        return {"OUTPUT": dest, "SHORTFALLS": counted}
