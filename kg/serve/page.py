"""YASGUI at ``/``: the query editor of public endpoints, vendored (``static/``), nothing from a CDN.

The page is configured with this endpoint, the project's prefixes (``kg.rdf.PREFIXES``) and one tab
per named query (``kg/queries/*.rq``).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

from kg.serve.formats import parse_accept

STATIC = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static/"
TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain", ".map": "application/json"}


class NotFound(Exception):
    pass


def wants_html(accept: str) -> bool:
    wanted = parse_accept(accept)
    return bool(wanted) and wanted[0][0] in ("text/html", "application/xhtml+xml")


def static(path: str) -> tuple[bytes, str]:
    name = path[len(STATIC_PREFIX) :]
    target = (STATIC / name).resolve()
    if STATIC not in target.parents or not target.is_file():
        raise NotFound(f"no such file: {path}")
    return target.read_bytes(), TYPES.get(target.suffix, "application/octet-stream") + "; charset=utf-8"


START = "SELECT ?plan ?title WHERE {\n  ?plan a hc:Plan ; hc:held true ; eli:title ?title\n}\nLIMIT 100\n"


def declared_text(sparql: str) -> str:
    """The query with a PREFIX line for each known prefix it uses (YASQE and other clients need them;
    this server would add them itself)."""
    from kg.rdf import PREFIXES
    from kg.store import code_only

    code = code_only(sparql)
    used = [p for p in PREFIXES if re.search(rf"(?<![\w.-]){re.escape(p)}:", code)]
    declared = {m.group(1) for m in re.finditer(r"(?i)PREFIX\s+([\w.-]*):", code)}
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used if p not in declared]
    return "\n".join(lines + [sparql.strip()]) + "\n"


def config(endpoint: str) -> dict:
    from kg.queries import list_queries
    from kg.rdf import PREFIXES

    tabs = [
        {"name": name, "query": declared_text(path.read_text(encoding="utf-8"))}
        for name, path in list_queries().items()
    ]
    return {"endpoint": endpoint, "prefixes": dict(PREFIXES), "start": declared_text(START), "tabs": tabs}


def html(endpoint: str) -> bytes:
    cfg = json.dumps(config(endpoint), ensure_ascii=False).replace("</", "<\\/")
    title = html_lib.escape("Healthy China knowledge graph — SPARQL")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/yasgui.min.css">
<style>body{{margin:0;font-family:sans-serif}} h1{{font-size:1.1em;margin:.5em 1em}}</style>
</head><body>
<h1>{title} · <a href="/queries">named queries (JSON)</a> · <a href="/query">service description</a></h1>
<div id="yasgui"></div>
<script src="/static/yasgui.min.js"></script>
<script id="kg-config" type="application/json">{cfg}</script>
<script src="/static/kg-yasgui.js"></script>
</body></html>
""".encode()
