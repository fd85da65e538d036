"""Start the desktop client: ``kbapp`` with no subcommand."""

from __future__ import annotations

import sys


def _missing_qt_libraries_hint() -> str:
    return ("Qt could not start its window system plugin. On Debian/Ubuntu install:\n"
            "  sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
            "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 "
            "libfontconfig1 libdbus-1-3 fonts-wqy-microhei")


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName("kbapp")
    app.setApplicationName("kbapp")
    app.setApplicationDisplayName("kbapp")
    return app


def apply_style(app) -> None:
    from PySide6.QtGui import QIcon

    from kbapp.resources import ui_dir

    style = ui_dir() / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    icon = ui_dir() / "icons" / "kbapp.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def ask_engineer(kb, legacy=None) -> bool:
    """On the first start of a data home, ask who is working here (kbapp.identity); the
    name then goes on every action. Returns whether a name was given ("Later" keeps the
    login name for this run and asks again next time)."""
    from kbapp.gui.engineer_dialog import EngineerDialog
    from kbapp.gui.errors import localized
    from kbapp.gui.i18n import LEGACY_ENGINEER
    from kbapp.gui.validation import show_problem
    from kbapp.incidents.errors import IncidentError

    if kb.engineer is not None:
        return True
    suggested = str(legacy.value(LEGACY_ENGINEER, "") or "").strip() if legacy is not None else ""
    dialog = EngineerDialog(None, first_start=True, suggested_name=suggested)
    while dialog.exec():
        try:
            kb.set_engineer(*dialog.values())
            return True
        except (IncidentError, OSError) as exc:  # a name too long, a home that went read-only
            show_problem(dialog.error, str(localized(exc)))
    return False


ENV_QUIT_WHEN_READY = "KBAPP_QUIT_WHEN_READY"


def _quit_when_ready(app, window) -> None:
    """$KBAPP_QUIT_WHEN_READY=SECONDS: close the window once it is shown and its index is
    ready (exit 0), or exit 3 after SECONDS. For smoke tests and cold-start timing of a
    built bundle, where no test code can be injected (tests/test_bundle.py)."""
    import os

    raw = os.environ.get(ENV_QUIT_WHEN_READY, "").strip()
    if not raw:
        return
    from PySide6.QtCore import QTimer

    window.index_ready.connect(lambda: QTimer.singleShot(0, window.close))
    QTimer.singleShot(int(float(raw) * 1000), lambda: app.exit(3))


def freeze_heap_when_ready(window) -> None:
    """At the window's first ``index_ready``, freeze what the start-up made (``gc.freeze``):
    the modules, Qt's wrappers, the library's catalogue and the index's readers live as long
    as the process, and out of the cycle collector's reach its full collections (run on
    whichever thread allocates, holding the GIL) scan far less. At 10,000 documents the
    window's pauses while typing went from ~100 ms to ~35 ms (bench/bench_gui.py). Once only:
    what later reloads make is collected as usual."""
    import gc

    def freeze() -> None:
        window.index_ready.disconnect(freeze)
        gc.freeze()

    window.index_ready.connect(freeze)


def run_gui(home: str | None = None, db: str | None = None) -> int:
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QMessageBox
    except ImportError as exc:
        print(f"kbapp: PySide6 is not installed or cannot load ({exc}). Run the README's setup command.", file=sys.stderr)
        return 2
    from kbapp.facade import KnowledgeBase
    from kbapp.gui.i18n import effective_language, home_settings, install_translators
    from kbapp.gui.main_window import MainWindow
    from kbapp.home import HomeError

    try:
        app = create_application()
    except Exception as exc:  # no display, or the xcb plugin's libraries are missing
        print(f"kbapp: {exc}\n{_missing_qt_libraries_hint()}", file=sys.stderr)
        return 2
    try:
        # Cheap: finds (or makes) the data home only. The index is read as queries need it, not
        # mapped and copied when opened: the first result of a 50,000-document library comes
        # ~0.4 s sooner; later queries are as quick (bench/bench_scale.py).
        kb = KnowledgeBase.open(home=home, db_url=db, index_mmap=False, index_many_queries=True)
    except HomeError as exc:
        QMessageBox.critical(None, "kbapp", str(exc))
        print(f"kbapp: {exc}", file=sys.stderr)
        return 2
    from kbapp.logs import configure_logging, log_unexpected

    if not kb.home.read_only:  # a read-only home is not written to, not even its log
        configure_logging(kb.home.root)
    previous_hook = sys.excepthook

    def log_and_report(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        # An exception in a slot on the UI thread: logged with its traceback, then as before.
        log_unexpected(exc.with_traceback(tb) if tb is not None else exc, "the window")  # type: ignore[arg-type]
        previous_hook(kind, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = log_and_report
    from PySide6.QtCore import QThread

    from kbapp.threads import set_ui_thread_check

    # Database, library and index work on the UI thread is logged with its stack (kbapp.threads).
    set_ui_thread_check(lambda: QThread.currentThread() is app.thread())
    legacy = QSettings()  # the per-user file of earlier versions, shared by every data home
    # The data home's own settings, created after the application so it knows its name.
    if kb.home.read_only:
        from kbapp.gui.i18n import SETTINGS_FILE
        from kbapp.gui.read_only import session_settings

        print(f"kbapp: {kb.home.read_only_notice()}", file=sys.stderr)
        settings = session_settings(kb.home.root, SETTINGS_FILE)
    else:
        settings = home_settings(kb.home.root, legacy)
    language = effective_language(settings)
    translators = install_translators(app, language)  # noqa: F841 - kept alive until exit
    apply_style(app)
    if not kb.home.read_only:
        ask_engineer(kb, legacy)
    window = MainWindow(kb, language=language, settings=settings)
    window.show()
    freeze_heap_when_ready(window)
    _quit_when_ready(app, window)
    window.start()
    try:
        return app.exec()
    finally:
        kb.close()
