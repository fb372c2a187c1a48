"""One build at a time per store folder: an exclusive lock on a file beside it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from kg.errors import KGError


class BuildLock:
    """An exclusive ``flock`` on ``.{store}.lock`` beside the store folder.

    The file exists only while a build runs. After taking the lock the holder checks that the path
    still names the file it locked, so a build that opened the file just before the previous holder
    removed it cannot slip through.
    """

    def __init__(self, folder: Path):
        self.path = folder.parent / f".{folder.name}.lock"
        self.store = folder
        self.handle = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = open(self.path, "a+")  # noqa: SIM115 - held for the whole build
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise KGError(
                    f"{self.store}: another build is running ({holder}); try again when it ends"
                ) from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()  # the previous holder removed the file meanwhile: lock the new one
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
