"""UI language: Chinese when the system locale is Chinese, else English; user can override."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from kbapp.resources import ui_dir

LANGUAGES = ("zh_CN", "en")
SETTING_LANGUAGE = "ui/language"  # "" means: follow the system
SETTING_ENGINEER = "user/engineer"


def effective_language(settings: QSettings, system_locale: QLocale | None = None) -> str:
    chosen = str(settings.value(SETTING_LANGUAGE, "") or "")
    if chosen in LANGUAGES:
        return chosen
    locale = system_locale or QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def engineer_name(settings: QSettings) -> str:
    name = str(settings.value(SETTING_ENGINEER, "") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment: a neutral default
        return "engineer"


def translations_dir():
    return ui_dir() / "translations"


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Loads kbapp's and Qt's own translations; returns them so they stay alive."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(translations_dir() / f"kbapp_{language}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
