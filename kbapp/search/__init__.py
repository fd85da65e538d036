"""Full-text search over the library: Whoosh behind kbapp's own interface."""

from kbapp.search.types import SearchHit, SearchResults

__all__ = ["SearchHit", "SearchResults"]
