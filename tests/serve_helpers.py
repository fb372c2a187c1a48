"""A real `kg serve` on 127.0.0.1 for the serve tests (started as the CLI starts it, stopped after)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKS = "https://w3id.org/healthy-china/id/graph/links"
ZIBO_TITLE = "关于贯彻健康中国行动推进健康淄博建设的实施意见"  # data/plans/003, its first two lines
CHANGCHUN_TITLE = "长春市推进健康长春行动实施方案"  # data/plans/004, its first line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def kg_serve(store, *extra: str):
    """Yield the endpoint URL (…/query) of `kg serve --store STORE` on a free port."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        yield json.loads(proc.stdout.readline())["endpoint"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def http(url: str, *, data: bytes | None = None, method: str | None = None, headers: dict | None = None):
    """(status, body bytes, headers) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers
