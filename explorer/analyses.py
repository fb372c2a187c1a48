"""The explorer's readers for the analyses pages (Diffusion, Matrix, Compare): each a call of the
Python API on the page's graph, its answer kept per build as the other pages' are (helpers.stored)."""

from __future__ import annotations

from explorer.helpers import _dicts, graph, stored

# --------------------------------------------------------------------------- diffusion and matrix


@stored
def diffusion(k) -> list:
    """Every plan of the cascade with its signing date and its lags (kg.api.diffusion.PlanLag)."""
    return graph(k).diffusion()


@stored
def matrix(k, level: str | None, plan: str | None, role: str):
    """The department type × theme cells (kg.api.matrix.MatrixCell) for this level, plan and role."""
    from kg.api import frame
    from kg.api.matrix import MatrixCell

    return frame(graph(k).matrix(level=level, plan=plan, role=role), MatrixCell)


@stored
def matrix_cell(k, type_iri: str, theme_iri: str, level: str | None, plan: str | None, role: str):
    """The actions of one matrix cell with their source sentences (kg.api.matrix.CellAction)."""
    from kg.api import frame
    from kg.api.matrix import CellAction

    found = graph(k).matrix_cell(department_type=type_iri, theme=theme_iri, level=level, plan=plan, role=role)
    return frame(found, CellAction)


# --------------------------------------------------------------------------- plan against plan


@stored
def compare_plans(k, a: str, b: str) -> dict:
    """Two plans side by side (kg.api.comparisons), as plain values."""
    from kg.api.comparisons import as_plain

    return as_plain(graph(k).compare_plans(a=a, b=b))


@stored
def held_ancestor(k, plan_iri: str) -> str | None:
    """The nearest held plan ``plan_iri`` derives from (None: none is held)."""
    for r in _dicts(graph(k).named("trace_plans", start=plan_iri)):
        if str(r["plan"]) != plan_iri and r.get("held"):
            return str(r["plan"])
    return None
