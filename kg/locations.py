"""Where things are: the store a ``--store`` / ``KG_STORE`` spec names and its kind, the plan folder,
and a folder store's ``build.json``.

Standard library only: the explorer finds its store and shows the build's counts before it imports
rdflib, pyoxigraph or the rest of ``kg`` (on 2 cores that import delays the first page by ~0.15 s).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_STORE = "data/store"
ENV_VAR = "KG_STORE"
DEFAULT_PLANS = Path("data/plans")
BUILD_INFO = "build.json"


def default_spec() -> str:
    """``$KG_STORE`` if set, else ``data/store`` (relative to the working folder)."""
    return os.environ.get(ENV_VAR) or DEFAULT_STORE


def spec_kind(spec: str | os.PathLike | None) -> str:
    """``"memory"``, ``"http"`` or ``"path"``."""
    s = str(default_spec() if spec is None else spec)
    if s == "memory":
        return "memory"
    if s.startswith(("http://", "https://")):
        return "http"
    return "path"


def is_store_folder(path: str | os.PathLike) -> bool:
    """True if ``path`` looks like a store this project wrote (or any Oxigraph/RocksDB folder)."""
    p = Path(path)
    return p.is_dir() and ((p / BUILD_INFO).exists() or (p / "CURRENT").exists())


def read_build_info(store_path: str | os.PathLike) -> dict | None:
    """The ``build.json`` of a folder store, or None."""
    p = Path(store_path) / BUILD_INFO
    if not p.exists():
        return None
    return json.loads(p.read_text(encoding="utf-8"))


def default_plans_dir() -> Path:
    """``data/plans`` under the working folder, else the one beside this package (a source checkout)."""
    if DEFAULT_PLANS.is_dir():
        return DEFAULT_PLANS
    beside = Path(__file__).resolve().parent.parent / DEFAULT_PLANS
    return beside if beside.is_dir() else DEFAULT_PLANS
