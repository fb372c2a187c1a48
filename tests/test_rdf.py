"""Records -> RDF (kg.rdf), the ontology, the SHACL shapes and kg.validate."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, SKOS

from kg.link.linker import link
from kg.rdf import (
    BASE,
    ELI,
    HC,
    ONTOLOGY_DIR,
    ORG,
    PREFIXES,
    cited_iri,
    corpus_graphs,
    graph_iri,
    links_to_graph,
    ontology_graph,
    plan_iri,
    record_to_graph,
    reference_graphs,
    shapes_graph,
    slug,
)
from kg.records import Action, Assignment, Citation, Indicator, PlanMeta, PlanRecord, Target
from kg.validate import validate

ID = "https://w3id.org/healthy-china/id/"
PLAN = ID + "doc/嘉政发-2023-27"


def make_record() -> PlanRecord:
    meta = PlanMeta(
        title="嘉峰镇人民政府关于推进健康嘉峰建设的实施方案",
        title_short="关于推进健康嘉峰建设的实施方案",
        doc_number="嘉政发〔2023〕27号",
        doc_number_raw="嘉政发〔２０２３〕２７号",
        issuer="嘉峰镇人民政府",
        issuer_inferred=False,
        region="嘉峰镇",
        level="township",
        province="山西省",
        date="2023-05-06",
        source="嘉政发〔2023〕27号\n嘉峰镇人民政府",
    )
    cites = (
        Citation(
            title="晋城市人民政府关于推进健康晋城建设的实施意见",
            doc_number="晋市政发〔2020〕17号",
            doc_number_raw="晋市政发〔2020〕17号",
            issuer=None,
            source="为贯彻落实《晋城市人民政府关于推进健康晋城建设的实施意见》(晋市政发〔2020〕17号)",
        ),
        Citation(
            title="健康中国行动（2019-2030年）",
            doc_number=None,
            doc_number_raw=None,
            issuer=None,
            source="全面落实《健康中国行动（2019-2030年）》",
        ),
    )
    actions = (
        Action(
            ordinal=1,
            name="健康知识普及行动",
            name_normalized="健康知识普及行动",
            text="1.健康知识普及行动。建立健全健康教育工作机制。（镇卫生院牵头，镇教育办配合）",
            assignments=(
                Assignment("镇卫生院", "lead", "镇卫生院牵头，镇教育办配合"),
                Assignment("镇教育办", "participant", "镇卫生院牵头，镇教育办配合"),
            ),
            dept_source="inline",
            dept_text=("镇卫生院牵头，镇教育办配合",),
        ),
        Action(
            ordinal=2,
            name="实施合理膳食行动",
            name_normalized="合理膳食行动",
            text="2.实施合理膳食行动。开展营养健康宣传。",
        ),
    )
    indicators = (
        Indicator(
            ordinal=1,
            name="居民健康素养水平",
            unit="%",
            origin="target_sentence",
            targets=(
                Target(2022, "22", ">=", "%", source="到2022年，居民健康素养水平不低于22%"),
                Target(2030, "明显提高", "qualitative", source="到2030年，全民健康素养水平明显提高"),
            ),
            action_ordinal=1,
            source="到2022年，居民健康素养水平不低于22%",
        ),
    )
    return PlanRecord(
        file="001_e3cc1c46042f0e3f.txt",
        sha256="ab" * 32,
        encoding="utf-8",
        meta=meta,
        cites=cites,
        actions=actions,
        indicators=indicators,
    )


def make_jincheng() -> PlanRecord:
    """The held plan that 嘉峰镇 cites (晋市政发〔2020〕17号)."""
    meta = PlanMeta(
        title="晋城市人民政府关于推进健康晋城建设的实施意见",
        title_short="关于推进健康晋城建设的实施意见",
        doc_number="晋市政发〔2020〕17号",
        doc_number_raw="晋市政发〔2020〕17号",
        issuer="晋城市人民政府",
        issuer_inferred=False,
        region="晋城市",
        level="city",
        province="山西省",
        date="2020-06-01",
    )
    action = Action(1, "健康知识普及行动", "健康知识普及行动", "（一）健康知识普及行动。……")
    return PlanRecord(
        file="000_118f31c14681ba11.txt", sha256="cd" * 32, encoding="utf-8", meta=meta, actions=(action,)
    )


def ntriples_sorted(g: Graph) -> list[str]:
    return sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())


@pytest.fixture(scope="module")
def graph() -> Graph:
    return record_to_graph(make_record())


# --- slug and IRIs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("晋市政发〔2020〕17号", "晋市政发-2020-17号"),
        ("聊政字〔２０２０〕３０号", "聊政字-2020-30号"),  # NFKC: full-width digits
        ("吉政发【2019】17号", "吉政发-2019-17号"),
        ("  健康 中国 行动（2019—2030年） ", "健康中国行动-2019-2030年"),
        ("《“健康山西2030”规划纲要》", "健康山西2030-规划纲要"),
        ("a_b..c", "a-b-c"),
        ("---", ""),
        ("", ""),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_plan_iri_drops_trailing_hao_and_unifies_bracket_variants() -> None:
    expected = URIRef(ID + "doc/晋市政发-2020-17")
    assert plan_iri("晋市政发〔2020〕17号", "晋城市", "x") == expected
    assert plan_iri("晋市政发【2020】17号", None, None) == expected
    assert plan_iri("晋市政发(2020)17", None, None) == expected


def test_plan_iri_without_doc_number_uses_the_normalised_title() -> None:
    assert str(plan_iri(None, "长春市", "长春市推进健康长春行动实施方案")) == (
        ID + "doc/长春市推进健康长春行动实施方案"
    )
    assert str(plan_iri("", None, "某方案")) == ID + "doc/某方案"
    # the em dash of one plan and the hyphen of another name the same document
    assert plan_iri(None, None, "健康中国行动（2019—2030年）") == plan_iri(
        None, None, "健康中国行动（2019-2030年）"
    )


def test_cited_iri() -> None:
    with_number = Citation("任意标题", "晋市政发〔2020〕17号", None, None)
    without = Citation("健康中国行动（2019-2030年）", None, None, None)
    assert str(cited_iri(with_number)) == ID + "doc/晋市政发-2020-17"
    assert str(cited_iri(without)) == ID + "doc/健康中国行动-2019-2030年"


def test_graph_iri() -> None:
    assert str(graph_iri("001_e3cc1c46042f0e3f.txt")) == ID + "graph/001-e3cc1c46042f0e3f"


def test_constants() -> None:
    assert str(HC) == "https://w3id.org/healthy-china/ontology#"
    assert str(BASE) == ID
    assert str(ELI) == "http://data.europa.eu/eli/ontology#"
    assert str(ORG) == "http://www.w3.org/ns/org#"
    assert PREFIXES["hc"] == str(HC) and PREFIXES["eli"] == str(ELI) and PREFIXES["prov"] == str(PROV)
    assert (ONTOLOGY_DIR / "hc.ttl").is_file() and (ONTOLOGY_DIR / "shapes.ttl").is_file()


# --- record_to_graph --------------------------------------------------------


def test_plan_triples(graph: Graph) -> None:
    plan = URIRef(PLAN)
    assert set(graph.subjects(RDF.type, HC.Plan)) == {plan}
    assert (plan, RDF.type, ELI.LegalResource) in graph
    # the plan node is also its one expression: ELI's expression-level properties sit on it
    assert (plan, RDF.type, ELI.LegalExpression) in graph
    assert list(graph.objects(plan, ELI.title_short)) == [
        Literal("关于推进健康嘉峰建设的实施方案", lang="zh")
    ]
    assert list(graph.objects(plan, HC.titleShort)) == []
    assert list(graph.objects(plan, ELI.language)) == [
        URIRef("http://publications.europa.eu/resource/authority/language/ZHO")
    ]
    assert list(graph.objects(plan, ELI.title)) == [
        Literal("嘉峰镇人民政府关于推进健康嘉峰建设的实施方案", lang="zh")
    ]
    assert list(graph.objects(plan, ELI.id_local)) == [Literal("嘉政发〔2023〕27号")]
    assert list(graph.objects(plan, HC.idLocalAsWritten)) == [Literal("嘉政发〔２０２３〕２７号")]
    assert list(graph.objects(plan, ELI.date_document)) == [Literal("2023-05-06", datatype=XSD.date)]
    assert list(graph.objects(plan, HC.level)) == [HC.Township]
    assert list(graph.objects(plan, HC.held)) == [Literal(True)]
    assert list(graph.objects(plan, ELI.relevant_for)) == [URIRef(ID + "region/嘉峰镇")]
    assert list(graph.objects(plan, HC.region)) == []
    assert list(graph.objects(plan, HC.province)) == [URIRef(ID + "region/山西省")]
    issuer = URIRef(ID + "org/嘉峰镇/嘉峰镇人民政府")
    assert list(graph.objects(plan, ELI.passed_by)) == [issuer]
    # shared nodes (regions, organisations) are described once, by the links graph
    assert list(graph.predicate_objects(URIRef(ID + "region/山西省"))) == []
    assert list(graph.predicate_objects(issuer)) == []
    links = links_to_graph(link([make_record()]))
    assert (URIRef(ID + "region/山西省"), HC.level, HC.Province) in links
    assert (issuer, RDF.type, ORG.Organization) in links
    assert list(graph.objects(plan, HC.sourceFile)) == [Literal("001_e3cc1c46042f0e3f.txt")]
    src = URIRef(ID + "file/001_e3cc1c46042f0e3f.txt")
    # "read from this file" is prov:hadPrimarySource; "derived from the parent plan" is hc:derivedFrom
    assert list(graph.objects(plan, PROV.hadPrimarySource)) == [src]
    assert list(graph.objects(plan, PROV.wasDerivedFrom)) == []
    assert (src, RDF.type, HC.SourceDocument) in graph
    assert list(graph.objects(src, HC.sha256)) == [Literal("ab" * 32)]
    assert list(graph.objects(plan, HC.sha256)) == []
    assert list(graph.objects(src, HC.encoding)) == [Literal("utf-8")]


def test_actions_and_responsibilities(graph: Graph) -> None:
    plan = URIRef(PLAN)
    a1, a2 = URIRef(PLAN + "/action/1"), URIRef(PLAN + "/action/2")
    assert set(graph.objects(plan, ELI.has_part)) == {a1, a2}
    # the plan's eli:has_part only, not its inverse; hc:Action only, not its ELI superclass too
    assert list(graph.objects(a2, ELI.is_part_of)) == []
    assert list(graph.objects(a2, RDF.type)) == [HC.Action]
    assert list(graph.objects(a2, HC.ordinal)) == [Literal(2)]
    assert list(graph.objects(a2, RDFS.label)) == [Literal("实施合理膳食行动", lang="zh")]
    assert list(graph.objects(a2, HC.nameNormalized)) == [Literal("合理膳食行动", lang="zh")]
    # one text property per node: the action's text is its hc:sourceText, written once
    assert list(graph.objects(a2, HC.sourceText)) == [Literal("2.实施合理膳食行动。开展营养健康宣传。")]
    assert list(graph.objects(a2, HC.text)) == []
    assert list(graph.objects(a1, HC.departmentSource)) == [Literal("inline")]
    # departments only through the qualified responsibilities (no shortcut properties)
    assert list(graph.objects(a1, HC.leadDepartment)) == []
    assert list(graph.objects(a1, HC.participatingDepartment)) == []
    leads = [URIRef(ID + "org/嘉峰镇/镇卫生院")]
    links = links_to_graph(link([make_record()]))
    assert list(links.objects(leads[0], RDFS.label)) == [Literal("镇卫生院", lang="zh")]
    assert list(links.objects(leads[0], HC.region)) == [URIRef(ID + "region/嘉峰镇")]

    resp = URIRef(PLAN + "/action/1/responsibility/lead/镇卫生院")
    assert set(graph.objects(a1, HC.responsibility)) == {
        resp,
        URIRef(PLAN + "/action/1/responsibility/participant/镇教育办"),
    }
    assert list(graph.objects(resp, HC.role)) == [HC.Lead]
    assert list(graph.objects(resp, HC.department)) == leads
    # the sentence naming both departments, once on the action; the responsibilities untyped
    # (the range of hc:responsibility) and without a text of their own
    assert list(graph.objects(a1, HC.departmentText)) == [Literal("镇卫生院牵头，镇教育办配合")]
    assert list(graph.objects(a2, HC.departmentText)) == []
    assert list(graph.objects(resp, HC.sourceText)) == []
    assert list(graph.objects(resp, RDF.type)) == []
    participant = URIRef(PLAN + "/action/1/responsibility/participant/镇教育办")
    assert list(graph.objects(participant, HC.role)) == [HC.Participant]
    assert list(graph.objects(participant, HC.department)) == [URIRef(ID + "org/嘉峰镇/镇教育办")]


def test_departments_named_in_several_sentences_keep_each_sentence() -> None:
    rec = make_record()
    action = dataclasses.replace(
        rec.actions[0],
        assignments=(
            Assignment("镇卫生院", "lead", "（镇卫生院牵头）"),
            Assignment("镇教育办", "participant", "（镇教育办负责）"),
        ),
    )
    rec = dataclasses.replace(rec, actions=(action, *rec.actions[1:]))
    g = record_to_graph(rec)
    a1 = URIRef(PLAN + "/action/1")
    assert list(g.objects(a1, HC.departmentText)) == []
    lead = URIRef(PLAN + "/action/1/responsibility/lead/镇卫生院")
    participant = URIRef(PLAN + "/action/1/responsibility/participant/镇教育办")
    assert list(g.objects(lead, HC.sourceText)) == [Literal("（镇卫生院牵头）")]
    assert list(g.objects(participant, HC.sourceText)) == [Literal("（镇教育办负责）")]
    assert validate(complete(rec)) == (True, "conforms: no SHACL violations")


def test_citations(graph: Graph) -> None:
    plan = URIRef(PLAN)
    jincheng = URIRef(ID + "doc/晋市政发-2020-17")
    healthy_china = URIRef(ID + "doc/健康中国行动-2019-2030年")
    assert set(graph.objects(plan, ELI.cites)) == {jincheng, healthy_china}
    # a document's graph links to what it cites but leaves describing it to the links graph
    assert list(graph.predicate_objects(jincheng)) == []
    assert list(graph.predicate_objects(healthy_china)) == []
    c1 = URIRef(PLAN + "/citation/1")
    assert set(graph.objects(plan, HC.citation)) == {c1, URIRef(PLAN + "/citation/2")}
    assert list(graph.objects(c1, HC.citedDocument)) == [jincheng]
    assert list(graph.objects(c1, HC.titleAsWritten)) == [
        Literal("晋城市人民政府关于推进健康晋城建设的实施意见", lang="zh")
    ]
    assert len(list(graph.objects(c1, HC.sourceText))) == 1


def test_indicator_and_targets(graph: Graph) -> None:
    ind = URIRef(PLAN + "/indicator/1")
    assert list(graph.objects(URIRef(PLAN), HC.hasIndicator)) == [ind]
    assert list(graph.objects(ind, RDFS.label)) == [Literal("居民健康素养水平", lang="zh")]
    assert list(graph.objects(ind, HC.forAction)) == [URIRef(PLAN + "/action/1")]
    # quantitative or not follows from its targets' comparators: not stored
    assert list(graph.objects(ind, HC.quantitative)) == []
    assert list(graph.objects(ind, HC.origin)) == [Literal("target_sentence")]
    t1, t2 = URIRef(PLAN + "/indicator/1/target/1"), URIRef(PLAN + "/indicator/1/target/2")
    assert set(graph.objects(ind, HC.hasTarget)) == {t1, t2}

    assert list(graph.objects(t1, HC.comparator)) == [HC.GreaterOrEqual]
    assert list(graph.objects(t1, HC.valueText)) == [Literal("22")]
    (value,) = graph.objects(t1, HC.value)
    assert value.datatype == XSD.decimal and float(value.toPython()) == 22.0
    assert list(graph.objects(t1, HC.targetYear)) == [Literal(2022)]
    # in its indicator's unit, read from its indicator's sentence: neither repeated on the target
    assert list(graph.objects(ind, HC.unit)) == [Literal("%")]
    assert list(graph.objects(t1, HC.unit)) == []
    assert list(graph.objects(t1, HC.sourceText)) == []
    assert list(graph.objects(t1, RDF.type)) == []

    assert list(graph.objects(t2, HC.comparator)) == [HC.Qualitative]
    assert list(graph.objects(t2, HC.valueText)) == [Literal("明显提高")]
    assert list(graph.objects(t2, HC.value)) == []
    # read from a sentence of its own: that sentence is kept on the target
    assert list(graph.objects(t2, HC.sourceText)) == [Literal("到2030年，全民健康素养水平明显提高")]


def test_for_action_omitted_when_action_missing() -> None:
    rec = make_record()
    ind = dataclasses.replace(rec.indicators[0], action_ordinal=9)
    g = record_to_graph(dataclasses.replace(rec, indicators=(ind,)))
    assert list(g.objects(URIRef(PLAN + "/indicator/1"), HC.forAction)) == []


def test_no_blank_nodes(graph: Graph) -> None:
    for triple in graph:
        assert not any(isinstance(term, BNode) for term in triple), triple
    for triple in ontology_graph():
        assert not any(isinstance(term, BNode) for term in triple), triple


def test_deterministic() -> None:
    g1, g2 = record_to_graph(make_record()), record_to_graph(make_record())
    assert isomorphic(g1, g2)
    assert ntriples_sorted(g1) == ntriples_sorted(g2)
    # 112 before shared nodes moved to the links graph: cited documents (2 x type, title, id, held, less
    # one absent id = 7), regions (嘉峰镇 and 山西省 x 2 types, label, level = 8), organisations (issuer,
    # 镇卫生院, 镇教育办 x type, label, region = 9); then the plan typed eli:LegalExpression with its
    # eli:language (+2), the plan's copy of the file's hc:sha256 (-1), the second copy of each action's
    # text (-2) and the lead/participant shortcuts beside the responsibilities (-2) dropped; then the
    # types the ontology implies (2 actions' eli:LegalResourceSubdivision, 2 responsibilities, 1 indicator,
    # 2 targets, 2 citations: -9), eli:is_part_of beside eli:has_part (-2), the responsibilities' shared
    # sentence once on the action (-1), the target's unit and sentence its indicator's (-2) and the
    # indicator's hc:quantitative, which its targets say (-1)
    assert len(g1) == 112 - 7 - 8 - 9 + 2 - 1 - 2 - 2 - 9 - 2 - 1 - 2 - 1


def test_cited_plan_iri_equals_held_plan_iri() -> None:
    jincheng, jiafeng = make_jincheng(), make_record()
    held = record_to_graph(jincheng)
    citing = record_to_graph(jiafeng)
    (held_plan,) = held.subjects(RDF.type, HC.Plan)
    assert held_plan in set(citing.objects(URIRef(PLAN), ELI.cites))
    assert held_plan == cited_iri(jiafeng.cites[0]) == plan_iri(jiafeng.cites[0].doc_number, None, None)


def test_merged_corpus_conforms_and_a_held_cited_plan_is_described_once() -> None:
    records = [make_jincheng(), make_record()]
    graphs = corpus_graphs(records)
    assert set(graphs) == {graph_iri(r.file) for r in records}
    merged = complete(*records)
    jincheng = URIRef(ID + "doc/晋市政发-2020-17")
    assert list(merged.objects(jincheng, HC.held)) == [Literal(True)]
    assert len(list(merged.objects(jincheng, ELI.title))) == 1
    ok, message = validate(merged)
    assert ok, message


# --- validation -------------------------------------------------------------


def complete(*records: PlanRecord) -> Graph:
    """Documents' graphs with the links and reference graphs the build adds: what is validated."""
    g = Graph()
    for r in records:
        g += record_to_graph(r)
    links = link(records)
    g += links_to_graph(links)
    for reference in reference_graphs(links).values():
        g += reference
    return g


def test_graph_conforms() -> None:
    ok, message = validate(complete(make_record()))
    assert ok, message
    assert message == "conforms: no SHACL violations"


def test_non_numeric_value_with_numeric_comparator_fails() -> None:
    rec = make_record()
    bad_target = Target(2022, "明显提高", ">=")
    ind = dataclasses.replace(rec.indicators[0], targets=(bad_target,))
    ok, message = validate(complete(dataclasses.replace(rec, indicators=(ind,))))
    assert not ok
    lines = message.splitlines()
    assert lines[-1] == "1 SHACL violation(s)"
    assert lines[0] == (
        "hcid:doc/嘉政发-2023-27/indicator/1/target/1  -  "
        "Target with a non-qualitative comparator must have a numeric hc:value (its hc:valueText is not a number)"
    )


def test_qualitative_target_with_value_fails() -> None:
    g = complete(make_record())
    t2 = URIRef(PLAN + "/indicator/1/target/2")
    g.add((t2, HC.value, Literal("5", datatype=XSD.decimal)))
    ok, message = validate(g)
    assert not ok
    assert message.splitlines() == [
        "hcid:doc/嘉政发-2023-27/indicator/1/target/2  -  Qualitative target (hc:Qualitative) must not have a hc:value",
        "1 SHACL violation(s)",
    ]


def test_empty_action_name_fails() -> None:
    rec = make_record()
    action = dataclasses.replace(rec.actions[1], name="")
    ok, message = validate(complete(dataclasses.replace(rec, actions=(rec.actions[0], action))))
    assert not ok
    assert message.splitlines()[0] == (
        "hcid:doc/嘉政发-2023-27/action/2  rdfs:label  "
        "Action must have exactly one non-empty rdfs:label (its name) (value '')"
    )


def test_held_plan_without_actions_fails() -> None:
    rec = dataclasses.replace(make_record(), actions=(), indicators=())
    ok, message = validate(complete(rec))
    assert not ok
    assert "hcid:doc/嘉政发-2023-27  -  Held plan (hc:held true) must have at least one action" in message


def test_plan_level_title_and_date_rules() -> None:
    rec = make_record()
    meta = dataclasses.replace(rec.meta, title=None, level="district", date="2023-13-45")
    ok, message = validate(complete(dataclasses.replace(rec, meta=meta)))
    assert not ok
    assert "hcid:doc/嘉政发-2023-27  eli:title  Plan must have exactly one non-empty eli:title" in message
    assert "hcid:doc/嘉政发-2023-27  hc:level  Plan must have exactly one hc:level" in message
    assert "eli:date_document  Plan has at most one eli:date_document, a valid xsd:date" in message
    assert message.splitlines()[-1] == "3 SHACL violation(s)"


def test_target_year_and_comparator_rules() -> None:
    rec = make_record()
    targets = (Target(1980, "5", ">="), Target(2030, "5", "about"))
    ind = dataclasses.replace(rec.indicators[0], targets=targets)
    ok, message = validate(complete(dataclasses.replace(rec, indicators=(ind,))))
    assert not ok
    assert (
        "target/1  hc:targetYear  Target's hc:targetYear, when present, is one xsd:integer between 1990"
        in message
    )
    assert (
        "target/2  hc:comparator  Target must have exactly one hc:comparator from hc:Comparators" in message
    )


def test_responsibility_role_rule() -> None:
    rec = make_record()
    action = dataclasses.replace(rec.actions[0], assignments=(Assignment("镇卫生院", "owner"),))
    ok, message = validate(complete(dataclasses.replace(rec, actions=(action, rec.actions[1]))))
    assert not ok
    assert (
        "hcid:doc/嘉政发-2023-27/action/1/responsibility/owner/镇卫生院  hc:role  "
        "Responsibility must have exactly one hc:role, hc:Lead or hc:Participant"
    ) in message


def test_message_is_capped() -> None:
    rec = make_record()
    actions = tuple(Action(i, "", "", "") for i in range(1, 16))  # 2 violations each
    ok, message = validate(complete(dataclasses.replace(rec, actions=actions, indicators=())))
    assert not ok
    lines = message.splitlines()
    assert len(lines) == 22
    assert lines[-2] == "... and 10 more"
    assert lines[-1] == "30 SHACL violation(s)"


# --- ontology and shapes ----------------------------------------------------


def test_ontology_terms_are_labelled() -> None:
    onto = ontology_graph()
    terms = set(onto.subjects(RDF.type, OWL.Class)) | set(onto.subjects(RDF.type, OWL.ObjectProperty))
    terms |= set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    assert len(terms) > 50
    for term in terms:
        assert str(term).startswith(str(HC)), term
        langs = {lit.language for lit in onto.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert any(c.language == "en" for c in onto.objects(term, RDFS.comment)), term


def test_every_hc_term_used_is_declared(graph: Graph) -> None:
    onto = ontology_graph()
    declared = set(onto.subjects(RDF.type, None))
    used = {p for p in graph.predicates() if str(p).startswith(str(HC))}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(HC))}
    used |= {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(str(HC))}
    assert used and used <= declared, used - declared


def test_level_scheme() -> None:
    onto = ontology_graph()
    levels = set(onto.subjects(SKOS.inScheme, HC.AdministrativeLevels))
    assert levels == {HC.National, HC.Province, HC.City, HC.County, HC.Township}
    assert onto.value(HC.Township, HC.rank) == Literal(4)
    assert onto.value(HC.Township, SKOS.notation) == Literal("township")
    chain, node = [], HC.Township
    while node is not None:
        chain.append(node)
        node = onto.value(node, SKOS.broader)
    assert chain == [HC.Township, HC.County, HC.City, HC.Province, HC.National]
    comparators = {str(onto.value(c, SKOS.notation)) for c in onto.subjects(SKOS.inScheme, HC.Comparators)}
    assert comparators == {">=", ">", "<=", "<", "=", "approx", "qualitative"}
    assert (HC.Plan, RDFS.subClassOf, ELI.LegalResource) in onto
    assert (HC.derivedFrom, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto


def test_shapes_have_messages() -> None:
    sh = URIRef("http://www.w3.org/ns/shacl#")
    shapes = shapes_graph()
    property_shapes = set(shapes.objects(None, URIRef(sh + "property")))
    sparql = set(shapes.objects(None, URIRef(sh + "sparql")))
    node_level = set(shapes.subjects(URIRef(sh + "or"), None))
    assert len(property_shapes) > 20 and len(sparql) == 1 and len(node_level) == 3
    for shape in property_shapes | sparql | node_level:
        assert shapes.value(shape, URIRef(sh + "message")) is not None, shape


def test_ntriples_and_ontology_load_into_oxigraph() -> None:
    """The IRIs (CJK, no escaping) are valid for a strict store, and the cascade link joins up."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    for gi, g in corpus_graphs([make_jincheng(), make_record()]).items():
        data = g.serialize(format="nt").encode()
        store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(gi)))
    onto = (ONTOLOGY_DIR / "hc.ttl").read_bytes()
    store.load(onto, format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(ID + "graph/ontology"))
    query = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + (
        "\nSELECT ?cited ?rank WHERE { ?p eli:cites ?cited . ?cited hc:held true ; hc:level/hc:rank ?rank }"
    )
    rows = [(s["cited"].value, s["rank"].value) for s in store.query(query, use_default_graph_as_union=True)]
    assert rows == [(ID + "doc/晋市政发-2020-17", "2")]


def test_term_strings_and_rdflib_terms_say_the_same() -> None:
    """record_nt (N-Triples term strings, the build's fast path) and record_triples (rdflib terms)
    are one graph: parsing the strings' N-Triples with rdflib gives exactly record_triples, escapes
    and typed literals included."""
    from kg.rdf import nquads, nt_lines, record_nt, record_triples

    record = make_record()
    action = dataclasses.replace(record.actions[0], text='引号"与\\反斜杠\n换行\r回车', name='名称"带引号"')
    record = dataclasses.replace(record, actions=[action, *record.actions[1:]])
    strings = record_nt(record)
    parsed = Graph().parse(data=nt_lines(strings), format="nt")
    terms = record_triples(record)
    assert len(strings) == len(terms) == len(parsed) == 70
    assert set(parsed) == set(terms)
    texts = {str(o) for _, p, o in terms if p == HC.sourceText}
    assert '引号"与\\反斜杠\n换行\r回车' in texts
    # N-Quads of either form, and of a one-pass generator, name the graph on every line
    graph = URIRef("https://example.org/graph/1")
    from_strings = nquads(strings, graph)
    assert nquads(terms, graph) == nquads(iter(list(terms)), graph)
    assert from_strings.count(f" <{graph}> .\n") == len(strings) == from_strings.count("\n")
    quads = Dataset().parse(data=nquads(terms, graph), format="nquads")
    assert set(quads.graph(graph)) == set(terms)
    assert set(Dataset().parse(data=from_strings, format="nquads").graph(graph)) == set(terms)
