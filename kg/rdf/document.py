"""One document's graph: a ``PlanRecord`` -> the triples of its named graph ``graph_iri(file)``.

Literals: titles and names (eli:title, eli:title_short, hc:planTitle, rdfs:label,
hc:nameNormalized, hc:titleAsWritten, hc:titleVariant) are ``@zh``; verbatim text (hc:sourceText,
hc:valueText, hc:warning) and codes (eli:id_local, hc:unit, ...) are plain xsd:string.

Held vs cited: a document's graph depends on that document alone. It links to what it cites
(eli:cites and a qualified hc:Citation holding the title as written) but does not describe the
cited documents, nor the regions and organisations it names: the corpus-level links graph
(``kg.rdf.links``) does, once the linker has merged the citations of all plans into one node per
document, so that every triple lives in exactly one named graph.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from rdflib import XSD, Graph, URIRef

from kg.rdf import codec
from kg.rdf.codec import A, NTTriple, Triple, eli, hc, lit, prov, rdfs, zh
from kg.rdf.iris import (
    cited_iri,
    file_iri,
    graph_iri,
    level_concept,
    record_plan_iri,
    reference_file_iri,
    segment,
)
from kg.rdf.vocabulary import (
    COMPARATOR_CONCEPTS,
    FIELD_SOURCE_CONCEPTS,
    LANGUAGE_ZH,
    PLAN_FIELD_PROPERTIES,
    ROLE_CONCEPTS,
    new_graph,
)
from kg.records import PlanRecord

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DATE.fullmatch(text))


def is_numeric(value: str) -> bool:
    return bool(_NUMBER.fullmatch(value.strip()))


def _date(text: str) -> str:
    """An xsd:date literal; an ill-formed date is kept as a plain string so that SHACL reports it."""
    return codec.typed(text, XSD.date) if is_date(text) else lit(text)


def record_nt(record: PlanRecord, *, reference: bool = False) -> list[NTTriple]:
    """The triples of one document as N-Triples term strings. Distinct, in a deterministic order.

    ``reference``: the record is curated reference data (the national source), not a corpus
    document: it is described the same way but marked not held.
    """
    out: dict[NTTriple, None] = {}
    m = record.meta
    plan_ = record_plan_iri(record)
    plan = f"<{plan_}>"

    def add(s: str, p: str, o: str) -> None:
        out[(s, p, o)] = None

    def opt(s: str, p: str, value, make=lit) -> None:
        if value is not None and value != "":
            out[(s, p, make(value))] = None

    # --- plan: the work and its one (Chinese) expression --------------------
    add(plan, A, hc.Plan)
    add(plan, A, eli.LegalResource)
    add(plan, A, eli.LegalExpression)
    opt(plan, eli.title, m.title, zh)
    opt(plan, eli.title_short, m.title_short, zh)
    opt(plan, hc.planTitle, m.plan_title, zh)
    add(plan, eli.language, f"<{LANGUAGE_ZH}>")
    opt(plan, eli.id_local, m.doc_number)
    if m.doc_number_raw and m.doc_number_raw != m.doc_number:
        add(plan, hc.idLocalAsWritten, lit(m.doc_number_raw))
    opt(plan, eli.date_document, m.date, _date)
    opt(plan, eli.date_publication, m.date_published, _date)
    add(plan, hc.held, codec.boolean(not reference))
    if reference:
        add(plan, hc.isReference, codec.TRUE)
    add(plan, hc.sourceFile, lit(record.file))
    opt(plan, hc.sourceText, m.source)
    for warning in record.warnings:
        opt(plan, hc.warning, warning)

    level = level_concept(m.level)
    if level is not None:
        add(plan, hc.level, f"<{level}>")
    if m.region:
        add(plan, eli.relevant_for, codec.region(m.region))
    if m.province:
        add(plan, hc.province, codec.region(m.province))
    if m.issuer:
        add(plan, eli.passed_by, codec.organisation(m.region, m.issuer))
        add(plan, hc.issuerInferred, codec.boolean(bool(m.issuer_inferred)))

    # --- where each plan field was read -----------------------------------
    for field, source in m.provenance:
        prop = PLAN_FIELD_PROPERTIES.get(field)
        concept = FIELD_SOURCE_CONCEPTS.get(source)
        if prop is None:
            raise ValueError(f"{record.file}: provenance names an unknown plan field {field!r}")
        if concept is None:
            raise ValueError(
                f"{record.file}: provenance of {field!r} is {source!r}, not one of "
                + ", ".join(FIELD_SOURCE_CONCEPTS)
            )
        node = f"<{plan_}/provenance/{field}>"
        add(plan, hc.fieldProvenance, node)  # typed hc:FieldProvenance by the property's range
        add(node, hc.field, f"<{prop}>")
        add(node, hc.fieldSource, f"<{concept}>")

    # --- the file it was read from ----------------------------------------
    src = f"<{reference_file_iri(record.file) if reference else file_iri(record.file)}>"
    add(plan, prov.hadPrimarySource, src)
    add(src, A, hc.SourceDocument)
    add(src, A, prov.Entity)
    add(src, rdfs.label, lit(PurePath(record.file).name))
    opt(src, hc.sha256, record.sha256)
    opt(src, hc.encoding, record.encoding)

    # --- citations --------------------------------------------------------
    for k, c in enumerate(record.cites, start=1):
        doc = f"<{cited_iri(c)}>"
        add(plan, eli.cites, doc)
        cit = f"<{plan_}/citation/{k}>"
        add(plan, hc.citation, cit)  # typed hc:Citation by the property's range
        add(cit, hc.citedDocument, doc)
        opt(cit, hc.titleAsWritten, c.title, zh)
        for v in c.variants:
            if v and v != c.title:
                add(cit, hc.titleVariant, zh(v))
        opt(cit, hc.issuerAsWritten, c.issuer)
        opt(cit, hc.sourceText, c.source)

    # --- actions ----------------------------------------------------------
    action_iris: dict[int, str] = {}
    for a in record.actions:
        act_ = f"{plan_}/action/{a.ordinal}"
        act = f"<{act_}>"
        action_iris[a.ordinal] = act
        # eli:has_part only (eli:is_part_of is its inverse); hc:Action only (a subclass of
        # eli:LegalResourceSubdivision in the ontology)
        add(plan, eli.has_part, act)
        add(act, A, hc.Action)
        add(act, hc.ordinal, codec.integer(a.ordinal))
        add(act, rdfs.label, zh(a.name))
        opt(act, hc.nameNormalized, a.name_normalized, zh)
        opt(act, hc.sourceText, a.text)
        opt(act, hc.departmentSource, a.dept_source)
        # The sentence naming the departments, once on the action when every responsibility was
        # read from it (nearly always); on each responsibility when the action names them in
        # several sentences.
        sources = {asg.source for asg in a.assignments}
        shared = len(sources) == 1
        if shared:
            opt(act, hc.departmentText, next(iter(sources)))
        for asg in a.assignments:
            role = ROLE_CONCEPTS.get(asg.role)
            resp = f"<{act_}/responsibility/{segment(asg.role)}/{segment(asg.department, 'unnamed')}>"
            add(act, hc.responsibility, resp)  # typed hc:Responsibility by the property's range
            add(resp, hc.department, codec.organisation(m.region, asg.department))
            if role is not None:
                add(resp, hc.role, f"<{role}>")
            if not shared:
                opt(resp, hc.sourceText, asg.source)

    # --- indicators and targets -------------------------------------------
    for ind in record.indicators:
        i_ = f"{plan_}/indicator/{ind.ordinal}"
        i = f"<{i_}>"
        add(plan, hc.hasIndicator, i)  # typed hc:Indicator by the property's range
        add(i, hc.ordinal, codec.integer(ind.ordinal))
        add(i, rdfs.label, zh(ind.name))
        opt(i, hc.unit, ind.unit)
        opt(i, hc.origin, ind.origin)
        if ind.action_ordinal is not None and ind.action_ordinal in action_iris:
            add(i, hc.forAction, action_iris[ind.action_ordinal])
        opt(i, hc.baseline, ind.baseline)
        if ind.baseline_year is not None:
            add(i, hc.baselineYear, codec.integer(ind.baseline_year))
        opt(i, hc.category, ind.category)
        opt(i, hc.sourceText, ind.source)
        for k, t in enumerate(ind.targets, start=1):
            tg = f"<{i_}/target/{k}>"
            add(i, hc.hasTarget, tg)  # typed hc:Target by the property's range
            if t.year is not None:
                add(tg, hc.targetYear, codec.integer(t.year))
            add(tg, hc.valueText, lit(t.value))
            comparator = COMPARATOR_CONCEPTS.get(t.comparator)
            if comparator is not None:
                add(tg, hc.comparator, f"<{comparator}>")
            if t.comparator != "qualitative" and is_numeric(t.value):
                try:
                    add(tg, hc.value, codec.decimal(Decimal(t.value.strip())))
                except InvalidOperation:  # pragma: no cover - guarded by is_numeric
                    pass
            if t.unit != ind.unit:  # a target in its indicator's unit does not repeat it
                opt(tg, hc.unit, t.unit)
            opt(tg, hc.kind, t.kind)
            opt(tg, hc.part, t.part)
            for year in t.relative_to:
                add(tg, hc.relativeTo, codec.integer(year))
            if t.source != ind.source:  # nor the sentence, when read from its indicator's
                opt(tg, hc.sourceText, t.source)
    return list(out)


def record_triples(record: PlanRecord, *, reference: bool = False) -> list[Triple]:
    """The triples of ``record_nt`` as rdflib terms (same order)."""
    return codec.from_nt(record_nt(record, reference=reference))


def record_to_graph(record: PlanRecord, *, reference: bool = False) -> Graph:
    """The document's triples in an rdflib graph named ``graph_iri(file)``."""
    g = new_graph(graph_iri(record.file))
    for t in record_triples(record, reference=reference):
        g.add(t)
    return g


def document_nquads(record: PlanRecord, *, graph: URIRef | None = None, reference: bool = False) -> bytes:
    """The document's named graph as N-Quads bytes (in ``graph``, by default ``graph_iri(file)``)."""
    return codec.to_nquads(record_nt(record, reference=reference), graph or graph_iri(record.file))


def corpus_graphs(records) -> dict[URIRef, Graph]:
    """One rdflib graph per record, keyed by its named-graph IRI."""
    return {graph_iri(r.file): record_to_graph(r) for r in records}
