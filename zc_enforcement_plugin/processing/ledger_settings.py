"""Processing algorithm zcenforcement:ledgersettings: the bureau's deadline rules, ranking
weights and offices renamed, shown, changed or reset, checked before anything is stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ..core import clock, ledger, reports, workdays
from ..core import deadlines as dl
from ..core import ledger_schema as ls
from ..core.ledger_records import office_aliases_from, office_aliases_in
from ..core.report_basis import COMPONENT_LABELS
from ..deadline_tags import departs_from_law, rule_basis, rule_length, rule_name, rule_tag
from ..i18n import chinese_interface, in_interface_language, labelled, parameter_label, tr
from .base import EnforcementAlgorithm, add_ledger_parameter, fail, open_ledger, save_to_ledger

# Typed instead of JSON: back to the plugin's defaults (the setting is removed).
RESET = ("default", "默认")


class LedgerSettings(EnforcementAlgorithm):
    WRITES_LEDGER = True
    NAME = "ledgersettings"
    DISPLAY_NAME = "Ledger settings: deadline rules, ranking weights, shared evidence folder"
    GROUP = "Cases and patrols"
    GROUP_ID = "patrols"
    HELP = (
        "Shows, changes or resets the bureau's own settings stored in a ledger. "
        'Deadline rules: JSON of rule → length, e.g. {"penalty_decision": {"amount": '
        '60}} or {"statement_hearing_request": {"amount": 3, "unit": "working_days"}} '
        "(units: working_days, calendar_days, years; fields: amount, unit, "
        "roll_forward, basis). Ranking weights: JSON of component → weight, e.g. "
        '{"stop_rate": 40, "timeliness": 10} (components: stop_rate, '
        "rectification_rate, patrol_compliance, timeliness). What is given is merged "
        "into what is stored (the fields of a rule and the weights given replace their "
        'own, the others stay; null removes one, e.g. {"penalty_decision": null}); a '
        "field left empty keeps what is stored; the word default (默认) goes back to the "
        "plugin's defaults. Each value is checked before it is stored: a wrong rule "
        "name, unit or weight stops the run and nothing changes. The log lists every "
        "rule and weight in force. Offices renamed: JSON of old office name → current "
        'name, e.g. {"罗村自然资源所": "罗村自然资源和规划所"}, for an office whose name (SMC) '
        "changed: the cases and patrols recorded under the old name keep it, and every "
        "report, the patrol check and the list of offices count them under the current "
        "name (merged and reset as above). Shared evidence folder (shared ledger only, set by "
        "the brigade): the folder every QGIS machine reaches the evidence files in, "
        "e.g. \\\\server\\zc_evidence or a network mount; it is stored on the server and "
        "used by everyone who opens the ledger. A GeoPackage ledger keeps its evidence "
        "beside its file. Holiday file to store (shared ledger only, set by the "
        "brigade): a holiday file in the format of the plugin's "
        "resources/holidays.json, e.g. the next year's schedule once the State Council "
        "has published it; its years are stored on the server, replacing the same "
        "years stored before, and every machine counts working days by them; a year "
        'given as null (e.g. {"2027": null}) removes the stored one. A '
        "GeoPackage ledger reads the holidays.json beside its file. The log lists the "
        "years with a schedule and where each comes from."
    )

    DEADLINE_RULES = "DEADLINE_RULES"
    REPORT_WEIGHTS = "REPORT_WEIGHTS"
    OFFICE_ALIASES = "OFFICE_ALIASES"
    EVIDENCE_FOLDER = "EVIDENCE_FOLDER"
    HOLIDAY_FILE = "HOLIDAY_FILE"
    IN_FORCE = "IN_FORCE"
    _KEYS = {
        DEADLINE_RULES: ls.SETTING_DEADLINE_RULES,
        REPORT_WEIGHTS: ls.SETTING_REPORT_WEIGHTS,
        OFFICE_ALIASES: ls.SETTING_OFFICE_ALIASES,
    }

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.DEADLINE_RULES,
                tr("Deadline rules (JSON; empty: keep; default: reset)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.REPORT_WEIGHTS,
                tr("Ranking weights (JSON; empty: keep; default: reset)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.OFFICE_ALIASES,
                tr("Offices renamed (JSON old name → current name; empty: keep; default: reset)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.EVIDENCE_FOLDER,
                tr("Shared evidence folder (shared ledger; empty: keep)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.HOLIDAY_FILE,
                tr("Holiday file to store (shared ledger; empty: keep)"),
                extension="json",
                optional=True,
            )
        )
        self.addOutput(QgsProcessingOutputString(self.IN_FORCE, tr("Settings in force")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        changes = {}
        for name, key in self._KEYS.items():
            text = (self.parameterAsString(parameters, name, context) or "").strip()
            if not text:
                continue
            if text.lower() in RESET:
                changes[key] = None
                continue
            try:
                changes[key] = json.loads(text)
            except json.JSONDecodeError as error:
                # Named as the dialog shows it, and where to look: it gave DEADLINE_RULES and
                # Python's English ("Expecting ',' delimiter") in a Chinese QGIS.
                raise fail(
                    tr(
                        "{parameter} is not JSON: look at line {line}, column {column} ({error})."
                    ).format(
                        parameter=parameter_label(self.parameterDefinition(name)),
                        line=error.lineno,
                        column=error.colno,
                        error=error.msg,
                    )
                ) from None
            if key == ls.SETTING_DEADLINE_RULES:
                # Checked as typed first, so a misspelt rule is said of the parameter, not of
                # the ledger's stored settings it would be merged into.
                try:
                    dl.rules_from_dict(_without_removals(changes[key]), name)
                except dl.DeadlineConfigError as error:
                    raise fail(str(error)) from None
            if key == ls.SETTING_OFFICE_ALIASES:
                try:
                    office_aliases_from(_without_removals(changes[key]))
                except ledger.LedgerError as error:
                    raise fail(f"{name}: {error}") from None
        folder = (self.parameterAsString(parameters, self.EVIDENCE_FOLDER, context) or "").strip()
        holidays = self._holidays(parameters, context)
        with open_ledger(self, parameters, context, feedback) as store:
            shared = hasattr(store, "set_evidence_dir")
            if folder and not shared:
                raise fail(
                    tr(
                        "A GeoPackage ledger keeps its evidence beside its file: the evidence "
                        "folder is set only on a shared ledger."
                    )
                )
            if holidays is not None and not shared:
                raise fail(
                    tr(
                        "A GeoPackage ledger reads the holiday file beside it: copy the file "
                        "to {file}."
                    ).format(file=workdays.bureau_holiday_file(store.path))
                )
            if holidays is not None:  # the years given replace the same years stored
                changes[ls.SETTING_HOLIDAYS] = holidays
            try:
                # Stored with the reply lost is stored: what is in force is read back below.
                save_to_ledger(self, feedback, lambda: _store_settings(store, changes, folder))
                rules = store.deadline_rules()
                weights = reports.score_weights(store.settings().get(ls.SETTING_REPORT_WEIGHTS))
                aliases = office_aliases_in(store.settings())
                evidence_line = _evidence_folder_line(store, feedback)
                calendar = store.work_calendar(strict=False)
            except (ledger.LedgerError, dl.DeadlineConfigError, ValueError) as error:
                raise fail(str(error)) from None
        lines = [tr("Deadline rules in force:")]
        for name in rules.names():
            rule = rules.rule(name)
            # By its name, its code for the JSON after it, and its basis in the interface's
            # language: the list gave the codes and English bases in a Chinese QGIS.
            if chinese_interface():  # full-width brackets and dash carry their own space
                said = f"{rule_length(rules, name)}{rule_tag(rule)}——{rule_basis(rule)}"
            else:
                said = f"{rule_length(rules, name)} {rule_tag(rule)} — {rule_basis(rule)}"
            lines.append("  " + labelled(rule_name(name), said))
            if departs_from_law(rules, name):
                # Its tag still says 法定, as what it rests on: the length is the bureau's.
                feedback.pushWarning(
                    tr(
                        "Deadline rule {rule} is set by law ({basis}): this ledger gives it "
                        "{length} instead of {law}. Deadlines are counted so; make sure that "
                        "is meant."
                    ).format(
                        rule=rule_name(name),
                        basis=rule_basis(rule),
                        length=rule_length(rules, name),
                        law=rule_length(dl.DEFAULT_RULES, name),
                    )
                )
        lines.append(tr("Ranking weights in force:"))
        lines += [
            "  " + labelled(component_name(component), f"{weight:g}")
            for component, weight in weights.items()
        ]
        if aliases:
            lines.append(tr("Offices renamed, counted under their current name:"))
            lines += [f"  {old} → {new}" for old, new in sorted(aliases.items())]
        lines.append(evidence_line)
        lines.append(tr("Holiday schedules in force:"))
        lines += [in_interface_language(run.indented()) for run in calendar.schedule_sources()]
        for warning in calendar.override_warnings:
            feedback.pushWarning(warning)
        for warning in missing_schedule_warnings(calendar, clock.today()):
            lines.append(warning)
            feedback.pushWarning(warning)
        for line in lines:
            feedback.pushInfo(line)
        return {self.IN_FORCE: "\n".join(lines)}

    def _holidays(self, parameters, context) -> dict | None:
        """The holiday file given, checked as the calendar reads it; None when none given."""
        path = (self.parameterAsFile(parameters, self.HOLIDAY_FILE, context) or "").strip()
        if not path:
            return None
        try:
            data = workdays.read_holiday_json(path)
            # A year given as null removes the stored one (as a deadline rule given as null
            # does): the one way to take back a year stored wrong, e.g. a notice typed half.
            given = data if not isinstance(data, dict) else _without_removals(data)
            workdays.holiday_schedules(given, path)  # every entry checked, file and entry named
            return data
        except workdays.HolidayFileError as error:
            raise fail(str(error)) from None


def component_name(component: str) -> str:
    """A ranking component as the reports name it, its code for the JSON after it: 制止率
    （stop_rate）, or stop-order rate (stop_rate)."""
    label = COMPONENT_LABELS[component]
    if chinese_interface():
        return f"{label.chinese}（{component}）"
    if label.english.replace(" ", "_") == component:
        return component  # "timeliness", not "timeliness (timeliness)"
    return f"{label.english} ({component})"


def _store_settings(store, changes: dict, folder: str) -> None:
    """Store the settings changed and the evidence folder, all or nothing."""
    with store.transaction():
        # The read-merge-write below as one: a second run waits for the first and merges on
        # top of it (the shared ledger; a GeoPackage's transaction does).
        lock_settings = getattr(store, "lock_settings", None)
        if lock_settings is not None:
            lock_settings()
        for key, value in changes.items():
            store.set_setting(key, _stored(key, store.settings().get(key), value))
        if folder:
            store.set_evidence_dir(folder)


def _stored(key: str, stored, given):
    """What setting `key` holds once `given` is stored. A holiday file's years replace the same
    years stored, whole: a corrected year lists every day it means, and one merged field by
    field would keep the swapped days it no longer lists, or refuse a day moved from workdays
    to holidays as in both; a year given as null is removed. The other settings are merged
    (_merged)."""
    if key == ls.SETTING_HOLIDAYS and isinstance(given, dict):
        stored = stored if isinstance(stored, dict) else {}
        # Years only: a file's comments stay in the file. A year once stored inside one (read
        # as a comment then, refused now) goes with them, so storing the corrected file mends it.
        return {
            k: v for k, v in {**stored, **given}.items() if not k.startswith("_") and v is not None
        }
    return _merged(stored, given)


def _without_removals(given):
    """The rules given, without those given as null (removed, see _merged)."""
    if not isinstance(given, dict):
        return given
    return {name: value for name, value in given.items() if value is not None}


def _merged(stored, given):
    """`given` merged into `stored`: an entry given replaces its own (a rule's fields one by
    one), an entry given as null is removed, the others stay; None when nothing is left (the
    setting goes, the defaults apply)."""
    if not isinstance(given, dict) or not isinstance(stored, dict):
        return given
    merged = dict(stored)
    for name, value in given.items():
        if value is None:
            merged.pop(name, None)
        elif isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = {**merged[name], **value}
        else:
            merged[name] = value
    return merged or None


def _evidence_folder_line(store, feedback) -> str:
    """The evidence folder in force, with a warning when this machine cannot reach it (another
    machine may see the share under its own name, so it is said, not refused)."""
    try:
        # The stored one on a shared ledger, as everyone's machine is told it, reached or not.
        stored = getattr(store, "stored_evidence_dir", None)
        folder = (stored() if stored is not None else None) or store.evidence_dir
    except ledger.LedgerError as error:
        feedback.reportError(str(error), False)
        return tr("Evidence folder: not set")
    if stored is None and not Path(folder).is_dir():
        recorded = len(store.evidence())
        if recorded:  # the ledger copied to another machine without its folder, say
            feedback.reportError(
                tr(
                    "The evidence folder {folder} is missing, though the ledger records "
                    "{count} evidence files in it: copy the folder beside the ledger."
                ).format(folder=folder, count=recorded),
                False,
            )
            return tr("Evidence folder: {folder}").format(folder=folder)
        # A GeoPackage's folder beside its file, not made until the first file is attached:
        # nothing is wrong yet.
        return tr(
            "Evidence folder: {folder} (made when the first evidence file is attached)"
        ).format(folder=folder)
    if not Path(folder).is_dir():
        feedback.reportError(
            tr("The evidence folder {folder} cannot be reached from this machine.").format(
                folder=folder
            ),
            False,
        )
    return tr("Evidence folder: {folder}").format(folder=folder)


# The State Council publishes the next year's holiday notice in the last quarter.
NOTICE_MONTH = 10


def missing_schedule_warnings(calendar: workdays.WorkCalendar, today: dt.date) -> list[str]:
    """Said while a year deadlines run into has no schedule, with where to add it (the file
    beside a GeoPackage ledger, or a shared ledger's HOLIDAY_FILE): this year's always (its
    deadlines are estimates now), next year's from the notice's season on."""
    years = [today.year] + ([today.year + 1] if today.month >= NOTICE_MONTH else [])
    # The place in the interface's language: a translated text holds no "中文 / English" pair.
    add_to_zh, add_to_en = calendar.add_to_halves
    where = add_to_zh if chinese_interface() else add_to_en
    return [
        tr(
            "No holiday schedule for {year} yet: its working-day deadlines will be estimates. "
            "Once the State Council publishes the {year} holiday notice, add the year to "
            "{where}."
        ).format(year=year, where=where)
        for year in years
        if not calendar.covers(dt.date(year, 1, 1))
    ]
