"""What a deadline rule rests on, in the interface's language: the case page tags each deadline
with it and ledgersettings lists it beside each rule, in the same words."""

from __future__ import annotations

from .core import deadlines as dl
from .i18n import tr


def rule_tag(rule: dl.Rule) -> str:
    """What a rule rests on, as the page tags it: 法定 or 工作方案, and （待核实） when DOMAIN.md
    marks it to verify (Rule.kind, Rule.to_verify: never read from the basis text)."""
    kind = tr("statutory") if rule.kind == dl.LEGAL else tr("work plan")
    return "〔" + (tr("{kind}, to verify").format(kind=kind) if rule.to_verify else kind) + "〕"
