"""Named ("canned") SPARQL queries: plain ``.rq`` files in ``kg/queries/``.

Each file starts with two comment lines::

    # title: Actions per plan
    # description: Every plan held in the corpus with ...

The CLI (``kg query --name NAME``), the app and the tests all read them from here. Queries may use
any prefix in ``kg.rdf.PREFIXES`` without declaring it (the store adds the declarations).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError

QUERY_DIR = Path(__file__).resolve().parent / "queries"

_HEADER = re.compile(r"^#\s*(title|description)\s*:\s*(.*?)\s*$")


class QueryPath(type(Path())):
    """The path of a named query, carrying the ``title`` and ``description`` from its header."""

    title: str = ""
    description: str = ""

    @property
    def query_name(self) -> str:
        return self.stem


def _header(path: Path) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line.strip())
        if m:
            meta.setdefault(m.group(1), m.group(2))
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return meta


def list_queries() -> dict[str, QueryPath]:
    """Name -> path of every named query, sorted by name; each path has ``.title`` and ``.description``."""
    out: dict[str, QueryPath] = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        qp = QueryPath(path)
        meta = _header(path)
        qp.title = meta.get("title", path.stem)
        qp.description = meta.get("description", "")
        out[path.stem] = qp
    return out


STORE_QUERY_DIR = QUERY_DIR / "store"  # the store's own queries: not listed among the named queries


def store_query(name: str) -> str:
    """The text of ``kg/queries/store/NAME.rq`` (or ``.ru``, an update), comment lines removed."""
    path = next(
        (p for p in (STORE_QUERY_DIR / f"{name}.rq", STORE_QUERY_DIR / f"{name}.ru") if p.exists()), None
    )
    if path is None:
        raise KGError(f"no store query {name!r} in {STORE_QUERY_DIR}")
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")).strip()


def load_query(name: str) -> str:
    """The text of the named query ``kg/queries/NAME.rq`` (``KGError`` if there is none)."""
    path = QUERY_DIR / f"{name}.rq"
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        queries = list_queries()
        known = ", ".join(queries) or "none"
        raise KGError(f"no named query {name!r} (known: {known})")
    return _text(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=256)
def _text(path: Path, mtime_ns: int) -> str:
    """A query file's text, read again only when the file changes (an API call may run several
    named queries; none needs the other files' headers)."""
    return path.read_text(encoding="utf-8")
