"""Debounced search: one job in flight, the latest request wins, stale results are dropped."""

from __future__ import annotations

import threading

from kbapp.gui.operations import OperationRunner
from kbapp.gui.search_controller import SearchController, SearchRequest
from kbapp.search import SearchHit, SearchResults


class SlowKnowledgeBase:
    """Blocks the search for 'slow' until released, so the test controls the order."""

    def __init__(self):
        self.release = threading.Event()
        self.started = threading.Event()
        self.queries: list[str] = []

    def search(self, text, **_filters):
        self.queries.append(text)
        if text == "slow":
            self.started.set()
            self.release.wait(10)
        hit = SearchHit(id=text, kind="playbook", title=text, title_en="", category="", levels=(), tags=(),
                        score=1.0, path="", snippet="")
        return SearchResults(query=text, hits=[hit], total=1)


def test_a_stale_search_never_overwrites_a_newer_one(qtbot):
    kb = SlowKnowledgeBase()
    runner = OperationRunner()
    controller = SearchController(kb, runner, interval_ms=1)
    shown: list[str] = []
    controller.results_ready.connect(lambda request, results: shown.append(results.query))

    controller.request(SearchRequest("slow"))
    qtbot.waitUntil(kb.started.is_set)
    controller.request(SearchRequest("fast"))  # typed while "slow" is still running
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as blocker:
        kb.release.set()
    assert blocker.args[1].query == "fast"
    assert shown == ["fast"]
    assert kb.queries == ["slow", "fast"]  # one job in flight: "fast" waited for "slow"
    runner.shutdown()


def test_typing_quickly_runs_only_the_last_query(qtbot):
    kb = SlowKnowledgeBase()
    kb.release.set()
    runner = OperationRunner()
    controller = SearchController(kb, runner, interval_ms=50)
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as blocker:
        for text in ("d", "da", "dat", "data"):
            controller.request(SearchRequest(text))
    assert blocker.args[1].query == "data"
    assert kb.queries == ["data"]
    runner.shutdown()


class ChangingKnowledgeBase(SlowKnowledgeBase):
    """Its results say which version of the index they were read from."""

    def __init__(self):
        super().__init__()
        self.version = 1

    def search(self, text, **filters):
        seen = self.version
        results = super().search(text, **filters)
        return SearchResults(query=f"{results.query}@{seen}", hits=results.hits, total=1)


def test_a_refresh_asked_during_a_search_runs_after_it(qtbot):
    kb = ChangingKnowledgeBase()
    runner = OperationRunner()
    controller = SearchController(kb, runner, interval_ms=1)
    shown: list[str] = []
    controller.results_ready.connect(lambda request, results: shown.append(results.query))

    controller.request(SearchRequest("slow"))
    qtbot.waitUntil(kb.started.is_set)  # the search has read version 1 of the index
    kb.version = 2  # an import or a submitted report lands meanwhile
    controller.refresh()
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as blocker:
        kb.release.set()
    assert blocker.args[1].query == "slow@2"
    assert shown == ["slow@2"]  # the outdated results were never shown
    assert kb.queries == ["slow", "slow"]
    runner.shutdown()


class ScoringKnowledgeBase(SlowKnowledgeBase):
    """'slow' scores until released, reaching a checkpoint (kbapp.search.cancel) as the
    real search does between terms; it records whether it was stopped."""

    def __init__(self):
        super().__init__()
        self.stopped: list[str] = []

    def search(self, text, **filters):
        from kbapp.search.cancel import SearchCancelled, checkpoint

        if text != "slow":
            return super().search(text, **filters)
        self.queries.append(text)
        self.started.set()
        try:
            while not self.release.wait(0.005):
                checkpoint()
        except SearchCancelled:
            self.stopped.append(text)
            raise
        return SearchResults(query=text, hits=[], total=0)


def test_a_new_keystroke_stops_the_search_still_scoring(qtbot):
    kb = ScoringKnowledgeBase()
    runner = OperationRunner()
    controller = SearchController(kb, runner, interval_ms=1)
    failures: list[str] = []
    controller.search_failed.connect(failures.append)
    controller.request(SearchRequest("slow"))
    qtbot.waitUntil(kb.started.is_set)
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as blocker:
        controller.request(SearchRequest("fast"))  # "slow" is never released: it must give up
    assert blocker.args[1].query == "fast"
    assert kb.stopped == ["slow"] and kb.queries == ["slow", "fast"]
    assert failures == []  # being stopped is not a failure to show
    kb.release.set()
    runner.shutdown()


def test_the_same_request_again_does_not_stop_its_own_search(qtbot):
    kb = ScoringKnowledgeBase()
    runner = OperationRunner()
    controller = SearchController(kb, runner, interval_ms=1)
    controller.request(SearchRequest("slow"))
    qtbot.waitUntil(kb.started.is_set)
    controller.request(SearchRequest("slow"))  # e.g. a filter set back as it was
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as blocker:
        kb.release.set()
    assert blocker.args[1].query == "slow" and kb.stopped == []
    runner.shutdown()
