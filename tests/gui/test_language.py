"""Both languages: the system locale picks one, the settings override it, tr() applies it."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from kbapp.gui.i18n import (
    SETTING_LANGUAGE,
    effective_language,
    install_translators,
    remove_translators,
    translations_dir,
)


def test_language_follows_the_system_locale_unless_chosen(settings):
    assert effective_language(settings, QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == "zh_CN"
    assert effective_language(settings, QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "en"
    settings.setValue(SETTING_LANGUAGE, "en")
    assert effective_language(settings, QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == "en"


def test_compiled_translations_exist_for_every_source():
    for ts in translations_dir().glob("*.ts"):
        assert ts.with_suffix(".qm").is_file(), f"{ts.name} has no compiled .qm; run ui/translations/update.sh"


def test_switching_language_loads_the_chinese_translation(qtbot, make_window):
    english = make_window(language="en", start=False)
    assert english.focus_search_action.text() == "&Find…"
    app = QApplication.instance()
    translators = install_translators(app, "zh_CN")
    try:
        assert translators, "kbapp_zh_CN.qm did not load"
        chinese = make_window(language="zh_CN", start=False)
        assert chinese.focus_search_action.text() != "&Find…"
        assert "查找" in chinese.focus_search_action.text()
        assert chinese.windowTitle() != english.windowTitle()
    finally:
        remove_translators(app, translators)


def test_settings_dialog_stores_the_language(qtbot, settings):
    from kbapp.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.engineer.setText("王工")
    dialog.accept()
    assert settings.value(SETTING_LANGUAGE) == "en"
    assert dialog.language_changed()


def test_every_menu_item_and_tab_is_translated(qtbot, make_window):
    """A tr() that lupdate cannot see (in an f-string, or in a non-QObject class) stays English."""
    import re

    app = QApplication.instance()
    translators = install_translators(app, "zh_CN")
    try:
        window = make_window(language="zh_CN", start=False)
        texts = [window.pages.tabText(i) for i in range(window.pages.count())]
        for menu_action in window.menuBar().actions():
            texts.append(menu_action.text())
            texts += [a.text() for a in menu_action.menu().actions() if not a.isSeparator()]
        english_only = [t for t in texts if not re.search(r"[\u4e00-\u9fff]", t) and t.strip("&.… ") != "kbapp"]
        assert english_only == []
    finally:
        remove_translators(app, translators)
