"""The window's thread rule, checked where it matters: the UI thread never opens the
database (migrations, the backup before them), parses the library or writes the index.

The core cannot know which thread is the window's (it has no Qt), so the window tells
it: :func:`set_ui_thread_check` with a function that says whether the calling thread is
the UI thread. Then :func:`off_ui_thread`, called at the start of ``Store.open``,
``Library.reload`` and every index write, reports a violation to the handler: by
default a warning with the stack in the log; tests install one that fails
(tests/gui/test_ui_thread.py). Without a window (the command line) it costs one test.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_on_ui_thread: Callable[[], bool] | None = None


def _log_violation(what: str) -> None:
    logging.getLogger("kbapp").warning("%s ran on the UI thread (it blocks the window):\n%s", what,
                                       "".join(traceback.format_stack(limit=12)))


_handler: Callable[[str], None] = _log_violation


def set_ui_thread_check(on_ui_thread: Callable[[], bool] | None,
                        handler: Callable[[str], None] | None = None) -> None:
    """Install (or, with None, remove) the test for the UI thread and what a violation does."""
    global _on_ui_thread, _handler
    _on_ui_thread = on_ui_thread
    _handler = handler or _log_violation


def off_ui_thread(what: str) -> None:
    """Call first in work that must not run on the UI thread."""
    check = _on_ui_thread
    if check is not None and check():
        _handler(what)


def built_once(owner: object, name: str, lock: Any, make: Callable[[], T]) -> T:
    """``owner``'s part ``name`` (an attribute, None until built), made by ``make`` on first
    use under ``lock``. Once built, reading it takes no lock, so the window never waits on
    one. The attribute is looked up in ``owner``'s own ``__dict__``: a view that passes
    unknown names on to another object (kbapp.copy_view) keeps parts of its own."""
    found = vars(owner).get(name)
    if found is not None:
        return found
    with lock:
        found = vars(owner).get(name)
        if found is None:
            found = make()
            setattr(owner, name, found)  # whole before anyone can see it
        return found
