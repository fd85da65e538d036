"""UI language (Chinese when the system locale is Chinese, else English; the user can
override it) and the window's settings, which live in the data home.

Preferences and window state are per data home: ``settings.ini`` inside it, a QSettings
INI file created once the application runs. Two homes on one machine (a desk and a
training room) keep their own language, window layout and last incident. Who is acting
is kbapp.identity's (``engineer.json``), so the command line knows it too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from kbapp.resources import ui_dir

LANGUAGES = ("zh_CN", "en")
SETTING_LANGUAGE = "ui/language"  # "" means: follow the system
SETTINGS_FILE = "settings.ini"
LEGACY_ENGINEER = "user/engineer"  # where the per-user settings of earlier versions kept a name
_CARRIED_OVER = (SETTING_LANGUAGE, "window/geometry", "window/splitter")


def home_settings(root: Path, legacy: QSettings | None = None) -> QSettings:
    """The data home's settings file. When it does not exist yet, the language and window
    layout of ``legacy`` (the per-user settings earlier versions shared between homes) are
    carried over once."""
    path = Path(root) / SETTINGS_FILE
    fresh = not path.exists()
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    if fresh and legacy is not None:
        for key in _CARRIED_OVER:
            value = legacy.value(key)
            if value is not None:
                settings.setValue(key, value)
        settings.sync()
    return settings


def effective_language(settings: QSettings, system_locale: QLocale | None = None) -> str:
    chosen = str(settings.value(SETTING_LANGUAGE, "") or "")
    if chosen in LANGUAGES:
        return chosen
    locale = system_locale or QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


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
