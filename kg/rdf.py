"""Records -> RDF triples. The one module that knows the ontology's IRIs.

IRI scheme (all under ``BASE`` = https://w3id.org/healthy-china/id/, no blank nodes,
no random ids, so the same records always give the same triples):

- plan ............ ``plan/{doc_key(doc_number)}``; without a doc number
                    ``plan/{slug(region or 'unknown')}-{slug(title)}``
- cited document .. ``plan/{doc_key(doc_number)}`` when it has a doc number (the same
                    function as for plans, so a cited plan that is also held is one
                    node); otherwise ``doc/{slug(title)}``
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

Held vs cited: a per-record graph cannot know whether a cited document is itself held
in the corpus. Pass ``held_plans`` (plan IRIs of all records, see ``held_plan_iris``)
to ``record_to_graph`` -- or use ``corpus_graphs`` -- so that a held cited plan gets
only the link (no second eli:title / eli:id_local / hc:held false from the citing
document, which would break the Plan shape once graphs are merged).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.records import Citation, PlanRecord

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


def plan_iri(doc_number: str | None, region: str | None, title: str | None) -> URIRef:
    """IRI of a plan, or of a cited document with a doc number (same function on purpose)."""
    key = doc_key(doc_number or "")
    if key:
        return BASE[f"plan/{key}"]
    return BASE[f"plan/{_seg(region)}-{_seg(title, 'untitled')}"]


def cited_iri(citation: Citation) -> URIRef:
    """IRI of the document a citation points to."""
    if doc_key(citation.doc_number or ""):
        return plan_iri(citation.doc_number, None, citation.title)
    return BASE[f"doc/{_seg(citation.title, 'untitled')}"]


def record_plan_iri(record: PlanRecord) -> URIRef:
    """IRI of a record's plan (falls back to the file stem when there is no title either)."""
    m = record.meta
    return plan_iri(m.doc_number, m.region, m.title or PurePath(record.file).stem)


def held_plan_iris(records: Iterable[PlanRecord]) -> frozenset[URIRef]:
    """Plan IRIs of the records in the corpus (the ``held_plans`` of ``record_to_graph``)."""
    return frozenset(record_plan_iri(r) for r in records)


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


def record_to_graph(record: PlanRecord, held_plans: Collection[URIRef] = ()) -> Graph:
    """All triples for one document (the content of its named graph ``graph_iri(file)``).

    ``held_plans``: IRIs of plans held in the corpus; a cited document among them gets
    only the eli:cites / hc:citedDocument links here, its own graph describes it.
    """
    g = new_graph(graph_iri(record.file))
    m = record.meta
    plan = record_plan_iri(record)

    def add(s: URIRef, p: URIRef, o) -> None:
        g.add((s, p, o))

    def opt(s: URIRef, p: URIRef, value, make=Literal) -> None:
        if value is not None and value != "":
            g.add((s, p, make(value)))

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
    add(plan, HC.held, Literal(True))
    add(plan, HC.sourceFile, Literal(record.file))
    opt(plan, HC.sha256, record.sha256)
    opt(plan, HC.sourceText, m.source)

    level = level_concept(m.level)
    if level is not None:
        add(plan, HC.level, level)
    if m.region:
        region = region_iri(m.region)
        add(plan, HC.region, region)
        add(region, RDF.type, HC.Region)
        add(region, RDF.type, PROV.Location)
        add(region, RDFS.label, _zh(m.region))
        if level is not None:
            add(region, HC.level, level)
    if m.province:
        prov_region = region_iri(m.province)
        add(plan, HC.province, prov_region)
        add(prov_region, RDF.type, HC.Region)
        add(prov_region, RDF.type, PROV.Location)
        add(prov_region, RDFS.label, _zh(m.province))
        add(prov_region, HC.level, HC.Province)

    def organisation(name: str) -> URIRef:
        o = org_iri(m.region, name)
        add(o, RDF.type, ORG.Organization)
        add(o, RDFS.label, _zh(name))
        if m.region:
            add(o, HC.region, region_iri(m.region))
        return o

    if m.issuer:
        add(plan, ELI.passed_by, organisation(m.issuer))
        add(plan, HC.issuerInferred, Literal(bool(m.issuer_inferred)))

    # --- source file ------------------------------------------------------
    src = file_iri(record.file)
    add(plan, PROV.wasDerivedFrom, src)
    add(src, RDF.type, HC.SourceDocument)
    add(src, RDF.type, PROV.Entity)
    add(src, RDFS.label, Literal(PurePath(record.file).name))
    opt(src, HC.sha256, record.sha256)
    opt(src, HC.encoding, record.encoding)

    # --- citations --------------------------------------------------------
    held = set(held_plans) | {plan}
    described: set[URIRef] = set()
    for k, c in enumerate(record.cites, start=1):
        doc = cited_iri(c)
        add(plan, ELI.cites, doc)
        if doc not in held and doc not in described:
            described.add(doc)
            add(doc, RDF.type, ELI.LegalResource)
            opt(doc, ELI.title, c.title, _zh)
            opt(doc, ELI.id_local, c.doc_number)
            add(doc, HC.held, Literal(False))
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
    return g


def corpus_graphs(records: Iterable[PlanRecord]) -> dict[URIRef, Graph]:
    """One graph per record, keyed by its named-graph IRI, with held cited plans linked only."""
    records = list(records)
    held = held_plan_iris(records)
    return {graph_iri(r.file): record_to_graph(r, held) for r in records}


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
