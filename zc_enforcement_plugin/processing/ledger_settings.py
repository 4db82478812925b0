"""Processing algorithm zcenforcement:ledgersettings: the bureau's deadline rules and ranking
weights, shown, changed or reset, checked before anything is stored."""

from __future__ import annotations

import json

from qgis.core import QgsProcessingOutputString, QgsProcessingParameterString

from ..core import deadlines as dl
from ..core import ledger, reports
from ..core import ledger_schema as ls
from ..i18n import tr
from .base import EnforcementAlgorithm, add_ledger_parameter, fail, open_ledger

# Typed instead of JSON: back to the plugin's defaults (the setting is removed).
RESET = ("default", "默认")


class LedgerSettings(EnforcementAlgorithm):
    NAME = "ledgersettings"
    DISPLAY_NAME = "Ledger settings: deadline rules and ranking weights"
    GROUP = "Cases and patrols"
    GROUP_ID = "patrols"
    HELP = (
        "Shows, changes or resets the bureau's own settings stored in a ledger. Deadline rules: "
        'JSON of rule → length, e.g. {"penalty_decision": {"amount": 60}} or '
        '{"statement_hearing_request": {"amount": 3, "unit": "working_days"}} (units: '
        "working_days, calendar_days, years; fields: amount, unit, roll_forward, basis). Ranking "
        'weights: JSON of component → weight, e.g. {"stop_rate": 40, "timeliness": 10} '
        "(components: stop_rate, rectification_rate, patrol_compliance, timeliness). What is "
        "given is merged into what is stored (the fields of a rule and the weights given replace "
        'their own, the others stay; null removes one, e.g. {"penalty_decision": null}); a '
        "field left empty keeps what is stored; the word default (默认) goes back to the "
        "plugin's defaults. Each value is checked before it is stored: a wrong rule name, unit "
        "or "
        "weight stops the run and nothing changes. The log lists every rule and weight in force."
    )

    DEADLINE_RULES = "DEADLINE_RULES"
    REPORT_WEIGHTS = "REPORT_WEIGHTS"
    IN_FORCE = "IN_FORCE"
    _KEYS = {DEADLINE_RULES: ls.SETTING_DEADLINE_RULES, REPORT_WEIGHTS: ls.SETTING_REPORT_WEIGHTS}

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
            except ValueError as error:
                raise fail(
                    tr("{parameter} is not JSON: {error}").format(parameter=name, error=error)
                ) from None
        with open_ledger(self, parameters, context) as store:
            try:
                with store.transaction():  # both or neither
                    for key, value in changes.items():
                        store.set_setting(key, _merged(store.settings().get(key), value))
                rules = store.deadline_rules()
                weights = reports.score_weights(store.settings().get(ls.SETTING_REPORT_WEIGHTS))
            except (ledger.LedgerError, dl.DeadlineConfigError, ValueError) as error:
                raise fail(str(error)) from None
        lines = [tr("Deadline rules in force:")]
        for name in rules.names():
            rule = rules.rule(name)
            lines.append(f"  {name}: {rule.amount} {rule.unit} — {rule.basis}")
        lines.append(tr("Ranking weights in force:"))
        lines += [f"  {name}: {weight:g}" for name, weight in weights.items()]
        for line in lines:
            feedback.pushInfo(line)
        return {self.IN_FORCE: "\n".join(lines)}


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
