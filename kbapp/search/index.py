"""The on-disk search index: open, validate, sync incrementally, rebuild.

The library is the source of truth; the index can always be rebuilt from it. Beside
the Whoosh folder a manifest records each document's content hash, the schema version
and the analyzer configuration, so a stale, foreign or damaged index is detected on
open and rebuilt. Writes are serialized: a thread lock inside the process and a file
lock across processes (a second writer waits instead of crashing).

A rebuild writes a new generation folder (``whoosh-<N>``) beside the one in use and
switches by rewriting the manifest, which names the folder in use (``dir``); no folder is
ever renamed, since Windows refuses to rename one that another process (a second
window, the CLI, a scanner) holds a file in. Folders the manifest no longer names are
removed later, on an open that finds no other writer; one still held open (Windows) is
left for the next time. Other processes see the new manifest on their next search and
reopen. An index written before generations existed lives in ``whoosh`` and stays usable.

Adding or changing a few documents costs the same at 1,000 and 50,000 documents: the
change is appended to ``manifest.log`` (one JSON line: the hashes set and the ids
removed) instead of rewriting the whole manifest, and the open index is kept unless
another process changed it. Every ``COMPACT_LINES`` lines or ``COMPACT_BYTES`` (and on
every rebuild) the log is folded into ``manifest.json``, which gets a new ``base`` id; lines written for
another base are ignored, so a reader that meets the two files mid-fold reads the same
documents either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import os
import threading
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex

from kbapp.errors import KbEnvironmentError
from kbapp.fsutil import atomic_write_text
from kbapp.model import Document
from kbapp.search.analysis import config_fingerprint
from kbapp.search.cancel import SearchCancelled
from kbapp.search.generations import index_folders, next_generation, remove_debris
from kbapp.search.manifest import (
    CATALOGUE_STATE,
    COMPACT_BYTES,
    COMPACT_LINES,
    JOURNAL_NAME,
    ManifestSig,
    folder_name,
    load_manifest,
    manifest_sig,
    read_synced_state,
    synced_state,
)
from kbapp.search.reuse import searcher_reusing
from kbapp.search.schema import SCHEMA_VERSION, build_schema, index_fields
from kbapp.search.scoring import FastBM25F
from kbapp.search.types import SearchResults
from kbapp.threads import off_ui_thread

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int], None]
WRITE_LOCK_TIMEOUT_S = 120


class IndexBusy(KbEnvironmentError, RuntimeError):
    """Another process holds the index writer, or there is no usable index yet."""


def _release_quietly(exc: BaseException) -> None:
    """Free what Whoosh left open when it failed on a damaged file.

    Its frames (kept alive by the traceback) hold the segment files it opened; they are
    closed on release with a ResourceWarning, which is noise here: the index is rebuilt.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        seen: set[int] = set()
        link: BaseException | None = exc
        while link is not None and id(link) not in seen:
            seen.add(id(link))
            link.__traceback__ = None
            link = link.__context__ or link.__cause__
        gc.collect()


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    rebuilt: bool = False
    reason: str = ""
    notice: str = ""  # something the user should know about the library catalogue

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass
class IndexStatus:
    path: Path
    state: str  # "ready", or why it needs a rebuild: "missing", "stale", "damaged"
    reason: str
    documents: int
    size_bytes: int
    updated: str | None
    pending: dict[str, int] = field(default_factory=dict)


class SearchIndex:
    def __init__(self, root: Path, *, mmap: bool = True):
        """``mmap=False`` reads the index files as a query needs them instead of mapping them
        and copying each part it opens: quicker to answer one query (a ``kbapp`` command),
        slower for many (the window)."""
        self.root = Path(root)
        self._mmap = mmap
        self.one_query = not mmap  # and scored without numpy when small (kbapp.search.ranking)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest_path = self.root / "manifest.json"
        self._manifest_sig: ManifestSig | None = None  # the manifest and its journal as read, by stat
        self._file_lock: Any = None  # a FileLock, made on the first write (filelock is slow to import)
        self._write_lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._ix: Any = None  # whoosh's FileIndex and Searcher (their types are partial)
        self._searcher: Any = None
        self._manifest: dict = {}
        self._problem: tuple[str, str] | None = None  # (state, reason) when unusable
        self._cjk_cache: tuple[int, list[str]] | None = None
        self._read_failure: str | None = None  # why the last read failed, until taken
        self._read_damage: str | None = None  # why a read failed, until the next rebuild

    # -- opening and validation ----------------------------------------------
    @property
    def dir(self) -> Path:
        """The Whoosh folder in use: the one the manifest names."""
        manifest = self._manifest if self._ix is not None else load_manifest(self.manifest_path)[0]
        return self.root / folder_name(manifest)

    def _read_manifest(self) -> dict | None:
        data, self._manifest_sig = load_manifest(self.manifest_path)
        return data

    def _manifest_changed(self) -> bool:
        """Whether another process rewrote the manifest (a rebuild switched folders, or an
        update) since this one read it."""
        try:
            return manifest_sig(self.manifest_path) != self._manifest_sig
        except OSError:
            return self._manifest_sig is not None

    def _open(self) -> None:
        """Open and validate; on any problem leave ``_problem`` set and no index open."""
        with self._read_lock:  # searches on other threads see the old state or the new one
            self._open_unlocked()

    def _open_unlocked(self) -> None:
        self._close_readers()
        self._problem = None
        manifest = self._read_manifest()
        remove_debris(self.root, folder_name(manifest) if manifest is not None else None, self._write_file_lock)
        if self._read_damage is not None:
            self._problem = ("damaged", self._read_damage)
            return
        if manifest is None:
            if any(any(p.glob("*.toc")) for p in index_folders(self.root)):
                self._problem = ("damaged", "the index manifest is missing or unreadable")
            else:
                self._problem = ("missing", "no index has been built yet")
            return
        folder = self.root / folder_name(manifest)
        if not folder.is_dir() or not any(folder.glob("*.toc")):
            self._problem = ("missing", "no index has been built yet")
            return
        if manifest.get("format") != SCHEMA_VERSION or manifest.get("fingerprint") != config_fingerprint():
            self._problem = ("stale", "the index was built by another version or with another dictionary")
            return
        ix = None
        try:
            if self._mmap:
                ix = windex.open_dir(str(folder))
            else:
                from whoosh.filedb.filestore import FileStorage

                ix = FileStorage(str(folder), supports_mmap=False).open_index()
            count = ix.doc_count()
        except Exception as exc:  # Whoosh raises many kinds on damaged files; all mean "rebuild"
            # (random bytes in the TOC: IndexError "created on different architecture"; a
            # short file: struct.error; a bad segment: OSError, EOFError, ValueError ...)
            if ix is not None:
                with contextlib.suppress(Exception):
                    ix.close()
            self._mark_damaged(exc, "the index cannot be opened")
            return
        if count != len(manifest["docs"]):
            ix.close()
            self._problem = ("damaged", f"the index holds {count} documents, its manifest {len(manifest['docs'])}")
            return
        self._ix, self._manifest = ix, manifest

    def _mark_damaged(self, exc: BaseException, what: str, *, reading: bool = False) -> None:
        """Any failure reading the index: close it, remember why; the next sync rebuilds it."""
        reason = f"{what} ({type(exc).__name__}: {exc})"
        log.info("search index damaged: %s", reason)
        with self._read_lock:
            searcher, ix = self._searcher, self._ix
            self._searcher = self._ix = None
            for thing in (searcher, ix):
                if thing is not None:
                    with contextlib.suppress(Exception):
                        thing.close()
            self._problem = ("damaged", reason)
            if reading:  # the files may open again; only a rebuild clears this
                self._read_failure = self._read_damage = reason
        _release_quietly(exc)

    def take_read_failure(self) -> str | None:
        """Why the last search found the index unreadable (once), or None."""
        with self._read_lock:
            reason, self._read_failure = self._read_failure, None
            return reason

    def _write_file_lock(self) -> Any:
        """The cross-process write lock (a FileLock, made when first needed: filelock is slow to import)."""
        if self._file_lock is None:
            from filelock import FileLock

            self._file_lock = FileLock(str(self.root / ".write.lock"))
        return self._file_lock

    def _ensure_open(self) -> None:
        if self._ix is None and self._problem is None:
            self._open()

    def _open_if_changed(self) -> None:
        """``_open``, unless the index is open and no process changed it since: a write
        then costs the same at any library size (no manifest read, no segment re-opened)."""
        if self._ix is not None and self._problem is None and not self._manifest_changed():
            return
        self._open()

    def _close_readers(self) -> None:
        with self._read_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None

    def close(self) -> None:
        with self._write_lock:
            self._close_readers()

    # -- status ----------------------------------------------------------------
    def status(self, documents: Iterable[Document] | None = None) -> IndexStatus:
        with self._write_lock:
            self._ensure_open()
            size = sum(p.stat().st_size for p in self.dir.glob("*") if p.is_file()) if self.dir.is_dir() else 0
            state, reason = self._problem or ("ready", "")
            status = IndexStatus(self.dir, state, reason, len(self._manifest.get("docs", {})) if self._ix else 0,
                                 size, self._manifest.get("updated") if self._ix else None)
            if documents is not None and self._ix is not None:
                status.pending = self._plan(list(documents))[1]
            return status

    def needs_rebuild(self) -> bool:
        with self._write_lock:
            self._ensure_open()
            return self._problem is not None

    # -- writing -----------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the cross-process write lock for the ``with`` block, waiting for it.

        (Returning the acquired FileLock to ``with`` acquired it twice and released it
        once, so the first write kept every other process out until this one exited.)
        """
        from filelock import Timeout

        file_lock = self._write_file_lock()
        try:
            file_lock.acquire(timeout=WRITE_LOCK_TIMEOUT_S)
        except Timeout:
            raise IndexBusy(f"another kbapp process has been writing the index for over "
                            f"{WRITE_LOCK_TIMEOUT_S} s ({file_lock.lock_file})") from None
        try:
            yield
        finally:
            file_lock.release()

    def _plan(self, documents: list[Document]) -> tuple[list[Document], dict[str, int], list[str]]:
        by_id = {d.id: d for d in documents}
        changed, counts, removed = self._plan_hashes({d.id: d.content_hash for d in documents})
        return [by_id[doc_id] for doc_id in changed], counts, removed

    def _plan_hashes(self, wanted: dict[str, str]) -> tuple[list[str], dict[str, int], list[str]]:
        known = self._manifest.get("docs", {})
        changed = [doc_id for doc_id, digest in wanted.items() if known.get(doc_id) != digest]
        removed = [doc_id for doc_id in known if doc_id not in wanted]
        added = sum(1 for doc_id in changed if doc_id not in known)
        return changed, {"added": added, "updated": len(changed) - added, "removed": len(removed)}, removed

    def sync(self, documents: Iterable[Document], progress: ProgressFn | None = None, force: bool = False) -> SyncReport:
        """Index what changed since the last sync (by content hash); rebuild when needed."""
        off_ui_thread("SearchIndex.sync")
        by_id = {d.id: d for d in documents}
        return self.sync_hashes({d.id: d.content_hash for d in by_id.values()},
                                lambda ids: [by_id[doc_id] for doc_id in ids], progress=progress, force=force)

    def sync_hashes(self, wanted: dict[str, str], load: Callable[[list[str]], list[Document]],
                    progress: ProgressFn | None = None, force: bool = False) -> SyncReport:
        """``sync`` from the library's doc id -> content hash; ``load(ids)`` gives the documents
        to write, so a caller that knows the hashes (the catalogue) parses only those.

        Nothing changed: the index is opened, compared with ``wanted``, and left alone,
        without waiting for another process's write lock (its writes are atomic)."""
        off_ui_thread("SearchIndex.sync_hashes")
        if not force:
            with self._write_lock:
                self._open_if_changed()
                if self._problem is None and not any(self._plan_hashes(wanted)[1].values()):
                    return SyncReport()
        with self._write_lock, self._locked():
            self._open_if_changed()  # another process may have changed it since we last looked
            if force or self._problem is not None:
                reason = "requested" if force or self._problem is None else self._problem[1]
                documents = load(list(wanted))
                self._rebuild(documents, progress)
                return SyncReport(added=len(documents), rebuilt=True, reason=reason)
            changed, counts, removed = self._plan_hashes(wanted)
            if changed or removed:
                try:
                    self._write(load(changed), removed, progress)
                except windex.LockError:
                    raise
                except Exception as exc:  # the segments it had to read are damaged
                    self._mark_damaged(exc, "the index cannot be updated")
                    reason = self._problem[1] if self._problem is not None else str(exc)
                    documents = load(list(wanted))
                    self._rebuild(documents, progress)
                    return SyncReport(added=len(documents), rebuilt=True, reason=reason)
            return SyncReport(counts["added"], counts["updated"], counts["removed"])

    def synced_from(self, digest: str) -> bool:
        """Whether the index is sound and was last synced from the library whose stat digest
        (kbapp.catalogue) is ``digest``, with no write to it since: then a sync has nothing
        to do. Opens the index, as the search that follows would."""
        off_ui_thread("SearchIndex.synced_from")
        with self._write_lock:
            self._open_if_changed()
            if self._problem is not None or self._manifest_sig is None:
                return False
            return read_synced_state(self.root) == synced_state(digest, self._manifest_sig)

    def remember_synced(self, digest: str) -> None:
        """Record that the index now holds the library whose stat digest is ``digest``
        (a cache: not saved is only slower)."""
        with self._write_lock:
            if self._problem is None and self._manifest_sig is not None:
                with contextlib.suppress(OSError):
                    atomic_write_text(self.root / CATALOGUE_STATE, synced_state(digest, self._manifest_sig))

    def update_documents(self, documents: Iterable[Document]) -> None:
        """Make new or changed documents searchable now, without a rebuild."""
        off_ui_thread("SearchIndex.update_documents")
        documents = list(documents)
        with self._write_lock, self._locked():
            self._open_if_changed()
            if self._problem is not None:
                raise IndexBusy(f"the index needs a rebuild first: {self._problem[1]}")
            self._write(documents, [], None)

    def remove_documents(self, doc_ids: Iterable[str]) -> None:
        off_ui_thread("SearchIndex.remove_documents")
        with self._write_lock, self._locked():
            self._open_if_changed()
            if self._problem is None:
                self._write([], list(doc_ids), None)

    def _write(self, changed: list[Document], removed: list[str], progress: ProgressFn | None) -> None:
        writer = self._ix.writer(timeout=WRITE_LOCK_TIMEOUT_S, limitmb=128)
        known = self._manifest["docs"]
        gone = [doc_id for doc_id in removed if doc_id in known]
        hashes: dict[str, str] = {}
        try:
            for doc_id in removed:
                writer.delete_by_term("id", doc_id)
            for done, doc in enumerate(changed, start=1):
                # A new document has no earlier copy to delete (a term lookup per document
                # saved; add_document of an id the manifest does not hold).
                if doc.id in known or doc.id in hashes:
                    writer.update_document(**index_fields(doc))
                else:
                    writer.add_document(**index_fields(doc))
                hashes[doc.id] = doc.content_hash
                if progress:
                    progress(done, len(changed))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._record_changes(hashes, gone)
        self._refresh_searcher()

    def _rebuild(self, documents: list[Document], progress: ProgressFn | None) -> None:
        """Into a new generation folder; the manifest then names it (an atomic replace), and
        the old folder is removed by the open that follows, or later when it is in use."""
        self._close_readers()
        name = next_generation(self.root, self._manifest.get("dir"))
        fresh = self.root / name
        fresh.mkdir(parents=True)
        ix = windex.create_in(str(fresh), build_schema())
        writer = ix.writer(limitmb=256)
        for done, doc in enumerate(documents, start=1):
            writer.add_document(**index_fields(doc))
            if progress:
                progress(done, len(documents))
        writer.commit()
        ix.close()
        self._save_manifest({d.id: d.content_hash for d in documents}, folder=name)
        self._read_damage = None
        self._open()

    def _record_changes(self, hashes: dict[str, str], gone: list[str]) -> None:
        """The manifest after a write: one line appended to its journal (folded into the
        manifest every COMPACT_LINES lines, or once the journal holds more than
        COMPACT_BYTES: a re-index of the whole library is one long line, which every
        later process would read on top of the manifest)."""
        docs = self._manifest["docs"]
        for doc_id in gone:
            docs.pop(doc_id, None)
        docs.update(hashes)
        updated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._manifest["updated"] = updated
        lines = int(self._manifest.get("journal", 0)) + 1
        base = self._manifest.get("base")
        line = json.dumps({"base": base, "updated": updated, "set": hashes, "del": gone}, ensure_ascii=False)
        try:
            held = (self.root / JOURNAL_NAME).stat().st_size
        except OSError:
            held = 0
        if not isinstance(base, str) or lines > COMPACT_LINES or held + len(line) > COMPACT_BYTES:
            self._save_manifest(docs)
            return
        with open(self.root / JOURNAL_NAME, "a", encoding="utf-8", newline="\n") as journal:
            journal.write(line + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._manifest["journal"] = lines
        with contextlib.suppress(OSError):
            self._manifest_sig = manifest_sig(self.manifest_path)

    def _save_manifest(self, docs: dict[str, str], folder: str | None = None) -> None:
        self._manifest = {
            "format": SCHEMA_VERSION,
            "fingerprint": config_fingerprint(),
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "dir": folder or folder_name(self._manifest),
            "base": uuid.uuid4().hex,  # the journal lines written from now on name it
            "docs": docs,
        }
        atomic_write_text(self.manifest_path, json.dumps(self._manifest, ensure_ascii=False, indent=0))
        # Lines of the old base are ignored from now on; emptied only to save the space
        # (on Windows another process reading it may refuse that: emptied next time).
        with contextlib.suppress(OSError):
            journal = self.root / JOURNAL_NAME
            if journal.exists():
                with open(journal, "w", encoding="utf-8"):
                    pass
        self._manifest["journal"] = 0
        with contextlib.suppress(OSError):
            self._manifest_sig = manifest_sig(self.manifest_path)

    # -- checking ------------------------------------------------------------------
    def check(self, documents: Iterable[Document]) -> list[str]:
        """A deep check: every stored document against the manifest and the library."""
        with self._write_lock:
            self._open()
            if self._problem is not None:
                return [f"{self._problem[0]}: {self._problem[1]}"]
            findings: list[str] = []
            try:
                with self._ix.searcher() as searcher:
                    stored = {f["id"]: f.get("hash") for f in searcher.reader().all_stored_fields()}
            except Exception as exc:
                _release_quietly(exc)
                return [f"damaged: stored documents cannot be read ({type(exc).__name__}: {exc})"]
            for doc_id, digest in self._manifest["docs"].items():
                if stored.get(doc_id) != digest:
                    findings.append(f"damaged: document {doc_id} is missing or differs from the manifest")
            changed, counts, _ = self._plan(list(documents))
            if changed or counts["removed"]:
                findings.append("out of date: {added} new, {updated} changed, {removed} removed in the library".format(**counts))
            return findings

    # -- reading ----------------------------------------------------------------------
    def _refresh_searcher(self) -> None:
        with self._read_lock:
            if self._searcher is not None and self._ix is not None:
                # A new searcher rather than refresh(): refresh fails on an empty index.
                old = self._searcher
                try:
                    self._searcher = searcher_reusing(self._ix, old)
                except Exception:  # anything unexpected: open every segment again
                    self._searcher = self._ix.searcher(weighting=FastBM25F())
                    old.close()

    def searcher(self) -> Any:
        with self._read_lock:
            self._ensure_open()
            if self._ix is None:
                return None
            if self._manifest_changed():  # another process rebuilt or updated the index
                self._open_unlocked()
                if self._ix is None:
                    return None
            try:
                if self._searcher is None:
                    self._searcher = self._ix.searcher(weighting=FastBM25F())
                    return self._searcher
                try:
                    stale = not self._searcher.up_to_date()
                except Exception:  # the files under it were replaced by a rebuild
                    self._open_unlocked()
                    return self.searcher()
                if stale:
                    self._refresh_searcher()
                return self._searcher
            except Exception as exc:  # a damaged segment, met on the first read
                self._mark_damaged(exc, "the index cannot be read", reading=True)
                return None

    def cjk_terms(self, searcher: Any) -> list[str]:
        from kbapp.search.searching import collect_cjk_terms

        generation = id(searcher.reader())
        if self._cjk_cache is None or self._cjk_cache[0] != generation:
            self._cjk_cache = (generation, collect_cjk_terms(searcher))
        return self._cjk_cache[1]

    def similar(self, text: str, *, limit: int = 5, kinds: tuple[str, ...] = (),
                exclude: tuple[str, ...] = ()) -> SearchResults:
        from kbapp.search.searching import run_similar

        with self._read_lock:
            searcher = self.searcher()
            if searcher is None or not text.strip():
                return SearchResults(query=text)
            try:
                return run_similar(self, searcher, text, limit=limit, kinds=kinds, exclude=exclude)
            except SearchCancelled:
                raise  # (stopped by its caller: nothing wrong with the index)
            except Exception as exc:
                self._mark_damaged(exc, "the index cannot be read", reading=True)
                return SearchResults(query=text)

    def search(self, text: str, *, limit: int = 20, kind: str | None = None, category: str | None = None,
               level: str | None = None, tag: str | None = None) -> SearchResults:
        from kbapp.search.searching import run_search

        with self._read_lock:
            searcher = self.searcher()
            if searcher is None:
                return SearchResults(query=text)
            try:
                return run_search(self, searcher, text, limit=limit, kind=kind, category=category, level=level,
                                  tag=tag)
            except SearchCancelled:
                raise  # (stopped by its caller: nothing wrong with the index)
            except Exception as exc:  # a damaged posting list or stored field, met mid-search
                self._mark_damaged(exc, "the index cannot be read", reading=True)
                return SearchResults(query=text)
