"""The IRI scheme: every node of the graph gets a readable IRI computed from the records alone.

All under ``BASE`` = https://w3id.org/healthy-china/id/, no blank nodes, no random ids, so the same
records always give the same triples:

- document ........ ``doc/{doc_key(doc_number)}``; without a doc number
                    ``doc/{slug(normalize_title(title))}``. Plans, cited plans and
                    cited laws alike, so a document cited by several plans, or cited
                    and held, is one node whatever graph mentions it.
- action .......... ``{plan}/action/{ordinal}``
- responsibility .. ``{action}/responsibility/{lead|participant}/{slug(department)}``
- indicator ....... ``{plan}/indicator/{ordinal}``
- target .......... ``{indicator}/target/{k}`` (k = 1-based position)
- citation ........ ``{plan}/citation/{k}`` (k = 1-based position)
- field provenance  ``{plan}/provenance/{field}`` (a field of ``kg.records.PlanMeta``)
- derivation ...... ``{plan}/derivation``; an action's ``{action}/implementation``
- organisation .... ``org/{slug(region or 'unknown')}/{slug(name)}``
- region .......... ``region/{slug(name)}``
- theme ........... ``theme/{slug(id)}``; department type ``department-type/{slug(id)}``
- source file ..... ``file/{file name}`` (percent-encoded if needed)
- named graph ..... ``graph/{slug(file stem)}``; ``graph/links``, ``graph/reference-{name}``,
                    ``graph/ontology``

``slug``: NFKC, drop whitespace, keep letters (incl. CJK) and digits, every other run
of characters becomes one "-", leading/trailing "-" stripped.
``doc_key`` = ``slug`` of the doc number with a trailing 号 dropped, so
"晋市政发〔2020〕17号", "晋市政发【2020】17号" and "晋市政发(2020)17" all give
"晋市政发-2020-17": every 文号 ends in 号, it carries no information, and it is the
part most often lost or mangled in citations.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import quote

from rdflib import URIRef

from kg.rdf.vocabulary import BASE, LEVEL_CONCEPTS
from kg.records import Citation, PlanNode, PlanRecord, normalize_title

LINKS_GRAPH = BASE["graph/links"]
REFERENCE_GRAPH_PREFIX = "graph/reference-"


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """NFKC; drop whitespace; keep letters and digits; other runs -> one "-"; strip "-".

    >>> slug("晋市政发〔2020〕17号")
    '晋市政发-2020-17号'
    """
    out: list[str] = []
    pending_dash = False
    for ch in unicodedata.normalize("NFKC", text or ""):
        if ch.isspace():
            continue
        if ch.isalnum():
            if pending_dash and out:
                out.append("-")
            pending_dash = False
            out.append(ch)
        else:
            pending_dash = True
    return "".join(out)


def segment(text: str | None, default: str = "unknown") -> str:
    """A path segment: slug(text), or ``default`` when that is empty."""
    return slug(text or "") or default


def doc_key(doc_number: str) -> str:
    """The identity key of a 文号: its slug without the trailing 号 ('' if none)."""
    key = slug(doc_number)
    return key[:-1] if key.endswith("号") and len(key) > 1 else key


def plan_iri(doc_number: str | None, region: str | None = None, title: str | None = None) -> URIRef:
    """IRI of a document (held plan, cited plan or cited law): by 文号, else by normalised title.

    ``region`` is accepted for symmetry with ``kg.records.plan_key`` but titles of this
    family name their region (健康晋城), so the title alone identifies the document.
    """
    key = doc_key(doc_number or "")
    if key:
        return BASE[f"doc/{key}"]
    return BASE[f"doc/{segment(normalize_title(title or ''), 'untitled')}"]


def cited_iri(citation: Citation) -> URIRef:
    """IRI of the document a citation points to (the same function as for plans)."""
    return plan_iri(citation.doc_number, None, citation.title)


def node_iri(node: PlanNode) -> URIRef:
    return plan_iri(node.doc_number, node.region, node.title)


def record_plan_iri(record: PlanRecord) -> URIRef:
    """IRI of a record's plan (falls back to the file stem when there is no title either)."""
    m = record.meta
    return plan_iri(m.doc_number, m.region, m.title or PurePath(record.file).stem)


def graph_iri(file: str) -> URIRef:
    """Named graph of one document: ``graph/{slug(file stem)}``."""
    return BASE[f"graph/{segment(PurePath(file).stem)}"]


def file_iri(file: str) -> URIRef:
    """The node of a corpus file (the primary source a plan was read from)."""
    return BASE["file/" + quote(PurePath(file).name, safe="._-~")]


def reference_file_iri(file: str) -> URIRef:
    """The node of a curated reference source (``data/reference/national.json#…``)."""
    return BASE["file/reference-" + segment(file)]


def region_iri(name: str) -> URIRef:
    return BASE[f"region/{segment(name)}"]


def org_iri(region: str | None, name: str) -> URIRef:
    return BASE[f"org/{segment(region)}/{segment(name, 'unnamed')}"]


def theme_iri(theme_id: str) -> URIRef:
    return BASE[f"theme/{segment(theme_id)}"]


def department_type_iri(type_id: str) -> URIRef:
    return BASE[f"department-type/{segment(type_id)}"]


def reference_graph_iri(record: PlanRecord) -> URIRef:
    return BASE[REFERENCE_GRAPH_PREFIX + segment(record.file.split("#")[-1])]


def level_concept(level: str | None) -> URIRef | None:
    return LEVEL_CONCEPTS.get(level or "")
