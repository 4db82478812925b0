"""Translation: one tr() for the whole plugin and the loading of the shipped zh_CN catalogue."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

# All user-visible strings share one context so one .ts file holds them all.
CONTEXT = "ZcEnforcement"
I18N_DIR = Path(__file__).parent / "resources" / "i18n"


def tr(text: str) -> str:
    """Translate a user-visible string into the QGIS user interface language."""
    return QCoreApplication.translate(CONTEXT, text)


def user_locale() -> str:
    """The locale QGIS runs its interface in, e.g. 'zh_CN' (QGIS's own setting wins over the OS)."""
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
        qm = I18N_DIR / f"zc_enforcement_{candidate}.qm"
        if candidate and qm.exists():
            return qm
    return None


def with_english(chinese: str, english: str) -> str:
    """A domain term (a verdict, a kind) as the interface shows it: the Chinese alone in a
    Chinese interface, the English after it in any other (the terms themselves are Chinese:
    the ledger and the reports keep them so)."""
    # Chinese when the plugin's own catalogue is translating: QGIS's language setting alone
    # does not say whether it was loaded.
    if not english or tr("Verdict") != "Verdict":
        return chinese
    return f"{chinese} {english}"


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load the plugin's catalogue for the locale; returns the translator to remove at unload."""
    qm = catalogue_for(locale or user_locale())
    if qm is None:
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
