"""The data home's log file: ``logs/kbapp.log``, rotated at 1 MB (three old files kept).

Both entry points (``kbapp`` commands and the window) call :func:`configure_logging` once
they know the data home. What reaches the file is redacted twice over: every record's
message (install_log_redaction) and the whole formatted entry, traceback
included, since an exception's text can quote a password from a note or a URL.
Failures that are nobody's input (bugs) are written with their traceback by
:func:`log_unexpected`; an error a person can fix (kbapp.errors.KbError) is not a bug
and is not logged as one.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path
from typing import Any

LOGGER = "kbapp"
MAX_BYTES = 1_000_000
BACKUPS = 3


class RedactingFormatter(logging.Formatter):
    """The formatted entry, traceback and all, with secrets masked (kbapp.redact)."""

    def format(self, record: logging.LogRecord) -> str:
        from kbapp.redact import redact

        return redact(super().format(record))


def install_log_redaction() -> None:
    """Every log record made from now on carries its message redacted (the message with its
    arguments, and an exception's text): logs are attached to tickets and mailed around.
    Idempotent; called by the entry point (``kbapp.cli.main.main``, the window too).
    kbapp.redact is imported by the first record, not here: compiling its rules costs a
    command ~30 ms, and most commands log nothing."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_kbapp_redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging to report
            return record
        from kbapp.redact import redact

        record.msg, record.args = redact(message), None
        return record

    factory._kbapp_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def log_path(home_root: Path) -> Path:
    return Path(home_root) / "logs" / "kbapp.log"


def configure_logging(home_root: Path, *, level: int = logging.INFO) -> Path:
    """Send the ``kbapp`` loggers to the data home's rotating log file (instead of another
    home's); idempotent. Returns the file's path."""
    install_log_redaction()
    path = log_path(home_root)
    logger = logging.getLogger(LOGGER)
    for old in list(logger.handlers):  # one data home's file at a time (tests open several)
        if isinstance(old, logging.handlers.RotatingFileHandler):
            if Path(old.baseFilename) == path.resolve():
                return path
            logger.removeHandler(old)
            old.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError:  # a read-only data home: the command still runs, unlogged
        return path
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or level, level))
    return path


def current_log_file() -> Path | None:
    """The file the ``kbapp`` logger writes to, when one is configured."""
    for handler in logging.getLogger(LOGGER).handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def log_unexpected(exc: BaseException, where: str) -> None:
    """Log a failure that is a bug, with its traceback (redacted by the formatter)."""
    logging.getLogger(LOGGER).error("unexpected failure in %s: %s: %s", where, type(exc).__name__, exc,
                                    exc_info=(type(exc), exc, exc.__traceback__))


def details(exc: BaseException) -> str:
    """The traceback of ``exc`` as text, redacted, for a window's "details"."""
    from kbapp.redact import redact

    return redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
