"""A read-only data home in the window: one banner says so, the actions that would write
are disabled, and any write still asked (a button on a form) is refused with the core's
one-line message (kbapp.home.ReadOnlyHome), shown as every other refusal is.

Preferences and window state are read from the home's settings file and kept, for this
session, in a temporary copy (:func:`session_settings`): nothing is written into the home.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QLabel

# What would write into the home: disabled. Searching, reading, copying a command, the
# timeline search and exports (to a folder the user chooses) stay.
_WRITE_ACTIONS = ("import_action", "new_incident_action", "incident_from_playbook_action", "step_done_action",
                  "step_skip_action", "step_fail_action", "log_note_action", "ack_action", "escalate_action",
                  "plan_action", "resolve_action", "level_action", "notified_action", "chain_action")


def banner_text(root: Path) -> str:
    return QCoreApplication.translate(
        "ReadOnlyHome", "This data home (%1) is read-only: you can search, read and export to a folder you "
        "choose; nothing can be saved in it.").replace("%1", str(root))


def refusal_text(root: Path) -> str:
    return QCoreApplication.translate(
        "ReadOnlyHome", "The data home %1 is read-only: this was not saved. Open a copy of it you can write "
        "(--home DIR), or ask for write access.").replace("%1", str(root))


def session_settings(root: Path, settings_file: str) -> QSettings:
    """A copy of the home's settings file in a temporary folder, for a read-only home."""
    folder = Path(tempfile.mkdtemp(prefix="kbapp-read-only-settings-"))
    atexit.register(shutil.rmtree, folder, True)
    source = Path(root) / settings_file
    if source.is_file():
        try:
            shutil.copyfile(source, folder / settings_file)
        except OSError:
            pass  # the defaults, then
    return QSettings(str(folder / settings_file), QSettings.Format.IniFormat)


def install_read_only(window) -> QLabel | None:
    """The banner and the disabled actions, when the window's home is read-only."""
    if not window.kb.home.read_only:
        return None
    banner = QLabel(banner_text(window.kb.home.root), window)
    banner.setObjectName("readOnlyBanner")
    banner.setWordWrap(True)
    banner.setStyleSheet("#readOnlyBanner { background:#e3f2fd; border:1px solid #1565c0; border-radius:3px;"
                         " padding:4px; }")
    window.shell_layout.insertWidget(0, banner)
    disable_write_actions(window)
    window.read_only_banner = banner
    return banner


def disable_write_actions(window) -> None:
    """The writing actions the window has made so far off (its pages' when they are built:
    kbapp.gui.window_pages); an attribute not made yet is not asked for, so none is built."""
    made = vars(window)
    for name in _WRITE_ACTIONS:
        action = made.get(name)
        if action is not None:
            action.setEnabled(False)
    for action in made.get("decision_actions", []):
        action.setEnabled(False)
