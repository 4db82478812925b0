"""What a deadline rule rests on, in the interface's language: the case page tags each deadline
with it and ledgersettings lists it beside each rule, in the same words."""

from __future__ import annotations

from .core import deadlines as dl
from .i18n import chinese_interface, tr


def rule_tag(rule: dl.Rule) -> str:
    """What a rule rests on, as the page tags it: 法定 or 工作方案, and （待核实） when DOMAIN.md
    marks it to verify (Rule.kind, Rule.to_verify: never read from the basis text)."""
    kind = tr("statutory") if rule.kind == dl.LEGAL else tr("work plan")
    return "〔" + (tr("{kind}, to verify").format(kind=kind) if rule.to_verify else kind) + "〕"


def rule_length(rules: dl.DeadlineRules, name: str) -> str:
    """A rule's length in the interface's language: 2 年, or 2 years; 当日, the same day."""
    return rules.length_zh(name) if chinese_interface() else rules.length_en(name)


def rule_name(name: str) -> str:
    """A rule as a person reads it, its code after it for the settings' JSON: 逾期未整改立案
    （file_case）, or case filed when still unrectified (file_case)."""
    if chinese_interface():
        return f"{dl.RULE_LABELS_ZH[name]}（{name}）"
    return f"{dl.RULE_LABELS_EN[name]} ({name})"


def rule_basis(rule: dl.Rule) -> str:
    """What a rule rests on, in the interface's language (the bureau's own basis as given)."""
    return rule.basis_zh if chinese_interface() and rule.basis_zh else rule.basis


def departs_from_law(rules: dl.DeadlineRules, name: str) -> bool:
    """Whether rule ``name`` is set by law, confirmed (not marked to verify), and the ledger
    gives it another length than the law's: the bureau's to answer for, and said."""
    rule, law = rules.rule(name), dl.DEFAULT_RULES.rule(name)
    confirmed = law.kind == dl.LEGAL and not law.to_verify
    return confirmed and (rule.amount, rule.unit) != (law.amount, law.unit)
