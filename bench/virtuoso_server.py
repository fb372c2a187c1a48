"""A Virtuoso Open Source server of its own, for the tests and benchmarks: a fresh database in a
folder, free ports on 127.0.0.1 for SQL and HTTP, started in the foreground in its own process group
and stopped by its process id."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""


def start_virtuoso(folder: Path, *, max_rows: int = 1_000_000):
    """A fresh Virtuoso in ``folder`` (foreground, its own process group): (process, endpoint URL, SQL port).
    Its anonymous SPARQL user gets the SPARQL_UPDATE role, as an administrator grants it to make the
    endpoint writable."""
    sql, http = free_port(), free_port()
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, sql=sql, http=http, max_rows=max_rows))
    proc = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    else:
        stop_virtuoso(proc)
        raise RuntimeError("virtuoso-t did not start")
    if proc.poll() is not None:
        raise RuntimeError(
            f"virtuoso-t exited ({proc.returncode}): {(folder / 'virtuoso.log').read_text()[-500:]}"
        )
    grant = 'grant SPARQL_UPDATE to "SPARQL";'
    subprocess.run(
        [ISQL, f"127.0.0.1:{sql}", "dba", "dba", f"exec={grant}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return proc, url, sql


def stop_virtuoso(proc) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
