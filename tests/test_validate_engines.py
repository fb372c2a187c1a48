"""kg.validate's two SHACL engines (shacl, pySHACL) give the same verdicts and the same lines."""

from __future__ import annotations

import dataclasses

import pytest
import test_rdf as cases  # the record builders of tests/test_rdf.py
from conftest import sample_graphs
from rdflib import RDF, RDFS, XSD, Graph, Literal
from rdflib.namespace import ORG, PROV, SKOS

import kg.validate as kv
from kg.graph import PolicyGraph
from kg.rdf import BASE, ELI, HC
from kg.records import Action, Assignment, Target

pytest.importorskip("shacl")

ALL = 10_000  # max_lines: compare every line, not the first 20


def both(monkeypatch, graph: Graph, **kw) -> tuple[bool, str]:
    """validate() with each engine; assert they agree and return the (shared) result."""
    out = {}
    for engine in kv.ENGINES:
        monkeypatch.setenv(kv.ENGINE_ENV, engine)
        assert kv.engine() == engine
        out[engine] = kv.validate(graph, ALL, **kw)
    assert out["shacl"] == out["pyshacl"]
    # the build's path: the same data as N-Triples text, no rdflib graph (shacl engine)
    monkeypatch.setenv(kv.ENGINE_ENV, "shacl")
    assert kv.validate_text(graph.serialize(format="nt"), ALL, **kw) == out["shacl"]
    return out["shacl"]


@pytest.fixture(scope="module")
def seed(built_store) -> Graph:
    with PolicyGraph.open(store=str(built_store)) as pg:
        return pg.store.union_graph()


def _replace(rec, **kw):
    return dataclasses.replace(rec, **kw)


def _with_targets(*targets):
    rec = cases.make_record()
    return _replace(rec, indicators=(_replace(rec.indicators[0], targets=targets),))


def _qualitative_with_value():
    g = cases.complete(cases.make_record())
    g.add((BASE["doc/嘉政发-2023-27/indicator/1/target/2"], HC.value, Literal("5", datatype=XSD.decimal)))
    return g


def _record_case(name: str):
    rec = cases.make_record()
    if name == "conforms":
        return cases.complete(rec)
    if name == "merged":
        return cases.complete(cases.make_jincheng(), rec)
    if name == "non_numeric":
        return cases.complete(_with_targets(Target(2022, "明显提高", ">=")))
    if name == "qualitative_value":
        return _qualitative_with_value()
    if name == "empty_action_name":
        return cases.complete(_replace(rec, actions=(rec.actions[0], _replace(rec.actions[1], name=""))))
    if name == "held_without_actions":
        return cases.complete(_replace(rec, actions=(), indicators=()))
    if name == "level_title_date":
        meta = _replace(rec.meta, title=None, level="district", date="2023-13-45")
        return cases.complete(_replace(rec, meta=meta))
    if name == "year_comparator":
        return cases.complete(_with_targets(Target(1980, "5", ">="), Target(2030, "5", "about")))
    if name == "role":
        action = _replace(rec.actions[0], assignments=(Assignment("镇卫生院", "owner"),))
        return cases.complete(_replace(rec, actions=(action, rec.actions[1])))
    if name == "capped":
        actions = tuple(Action(i, "", "", "") for i in range(1, 16))
        return cases.complete(_replace(rec, actions=actions, indicators=()))
    if name == "sample_store":
        g = Graph()
        for part in sample_graphs().values():
            g += part
        return g
    raise ValueError(name)


RECORD_CASES = {
    "conforms": 0,
    "merged": 0,
    "non_numeric": 1,
    "qualitative_value": 1,
    "empty_action_name": 1,
    "held_without_actions": 1,
    "level_title_date": 3,
    "year_comparator": 2,
    "role": 1,
    "capped": 30,
    "sample_store": 8,  # the eli:has_part links say each action's plan (no eli:is_part_of to miss)
}


@pytest.mark.parametrize("name", sorted(RECORD_CASES))
def test_engines_agree_on_the_test_graphs(monkeypatch, name):
    ok, message = both(monkeypatch, _record_case(name))
    expected = RECORD_CASES[name]
    assert ok == (expected == 0)
    assert message.splitlines()[-1] == (
        f"{expected} SHACL violation(s)" if expected else "conforms: no SHACL violations"
    )


def test_engines_agree_on_the_seed_corpus(monkeypatch, seed):
    assert both(monkeypatch, seed) == (True, "conforms: no SHACL violations")


def test_engines_agree_on_a_broken_link(monkeypatch, seed):
    broken = Graph()
    broken += seed
    broken.add((BASE["doc/晋市政发-2020-17"], HC.derivedFrom, BASE["doc/嘉政发-2023-27"]))
    ok, message = both(monkeypatch, broken)
    assert not ok
    assert message.splitlines() == [
        "hcid:doc/晋市政发-2020-17  -  A plan's parent (hc:derivedFrom) must be of a higher administrative"
        " level, or the national source",
        "hcid:doc/晋市政发-2020-17  hc:derivedFrom  A plan derives from at most one parent plan, an hc:Plan",
        "2 SHACL violation(s)",
    ]


def mutated(seed: Graph) -> Graph:
    """The seed corpus with one violation of every kind of constraint the shapes use, on distinct nodes."""
    m = Graph()
    m += seed

    def nth(cls, i=0):
        return sorted(seed.subjects(RDF.type, cls))[i]

    def nth_object(prop, i=0):
        """The i-th node reached by ``prop``: responsibilities, citations, indicators and targets are
        untyped, the range of the property that reaches them saying what they are."""
        return sorted(set(seed.objects(None, prop)))[i]

    plans = sorted(seed.subjects(RDF.type, HC.Plan))
    m.set((plans[0], ELI.title, Literal("plain string title")))  # sh:datatype rdf:langString
    m.add((plans[1], ELI.title, Literal("second", lang="zh")))  # sh:maxCount
    m.set((plans[1], HC.level, HC.Galaxy))  # sh:in
    m.add((plans[2], ELI.id_local, Literal("")))  # sh:minLength
    m.set((plans[2], HC.held, Literal("yes")))  # sh:datatype xsd:boolean, on two shapes
    m.add((plans[3], ELI.passed_by, BASE["org/nowhere"]))  # sh:class
    m.add((plans[3], HC.province, BASE["region/atlantis"]))
    held = [p for p in plans[4:] if (p, HC.held, Literal(True)) in seed]
    m.remove((held[0], ELI.has_part, None))  # SPARQL: held plan without actions
    m.set((nth(HC.Action, 0), HC.ordinal, Literal(0)))  # sh:minInclusive
    m.set((nth(HC.Action, 1), HC.ordinal, Literal("1")))
    m.remove((nth(HC.Action, 2), HC.sourceText, None))  # sh:minCount
    m.add((nth(HC.Action, 3), HC.sourceText, Literal("a second text")))  # sh:maxCount: one text per action
    m.add((nth(HC.Action, 2), HC.departmentSource, Literal("other")))
    resp = nth_object(HC.responsibility)
    m.set((resp, HC.department, BASE["org/unlabelled"]))  # sh:node
    m.add((BASE["org/unlabelled"], RDF.type, ORG.Organization))
    m.set((resp, HC.role, HC.Owner))
    org = sorted(seed.subjects(RDF.type, ORG.Organization))[5]
    m.set((org, RDFS.label, Literal("", lang="zh")))
    m.add((org, HC.departmentType, BASE["department-type/fake"]))  # targetObjectsOf + node-level sh:class
    region = nth(HC.Region)
    m.set((region, HC.level, HC.Village))
    m.add((region, HC.parentRegion, nth(HC.Region, 1)))
    m.add((region, HC.parentRegion, nth(HC.Region, 2)))
    m.set((nth_object(HC.citation), HC.citedDocument, BASE["doc/unknown"]))
    m.add((nth(HC.SourceDocument), RDFS.label, Literal("another.txt")))
    emptied = nth_object(HC.hasIndicator, 0)
    m.remove((emptied, HC.hasTarget, None))
    m.set((nth_object(HC.hasIndicator, 1), HC.origin, Literal("guess")))
    # targets of other indicators (the emptied one's are no longer reached by hc:hasTarget)
    targets = sorted(
        t for t in set(seed.objects(None, HC.hasTarget)) if (emptied, HC.hasTarget, t) not in seed
    )
    m.set((targets[0], HC.targetYear, Literal(2200)))  # sh:maxInclusive
    m.set((targets[1], HC.value, Literal("abc")))
    m.remove((targets[2], HC.comparator, None))
    qualitative = sorted(seed.subjects(HC.comparator, HC.Qualitative))[0]
    m.add((qualitative, HC.value, Literal("3", datatype=XSD.decimal)))  # sh:or / sh:not / sh:hasValue
    numeric = sorted(seed.subjects(HC.comparator, HC.GreaterOrEqual))[5]
    m.remove((numeric, HC.value, None))  # sh:or
    derivation = nth(HC.PlanDerivation)
    m.set((derivation, PROV.entity, Literal("not an IRI")))  # sh:nodeKind
    m.set((derivation, HC.matchScore, Literal("1.5", datatype=XSD.decimal)))
    deriving = sorted(seed.subjects(HC.derivedFrom, None))
    m.add((deriving[0], HC.derivedFrom, plans[5]))  # targetSubjectsOf + SPARQL with ?value
    m.remove((deriving[1], PROV.qualifiedDerivation, None))  # sh:qualifiedValueShape
    m.add((sorted(seed.subjects(HC.implements, None))[0], HC.implements, BASE["thing/x"]))
    themed = sorted(seed.subjects(ELI.is_about, None))
    m.remove((themed[0], HC.themeScore, None))
    m.set((themed[2], HC.themeScore, Literal("2", datatype=XSD.decimal)))
    theme = nth(HC.Theme)
    m.set((theme, SKOS.inScheme, HC.Other))  # sh:hasValue
    m.remove((theme, SKOS.notation, None))
    m.remove((nth(HC.DepartmentType), SKOS.inScheme, None))
    cited = [s for s in seed.subjects(RDF.type, ELI.LegalResource) if (s, RDF.type, HC.Plan) not in seed]
    m.add((cited[0], HC.held, Literal(True)))  # a subclass-free target (eli:LegalResource)
    m.add((cited[0], HC.held, Literal(False)))
    other = next(p for p in plans[6:] if p != held[0])
    m.add((other, ELI.date_publication, Literal("2019-13-45")))  # sh:datatype xsd:date
    m.add((other, PROV.hadPrimarySource, BASE["file/elsewhere.txt"]))  # targetSubjectsOf, maxCount, class
    field = BASE["doc/x/provenance/title"]
    m.add((other, HC.fieldProvenance, field))
    m.add((field, HC.field, RDFS.label))  # sh:in (not a plan property); no hc:fieldSource: sh:minCount
    orphan = BASE["doc/y/provenance/date"]
    m.add(
        (nth(HC.Action, 4), HC.fieldProvenance, orphan)
    )  # sh:inversePath: an action, not a plan, points to it
    m.add((orphan, HC.field, ELI.date_document))
    m.add((orphan, HC.fieldSource, HC.Signature))
    return m


def test_engines_agree_on_every_kind_of_constraint(monkeypatch, seed):
    ok, message = both(monkeypatch, mutated(seed))
    assert not ok
    lines = message.splitlines()
    # 46: plans[1] gets an unknown level, so its children's derivation (hcsh:ParentLevelShape) fails too;
    # then 6 on a second action text, a date of publication, a primary source and field provenance;
    # then 19: the actions of the held plan whose eli:has_part links are removed belong to no plan
    assert lines[-1] == "71 SHACL violation(s)"
    for expected in [
        "  Plan must have exactly one non-empty eli:title (@zh) (value 'plain string title')",
        "  -  Held plan (hc:held true) must have at least one action (eli:has_part), or an hc:warning saying why"
        " not",
        "  eli:date_publication  Plan has at most one eli:date_publication, a valid xsd:date",
        "  prov:hadPrimarySource  A plan is read from at most one file (prov:hadPrimarySource), a hc:SourceDocument",
        "hcid:doc/x/provenance/title  hc:field  Field provenance names exactly one hc:field, a plan property",
        "hcid:doc/x/provenance/title  hc:fieldSource  Field provenance has exactly one hc:fieldSource",
        "hcid:doc/y/provenance/date  -  Field provenance belongs to exactly one hc:Plan",
        "  hc:sourceText  Action must have exactly one non-empty hc:sourceText (its text)",
        "  -  Qualitative target (hc:Qualitative) must not have a hc:value",
        "  -  Target with a non-qualitative comparator must have a numeric hc:value",
        "  -  A plan's parent (hc:derivedFrom) must be of a higher administrative level",
        "  prov:qualifiedDerivation  A plan with hc:derivedFrom has exactly one qualified hc:PlanDerivation",
        "  hc:department  Responsibility must have exactly one hc:department, an org:Organization with an"
        " rdfs:label (value hcid:org/unlabelled)",
        "hcid:department-type/fake  -  hc:departmentType must point to an hc:DepartmentType",
        "  skos:inScheme  A theme belongs to the scheme hc:Themes",
        "  prov:entity  A derivation names exactly one prov:entity (the parent plan or action) (value 'not an IRI')",
    ]:
        assert any(expected in line for line in lines), expected


def test_focus_nodes_restrict_the_report_the_same_way(monkeypatch, seed):
    m = mutated(seed)
    plans = sorted(seed.subjects(RDF.type, HC.Plan))
    focus = [plans[0], plans[1], BASE["department-type/fake"], BASE["not/in/the/graph"]]
    ok, message = both(monkeypatch, m, focus_nodes=focus)
    assert not ok
    lines = message.splitlines()[:-1]
    assert lines and all(line.split("  ")[0] in {kv.short(f) for f in focus} for line in lines)
    # a focus with no violations conforms, though the rest of the graph does not
    assert both(monkeypatch, m, focus_nodes=[plans[4]]) == (True, "conforms: no SHACL violations")


def test_validate_text_with_pyshacl(monkeypatch):
    graph = _record_case("level_title_date")
    monkeypatch.setenv(kv.ENGINE_ENV, "pyshacl")
    text = kv.validate_text(graph.serialize(format="nt"))
    monkeypatch.setenv(kv.ENGINE_ENV, "shacl")
    assert text == kv.validate(graph) == kv.validate_text(graph.serialize(format="nt"))
    assert text[1].splitlines()[-1] == "3 SHACL violation(s)"


def test_engine_selection(monkeypatch):
    monkeypatch.delenv(kv.ENGINE_ENV, raising=False)
    assert kv.engine() == "shacl"
    monkeypatch.setenv(kv.ENGINE_ENV, "PySHACL")
    assert kv.engine() == "pyshacl"
    monkeypatch.setenv(kv.ENGINE_ENV, "jena")
    with pytest.raises(ValueError, match="KG_SHACL_ENGINE"):
        kv.engine()


def test_falls_back_to_pyshacl_when_the_fast_engine_cannot_load_the_shapes(monkeypatch):
    def broken():
        raise ValueError("unsupported constraint")

    monkeypatch.delenv(kv.ENGINE_ENV, raising=False)
    monkeypatch.setattr(kv, "_fast_shapes", broken)
    with pytest.warns(UserWarning, match="unsupported constraint"):
        assert kv.engine() == "pyshacl"
    with pytest.warns(UserWarning):
        ok, message = kv.validate(_record_case("non_numeric"))
    assert not ok and message.splitlines()[-1] == "1 SHACL violation(s)"


def test_nt_terms_round_trip():
    for text, node in [
        ("<https://w3id.org/healthy-china/id/doc/晋市政发-2020-17>", BASE["doc/晋市政发-2020-17"]),
        ('"2023-13-45"', Literal("2023-13-45")),
        ('"a \\"b\\"\\n\\u00e9"@zh', Literal('a "b"\né', lang="zh")),
        ('"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>', Literal("1.5", datatype=XSD.decimal)),
    ]:
        assert kv._term(text) == node
    assert kv._term(None) is None
    assert kv._path("<http://www.w3.org/2000/01/rdf-schema#label>") == RDFS.label
    assert kv._path("(<http://ex/p>)+") is None
