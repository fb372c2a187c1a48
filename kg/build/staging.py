"""A full build of a folder store, staged beside it (:class:`Staged`)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from kg.build.cache import RecordCache
from kg.build.links_mirror import LINKS_DIR, part_name, write_links_file
from kg.build.summary import store_counts
from kg.build.swap import finish, prepare
from kg.errors import KGError
from kg.store import open_store


class Staged:
    """The new store (``{name}.tmp-{pid}``) and the N-Quads of the documents' graphs in one file
    (``{name}.work-{pid}/data.nq``), written as documents are extracted, the corpus-level graphs in
    another (``links.nq``). The bulk loader reads them one after the other; the SHACL engine reads a
    copy of the first with the second appended (``checked.nq``), so that validation need not wait for
    the documents to be loaded. Both release the GIL, so loading runs in a thread beside linking and
    validation. Nothing replaces the store until :meth:`finish`; :meth:`discard` removes whatever
    is left."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.tmp = prepare(folder)
        self.work = folder.parent / f"{folder.name}.work-{os.getpid()}"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.data = self.work / "data.nq"
        self.links = self.work / "links.nq"
        self.checked = self.work / "checked.nq"
        self._out = open(self.data, "wb")  # noqa: SIM115 - closed by load_in_background()/discard()
        self.store = open_store(self.tmp)
        self._thread: threading.Thread | None = None
        self._checking: threading.Thread | None = None  # SHACL, see validate_in_background()
        self._outcome: dict = {}
        self._error: BaseException | None = None
        self.summary: tuple[int, dict] | None = None  # (quads, counts), see load_links_in_background()

    def write(self, quads: bytes) -> None:
        self._out.write(quads)

    def write_links(self, graphs: dict) -> None:
        """The corpus-level graphs (N-Triples term strings) to a file of their own."""
        write_links_file(self.links, graphs)

    def _write_checked(self) -> None:
        """The file the SHACL engine validates: the documents, then the links (the union of all graphs).
        A copy (the kernel's), as the documents' file may still be read by the loader."""
        shutil.copyfile(self.data, self.checked)
        with open(self.checked, "ab") as checked, open(self.links, "rb") as links:
            shutil.copyfileobj(links, checked, 1 << 24)

    def records_dir(self) -> Path:
        """The new store's records cache folder, made now: the extraction writes its entries."""
        target = RecordCache(self.tmp).dir
        target.mkdir(parents=True, exist_ok=True)
        return target

    def write_records(self, records_by_sha: dict) -> None:
        RecordCache.write(self.tmp, records_by_sha)

    def load_in_background(self) -> None:
        """Load the documents written so far in a thread."""
        self.wait()
        if not self._out.closed:
            self._out.close()

        def run() -> None:
            try:
                self.store.load_nquads_file(self.data, own=True)
            except BaseException as e:  # re-raised by wait()
                self._error = e

        self._thread = threading.Thread(target=run, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise KGError(f"{self.folder}: loading the new store failed: {error}") from error

    def load_links_in_background(self) -> None:
        """Once the links are written: in a thread, wait for the documents to load, load the links and
        count the new store for build.json (``self.summary``). The loader releases the GIL, so the
        build makes its summary tables meanwhile."""
        documents = self._thread  # the documents' load, if it is still running

        def load_links() -> None:
            try:
                if documents is not None:
                    documents.join()
                if self._error is None:  # else raised by wait()
                    self.store.load_nquads_file(self.links, own=True)
            except BaseException as e:  # re-raised by wait()
                self._error = e
                return
            try:
                self.summary = store_counts(self.store)
            except BaseException as e:  # re-raised by validation(), once SHACL is done
                self._outcome["counting"] = e

        self._thread = threading.Thread(target=load_links, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def validate_in_background(self) -> None:
        """SHACL-validate the documents and the links in a thread (the engine releases the GIL).
        Started once the build has freed its records: the engine then takes its memory (a GB at
        10,000 plans) beside the loader's alone."""
        from kg.validate import validate_nquads_file

        def check() -> None:
            try:
                self._write_checked()
                self._outcome["result"] = validate_nquads_file(self.checked)
            except BaseException as e:  # re-raised by validation(), in the calling thread
                self._outcome["error"] = e

        self._checking = threading.Thread(target=check, name="kg-validate", daemon=True)
        self._checking.start()

    def validation(self) -> tuple[bool, str]:
        """The SHACL outcome of :meth:`validate_in_background`, once the links are loaded too. A failed
        load or count is raised only once the validation thread has ended (it reads the work files)."""
        try:
            self.wait()
        finally:
            self._join_checking()
        for failed in ("error", "counting"):
            if failed in self._outcome:
                raise self._outcome[failed]
        return self._outcome["result"]

    def _join_checking(self) -> None:
        if self._checking is not None:
            self._checking.join()
            self._checking = None

    def finish(self, info: dict, *, given=None) -> int:
        """Swap the new store into place (the records cache is already in it). ``given``: the
        summaries' tables made from the records (:class:`kg.summaries.rows.RecordTables`)."""
        self.wait()
        self.store.flush()
        self.store.close()
        (self.tmp / LINKS_DIR).mkdir()
        os.replace(self.links, self.tmp / LINKS_DIR / part_name(0))
        shutil.rmtree(self.work, ignore_errors=True)
        return finish(self.tmp, self.folder, info, {}, None, summary=self.summary, given=given)

    def discard(self) -> None:
        try:
            self.wait()
        except KGError:
            pass
        self._join_checking()
        if not self._out.closed:
            self._out.close()
        self.store.close()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
