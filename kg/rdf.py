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
from pathlib import Path, PurePath
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.records import Citation, Links, PlanNode, PlanRecord, normalize_title

Triple = tuple[URIRef, URIRef, URIRef | Literal]

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
    """The triples of ``record_to_graph``, without building an rdflib Graph (the fast path of large
    builds: see ``nquads``). Distinct, in a deterministic order."""
    out: dict[Triple, None] = {}
    m = record.meta
    plan = record_plan_iri(record)

    def add(s: URIRef, p: URIRef, o) -> None:
        out[(s, p, o)] = None

    def opt(s: URIRef, p: URIRef, value, make=Literal) -> None:
        if value is not None and value != "":
            out[(s, p, make(value))] = None

    # --- plan -------------------------------------------------------------
    add(plan, RDF.type, HC.Plan)
    add(plan, RDF.type, ELI.LegalResource)
    opt(plan, ELI.title, m.title, _zh)
    opt(plan, HC.titleShort, m.title_short, _zh)
    opt(plan, ELI.id_local, m.doc_number)
    if m.doc_number_raw and m.doc_number_raw != m.doc_number:
        add(plan, HC.idLocalAsWritten, Literal(m.doc_number_raw))
    if m.date:
        # An ill-formed date is kept as a plain string so that SHACL reports it
        # (rdflib would log a traceback for an ill-typed xsd:date literal).
        add(plan, ELI.date_document, Literal(m.date, datatype=XSD.date if _is_date(m.date) else None))
    add(plan, HC.held, Literal(not reference))
    if reference:
        add(plan, HC.isReference, Literal(True))
    add(plan, HC.sourceFile, Literal(record.file))
    opt(plan, HC.sha256, record.sha256)
    opt(plan, HC.sourceText, m.source)

    level = level_concept(m.level)
    if level is not None:
        add(plan, HC.level, level)
    # Regions and organisations are shared by documents: the links graph describes them,
    # so that every triple lives in exactly one named graph.
    if m.region:
        add(plan, HC.region, region_iri(m.region))
    if m.province:
        add(plan, HC.province, region_iri(m.province))

    def organisation(name: str) -> URIRef:
        return org_iri(m.region, name)

    if m.issuer:
        add(plan, ELI.passed_by, organisation(m.issuer))
        add(plan, HC.issuerInferred, Literal(bool(m.issuer_inferred)))

    # --- source file ------------------------------------------------------
    src = file_iri(record.file) if not reference else BASE["file/reference-" + _seg(record.file)]
    add(plan, PROV.wasDerivedFrom, src)
    add(src, RDF.type, HC.SourceDocument)
    add(src, RDF.type, PROV.Entity)
    add(src, RDFS.label, Literal(PurePath(record.file).name))
    opt(src, HC.sha256, record.sha256)
    opt(src, HC.encoding, record.encoding)

    # --- citations --------------------------------------------------------
    for k, c in enumerate(record.cites, start=1):
        doc = cited_iri(c)
        add(plan, ELI.cites, doc)
        cit = URIRef(f"{plan}/citation/{k}")
        add(plan, HC.citation, cit)
        add(cit, RDF.type, HC.Citation)
        add(cit, HC.citedDocument, doc)
        opt(cit, HC.titleAsWritten, c.title, _zh)
        for v in c.variants:
            if v and v != c.title:
                add(cit, HC.titleVariant, _zh(v))
        opt(cit, HC.issuerAsWritten, c.issuer)
        opt(cit, HC.sourceText, c.source)

    # --- actions ----------------------------------------------------------
    action_iris: dict[int, URIRef] = {}
    for a in record.actions:
        act = URIRef(f"{plan}/action/{a.ordinal}")
        action_iris[a.ordinal] = act
        add(plan, ELI.has_part, act)
        add(act, RDF.type, HC.Action)
        add(act, RDF.type, ELI.LegalResourceSubdivision)
        add(act, ELI.is_part_of, plan)
        add(act, HC.ordinal, Literal(a.ordinal))
        add(act, RDFS.label, _zh(a.name))
        opt(act, HC.nameNormalized, a.name_normalized, _zh)
        opt(act, HC.text, a.text)
        opt(act, HC.sourceText, a.text)
        opt(act, HC.departmentSource, a.dept_source)
        for asg in a.assignments:
            role = ROLE_CONCEPTS.get(asg.role)
            dept = organisation(asg.department)
            resp = URIRef(f"{act}/responsibility/{_seg(asg.role)}/{_seg(asg.department, 'unnamed')}")
            add(act, HC.responsibility, resp)
            add(resp, RDF.type, HC.Responsibility)
            add(resp, HC.department, dept)
            if role is not None:
                add(resp, HC.role, role)
            opt(resp, HC.sourceText, asg.source)
            if role == HC.Lead:
                add(act, HC.leadDepartment, dept)
            elif role == HC.Participant:
                add(act, HC.participatingDepartment, dept)

    # --- indicators and targets -------------------------------------------
    for ind in record.indicators:
        i = URIRef(f"{plan}/indicator/{ind.ordinal}")
        add(plan, HC.hasIndicator, i)
        add(i, RDF.type, HC.Indicator)
        add(i, HC.ordinal, Literal(ind.ordinal))
        add(i, RDFS.label, _zh(ind.name))
        opt(i, HC.unit, ind.unit)
        opt(i, HC.origin, ind.origin)
        add(i, HC.quantitative, Literal(ind.quantitative))
        if ind.action_ordinal is not None and ind.action_ordinal in action_iris:
            add(i, HC.forAction, action_iris[ind.action_ordinal])
        opt(i, HC.baseline, ind.baseline)
        if ind.baseline_year is not None:
            add(i, HC.baselineYear, Literal(ind.baseline_year))
        opt(i, HC.category, ind.category)
        opt(i, HC.sourceText, ind.source)
        for k, t in enumerate(ind.targets, start=1):
            tg = URIRef(f"{i}/target/{k}")
            add(i, HC.hasTarget, tg)
            add(tg, RDF.type, HC.Target)
            if t.year is not None:
                add(tg, HC.targetYear, Literal(t.year))
            add(tg, HC.valueText, Literal(t.value))
            comparator = COMPARATOR_CONCEPTS.get(t.comparator)
            if comparator is not None:
                add(tg, HC.comparator, comparator)
            if t.comparator != "qualitative" and is_numeric(t.value):
                try:
                    add(tg, HC.value, Literal(Decimal(t.value.strip()), datatype=XSD.decimal))
                except InvalidOperation:  # pragma: no cover - guarded by is_numeric
                    pass
            opt(tg, HC.unit, t.unit)
            opt(tg, HC.kind, t.kind)
            opt(tg, HC.part, t.part)
            for year in t.relative_to:
                add(tg, HC.relativeTo, Literal(year))
            opt(tg, HC.sourceText, t.source)
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
    """The triples of ``links_to_graph`` as a list (distinct, deterministic order)."""
    out: dict[Triple, None] = {}

    def add(t: Triple) -> None:
        out[t] = None

    def concept(iri: URIRef, cls: URIRef, scheme: URIRef, zh: str, en: str, notation: str) -> None:
        add((iri, RDF.type, cls))
        add((iri, RDF.type, SKOS.Concept))
        add((iri, SKOS.inScheme, scheme))
        add((iri, SKOS.prefLabel, _zh(zh)))
        add((iri, SKOS.prefLabel, Literal(en, lang="en")))
        add((iri, SKOS.notation, Literal(notation)))

    def derivation(node: URIRef, q: URIRef, cls: URIRef, entity: URIRef, method: str, score: float) -> URIRef:
        """A qualified prov:Derivation of ``node`` from ``entity``, with how it was found."""
        add((node, PROV.qualifiedDerivation, q))
        add((q, RDF.type, cls))
        add((q, RDF.type, PROV.Derivation))
        add((q, PROV.entity, entity))
        add((q, HC.matchMethod, Literal(method)))
        add((q, HC.matchScore, Literal(Decimal(str(score)), datatype=XSD.decimal)))
        return q

    keys = {n.key: node_iri(n) for n in links.plans}

    def action(plan_key_: str, ordinal: int) -> URIRef:
        return URIRef(f"{keys[plan_key_]}/action/{ordinal}")

    # regions
    for r in links.regions:
        ri = region_iri(r.name)
        add((ri, RDF.type, HC.Region))
        add((ri, RDF.type, PROV.Location))
        add((ri, RDFS.label, _zh(r.name)))
        if level_concept(r.level) is not None:
            add((ri, HC.level, level_concept(r.level)))
        if r.parent:
            add((ri, HC.parentRegion, region_iri(r.parent)))
        if r.code:
            add((ri, HC.adcode, Literal(r.code)))

    # plans only cited (held and reference plans are described by their own graphs)
    for n in links.plans:
        if n.held or n.reference:
            continue
        p = keys[n.key]
        add((p, RDF.type, HC.Plan))
        add((p, RDF.type, ELI.LegalResource))
        if n.title:
            add((p, ELI.title, _zh(n.title)))
        if n.doc_number:
            add((p, ELI.id_local, Literal(n.doc_number)))
        add((p, HC.held, Literal(False)))
        if level_concept(n.level) is not None:
            add((p, HC.level, level_concept(n.level)))
        if n.region:
            add((p, HC.region, region_iri(n.region)))
        if n.issuer:
            add((p, ELI.passed_by, org_iri(n.region, n.issuer)))
        for field in n.inferred:
            add((p, HC.inferredField, Literal(field)))
        if n.evidence:
            add((p, HC.evidence, Literal(n.evidence)))

    # documents cited that are not plans (laws, programmes, planning outlines)
    for d in links.documents:
        di = plan_iri(d.doc_number, None, d.title)
        if di in keys.values():
            continue
        add((di, RDF.type, ELI.LegalResource))
        add((di, ELI.title, _zh(d.title)))
        if d.doc_number:
            add((di, ELI.id_local, Literal(d.doc_number)))
        add((di, HC.held, Literal(False)))

    # derivations
    for pl in links.plan_links:
        child, parent = keys[pl.child], keys[pl.parent]
        add((child, HC.derivedFrom, parent))
        q = derivation(child, URIRef(f"{child}/derivation"), HC.PlanDerivation, parent, pl.method, pl.score)
        if pl.evidence:
            add((q, HC.evidence, Literal(pl.evidence)))

    # themes
    national = {}
    for al in links.action_links:
        if al.plan in keys and any(n.reference and n.key == al.plan and n.doc_number for n in links.plans):
            national[al.theme] = action(al.plan, al.ordinal)
    for t in links.themes:
        ti = theme_iri(t.id)
        concept(ti, HC.Theme, HC.Themes, t.label_zh, t.label_en, t.id)
        for alias in t.aliases:
            if alias != t.label_zh:
                add((ti, SKOS.altLabel, _zh(alias)))
        if t.national_ordinal is not None and t.id in national:
            add((ti, HC.nationalAction, national[t.id]))

    # actions: theme and implementation
    for al in links.action_links:
        a = action(al.plan, al.ordinal)
        add((a, HC.theme, theme_iri(al.theme)))
        add((a, HC.themeMethod, Literal(al.theme_method)))
        add((a, HC.themeScore, Literal(Decimal(str(al.theme_score)), datatype=XSD.decimal)))
        if al.parent_plan is None:
            continue
        parent = action(al.parent_plan, al.parent_ordinal)
        add((a, HC.implements, parent))
        q = derivation(a, URIRef(f"{a}/implementation"), HC.Implementation, parent, al.method, al.score)
        if al.reuse is not None:
            add((q, HC.textReuse, Literal(Decimal(str(al.reuse)), datatype=XSD.decimal)))
        for passage in al.added:
            add((q, HC.addedPassage, Literal(passage)))
        for passage in al.dropped:
            add((q, HC.droppedPassage, Literal(passage)))

    # department types
    for t in links.department_types:
        concept(
            department_type_iri(t.id), HC.DepartmentType, HC.DepartmentTypes, t.label_zh, t.label_en, t.id
        )
    for d in links.departments:
        o = org_iri(d.region, d.name)
        add((o, RDF.type, ORG.Organization))
        add((o, RDFS.label, _zh(d.name)))
        if d.region:
            add((o, HC.region, region_iri(d.region)))
        for t in d.types:
            add((o, HC.departmentType, department_type_iri(t)))
        add((o, HC.matchMethod, Literal(d.method)))
    return list(out)


def reference_graphs(links: Links) -> dict[URIRef, Graph]:
    """Graphs of the curated reference plans (the national source)."""
    return {reference_graph_iri(r): record_to_graph(r, reference=True) for r in links.reference}


# ---------------------------------------------------------------------------
# N-Quads, written directly (the fast path of large builds)
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


def nquads(triples: Iterable[Triple], graph: URIRef) -> str:
    """The triples as N-Quads lines in ``graph``."""
    g = f" <{graph}> .\n"
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{g}" for s, p, o in triples)
