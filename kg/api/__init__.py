"""The parts of the Python API behind :class:`kg.graph.PolicyGraph` (``import kg; g = kg.open()``).

* :mod:`kg.api.records`: the frozen records the analyses return, and :func:`frame` for a DataFrame;
* :mod:`kg.api.bindings`: plain Python values -> RDF terms, as a named query declares its parameters;
* :mod:`kg.api.analyses`: the analyses (top departments, trace, coverage, targets, text reuse).
"""

from kg.api.records import (
    DepartmentAction,
    DepartmentCount,
    Hop,
    TargetComparison,
    TextReuse,
    ThemeCoverage,
    frame,
)

__all__ = [
    "DepartmentAction",
    "DepartmentCount",
    "Hop",
    "TargetComparison",
    "TextReuse",
    "ThemeCoverage",
    "frame",
]
