"""What the explorer's pages show first, served from the summaries the build keeps beside the store
(:mod:`kg.summaries`) instead of SPARQL over every responsibility on each visit.

Mixed into ``PolicyGraph``; needs ``self.spec`` (where the store was opened from) and ``self.named``.
A folder store's summaries are read when their stamp matches its build; otherwise (missing, stale,
a ``memory`` store or a SPARQL endpoint) a table is computed here once by SPARQL and kept on this
object. Every table is a pandas DataFrame with IRIs as prefixed names.
"""

from __future__ import annotations

from pathlib import Path

from kg.api.records import DepartmentCount, TargetComparison
from kg.errors import KGError

ROLES = ("any", "lead", "participant")


def _plain(value):
    """A DataFrame cell as a plain Python value (pandas' NA as None, numpy numbers as Python ones)."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


class Summarised:
    """Tables and counts for the pages: the plan list, the plan tree, responsibilities, targets."""

    def summary(self, name: str, /):
        """The summary table ``name`` (plans, hierarchy, responsibilities, targets, department_types):
        from the store folder's summaries when fresh, else computed by SPARQL (once per object)."""
        from kg.locations import spec_kind
        from kg.summaries import TABLES, read_table

        if name not in TABLES:
            raise KGError(f"no summary table {name!r}; one of {', '.join(TABLES)}")
        kept = self.__dict__.setdefault("_summaries", {})
        if name not in kept:
            df = None
            if self.spec is not None and spec_kind(self.spec) == "path":
                df = read_table(Path(self.spec), name)
            if df is None:
                from kg.summaries.compute import compute_table

                df = compute_table(self.store, name)
            kept[name] = df
        return kept[name]

    def summaries_fresh(self) -> bool:
        """Whether this graph's pages read summaries the build wrote (not recomputed here)."""
        from kg.locations import spec_kind
        from kg.summaries import is_fresh

        return self.spec is not None and spec_kind(self.spec) == "path" and is_fresh(Path(self.spec))

    # -- departments -------------------------------------------------------------------------

    def department_counts(
        self,
        *,
        level: str | None = None,
        plan: str | None = None,
        role: str = "any",
        theme: str | None = None,
    ):
        """Department types by actions (and plans), most first, as ``top_departments`` but from the
        responsibilities summary; ``level`` a level name (city), ``plan`` and ``theme`` prefixed or
        full IRIs. A DataFrame with the columns of :class:`kg.api.records.DepartmentCount`."""
        import pandas as pd

        if role not in ROLES:
            raise KGError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        df = self.summary("responsibilities")
        df = df[df["role"] == role]
        from kg.store import shorten

        if level:
            df = df[df["level"] == level]
        if plan:
            df = df[df["plan"] == shorten(str(plan))]
        if theme:
            df = df[df["theme"] == shorten(str(theme))]
        grouped = df.groupby("type", observed=True).agg(actions=("actions", "sum"), plans=("plan", "nunique"))
        labels = self.summary("department_types").set_index("type")
        out = grouped.join(labels, how="left").reset_index()
        out = out.sort_values(["actions", "plans", "department"], ascending=[False, False, True])
        columns = list(DepartmentCount.__dataclass_fields__)
        out = out.rename(columns={"type": "type"})[columns]
        return pd.DataFrame(out).reset_index(drop=True)

    def department_theme_matrix(self, *, level: str | None = None, role: str = "any"):
        """Actions per department type (rows) and theme (columns), from the responsibilities summary."""
        df = self.summary("responsibilities")
        df = df[df["role"] == role]
        if level:
            df = df[df["level"] == level]
        return df.pivot_table(index="type", columns="theme", values="actions", aggfunc="sum", fill_value=0)

    # -- counts ---------------------------------------------------------------------------------

    def headline_counts(self) -> dict:
        """The overview's counts, each saying what it counts: plans (all, held), actions of held plans,
        department kinds (canonical types with responsibilities) and department bodies (departments as
        written, one per region), indicators — from the summaries where they have it."""
        tree = self.summary("hierarchy")
        resp = self.summary("responsibilities")
        row = self.named("build_counts").records()[0]
        return {
            "plans": len(tree),
            "heldPlans": int(tree["held"].fillna(False).sum()),
            "actions": int(row["actions"]),
            "department_kinds": int(resp["type"].nunique()),
            "department_bodies": int(row["departments"]),
            "indicators": int(row["indicators"]),
        }

    # -- the plan tree -----------------------------------------------------------------------------

    def plan_tree(self, *, province: str | None = None, city: str | None = None):
        """Plans with their parent, level, region, actions and targets and the province, city and
        county above them; ``province``/``city`` (region names) keep one region's tree."""
        df = self.summary("hierarchy")
        if province:
            df = df[df["province"] == province]
        if city:
            df = df[df["city"] == city]
        return df.reset_index(drop=True)

    # -- targets -------------------------------------------------------------------------------------

    def indicator_counts(self):
        """Indicator names with targets and the number of plans that set one, most plans first."""
        df = self.summary("targets")
        out = df.groupby("indicatorName", observed=True)["plan"].nunique().rename("plans").reset_index()
        return out.sort_values(["plans", "indicatorName"], ascending=[False, True]).reset_index(drop=True)

    def _targets_named(self, part: str):
        """The targets summary's rows of the indicators whose name contains ``part`` (the names
        matched once each, not once per target)."""
        df = self.summary("targets")
        names = df["indicatorName"]
        matched = [n for n in names.dropna().unique() if part in str(n)]
        return df[names.isin(matched)]

    def target_table(self, *, indicator: str):
        """``targets`` (every target of the indicators whose name contains ``indicator``, beside the
        national one) from the targets summary: a DataFrame of :class:`TargetComparison` columns."""
        import pandas as pd

        from kg.compare import compare_targets

        if not isinstance(indicator, str) or not indicator.strip():
            raise KGError(f"indicator: give (part of) an indicator's name, not {indicator!r}")
        found = self._targets_named(indicator.strip())
        used = [c for c in found.columns if c not in ("plan", "rank", "held")]  # what the comparison reads
        rows = [{k: _plain(v) for k, v in r.items()} for r in found[used].to_dict("records")]
        columns = list(TargetComparison.__dataclass_fields__)
        return pd.DataFrame([r for r in compare_targets(rows)], columns=columns)

    def target_values(self, *, indicator: str):
        """The numeric targets of the indicators whose name contains ``indicator``, one row per plan
        and year with its level (national … township), value, comparator and unit, and whether it is
        the national reference: what a distribution by level is drawn from."""
        from kg.records import LEVELS

        if not isinstance(indicator, str) or not indicator.strip():
            raise KGError(f"indicator: give (part of) an indicator's name, not {indicator!r}")
        found = self._targets_named(indicator.strip())
        found = found[found["value"].notna() & found["year"].notna()]
        levels = [LEVELS[int(r)] if r is not None and 0 <= int(r) < len(LEVELS) else None for r in
                  (_plain(v) for v in found["rank"])]  # fmt: skip
        out = found.assign(level=levels, reference=found["reference"].fillna(False))
        columns = [
            "plan",
            "title",
            "region",
            "level",
            "indicatorName",
            "year",
            "comparator",
            "value",
            "unit",
            "reference",
        ]
        return out[columns].reset_index(drop=True)
