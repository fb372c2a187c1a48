"""The corpus-level graphs: the links graph (``graph/links``) and the reference plans' graphs.

The links graph holds what no single document can say: the plan nodes of documents that are only
cited, each plan's parent (hc:derivedFrom with a qualified hc:PlanDerivation), the themes and the
actions that implement a parent action (hc:Implementation, with text reuse), the department types
and the organisations, and the region hierarchy.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.rdf import codec
from kg.rdf.codec import A, NTTriple, Triple, eli, en, hc, lit, prov, rdfs, skos, zh
from kg.rdf.document import record_nt, record_to_graph
from kg.rdf.iris import (
    LINKS_GRAPH,
    department_type_iri,
    level_concept,
    node_iri,
    plan_iri,
    reference_graph_iri,
    theme_iri,
)
from kg.rdf.vocabulary import new_graph
from kg.records import Links


def links_nt(links: Links) -> list[NTTriple]:
    """The links graph as N-Triples term strings (distinct, deterministic order)."""
    out: dict[NTTriple, None] = {}

    def add(t: NTTriple) -> None:
        out[t] = None

    def concept(iri: str, cls: str, scheme: str, label_zh: str, label_en: str, notation: str) -> None:
        add((iri, A, cls))
        add((iri, A, skos.Concept))
        add((iri, skos.inScheme, scheme))
        add((iri, skos.prefLabel, zh(label_zh)))
        add((iri, skos.prefLabel, en(label_en)))
        add((iri, skos.notation, lit(notation)))

    def derivation(node: str, q: str, cls: str, entity: str, method: str, score: float) -> str:
        """A qualified prov:Derivation of ``node`` from ``entity``, with how it was found."""
        add((node, prov.qualifiedDerivation, q))
        add((q, A, cls))  # a subclass of prov:Derivation in the ontology, not typed as both
        add((q, prov.entity, entity))
        add((q, hc.matchMethod, lit(method)))
        add((q, hc.matchScore, codec.score(score)))
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
        ri = codec.region(r.name)
        add((ri, A, hc.Region))
        add((ri, A, prov.Location))
        add((ri, rdfs.label, zh(r.name)))
        if level_nt(r.level) is not None:
            add((ri, hc.level, level_nt(r.level)))
        if r.parent:
            add((ri, hc.parentRegion, codec.region(r.parent)))
        if r.code:
            add((ri, hc.adcode, lit(r.code)))

    # plans only cited (held and reference plans are described by their own graphs)
    for n in links.plans:
        if n.held or n.reference:
            continue
        p = f"<{keys[n.key]}>"
        add((p, A, hc.Plan))
        add((p, A, eli.LegalResource))
        if n.title:
            add((p, A, eli.LegalExpression))
            add((p, eli.title, zh(n.title)))
        if n.doc_number:
            add((p, eli.id_local, lit(n.doc_number)))
        add((p, hc.held, codec.FALSE))
        if level_nt(n.level) is not None:
            add((p, hc.level, level_nt(n.level)))
        if n.region:
            add((p, eli.relevant_for, codec.region(n.region)))
        if n.issuer:
            add((p, eli.passed_by, codec.organisation(n.region, n.issuer)))
        for field in n.inferred:
            add((p, hc.inferredField, lit(field)))
        if n.evidence:
            add((p, hc.evidence, lit(n.evidence)))

    # documents cited that are not plans (laws, programmes, planning outlines)
    for d in links.documents:
        di = f"<{plan_iri(d.doc_number, None, d.title)}>"
        if di in iris:
            continue
        add((di, A, eli.LegalResource))
        add((di, A, eli.LegalExpression))
        add((di, eli.title, zh(d.title)))
        if d.doc_number:
            add((di, eli.id_local, lit(d.doc_number)))
        add((di, hc.held, codec.FALSE))

    # derivations
    for pl in links.plan_links:
        child, parent = f"<{keys[pl.child]}>", f"<{keys[pl.parent]}>"
        add((child, hc.derivedFrom, parent))
        q = derivation(
            child, f"<{keys[pl.child]}/derivation>", hc.PlanDerivation, parent, pl.method, pl.score
        )
        if pl.evidence:
            add((q, hc.evidence, lit(pl.evidence)))

    # themes
    national = {}
    reference_keys = {n.key for n in links.plans if n.reference and n.doc_number}
    for al in links.action_links:
        if al.plan in keys and al.plan in reference_keys:
            national[al.theme] = action(al.plan, al.ordinal)
    for t in links.themes:
        ti = f"<{theme_iri(t.id)}>"
        concept(ti, hc.Theme, hc.Themes, t.label_zh, t.label_en, t.id)
        for alias in t.aliases:
            if alias != t.label_zh:
                add((ti, skos.altLabel, zh(alias)))
        if t.national_ordinal is not None and t.id in national:
            add((ti, hc.nationalAction, national[t.id]))

    # actions: theme and implementation
    themes: dict[str, str] = {}
    for al in links.action_links:
        a = action(al.plan, al.ordinal)
        theme = themes.get(al.theme) or themes.setdefault(al.theme, f"<{theme_iri(al.theme)}>")
        add((a, eli.is_about, theme))
        add((a, hc.themeMethod, lit(al.theme_method)))
        add((a, hc.themeScore, codec.score(al.theme_score)))
        if al.parent_plan is None:
            continue
        parent = action(al.parent_plan, al.parent_ordinal)
        add((a, hc.implements, parent))
        q = derivation(a, a[:-1] + "/implementation>", hc.Implementation, parent, al.method, al.score)
        # The passages added and dropped are not stored: they follow from the two actions' texts
        # (kg.api.analyses.text_reuse recomputes them, ~5 ms a pair), and held they would add ~9 %
        # to the quads.
        if al.reuse is not None:
            add((q, hc.textReuse, codec.score(al.reuse)))

    # department types and organisations
    for t in links.department_types:
        concept(
            f"<{department_type_iri(t.id)}>",
            hc.DepartmentType,
            hc.DepartmentTypes,
            t.label_zh,
            t.label_en,
            t.id,
        )
    for d in links.departments:
        o = codec.organisation(d.region, d.name)
        add((o, A, codec.org.Organization))
        add((o, rdfs.label, zh(d.name)))
        if d.region:
            add((o, hc.region, codec.region(d.region)))
        for t in d.types:
            add((o, hc.departmentType, f"<{department_type_iri(t)}>"))
        add((o, hc.matchMethod, lit(d.method)))
    return list(out)


def links_triples(links: Links) -> list[Triple]:
    """The triples of ``links_nt`` as rdflib terms (same order)."""
    return codec.from_nt(links_nt(links))


def links_to_graph(links: Links) -> Graph:
    """The links graph in an rdflib graph named ``graph/links``."""
    g = new_graph(LINKS_GRAPH)
    for t in links_triples(links):
        g.add(t)
    return g


def links_nquads(links: Links) -> bytes:
    """The links graph as N-Quads bytes (in ``graph/links``)."""
    return codec.to_nquads(links_nt(links), LINKS_GRAPH)


def reference_graphs(links: Links) -> dict[URIRef, Graph]:
    """rdflib graphs of the curated reference plans (the national source)."""
    return {reference_graph_iri(r): record_to_graph(r, reference=True) for r in links.reference}


def reference_nquads(links: Links) -> dict[URIRef, bytes]:
    """N-Quads bytes of each curated reference plan's graph, keyed by its graph IRI."""
    out = {}
    for r in links.reference:
        g = reference_graph_iri(r)
        out[g] = codec.to_nquads(record_nt(r, reference=True), g)
    return out
