"""Standard streams that any console, file or pipe can take.

* A windowed executable (the bundle's ``kbapp`` on Windows, ``pythonw``) has no console:
  ``sys.stdout`` and ``sys.stderr`` are None. They become a sink, so nothing that writes
  to them (a message, ``sys.stdout.write``, a log handler) fails.
* Output redirected to a file or a pipe is written in UTF-8 whatever the code page of the
  console (GBK on a Chinese Windows, cp1252 on an English one): ``kbapp search 数据丢失 >
  out.txt`` gives a UTF-8 file instead of a UnicodeEncodeError.
* A terminal keeps its own encoding (Windows' console takes Unicode anyway); what it
  cannot show is written as ASCII: ✓ as ``v``, ✗ as ``x``, ▶ as ``>``, the rest as ``?``.
* A terminal never receives control characters from the text it shows: a document's title
  or a note can hold ``ESC [2J`` (clear the screen), an OSC sequence (set the window title)
  or a right-to-left override that makes ``txt.exe`` read as something else. They are shown
  as visible marks (``␛``, ``�``) instead; line breaks and tabs pass.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import Any, TextIO

ERRORS = "kbapp-ascii"
_FALLBACK = {"✓": "v", "✗": "x", "▶": ">", "→": "->", "…": "...", "—": "-", "–": "-", "·": "-",
             "“": '"', "”": '"', "‘": "'", "’": "'", "×": "x"}


def _ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(_FALLBACK.get(ch, "?") for ch in text), exc.end


codecs.register_error(ERRORS, _ascii_fallback)


class _Sink(io.TextIOBase):
    """Where output goes when there is no console: nowhere, without failing."""

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)

    def isatty(self) -> bool:
        return False


# C0 and C1 controls except tab, line feed and carriage return; the bidirectional embeddings,
# overrides and isolates.
_UNSAFE = {c: "\ufffd" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
                                 *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
_UNSAFE[0x1B] = "\u241b"  # ␛


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal would act on made visible."""
    return text.translate(_UNSAFE)


class _TerminalSafe:
    """A terminal's stream that writes text through ``terminal_safe``; the rest is the stream's."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _prepare(stream: TextIO | None) -> TextIO | _Sink:
    if stream is None:
        return _Sink()
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:  # replaced by a test harness or an IDE: leave it alone
        return stream
    try:
        if not _is_tty(stream):
            if codecs.lookup(stream.encoding or "ascii").name != "utf-8":
                reconfigure(encoding="utf-8", errors="strict")
        elif stream.errors == "strict":
            reconfigure(errors=ERRORS)
    except (ValueError, OSError, LookupError):  # already written to, or closed
        pass
    if _is_tty(stream):
        return _TerminalSafe(stream)  # type: ignore[return-value]  # a TextIO in every use made of it
    return stream


def prepare_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe for the whole run (called first by main)."""
    sys.stdout = _prepare(sys.stdout)
    sys.stderr = _prepare(sys.stderr)


def silence_stdout() -> None:
    """After a broken pipe: what is still buffered, and any later write, goes nowhere."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        sys.stdout = _Sink()
        return
    os.dup2(os.open(os.devnull, os.O_WRONLY), fileno)
