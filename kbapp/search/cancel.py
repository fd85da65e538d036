"""Stopping a search nobody waits for any more.

The window searches as the user types, one search in flight (kbapp.gui.search_controller).
A keystroke that arrives while a slow search scores (common words at 50,000 documents)
should not wait for it: the controller sets the running search's stop flag, and the search
gives up at its next checkpoint (between the ranking tiers, per scored term or unit, per
snippet) by raising SearchCancelled. Python threads cannot be interrupted; checkpoints a
few milliseconds apart are what stopping costs.

The flag travels in a context variable, so a search run without one (every command, the
tests) pays one lookup per checkpoint and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_should_stop: ContextVar[Callable[[], bool] | None] = ContextVar("kbapp_search_should_stop", default=None)


class SearchCancelled(Exception):  # noqa: N818 (what happened, not an error)
    """The search was stopped by its caller: a newer one replaces it."""


@contextmanager
def stoppable(should_stop: Callable[[], bool]) -> Iterator[None]:
    """Searches run inside stop at their next checkpoint once ``should_stop()`` is true."""
    token = _should_stop.set(should_stop)
    try:
        yield
    finally:
        _should_stop.reset(token)


def checkpoint() -> None:
    """Raise SearchCancelled when the search running in this context should stop."""
    should_stop = _should_stop.get()
    if should_stop is not None and should_stop():
        raise SearchCancelled
