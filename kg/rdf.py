"""Records -> RDF triples. The one module that knows the ontology's IRIs.

IRI scheme (all under ``BASE`` = https://w3id.org/healthy-china/id/, no blank nodes,
no random ids, so the same records always give the same triples):

- document ........ ``doc/{doc_key(doc_number)}``; without a doc number
                    ``doc/{slug(normalize_title(title))}``. Plans, cited plans and
                    cited laws alike, so a document cited by several plans, or cited
                    and held, is one node whatever graph mentions it.
- action .......... ``{plan}/action/{ordinal}``
- responsibility .. ``{action}/responsibility/{lead|participant}/{slug(department)}``
- indicator ....... ``{plan}/indicator/{ordinal}``
- target .......... ``{indicator}/target/{k}`` (k = 1-based position)
- citation ........ ``{plan}/citation/{k}`` (k = 1-based position)
- organisation .... ``org/{slug(region or 'unknown')}/{slug(name)}``
- region .......... ``region/{slug(name)}``
- source file ..... ``file/{file name}`` (percent-encoded if needed)
- named graph ..... ``graph/{slug(file stem)}``; the ontology's graph ``graph/ontology``

``slug``: NFKC, drop whitespace, keep letters (incl. CJK) and digits, every other run
of characters becomes one "-", leading/trailing "-" stripped.
``doc_key`` = ``slug`` of the doc number with a trailing 号 dropped, so
"晋市政发〔2020〕17号", "晋市政发【2020】17号" and "晋市政发(2020)17" all give
"晋市政发-2020-17": every 文号 ends in 号, it carries no information, and it is the
part most often lost or mangled in citations.

Literals: titles and names (eli:title, hc:titleShort, rdfs:label, hc:nameNormalized,
hc:titleAsWritten, hc:titleVariant) are ``@zh``; verbatim text (hc:sourceText,
hc:text, hc:valueText) and codes (eli:id_local, hc:unit, ...) are plain xsd:string.

Held vs cited: a document's graph depends on that document alone. It links to what it
cites (eli:cites and a qualified hc:Citation holding the title as written) but does not
describe the cited documents: the corpus-level links graph (``links_to_graph``) does,
once the linker has merged the citations of all plans into one node per document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path, PurePath
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.records import Citation, Links, PlanNode, PlanRecord, normalize_title

Triple = tuple[URIRef, URIRef, URIRef | Literal]
NTTriple = tuple[str, str, str]  # N-Triples terms: "<iri>", '"text"@zh', '"5"^^<...#integer>'

HC = Namespace("https://w3id.org/healthy-china/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
BASE = Namespace("https://w3id.org/healthy-china/id/")

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "hc.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/healthy-china/ontology")
ONTOLOGY_GRAPH = BASE["graph/ontology"]

PREFIXES: dict[str, str] = {
    "hc": str(HC),
    "hcid": str(BASE),
    "eli": str(ELI),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

LEVEL_CONCEPTS: dict[str, URIRef] = {
    "national": HC.National,
    "province": HC.Province,
    "city": HC.City,
    "county": HC.County,
    "township": HC.Township,
}
ROLE_CONCEPTS: dict[str, URIRef] = {"lead": HC.Lead, "participant": HC.Participant}
COMPARATOR_CONCEPTS: dict[str, URIRef] = {
    ">=": HC.GreaterOrEqual,
    ">": HC.Greater,
    "<=": HC.LessOrEqual,
    "<": HC.Less,
    "=": HC.Equal,
    "approx": HC.Approximately,
    "qualitative": HC.Qualitative,
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


# ---------------------------------------------------------------------------
# IRIs
# ---------------------------------------------------------------------------


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


def _seg(text: str | None, default: str = "unknown") -> str:
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
    return BASE[f"doc/{_seg(normalize_title(title or ''), 'untitled')}"]


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
    return BASE[f"graph/{_seg(PurePath(file).stem)}"]


def file_iri(file: str) -> URIRef:
    return BASE["file/" + quote(PurePath(file).name, safe="._-~")]


def region_iri(name: str) -> URIRef:
    return BASE[f"region/{_seg(name)}"]


def org_iri(region: str | None, name: str) -> URIRef:
    return BASE[f"org/{_seg(region)}/{_seg(name, 'unnamed')}"]


def level_concept(level: str | None) -> URIRef | None:
    return LEVEL_CONCEPTS.get(level or "")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DATE.fullmatch(text))


def is_numeric(value: str) -> bool:
    return bool(_NUMBER.fullmatch(value.strip()))


# ---------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------


def new_graph(identifier: URIRef | None = None) -> Graph:
    g = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(ns), override=True, replace=True)
    return g


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def record_to_graph(record: PlanRecord, *, reference: bool = False) -> Graph:
    """All triples for one document (the content of its named graph ``graph_iri(file)``).

    ``reference``: the record is curated reference data (the national source), not a
    corpus document: it is described the same way but marked not held.
    """
    g = new_graph(graph_iri(record.file))
    for t in record_triples(record, reference=reference):
        g.add(t)
    return g


def record_triples(record: PlanRecord, *, reference: bool = False) -> list[Triple]:
    """The triples of ``record_to_graph``, without building an rdflib Graph. Distinct, in a
    deterministic order (that of ``record_nt``)."""
    return from_nt(record_nt(record, reference=reference))


def record_nt(record: PlanRecord, *, reference: bool = False) -> list[NTTriple]:
    """The triples of one document as N-Triples term strings (the fast path of large builds: no
    rdflib term is made; see ``nt_lines``). Distinct, in a deterministic order."""
    out: dict[NTTriple, None] = {}
    m = record.meta
    plan_ = record_plan_iri(record)
    plan = f"<{plan_}>"

    def add(s: str, p: str, o: str) -> None:
        out[(s, p, o)] = None

    def opt(s: str, p: str, value, make=None) -> None:
        if value is not None and value != "":
            out[(s, p, (make or _lit)(value))] = None

    # --- plan -------------------------------------------------------------
    add(plan, _A, _hc.Plan)
    add(plan, _A, _eli.LegalResource)
    opt(plan, _eli.title, m.title, _zh_nt)
    opt(plan, _hc.titleShort, m.title_short, _zh_nt)
    opt(plan, _eli.id_local, m.doc_number)
    if m.doc_number_raw and m.doc_number_raw != m.doc_number:
        add(plan, _hc.idLocalAsWritten, _lit(m.doc_number_raw))
    if m.date:
        # An ill-formed date is kept as a plain string so that SHACL reports it.
        add(plan, _eli.date_document, _typed(m.date, XSD.date) if _is_date(m.date) else _lit(m.date))
    add(plan, _hc.held, _bool(not reference))
    if reference:
        add(plan, _hc.isReference, _TRUE)
    add(plan, _hc.sourceFile, _lit(record.file))
    opt(plan, _hc.sha256, record.sha256)
    opt(plan, _hc.sourceText, m.source)

    level = level_concept(m.level)
    if level is not None:
        add(plan, _hc.level, f"<{level}>")
    # Regions and organisations are shared by documents: the links graph describes them,
    # so that every triple lives in exactly one named graph.
    if m.region:
        add(plan, _hc.region, _region_nt(m.region))
    if m.province:
        add(plan, _hc.province, _region_nt(m.province))

    def organisation(name: str) -> str:
        return _org_nt(m.region, name)

    if m.issuer:
        add(plan, _eli.passed_by, organisation(m.issuer))
        add(plan, _hc.issuerInferred, _bool(bool(m.issuer_inferred)))

    # --- source file ------------------------------------------------------
    src = f"<{file_iri(record.file) if not reference else BASE['file/reference-' + _seg(record.file)]}>"
    add(plan, _prov.wasDerivedFrom, src)
    add(src, _A, _hc.SourceDocument)
    add(src, _A, _prov.Entity)
    add(src, _rdfs.label, _lit(PurePath(record.file).name))
    opt(src, _hc.sha256, record.sha256)
    opt(src, _hc.encoding, record.encoding)

    # --- citations --------------------------------------------------------
    for k, c in enumerate(record.cites, start=1):
        doc = f"<{cited_iri(c)}>"
        add(plan, _eli.cites, doc)
        cit = f"<{plan_}/citation/{k}>"
        add(plan, _hc.citation, cit)
        add(cit, _A, _hc.Citation)
        add(cit, _hc.citedDocument, doc)
        opt(cit, _hc.titleAsWritten, c.title, _zh_nt)
        for v in c.variants:
            if v and v != c.title:
                add(cit, _hc.titleVariant, _zh_nt(v))
        opt(cit, _hc.issuerAsWritten, c.issuer)
        opt(cit, _hc.sourceText, c.source)

    # --- actions ----------------------------------------------------------
    action_iris: dict[int, str] = {}
    for a in record.actions:
        act_ = f"{plan_}/action/{a.ordinal}"
        act = f"<{act_}>"
        action_iris[a.ordinal] = act
        add(plan, _eli.has_part, act)
        add(act, _A, _hc.Action)
        add(act, _A, _eli.LegalResourceSubdivision)
        add(act, _eli.is_part_of, plan)
        add(act, _hc.ordinal, _int(a.ordinal))
        add(act, _rdfs.label, _zh_nt(a.name))
        opt(act, _hc.nameNormalized, a.name_normalized, _zh_nt)
        opt(act, _hc.text, a.text)
        opt(act, _hc.sourceText, a.text)
        opt(act, _hc.departmentSource, a.dept_source)
        for asg in a.assignments:
            role = ROLE_CONCEPTS.get(asg.role)
            dept = organisation(asg.department)
            resp = f"<{act_}/responsibility/{_seg(asg.role)}/{_seg(asg.department, 'unnamed')}>"
            add(act, _hc.responsibility, resp)
            add(resp, _A, _hc.Responsibility)
            add(resp, _hc.department, dept)
            if role is not None:
                add(resp, _hc.role, f"<{role}>")
            opt(resp, _hc.sourceText, asg.source)
            if asg.role == "lead":
                add(act, _hc.leadDepartment, dept)
            elif asg.role == "participant":
                add(act, _hc.participatingDepartment, dept)

    # --- indicators and targets -------------------------------------------
    for ind in record.indicators:
        i_ = f"{plan_}/indicator/{ind.ordinal}"
        i = f"<{i_}>"
        add(plan, _hc.hasIndicator, i)
        add(i, _A, _hc.Indicator)
        add(i, _hc.ordinal, _int(ind.ordinal))
        add(i, _rdfs.label, _zh_nt(ind.name))
        opt(i, _hc.unit, ind.unit)
        opt(i, _hc.origin, ind.origin)
        add(i, _hc.quantitative, _bool(ind.quantitative))
        if ind.action_ordinal is not None and ind.action_ordinal in action_iris:
            add(i, _hc.forAction, action_iris[ind.action_ordinal])
        opt(i, _hc.baseline, ind.baseline)
        if ind.baseline_year is not None:
            add(i, _hc.baselineYear, _int(ind.baseline_year))
        opt(i, _hc.category, ind.category)
        opt(i, _hc.sourceText, ind.source)
        for k, t in enumerate(ind.targets, start=1):
            tg = f"<{i_}/target/{k}>"
            add(i, _hc.hasTarget, tg)
            add(tg, _A, _hc.Target)
            if t.year is not None:
                add(tg, _hc.targetYear, _int(t.year))
            add(tg, _hc.valueText, _lit(t.value))
            comparator = COMPARATOR_CONCEPTS.get(t.comparator)
            if comparator is not None:
                add(tg, _hc.comparator, f"<{comparator}>")
            if t.comparator != "qualitative" and is_numeric(t.value):
                try:
                    add(tg, _hc.value, _decimal(Decimal(t.value.strip())))
                except InvalidOperation:  # pragma: no cover - guarded by is_numeric
                    pass
            opt(tg, _hc.unit, t.unit)
            opt(tg, _hc.kind, t.kind)
            opt(tg, _hc.part, t.part)
            for year in t.relative_to:
                add(tg, _hc.relativeTo, _int(year))
            opt(tg, _hc.sourceText, t.source)
    return list(out)


def corpus_graphs(records: Iterable[PlanRecord]) -> dict[URIRef, Graph]:
    """One graph per record, keyed by its named-graph IRI."""
    return {graph_iri(r.file): record_to_graph(r) for r in records}


def ontology_graph() -> Graph:
    """The ontology (ontology/hc.ttl), parsed into a fresh graph named ``graph/ontology``."""
    g = new_graph(ONTOLOGY_GRAPH)
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


def shapes_graph() -> Graph:
    """The SHACL shapes (ontology/shapes.ttl), parsed into a fresh graph."""
    g = new_graph()
    g.parse(SHAPES_FILE, format="turtle")
    return g


# ---------------------------------------------------------------------------
# Links across documents
# ---------------------------------------------------------------------------

LINKS_GRAPH = BASE["graph/links"]
REFERENCE_GRAPH_PREFIX = "graph/reference-"


def theme_iri(theme_id: str) -> URIRef:
    return BASE[f"theme/{_seg(theme_id)}"]


def department_type_iri(type_id: str) -> URIRef:
    return BASE[f"department-type/{_seg(type_id)}"]


def reference_graph_iri(record: PlanRecord) -> URIRef:
    return BASE[REFERENCE_GRAPH_PREFIX + _seg(record.file.split("#")[-1])]


def links_to_graph(links: Links) -> Graph:
    """The corpus-level graph: plan nodes of cited documents, derivations, themes,
    implementations, department types and the region hierarchy."""
    g = new_graph(LINKS_GRAPH)
    for t in links_triples(links):
        g.add(t)
    return g


def links_triples(links: Links) -> list[Triple]:
    """The triples of ``links_to_graph`` as a list (distinct, in the order of ``links_nt``)."""
    return from_nt(links_nt(links))


def links_nt(links: Links) -> list[NTTriple]:
    """The links graph as N-Triples term strings (distinct, deterministic order)."""
    out: dict[NTTriple, None] = {}

    def add(t: NTTriple) -> None:
        out[t] = None

    def concept(iri: str, cls: str, scheme: str, zh: str, en: str, notation: str) -> None:
        add((iri, _A, cls))
        add((iri, _A, _skos.Concept))
        add((iri, _skos.inScheme, scheme))
        add((iri, _skos.prefLabel, _zh_nt(zh)))
        add((iri, _skos.prefLabel, _lit(en) + "@en"))
        add((iri, _skos.notation, _lit(notation)))

    def derivation(node: str, q: str, cls: str, entity: str, method: str, score: float) -> str:
        """A qualified prov:Derivation of ``node`` from ``entity``, with how it was found."""
        add((node, _prov.qualifiedDerivation, q))
        add((q, _A, cls))
        add((q, _A, _prov.Derivation))
        add((q, _prov.entity, entity))
        add((q, _hc.matchMethod, _lit(method)))
        add((q, _hc.matchScore, _score(score)))
        return q

    keys = {n.key: str(node_iri(n)) for n in links.plans}
    iris = {f"<{k}>" for k in keys.values()}

    def action(plan_key_: str, ordinal: int) -> str:
        return f"<{keys[plan_key_]}/action/{ordinal}>"

    def level_nt(level: str | None) -> str | None:
        c = level_concept(level)
        return None if c is None else f"<{c}>"

    # regions
    for r in links.regions:
        ri = _region_nt(r.name)
        add((ri, _A, _hc.Region))
        add((ri, _A, _prov.Location))
        add((ri, _rdfs.label, _zh_nt(r.name)))
        if level_nt(r.level) is not None:
            add((ri, _hc.level, level_nt(r.level)))
        if r.parent:
            add((ri, _hc.parentRegion, _region_nt(r.parent)))
        if r.code:
            add((ri, _hc.adcode, _lit(r.code)))

    # plans only cited (held and reference plans are described by their own graphs)
    for n in links.plans:
        if n.held or n.reference:
            continue
        p = f"<{keys[n.key]}>"
        add((p, _A, _hc.Plan))
        add((p, _A, _eli.LegalResource))
        if n.title:
            add((p, _eli.title, _zh_nt(n.title)))
        if n.doc_number:
            add((p, _eli.id_local, _lit(n.doc_number)))
        add((p, _hc.held, _FALSE))
        if level_nt(n.level) is not None:
            add((p, _hc.level, level_nt(n.level)))
        if n.region:
            add((p, _hc.region, _region_nt(n.region)))
        if n.issuer:
            add((p, _eli.passed_by, _org_nt(n.region, n.issuer)))
        for field in n.inferred:
            add((p, _hc.inferredField, _lit(field)))
        if n.evidence:
            add((p, _hc.evidence, _lit(n.evidence)))

    # documents cited that are not plans (laws, programmes, planning outlines)
    for d in links.documents:
        di = f"<{plan_iri(d.doc_number, None, d.title)}>"
        if di in iris:
            continue
        add((di, _A, _eli.LegalResource))
        add((di, _eli.title, _zh_nt(d.title)))
        if d.doc_number:
            add((di, _eli.id_local, _lit(d.doc_number)))
        add((di, _hc.held, _FALSE))

    # derivations
    for pl in links.plan_links:
        child, parent = f"<{keys[pl.child]}>", f"<{keys[pl.parent]}>"
        add((child, _hc.derivedFrom, parent))
        q = derivation(
            child, f"<{keys[pl.child]}/derivation>", _hc.PlanDerivation, parent, pl.method, pl.score
        )
        if pl.evidence:
            add((q, _hc.evidence, _lit(pl.evidence)))

    # themes
    national = {}
    reference_keys = {n.key for n in links.plans if n.reference and n.doc_number}
    for al in links.action_links:
        if al.plan in keys and al.plan in reference_keys:
            national[al.theme] = action(al.plan, al.ordinal)
    for t in links.themes:
        ti = f"<{theme_iri(t.id)}>"
        concept(ti, _hc.Theme, _hc.Themes, t.label_zh, t.label_en, t.id)
        for alias in t.aliases:
            if alias != t.label_zh:
                add((ti, _skos.altLabel, _zh_nt(alias)))
        if t.national_ordinal is not None and t.id in national:
            add((ti, _hc.nationalAction, national[t.id]))

    # actions: theme and implementation
    themes: dict[str, str] = {}
    for al in links.action_links:
        a = action(al.plan, al.ordinal)
        theme = themes.get(al.theme) or themes.setdefault(al.theme, f"<{theme_iri(al.theme)}>")
        add((a, _hc.theme, theme))
        add((a, _hc.themeMethod, _lit(al.theme_method)))
        add((a, _hc.themeScore, _score(al.theme_score)))
        if al.parent_plan is None:
            continue
        parent = action(al.parent_plan, al.parent_ordinal)
        add((a, _hc.implements, parent))
        q = derivation(a, a[:-1] + "/implementation>", _hc.Implementation, parent, al.method, al.score)
        if al.reuse is not None:
            add((q, _hc.textReuse, _score(al.reuse)))
        for passage in al.added:
            add((q, _hc.addedPassage, _lit(passage)))
        for passage in al.dropped:
            add((q, _hc.droppedPassage, _lit(passage)))

    # department types
    for t in links.department_types:
        concept(
            f"<{department_type_iri(t.id)}>",
            _hc.DepartmentType,
            _hc.DepartmentTypes,
            t.label_zh,
            t.label_en,
            t.id,
        )
    for d in links.departments:
        o = _org_nt(d.region, d.name)
        add((o, _A, _org.Organization))
        add((o, _rdfs.label, _zh_nt(d.name)))
        if d.region:
            add((o, _hc.region, _region_nt(d.region)))
        for t in d.types:
            add((o, _hc.departmentType, f"<{department_type_iri(t)}>"))
        add((o, _hc.matchMethod, _lit(d.method)))
    return list(out)


def reference_graphs(links: Links) -> dict[URIRef, Graph]:
    """Graphs of the curated reference plans (the national source)."""
    return {reference_graph_iri(r): record_to_graph(r, reference=True) for r in links.reference}


# ---------------------------------------------------------------------------
# N-Triples terms as strings (the fast path of large builds)
# ---------------------------------------------------------------------------

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_STRING = str(XSD.string)


def nt_term(term) -> str:
    """A term in N-Triples syntax (IRIs of this project need no escaping: see ``slug``)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    raise ValueError(f"not an IRI or literal: {term!r}")


def nt_lines(triples: Iterable, *, end: str = " .\n") -> str:
    """N-Triples text of triples given as rdflib terms or as N-Triples term strings; each line ends
    with ``end`` (N-Quads: the graph name before the dot)."""
    out = []
    for s, p, o in triples:
        if _is_nt(s):
            out.append(f"{s} {p} {o}{end}")
        else:
            out.append(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{end}")
    return "".join(out)


_NQ_GRAPH = re.compile(r" <[^<>]*> \.\n")


def nquads(triples, graph: URIRef) -> str:
    """N-Quads lines in ``graph`` of triples (rdflib terms or N-Triples term strings) or of
    N-Triples text (a ``str``: every line ends with " .", as ``nt_lines`` writes it)."""
    if isinstance(triples, bytes):
        return triples.decode("utf-8")
    end = f" <{graph}> .\n"
    if isinstance(triples, str):
        return triples.replace(" .\n", end)
    return nt_lines(triples, end=end)


class _NTNamespace:
    """``ns.name`` -> "<ns+name>", computed once per name."""

    def __init__(self, namespace):
        self._ns = str(namespace)

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        term = f"<{self._ns}{name}>"
        setattr(self, name, term)
        return term


_hc, _eli, _org, _prov, _skos, _rdfs = (_NTNamespace(ns) for ns in (HC, ELI, ORG, PROV, SKOS, RDFS))
_A = f"<{RDF.type}>"
_TRUE = f'"true"^^<{XSD.boolean}>'
_FALSE = f'"false"^^<{XSD.boolean}>'
_INTEGER = f"^^<{XSD.integer}>"
_DECIMAL = f"^^<{XSD.decimal}>"


def _lit(text) -> str:
    text = str(text)
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:  # str.translate is slow: rarely needed
        text = text.translate(_NT_ESCAPES)
    return '"' + text + '"'


def _zh_nt(text: str) -> str:
    return _lit(text) + "@zh"


def _typed(lexical: str, datatype) -> str:
    return f"{_lit(lexical)}^^<{datatype}>"


def _bool(value: bool) -> str:
    return _TRUE if value else _FALSE


def _int(value: int) -> str:
    return f'"{int(value)}"{_INTEGER}'


def _decimal(value: Decimal) -> str:
    return f'"{format(value, "f")}"{_DECIMAL}'


def _score(value: float) -> str:
    return _decimal(Decimal(str(value)))


@lru_cache(maxsize=1 << 16)
def _region_nt(name: str) -> str:
    return f"<{region_iri(name)}>"


@lru_cache(maxsize=1 << 18)
def _org_nt(region: str | None, name: str) -> str:
    return f"<{org_iri(region, name)}>"


_LITERAL_NT = re.compile(r'"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?', re.S)
_UNESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r"}


def nt_to_term(text: str):
    """The rdflib term of an N-Triples term string written by this module."""
    if text[0] == "<":
        return URIRef(text[1:-1])
    m = _LITERAL_NT.fullmatch(text)
    if m is None:
        raise ValueError(f"not an N-Triples term of this module: {text!r}")
    lexical, lang, datatype = m.groups()
    if "\\" in lexical:
        lexical = re.sub(r'\\[\\"nr]', lambda e: _UNESCAPES[e[0]], lexical)
    return Literal(lexical, lang=lang, datatype=URIRef(datatype) if datatype else None)


def as_triples(graph) -> Iterable[Triple]:
    """rdflib triples of a graph given as an rdflib Graph or triple list, a list of N-Triples term
    strings (``record_nt``), N-Triples text (``nt_lines``) or N-Quads bytes of one graph."""
    if isinstance(graph, bytes):
        graph = graph.decode("utf-8")
        return [] if not graph else [t for t in as_triples(_NQ_GRAPH.sub(" .\n", graph))]
    if isinstance(graph, str):
        g = Graph()
        g.parse(data=graph, format="nt")
        return g
    if is_nt_list(graph):
        return from_nt(graph)
    return graph


def _is_nt(term) -> bool:
    return type(term) is str  # rdflib terms are str subclasses


def is_nt_list(graph) -> bool:
    """Whether ``graph`` is a non-empty list of N-Triples term strings (as ``record_nt`` returns)."""
    return isinstance(graph, list) and bool(graph) and _is_nt(graph[0][0])


def from_nt(triples: list[NTTriple]) -> list[Triple]:
    """N-Triples term strings -> rdflib terms (each distinct string converted once)."""
    cache: dict[str, object] = {}

    def term(t: str):
        node = cache.get(t)
        if node is None:
            node = cache[t] = nt_to_term(t)
        return node

    return [(term(s), term(p), term(o)) for s, p, o in triples]
