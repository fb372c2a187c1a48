"""Healthy China policy-cascade knowledge graph.

``g = kg.open()`` opens the default store (``$KG_STORE`` or ``data/store``); ``kg.open("memory")``,
a folder or an ``http(s)://`` SPARQL endpoint as well. See :class:`kg.graph.PolicyGraph`.
Importing ``kg`` loads nothing else: the API is imported on the first ``kg.open``.
"""

from kg.version import __version__

__all__ = ["__version__", "open"]


def open(store=None, /, *, read_only: bool = True):  # noqa: A001 - kg.open, as kglab's
    """The knowledge graph of ``store`` (a folder, ``memory``, an http(s) URL; default the usual
    store) as a :class:`kg.graph.PolicyGraph`; use it in a ``with`` block or ``close()`` it."""
    from kg.graph import PolicyGraph

    return PolicyGraph.open(store=store, read_only=read_only)
