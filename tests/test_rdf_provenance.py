"""Plan fields in the graph (provenance, attached plan's title, publication date, warnings), the
N-Quads interchange form, and the ontology's alignment with ELI and PROV-O."""

from __future__ import annotations

import dataclasses

import pytest
import test_rdf as cases  # the record builders of tests/test_rdf.py
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.link.linker import link
from kg.rdf import (
    ELI,
    FIELD_SOURCE_CONCEPTS,
    HC,
    LINKS_GRAPH,
    PLAN_FIELD_PROPERTIES,
    document_nquads,
    graph_iri,
    links_nquads,
    links_nt,
    ontology_graph,
    record_nt,
    record_to_graph,
    reference_nquads,
    shapes_graph,
)
from kg.records import PROVENANCES, PlanMeta
from kg.validate import validate

PLAN = URIRef(cases.PLAN)
SH = "http://www.w3.org/ns/shacl#"


def with_plan_fields(**meta) -> object:
    """The 嘉峰镇 record with some PlanMeta fields replaced (provenance, plan_title, ...)."""
    record = cases.make_record()
    return dataclasses.replace(record, meta=dataclasses.replace(record.meta, **meta))


PROVENANCE = (
    ("title", "heading"),
    ("doc_number", "metadata"),
    ("issuer", "signature"),
    ("region", "title"),
    ("level", "inferred"),
    ("date", "signature"),
    ("date_published", "metadata"),
)


def test_every_plan_field_has_a_property_and_every_source_a_concept() -> None:
    fields = {f.name for f in dataclasses.fields(PlanMeta)} - {"source", "provenance"}
    assert set(PLAN_FIELD_PROPERTIES) == fields
    assert set(FIELD_SOURCE_CONCEPTS) == set(PROVENANCES)
    onto = ontology_graph()
    notations = {str(onto.value(c, SKOS.notation)) for c in onto.subjects(SKOS.inScheme, HC.FieldSources)}
    assert notations == set(PROVENANCES)
    for code, concept in FIELD_SOURCE_CONCEPTS.items():
        assert onto.value(concept, SKOS.notation) == Literal(code)
        assert (concept, RDF.type, HC.FieldSource) in onto


def test_the_shapes_allow_exactly_the_mapped_fields_and_sources() -> None:
    shapes = shapes_graph()

    def allowed(path: URIRef) -> set:
        (prop,) = (
            p for p in shapes.subjects(URIRef(SH + "path"), path) if shapes.value(p, URIRef(SH + "in"))
        )
        node, out = shapes.value(prop, URIRef(SH + "in")), set()
        while node != RDF.nil:
            out.add(shapes.value(node, RDF.first))
            node = shapes.value(node, RDF.rest)
        return out

    assert allowed(HC.field) == set(PLAN_FIELD_PROPERTIES.values())
    assert allowed(HC.fieldSource) == set(FIELD_SOURCE_CONCEPTS.values())


def test_field_provenance_triples() -> None:
    g = record_to_graph(with_plan_fields(provenance=PROVENANCE, date_published="2023-05-10"))
    nodes = set(g.objects(PLAN, HC.fieldProvenance))
    assert nodes == {URIRef(f"{cases.PLAN}/provenance/{field}") for field, _ in PROVENANCE}
    title = URIRef(cases.PLAN + "/provenance/title")
    assert set(g.predicate_objects(title)) == {
        (HC.field, ELI.title),
        (HC.fieldSource, HC.Heading),
    }
    read = {(g.value(n, HC.field), g.value(n, HC.fieldSource)) for n in nodes}
    assert read == {
        (ELI.title, HC.Heading),
        (ELI.id_local, HC.MetadataBlock),
        (ELI.passed_by, HC.Signature),
        (ELI.relevant_for, HC.TitleWording),
        (HC.level, HC.Inference),
        (ELI.date_document, HC.Signature),
        (ELI.date_publication, HC.MetadataBlock),
    }
    # each field's property holds the field's value on the plan
    for prop, _ in read:
        assert g.value(PLAN, prop) is not None, prop
    ok, message = validate(
        cases.complete(with_plan_fields(provenance=PROVENANCE, date_published="2023-05-10"))
    )
    assert ok, message


def test_no_provenance_no_nodes() -> None:
    g = record_to_graph(cases.make_record())
    assert list(g.objects(PLAN, HC.fieldProvenance)) == []
    assert list(g.subjects(RDF.type, HC.FieldProvenance)) == []


def test_plan_title_publication_date_and_warnings() -> None:
    record = dataclasses.replace(
        with_plan_fields(
            title="嘉峰镇人民政府关于印发健康嘉峰行动实施方案的通知",
            plan_title="健康嘉峰行动实施方案",
            date_published="2023-05-10",
        ),
        warnings=("kept without numbered actions", "二〇二三年 date read as 2023"),
    )
    g = record_to_graph(record)
    assert list(g.objects(PLAN, ELI.title)) == [
        Literal("嘉峰镇人民政府关于印发健康嘉峰行动实施方案的通知", lang="zh")
    ]
    assert list(g.objects(PLAN, HC.planTitle)) == [Literal("健康嘉峰行动实施方案", lang="zh")]
    assert list(g.objects(PLAN, ELI.date_publication)) == [Literal("2023-05-10", datatype=XSD.date)]
    assert list(g.objects(PLAN, ELI.date_document)) == [Literal("2023-05-06", datatype=XSD.date)]
    assert set(g.objects(PLAN, HC.warning)) == {
        Literal("kept without numbered actions"),
        Literal("二〇二三年 date read as 2023"),
    }


def test_an_ill_formed_publication_date_is_reported() -> None:
    ok, message = validate(cases.complete(with_plan_fields(date_published="2023-02-30")))
    assert not ok
    assert message.splitlines() == [
        "hcid:doc/嘉政发-2023-27  eli:date_publication  Plan has at most one eli:date_publication, a valid"
        " xsd:date (value '2023-02-30')",
        "1 SHACL violation(s)",
    ]


def test_a_held_document_without_actions_conforms_only_with_a_warning() -> None:
    bare = dataclasses.replace(cases.make_record(), actions=(), indicators=())
    ok, message = validate(cases.complete(bare))
    assert not ok
    assert (
        "Held plan (hc:held true) must have at least one action (eli:has_part), or an hc:warning" in message
    )
    warned = dataclasses.replace(bare, warnings=("no numbered actions found: kept as a policy document",))
    ok, message = validate(cases.complete(warned))
    assert ok, message


@pytest.mark.parametrize(
    ("provenance", "error"),
    [
        (
            (("colour", "heading"),),
            "001_e3cc1c46042f0e3f.txt: provenance names an unknown plan field 'colour'",
        ),
        (
            (("title", "guess"),),
            "001_e3cc1c46042f0e3f.txt: provenance of 'title' is 'guess', not one of heading",
        ),
    ],
)
def test_bad_provenance_is_a_clear_error(provenance, error) -> None:
    with pytest.raises(ValueError) as info:
        record_nt(with_plan_fields(provenance=provenance))
    assert str(info.value).startswith(error)


# --- N-Quads bytes: the interchange form ---------------------------------------


def test_document_nquads_are_the_record_graph_and_deterministic() -> None:
    record = with_plan_fields(provenance=PROVENANCE)
    data = document_nquads(record)
    assert isinstance(data, bytes) and data == document_nquads(with_plan_fields(provenance=PROVENANCE))
    graph = graph_iri(record.file)
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == len(record_nt(record)) and all(line.endswith(f" <{graph}> .") for line in lines)
    ds = Dataset().parse(data=data, format="nquads")
    assert set(ds.graph(graph)) == set(record_to_graph(record))
    other = URIRef("https://example.org/g")
    assert document_nquads(record, graph=other).count(f"<{other}>".encode()) == len(lines)


def test_links_and_reference_nquads() -> None:
    links = link([cases.make_record(), cases.make_jincheng()])
    data = links_nquads(links)
    assert data == links_nquads(link([cases.make_record(), cases.make_jincheng()]))
    assert data.count(f" <{LINKS_GRAPH}> .\n".encode()) == len(links_nt(links)) == data.count(b"\n")
    reference = reference_nquads(links)
    assert reference and all(v.count(f" <{g}> .\n".encode()) == v.count(b"\n") for g, v in reference.items())
    ds = Dataset().parse(data=b"".join([data, *reference.values()]), format="nquads")
    national = URIRef("https://w3id.org/healthy-china/id/doc/国发-2019-13")
    assert len(list(ds.quads((national, HC.isReference, Literal(True), None)))) == 1
    # actions point to their theme with eli:is_about
    action = URIRef(cases.PLAN + "/action/1")
    theme = URIRef("https://w3id.org/healthy-china/id/theme/knowledge")
    assert len(list(ds.quads((action, ELI.is_about, theme, LINKS_GRAPH)))) == 1


# --- the ontology -------------------------------------------------------------------


def test_ontology_licence_and_alignment() -> None:
    onto = ontology_graph()
    header = URIRef("https://w3id.org/healthy-china/ontology")
    assert onto.value(header, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (HC.Plan, RDFS.subClassOf, ELI.LegalExpression) in onto
    assert (HC.planTitle, RDFS.subPropertyOf, ELI.title_alternative) in onto
    assert (HC.derivedFrom, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto
    assert (HC.Region, RDFS.subClassOf, SKOS.Concept) in onto  # the range of eli:relevant_for
    # terms replaced by ELI's or dropped are not declared any more
    for gone in ("titleShort", "theme", "text", "leadDepartment", "participatingDepartment"):
        assert list(onto.predicate_objects(HC[gone])) == [], gone
    # the hc: terms kept where ELI has a near term say why in their comment
    for kept, reason in [
        (HC.ordinal, "eli:number"),
        (HC.region, "eli:relevant_for"),
        (HC.derivedFrom, "eli:based_on"),
    ]:
        comment = " ".join(str(c) for c in onto.objects(kept, RDFS.comment))
        assert reason in comment, kept
