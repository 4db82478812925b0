"""Translation: one tr() for the whole plugin, the loading of the shipped zh_CN catalogue, and
of Qt's own translation of its standard buttons in the same language where QGIS left it out."""

from __future__ import annotations

import re
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .core.bilingual import BILINGUAL_SEPARATOR

# All user-visible strings share one context so one .ts file holds them all.
CONTEXT = "ZcEnforcement"
I18N_DIR = Path(__file__).parent / "resources" / "i18n"
CATALOGUE_PREFIX = "zc_enforcement_"  # zc_enforcement_<language>.qm
# Qt's own catalogue of its widgets' texts (QDialogButtonBox's and QMessageBox's Save, Cancel,
# Discard, Yes, No, Close), qtbase_<language>.qm in Qt's translations folder; on Debian it comes
# with qttranslations5-l10n.
QT_CATALOGUE_PREFIX = "qtbase_"


def tr(text: str) -> str:
    """Translate a user-visible string into the QGIS user interface language."""
    return QCoreApplication.translate(CONTEXT, text)


def sentences(*parts: str) -> str:
    """Sentences of a message one after another: a space between them in English, none in
    Chinese, whose full stop (。) ends a sentence without one."""
    return ("" if chinese_interface() else " ").join(part for part in parts if part)


def labelled(label: str, value: object) -> str:
    """``label: value`` as the interface writes it: a full-width colon after the label in
    Chinese (当事人：张三, as the forms' own labels end), ": " in English. The panels had ASCII
    colons in their Chinese lines beside the forms' full-width ones."""
    return f"{label}{'：' if chinese_interface() else ': '}{value}"


def parameter_label(definition) -> str:
    """A Processing parameter as a message names it: as the dialog shows it (卫片图斑（JCTB）),
    then the name a script or qgis_process gives it (SPOTS), so both kinds of user find it."""
    if not definition.description().strip():
        return definition.name()
    return tr("{description} (parameter {name})").format(
        description=definition.description(), name=definition.name()
    )


def user_locale() -> str:
    """The language QGIS speaks, e.g. 'zh-Hans' or 'zh_CN', so the plugin speaks the same: the
    translation QGIS loaded at start-up (from --lang, else its Options setting, else the
    system's). QGIS started with --lang zh-Hans was Chinese while the plugin, reading the
    setting only when its override flag was on, stayed English: --lang sets no flag. Where
    QGIS loaded none (qgis_process, a script, the tests) its setting when overridden, else the
    system's locale."""
    application = QgsApplication.instance()
    if isinstance(application, QgsApplication) and application.translation():
        return str(application.translation())
    if QgsSettings().value("locale/overrideFlag", False, type=bool):
        return str(QgsSettings().value("locale/userLocale", "") or QLocale().name())
    return QLocale().name()


def catalogue_for(locale: str) -> Path | None:
    """The shipped catalogue for a locale name as QGIS or the system gives it, or None.

    QGIS names its Chinese interface zh-Hans (its Options list offers no zh_CN), the system
    says zh_CN.UTF-8 or zh_SG: every Chinese locale gets the one Chinese catalogue, which is
    what a Chinese user reads best whatever script variant they chose.
    """
    name = locale.split(".")[0].replace("-", "_")
    for candidate in (name, name[:2], "zh_CN" if name[:2].lower() == "zh" else ""):
        qm = I18N_DIR / f"{CATALOGUE_PREFIX}{candidate}.qm"
        if candidate and qm.exists():
            return qm
    return None


def chinese_interface() -> bool:
    """Whether the plugin speaks Chinese now: its own catalogue is translating (QGIS's language
    setting alone does not say whether it was loaded)."""
    return tr("Verdict") != "Verdict"


def with_english(chinese: str, english: str) -> str:
    """A domain term (a verdict, a kind) as the interface shows it: the Chinese alone in a
    Chinese interface, the English after it in any other (the terms themselves are Chinese:
    the ledger and the reports keep them so)."""
    if not english or chinese_interface():
        return chinese
    return f"{chinese} {english}"


# The core speaks both languages in one message, "中文 / English" (it runs without QGIS, in
# qgis_process logs and scripts, where no catalogue says which one the reader wants), joined
# as core/bilingual.py joins them.
# Han characters, CJK punctuation and full-width forms; in runs, the English half holds them
# only where it quotes the Chinese half (a spot number, a list of kinds).
_CHINESE_CHARS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CHINESE = re.compile(f"[{_CHINESE_CHARS}]+")


def in_interface_language(message: str) -> str:
    """A core message as the dock shows it: in a Chinese interface each "中文 / English" line
    keeps its Chinese half; in any other, and for a line whose halves cannot be told apart
    safely, the line is shown whole."""
    if not chinese_interface():
        return message
    return "\n".join(_in_chinese(line) for line in message.split("\n"))


# A full-width closing bracket or stop, then spaces: "{layer} 没有要素" of a layer named with
# its file, 卫片图斑（/data/a.gpkg）, read "（/data/a.gpkg） 没有要素"; a sentence put after
# another, "。 1 个图斑". (Not before " / ", the halves of a message shown whole.)
_SPACE_AFTER_FULL_WIDTH = re.compile(r"([）》」』】。，；：！？])[ \t]+(?=[^\s/])")


def closed_up(text: str) -> str:
    """A Processing log line in a Chinese interface without a space after a full-width
    bracket or stop: the mark carries its own space, as Chinese type sets it."""
    if not chinese_interface():
        return text
    return _SPACE_AFTER_FULL_WIDTH.sub(r"\1", text)


def _in_chinese(line: str) -> str:
    """The line's Chinese half, provided it keeps every value the line names (a path, a
    number, a field, a quoted name); else the line whole: a message that loses the file it
    is about is worse than one read twice."""
    chinese = _chinese_half(line)
    if chinese != line and not all(value in chinese for value in _values(line)):
        return line
    return chinese


# A run of characters that is neither Chinese nor a space; a value when it holds a digit or
# one of / \ _ . @ (paths, numbers, dates, field and table names, hosts); and quoted names.
_RUN = re.compile(f"[^\\s{_CHINESE_CHARS}]+")
_VALUE_MARK = re.compile(r"[\d/\\_.@]")
_QUOTED = re.compile(r"'([^']+)'")


def _values(line: str) -> list[str]:
    """The values a message names, as its text writes them (edge punctuation left off)."""
    text = line.replace(BILINGUAL_SEPARATOR, " ")
    values = [run.strip(".,;:()[]{}'\"") for run in _RUN.findall(text)]
    values = [value for value in values if _VALUE_MARK.search(value)]
    return values + _QUOTED.findall(text)


def _chinese_half(line: str) -> str:
    """What comes before the first separator after which the Chinese is only quoted from
    before it, or, where an English label follows a separator ("图层 X / layer X: 没有坐标系 /
    no CRS"), the Chinese, then what the label labels read so in turn ("图层 X：没有坐标系");
    ``line`` when there is neither."""
    start = 0
    while (at := line.find(BILINGUAL_SEPARATOR, start)) != -1:
        chinese, english = line[:at], line[at + len(BILINGUAL_SEPARATOR) :]
        quoted = _CHINESE.findall(english)
        if (
            _CHINESE.search(chinese)
            and re.search("[A-Za-z]", english)
            and all(run in chinese for run in quoted)
        ):
            return chinese.rstrip() + _value_said_in_english_only(chinese, english)
        label = _ENGLISH_LABEL.match(english)
        if label and _CHINESE.search(chinese):
            # "期限设置错误 / deadline setting error: <a message of its own>": the English
            # label goes, what it labels is read in turn.
            return chinese.rstrip() + "：" + _chinese_half(english[label.end() :])
        start = at + 1
    return line


# An English label before a colon ("deadline setting error: ", "layer DLTB: "); what
# follows it is the value the message is about ("evidence file missing: /data/…/IMG_1.jpg").
_ENGLISH_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_ ,'()-]*: ")


def _value_said_in_english_only(chinese: str, english: str) -> str:
    """The value the English half ends in, as "：value", when the Chinese half lacks it; else
    "": the file a message names must not go with its English."""
    english = english.strip()
    label = _ENGLISH_LABEL.match(english)
    if label is None:
        return ""
    value = english[label.end() :].strip()
    if value in chinese:  # said already
        return ""
    if _CHINESE.search(value) and not _VALUE_MARK.search(value):  # quoted Chinese words
        return ""
    # More English words ("…: recorded again here", "…: in 4 spots symbols GBK lacks…"),
    # not a value: a path or a name is one run, or runs holding / \\ . or digits.
    words = [word for word in value.split() if re.fullmatch("[a-z]+", word)]
    if re.match("[a-z]+ [a-z]+", value) or len(words) >= 2:
        return ""
    return f"：{value}"


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load the plugin's catalogue for the locale; returns the translator to remove at unload."""
    return _installed(catalogue_for(locale or user_locale()))


def _installed(qm: Path | None) -> QTranslator | None:
    """A translator for the catalogue `qm`, installed; None when there is none or it does not
    load."""
    if qm is None:
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def qt_translation_in_effect() -> bool:
    """Whether Qt's standard buttons are translated already (QGIS loads Qt's catalogue for the
    locale names Qt's files are named by, zh_CN, but not for the zh-Hans it stores itself)."""
    return QCoreApplication.translate("QPlatformTheme", "Save") != "Save"


def qt_catalogue_for(locale: str) -> Path | None:
    """Qt's own catalogue in the language of the plugin's catalogue for ``locale`` (whatever
    name the locale was given), or None when the plugin has none for it: a form's fields and
    its buttons in one language."""
    qm = catalogue_for(locale)
    if qm is None:
        return None
    language = qm.stem.removeprefix(CATALOGUE_PREFIX)
    return Path(QLibraryInfo.location(QLibraryInfo.TranslationsPath)) / (
        f"{QT_CATALOGUE_PREFIX}{language}.qm"
    )


def install_qt_translator(locale: str | None = None) -> QTranslator | None:
    """Load Qt's own catalogue for the locale when QGIS has not: in a QGIS set to 简体中文
    (zh-Hans) the forms' Save and Cancel and the questions' Save, Discard, Yes and No were
    English. Returns the translator to remove at unload; None when Qt's texts are translated
    already, the plugin is not translated for the locale, or Qt's catalogue is not installed
    (the buttons then stay as QGIS shows them)."""
    if qt_translation_in_effect():
        return None
    return _installed(qt_catalogue_for(locale or user_locale()))
