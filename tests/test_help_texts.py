"""Each algorithm's built-in help (shortHelpString) names what a technician cannot read off the
dialog, in English and in the shipped Chinese: the help is what QGIS shows beside the form."""

from __future__ import annotations

import re

import pytest
from qgis.PyQt.QtCore import QCoreApplication

from zc_enforcement_plugin.i18n import install_translator

# Per algorithm, the parameters whose use the dialog's label does not tell (a field read for
# something, a switch with a refusal behind it, a figure with a rule): its help must name each,
# by the head of the label the dialog shows or by the parameter's name in capitals (BATCH, as
# scripts and the README call it; see _names). Every other parameter is listed as
# self-evident, so a new parameter fails here until someone decides which it is.
EXPLAINED = {
    "accountabilityratio": ["PERIOD"],
    "assessment": ["KIND"],
    "auditfacilityland": [
        "GROUND",
        "USE_SYNONYMS",
        "AUXILIARY_USES",
        "AUXILIARY_MAX_PERCENT",
        "AUXILIARY_MAX_AREA",
        "NON_AGRICULTURAL_USES",
        "BASIC_FARMLAND_ALLOWED_USES",
        "START_SEQUENCE",
        "OUTPUT_VIOLATIONS",
    ],
    "auditmining": ["MINING_TYPES", "CHECK_DATE", "START_SEQUENCE", "OUTPUT_VIOLATIONS"],
    "audittemporaryland": [
        "GROUND",
        "LEVEL_FIELD",
        "INFRASTRUCTURE_FIELD",
        "USE_SYNONYMS",
        "RESTORED_USES",
        "CHECK_DATE",
        "LEDGER",
        "RESTORATION_YEARS",
        "BASIC_FARMLAND_MIN_LEVEL",
        "CULTIVATED_MIN_LEVEL",
        "CULTIVATED_MAX_AREA",
        "START_SEQUENCE",
        "OUTPUT_VIOLATIONS",
    ],
    "copyledger": ["TARGET"],
    "createdemodistrict": ["SIZE", "SEED"],
    "exportverification": ["ENCODING", "AFTER_IMAGE", "BEFORE_IMAGE", "SHEETS_FOR"],
    "importspots": ["SPOT_KEY_FIELD", "BATCH", "REPEAT_SPOTS", "ADD_TO_BATCH", "TOWNS", "PIECES"],
    "withdrawbatch": ["BATCH"],
    "ledgersettings": [
        "DEADLINE_RULES",
        "REPORT_WEIGHTS",
        "OFFICE_ALIASES",
        "EVIDENCE_FOLDER",
        "HOLIDAY_FILE",
    ],
    "monthlyranking": ["REPORT_DATE"],
    "patrolcompliance": ["MIN_DAYS"],
    "polygonizechange": [
        "CHANGE_VALUES",
        "MIN_AREA",
        "SIMPLIFY",
        "CONNECTIVITY",
        "WINDOW_SIZE",
        "START_SEQUENCE",
    ],
    "recordpatrol": ["ROUTE", "GPX", "SPOTS"],
    "withdrawpatrol": [],
    "screenspots": [
        "SPOT_KEY_FIELD",
        "LAND_USE_CLASS_FIELD",
        "APPROVALS",
        "AREA_METHOD",
        "DEDUCT_RIDGES",
        "APPROVAL_SHARE",
        "OUTPUT_PIECES",
    ],
    "threezonestwolines": ["DISTANCES", "CLIP", "OUTPUT_SUMMARY", "OUTPUT_DETAIL"],
    "weeklydispatch": ["REPORT_DATE"],
}
SELF_EVIDENT = {
    "accountabilityratio": ["LEDGER", "REPORT_DATE", "OUTPUT_FOLDER"],
    "assessment": ["LEDGER", "YEAR", "HALF", "REPORT_DATE", "OUTPUT_FOLDER"],
    "auditfacilityland": [
        "APPROVALS",
        "NUMBER_FIELD",
        "AREA_FIELD",
        "USE_FIELD",
        "GROUND_ID_FIELD",
        "GROUND_USE_FIELD",
        "BASIC_FARMLAND",
        "AREA_METHOD",
        "COUNTY_CODE",
        "YEAR",
        "OUTPUT",
    ],
    "auditmining": [
        "ACTIVITY",
        "ACTIVITY_ID_FIELD",
        "ACTIVITY_TYPE_FIELD",
        "LICENCES",
        "LICENCE_NUMBER_FIELD",
        "VALID_FROM_FIELD",
        "VALID_TO_FIELD",
        "NO_MINING",
        "RED_LINE",
        "THREE_ZONES",
        "AREA_METHOD",
        "COUNTY_CODE",
        "YEAR",
        "OUTPUT",
    ],
    "audittemporaryland": [
        "APPROVALS",
        "NUMBER_FIELD",
        "AREA_FIELD",
        "USE_FIELD",
        "START_FIELD",
        "END_FIELD",
        "GROUND_ID_FIELD",
        "GROUND_USE_FIELD",
        "BASIC_FARMLAND",
        "LAND_USE",
        "LAND_CLASS_FIELD",
        "AREA_METHOD",
        "COUNTY_CODE",
        "YEAR",
        "OUTPUT",
    ],
    "copyledger": ["SOURCE"],
    "createdemodistrict": ["FOLDER", "WITH_IMAGES"],
    "exportverification": ["LEDGER", "BATCH", "OUTPUT_FOLDER", "WITH_PDF"],
    "importspots": ["SPOTS", "LEDGER"],
    "withdrawbatch": ["LEDGER"],
    "withdrawpatrol": ["LEDGER", "PATROL_ID", "REASON"],
    "ledgersettings": ["LEDGER"],
    "monthlyranking": ["LEDGER", "MONTH", "OUTPUT_FOLDER"],
    "patrolcompliance": ["LEDGER", "START", "END", "OUTPUT"],
    "polygonizechange": [
        "RASTER",
        "BAND",
        "SPOT_TYPE",
        "COUNTY_CODE",
        "YEAR",
        "AREA_METHOD",
        "OUTPUT",
    ],
    "recordpatrol": ["LEDGER", "OFFICE", "DATE", "STAFF", "FINDINGS"],
    "screenspots": [
        "SPOTS",
        "LAND_USE",
        "BASIC_FARMLAND",
        "RED_LINE",
        "NO_MINING",
        "THREE_ZONES",
        "OUTPUT",
    ],
    "threezonestwolines": [
        "LINES",
        "LINE_KIND_FIELD",
        "LINE_NAME_FIELD",
        "ZONES",
        "ZONE_KIND_FIELD",
        "ZONE_NAME_FIELD",
        "SPOTS",
        "SPOT_ID_FIELD",
        "MINES",
        "MINE_ID_FIELD",
        "AREA_METHOD",
        "OUTPUT",
    ],
    "weeklydispatch": ["LEDGER", "WEEK", "OUTPUT_FOLDER"],
}
# A label's head, before its explanation in brackets or after a comma: "Spot number field
# (names spots in messages)" is named in a help as "spot number field".
_LABEL_HEAD = re.compile(r"\s*[(（,，:：;；]")
_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile("[\u4e00-\u9fff]")


def _as_word(words: str) -> str:
    """A pattern of ``words`` standing alone, not part of a longer name (GROUND in GROUND_FIELD)
    or word."""
    return rf"(?<![A-Za-z0-9_]){re.escape(words)}(?![A-Za-z0-9_])"


def _names(name: str, head: str) -> re.Pattern:
    """How a help names a parameter: its name in capitals as a word of its own, or the head of
    its label, in any case, where that head tells it apart: two words or more, or three Chinese
    characters or more. A one-word head is no name: "ground", "period", "kind" are in many a
    help that never speaks of the parameter."""
    pattern = _as_word(name)
    if len(head.split()) >= 2 or len(_CJK.findall(head)) >= 3:
        pattern += f"|(?i:{_as_word(head)})"
    return re.compile(pattern)


def _text(html: str) -> str:
    return _TAG.sub(" ", html)


def _helps_and_labels(provider, chinese: bool) -> dict[str, tuple[str, dict[str, str]]]:
    """{algorithm: (help text, {parameter: label head})}, built afresh under the catalogue so
    the labels are the ones the dialog shows in that language."""
    translator = install_translator("zh_CN") if chinese else None
    if chinese:
        assert translator is not None, "run make translations"
    try:
        found = {}
        for registered in provider.algorithms():
            algorithm = registered.create()
            labels = {
                p.name(): _LABEL_HEAD.split(p.description())[0].strip().lower()
                for p in algorithm.parameterDefinitions()
            }
            found[algorithm.name()] = (_text(algorithm.shortHelpString()), labels)
        return found
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


def test_every_parameter_is_sorted_into_explained_or_self_evident(provider):
    """A parameter added to an algorithm fails here until its help is looked at for it."""
    names = {a.name(): {p.name() for p in a.parameterDefinitions()} for a in provider.algorithms()}
    assert set(names) == set(EXPLAINED) == set(SELF_EVIDENT)
    for algorithm, parameters in names.items():
        explained, evident = set(EXPLAINED[algorithm]), set(SELF_EVIDENT[algorithm])
        assert not explained & evident, (algorithm, explained & evident)
        assert explained | evident == parameters, (
            algorithm,
            "unsorted:",
            parameters - explained - evident,
            "gone:",
            (explained | evident) - parameters,
        )


def test_a_help_names_a_parameter_by_its_name_or_a_telling_label_head():
    """A word the help uses for something else is no name: before, "on the ground" named
    GROUND and "in the period" PERIOD, and 39 of the 66 parameters passed against the helps
    as they were before they were written for them."""
    assert not _names("GROUND", "ground").search("what is on the ground")
    assert not _names("PERIOD", "period").search("first given in the period")
    assert not _names("GROUND", "ground").search("the GROUND_FIELD of the layer")
    assert not _names("SIZE", "规模").search("规模：DEMO（默认）")
    assert _names("PERIOD", "period").search("given in the period (PERIOD: a month)")
    assert _names("SIZE", "规模").search("规模（SIZE）：DEMO（默认）")
    assert _names("SPOT_KEY_FIELD", "spot number field").search("Spot number field: JCBH")
    assert not _names("SPOT_KEY_FIELD", "spot number field").search("spot number fields")
    assert _names("START_SEQUENCE", "起始顺序号").search("自起始顺序号起的 4 位顺序号")


def test_a_chinese_help_names_a_parameter_as_its_dialog_shows_it(provider):
    """In a Chinese QGIS the dialog shows labels (考核类型, 要撤回的批次), never BATCH or KIND:
    a help naming a parameter by its code alone ("在 BATCH 中填写", "KIND 选择半年或年度考核")
    left the reader to guess which field it meant. Where the label's head tells it apart
    (three Chinese characters or more), the help names it so, the code after it for
    scripts."""
    helps = _helps_and_labels(provider, chinese=True)
    unnamed = []
    for algorithm, parameters in EXPLAINED.items():
        text, labels = helps[algorithm]
        for name in parameters:
            head = labels[name]
            if len(_CJK.findall(head)) >= 3 and not re.search(_as_word(head), text):
                unnamed.append(f"{algorithm}: {name} ({head})")
    assert not unnamed, "\n".join(unnamed)
    # The assessment's three: their labels, not one word shared with an option (年度).
    text, labels = helps["assessment"]
    assert [labels[name] for name in ("KIND", "YEAR", "HALF")] == [
        "考核类型",
        "考核年度",
        "上/下半年",
    ]
    assert all(f"“{labels[name]}”（{name}）" in text for name in ("KIND", "YEAR")), text


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh_CN"])
def test_each_help_names_the_parameters_its_dialog_does_not_explain(provider, chinese):
    helps = _helps_and_labels(provider, chinese)
    missing = []
    for algorithm, parameters in EXPLAINED.items():
        text, labels = helps[algorithm]
        for name in parameters:
            if not _names(name, labels[name]).search(text):
                missing.append(f"{algorithm}: {name} ({labels[name]!r})")
    assert not missing, "\n".join(missing)


def test_the_chinese_help_is_chinese_throughout(provider):
    """No English sentence left in a Chinese help: three English words in a row. Field names
    and codes in capitals (JCBH, PZWH), file names, JSON keys and placeholders are no words."""
    helps = _helps_and_labels(provider, chinese=True)
    word = r"(?<![\w./:\"'_<{-])[A-Za-z][a-z]+(?![\w./:\"'_}-])"
    english_run = re.compile(rf"{word}(?:[ ,]+{word}){{2,}}")
    found = {}
    for algorithm, (text, _) in helps.items():
        runs = [m.group(0) for m in english_run.finditer(text)]
        if runs or not re.search("[\u4e00-\u9fff]", text):
            found[algorithm] = runs or ["no Chinese at all"]
    assert not found, found
    # The rule finds the English it is there to find: every English help has such runs.
    english = _helps_and_labels(provider, chinese=False)
    assert all(english_run.search(text) for text, _ in english.values())


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh_CN"])
def test_no_help_text_is_swallowed_as_an_html_tag(provider, chinese):
    """QGIS shows a help as HTML: "postgis://<saved connection>" read "postgis://" and
    "SL_<code> counts" lost its word (<code> is a tag). Every "<" in a help opens a tag."""
    translator = install_translator("zh_CN") if chinese else None
    try:
        helps = {a.name(): a.create().shortHelpString() for a in provider.algorithms()}
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)
    tag = re.compile(r"</?(p|b|ul|li|h3|br)>")
    swallowed = {name: re.findall(r"<[^>]*>?", tag.sub("", text)) for name, text in helps.items()}
    assert not {name: found for name, found in swallowed.items() if found}


def _helps(provider, chinese: bool) -> dict[str, str]:
    translator = install_translator("zh_CN") if chinese else None
    try:
        return {a.name(): a.create().shortHelpString() for a in provider.algorithms()}
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh_CN"])
def test_every_help_is_plain_text(provider, chinese):
    """qgis_process prints a help as it is (QGIS 3.22 strips no tag): screenspots and
    importspots read <p><h3><ul><li><b> on the terminal. The dialog shows each line of a plain
    help as a paragraph of its own."""
    helps = _helps(provider, chinese)
    tagged = {
        name: re.findall(r"</?[A-Za-z][A-Za-z0-9]*\s*/?>", text) for name, text in helps.items()
    }
    assert not {name: tags for name, tags in tagged.items() if tags}
    assert "\n• " in helps["screenspots"]  # its lists still read as lists


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh_CN"])
def test_the_screening_help_names_every_field_screening_writes(provider, chinese):
    """The fields come from the output schema in core; the help names each, spots and pieces."""
    from zc_enforcement_plugin.core import domain

    text = _helps(provider, chinese)["screenspots"]
    fields = [name for name, _ in domain.screening_output_fields()]
    fields += [
        domain.PIECE_LAYER,
        domain.PIECE_FEATURE,
        domain.PIECE_AREA,
        domain.PIECE_SPOT_FID,
        domain.PIECE_FEATURE_FID,
    ]
    unnamed = [name for name in fields if not re.search(rf"(?<![\w]){name}(?![\w])", text)]
    assert not unnamed


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh_CN"])
def test_what_several_helps_say_alike_is_written_once_and_filled_in(provider, chinese, monkeypatch):
    """The campaign-spot paragraph of the three audits is one translated text
    (campaign_base.campaign_spots_help), and the patrol days a week of the patrol and ranking
    helps one figure (core.patrols): each help holds them whole, no placeholder left."""
    from zc_enforcement_plugin.core import patrols
    from zc_enforcement_plugin.processing import campaign_base as cb

    def helps() -> dict[str, str]:
        translator = install_translator("zh_CN") if chinese else None
        try:
            found = {a.name(): a.create().shortHelpString() for a in provider.algorithms()}
            found["campaign_spots"] = {c: cb.campaign_spots_help(c) for c in cb.SPOT_SOURCE_TITLES}
            return found
        finally:
            if translator is not None:
                QCoreApplication.removeTranslator(translator)

    found = helps()
    audits = {
        "auditfacilityland": cb.CAMPAIGN_FACILITY,
        "audittemporaryland": cb.CAMPAIGN_TEMPORARY,
        "auditmining": cb.CAMPAIGN_MINING,
    }
    paragraphs = found["campaign_spots"]
    assert len(set(paragraphs.values())) == 3  # each names what its spots gather
    for algorithm, campaign in audits.items():
        assert paragraphs[campaign] in found[algorithm]
        assert "OUTPUT_VIOLATIONS" in paragraphs[campaign] and "{" not in found[algorithm]
    patrol_helps = ("recordpatrol", "patrolcompliance", "monthlyranking")
    monkeypatch.setattr(patrols, "PATROL_DAYS_PER_WEEK", 4)
    four = helps()
    for algorithm in patrol_helps:
        assert "{days}" not in found[algorithm]
        # only the figure changed: some 3s became 4s, nothing else
        became = found[algorithm].count("3") - four[algorithm].count("3")
        assert became > 0 and four[algorithm].count("4") - found[algorithm].count("4") == became
        assert len(four[algorithm]) == len(found[algorithm])
