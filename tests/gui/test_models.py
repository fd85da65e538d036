"""Models are tested without widgets, as Vorta does."""

from __future__ import annotations

from pathlib import Path

from kbapp.gui.models import HitRole, ProblemsModel, ResultsModel
from kbapp.model import Problem
from kbapp.search import SearchHit, SearchResults


def _hit(doc_id: str) -> SearchHit:
    return SearchHit(id=doc_id, kind="playbook", title="数据丢失", title_en="Data loss", category="data-loss",
                     levels=("I",), tags=("backup",), score=1.0, path=f"/x/{doc_id}.md", snippet="<b>x</b>")


def test_results_model_passes_the_model_tester(qtmodeltester):
    model = ResultsModel()
    model.set_results(SearchResults(query="q", hits=[_hit("a"), _hit("b")], total=2))
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1, 0), HitRole).id == "b"
    model.set_results(SearchResults(query="none"))
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_problems_model_passes_the_model_tester(qtmodeltester):
    model = ProblemsModel()
    model.set_problems([Problem(Path("a.md"), 3, "front matter is not valid YAML"), Problem(Path("b.md"), 1, "empty file")])
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == 3
    assert model.data(model.index(1, 3)) == "empty file"
