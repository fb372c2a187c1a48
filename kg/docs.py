"""The ontology's browsable documentation: ``python -m kg.docs --out DIR`` writes DIR/ontology.html.

One self-contained HTML page (styles inline, no script or stylesheet fetched from anywhere) made by
pyLODE from ontology/hc.ttl, offline: pyLODE reads its background vocabularies from its own package.
Every class and property of the ontology has a section whose fragment is its local name
(``ontology.html#derivedFrom``); the concept schemes (levels, roles, comparators, field sources,
themes, department types) follow, with their concepts. pyLODE is an optional dependency (``pip install -e ".[docs]"``).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from html import escape
from pathlib import Path

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import OWL, SKOS

from kg.rdf import HC, ontology_graph

PAGE = "ontology.html"
DOCUMENTED_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def documented_terms() -> list[str]:
    """Local names of the classes and properties ontology/hc.ttl declares (what the page covers)."""
    g = ontology_graph()
    terms = {s for t in DOCUMENTED_TYPES for s in g.subjects(RDF.type, t) if str(s).startswith(str(HC))}
    return sorted(str(t)[len(str(HC)) :] for t in terms)


def ontology_html() -> str:
    """The documentation page of ontology/hc.ttl, as HTML text (the same ontology gives the same text)."""
    try:
        from pylode import OntPub
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError('the ontology documentation needs pyLODE: pip install -e ".[docs]"') from e
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))  # pyLODE logs at INFO
    onto = ontology_graph()
    # pyLODE takes every skos:ConceptScheme for the ontology itself (their labels become its title):
    # it is given the classes and properties, and the schemes are written as a section of their own.
    schemes = sorted(onto.subjects(RDF.type, SKOS.ConceptScheme))
    for scheme in schemes:
        onto.remove((scheme, RDF.type, SKOS.ConceptScheme))
    page = OntPub(onto, sort_subjects=True)  # sorted: the same page in every process
    # Fragment ids from the local names: pyLODE derives them from the first label, and drops
    # non-ASCII characters, which leaves Chinese labels with an empty id.
    page.fids.update({f"{HC}{name}": name for name in documented_terms()})
    html = page.make_html()
    anchor = '<div id="namespaces">'
    if anchor not in html:  # pragma: no cover - a pyLODE layout this module was not written for
        raise RuntimeError(f"pyLODE's page has no {anchor!r} to put the concept schemes before")
    html = html.replace(anchor, _schemes_section(ontology_graph(), schemes) + anchor, 1)
    # and an entry in the table of contents, before the namespaces'
    toc = re.search(r'<li>\s*<h4>\s*<a href="#namespaces">', html)
    if toc is None:  # pragma: no cover - a pyLODE layout this module was not written for
        raise RuntimeError("pyLODE's table of contents has no entry for the namespaces")
    names = "".join(f'<li><a href="#{escape(_local(s))}">{escape(_local(s))}</a></li>' for s in schemes)
    entry = f'<li><h4><a href="#conceptschemes">Concept schemes</a></h4><ul class="second">{names}</ul></li>'
    return html[: toc.start()] + entry + html[toc.start() :]


def _local(node) -> str:
    return str(node)[len(str(HC)) :] if str(node).startswith(str(HC)) else str(node)


def _label(g: Graph, node, lang: str) -> str:
    return next((str(o) for o in g.objects(node, SKOS.prefLabel) if o.language == lang), "")


def _schemes_section(g: Graph, schemes: list) -> str:
    """The concept schemes (levels, roles, comparators, field sources …) as one HTML section."""
    out = ['<div class="section" id="conceptschemes">', "<h2>Concept schemes</h2>"]
    for scheme in schemes:
        name = _local(scheme)
        comment = next((str(c) for c in g.objects(scheme, RDFS.comment) if c.language == "en"), "")
        out.append(f'<div class="property entity" id="{escape(name)}"><h3>{escape(_label(g, scheme, "en"))} ')
        out.append(f"{escape(_label(g, scheme, 'zh'))}</h3><p><code>{escape(str(scheme))}</code></p>")
        out.append(f"<p>{escape(comment)}</p>")
        out.append("<table><tr><th>concept</th><th>notation</th><th>label</th><th>description</th></tr>")
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=lambda c: str(c))
        for c in concepts:
            local = _local(c)
            notation = str(g.value(c, SKOS.notation) or "")
            note = next((str(x) for x in g.objects(c, RDFS.comment) if x.language == "en"), "")
            label = f"{_label(g, c, 'zh')} / {_label(g, c, 'en')}"
            out.append(
                f'<tr><td id="{escape(local)}"><code>hc:{escape(local)}</code></td><td><code>{escape(notation)}'
                f"</code></td><td>{escape(label)}</td><td>{escape(note)}</td></tr>"
            )
        out.append("</table></div>")
    out.append("</div>\n")
    return "".join(out)


def write(out: Path) -> Path:
    """Write ``out/ontology.html``; returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / PAGE
    path.write_text(ontology_html(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder to write ontology.html into")
    args = parser.parse_args(argv)
    try:
        path = write(args.out)
    except (RuntimeError, OSError) as e:
        print(f"kg: error: ontology documentation: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
