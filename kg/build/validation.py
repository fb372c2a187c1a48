"""SHACL validation of what a build writes, on N-Quads (no rdflib graph is built with the default
engine), and a failure as one :class:`~kg.errors.ValidationError` naming the documents behind it.

A full build validates everything it writes. An incremental build validates the rewritten
documents and the links about them, with the description of every node they point to as context
(:func:`incremental_check`): enough for the shapes to check the links, without validating the whole
corpus again.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.errors import ValidationError
from kg.store import Store


def one_line(message: str) -> str:
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def owners(records: list) -> dict[str, str]:
    """IRI -> file name, for the nodes that name a document: its plan and its source file."""
    from kg.rdf import file_iri, record_plan_iri

    out = {str(record_plan_iri(r)): r.file for r in records}
    out.update({str(file_iri(r.file)): r.file for r in records})
    return out


def files_behind(message: str, owned: dict[str, str]) -> list[str]:
    """The documents behind the focus nodes of a validation message (best effort): a node under a
    plan's IRI (its actions, indicators, ...) or the node of a source file belongs to that document.

    ``kg.validate`` writes one violation per line, ``focus  path  message``, with prefixed names.
    """
    from kg.store import prefixes

    pm = prefixes()
    found: list[str] = []
    for line in message.splitlines():
        focus = line.split("  ", 1)[0].strip()
        prefix, sep, local = focus.partition(":")
        if not sep or prefix not in pm:
            continue
        node = pm[prefix] + local
        name = owned.get(node)
        while name is None and "/" in node:
            node = node.rsplit("/", 1)[0]
            name = owned.get(node)
        if name and name not in found:
            found.append(name)
    return found


def require_conformance(
    outcome: tuple[bool, str], records: list = (), *, owned: dict[str, str] | None = None
) -> None:
    """Raise :class:`ValidationError` (naming the documents behind it) unless ``outcome`` conforms.
    The documents are told from ``records``, or from ``owned`` (:func:`owners` of them)."""
    conforms, message = outcome
    if not conforms:
        culprits = files_behind(message, owned if owned is not None else owners(records))
        where = f" ({', '.join(culprits)})" if culprits else ""
        raise ValidationError(f"graph does not conform to the shapes{where}: {one_line(message)}")


def validate_nquads(pieces: list[bytes], focus: set[URIRef] | None = None) -> tuple[bool, str]:
    """Validate the union of graphs given as N-Quads (with the ontology mixed in)."""
    from kg.validate import validate_text

    return validate_text(pieces, focus_nodes=None if focus is None else sorted(focus))


def _subject_and_object(line: bytes) -> tuple[str | None, str | None]:
    """The subject IRI and, if it is one, the object IRI of an N-Quads line (IRIs hold no spaces)."""
    subject, _, rest = line.partition(b" ")
    _, _, rest = rest.partition(b" ")
    s = subject[1:-1].decode() if subject.startswith(b"<") else None
    o = rest[1 : rest.index(b">")].decode() if rest.startswith(b"<") else None
    return s, o


def incremental_check(
    store: Store,
    doc_graphs: dict[URIRef, bytes],
    link_graphs: dict[URIRef, list],
    plans: list[URIRef],
    *,
    appended: bool = False,
) -> tuple[list[bytes], set[URIRef]]:
    """What an incremental build validates: (N-Quads pieces, focus nodes).

    Focus: every node of the rewritten documents (``doc_graphs``, IRI -> N-Quads), and the links-graph
    nodes about those ``plans`` (their derivation, their actions' themes and implementations). Data:
    the focus nodes' triples, plus the description of every node they point to (a parent plan, an
    implemented action, a department, a region) taken from the new ``link_graphs`` (IRI -> N-Triples
    term lists) or, for unchanged documents, from ``store``. ``appended``: ``link_graphs`` hold only
    triples added to graphs that stay (the stored links graph still describes the nodes they point to).
    """
    from kg.rdf import LINKS_GRAPH, nquads

    about: dict[str, list] = {}  # subject IRI -> link triples, as N-Triples term strings
    for triples in link_graphs.values():
        for t in triples:
            about.setdefault(t[0][1:-1], []).append(t)

    focus: set[str] = set()
    pointed: set[str] = set()
    for data in doc_graphs.values():
        for line in data.splitlines():
            s, o = _subject_and_object(line)
            if s is not None:
                focus.add(s)
            if o is not None:
                pointed.add(o)
    prefixes = tuple(str(p) for p in plans)
    links: list = []
    for iri in [x for x in about if x.startswith(prefixes)]:
        focus.add(iri)
        links += about[iri]
    pointed.update(t[2][1:-1] for t in links if t[2].startswith("<"))
    pointed -= focus
    for node in sorted(pointed):
        links += about.get(node, [])
    # The stored description of those nodes, from the graphs this build keeps as they are.
    rewritten = [str(g) for g in [*doc_graphs, *([] if appended else link_graphs)]]
    stored = store.quads_about(sorted(pointed), exclude=rewritten)
    pieces = [*doc_graphs.values(), nquads(links, LINKS_GRAPH).encode("utf-8"), stored]
    return pieces, {URIRef(x) for x in focus}
