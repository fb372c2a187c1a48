"""The Python API: one object over a store, its named queries, analyses and networks (after kglab).

    import kg

    g = kg.open()                                   # the default store; or a folder, a URL, "memory"
    g.named_df("top_departments", level="city")     # any named query, plain values bound as terms
    g.query_df("SELECT ?t WHERE { ?p a hc:Plan ; eli:title ?t }", safe=True)
    g.top_departments(level="city", limit=5)        # analyses: lists of frozen records (.as_dict())
    g.to_networkx("cooccurrence", plan="聊城市")     # networkx graphs
    g.validate().conforms; g.export("kg.ttl", format="turtle")

Every method reads the graph through the named queries in kg/queries/*.rq, with parameters bound
as RDF terms (never pasted into the query text). Tables come back as pandas DataFrames (IRIs as
prefixed names); analyses as lists of the frozen records of :mod:`kg.api.records` (``kg.api.frame``
makes a DataFrame of them). Expected failures raise the project's own errors (:mod:`kg.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.api.analyses import Analyses
from kg.api.bindings import bind
from kg.api.comparisons import Comparisons
from kg.api.diffusion import Diffusion
from kg.api.matrix import Matrix
from kg.api.records import Record
from kg.api.summarised import Summarised
from kg.errors import KGError, ValidationError
from kg.queries import load_query
from kg.store import QueryResult, Store, open_store, spec_kind

NETWORK_KINDS = ("department-action", "cooccurrence", "hierarchy")


@dataclass(frozen=True)
class Conformance(Record):
    """The SHACL check of the stored graph: whether it conforms, and the readable report."""

    conforms: bool
    report: str


class PolicyGraph(Summarised, Analyses, Comparisons, Diffusion, Matrix):
    """The knowledge graph behind a store: named queries, analyses, network projections."""

    def __init__(self, store: Store, *, spec: str | None = None):
        self.store = store
        self.spec = spec  # what it was opened from (None: a Store given as is)

    @classmethod
    def open(cls, *, store: str | Path | Store | None = None, read_only: bool = True) -> PolicyGraph:
        """Open a built store: a folder (default ``$KG_STORE`` or ``data/store``), an ``http(s)://``
        SPARQL endpoint, ``memory`` (data/plans built in memory first) or an open :class:`Store`."""
        if isinstance(store, Store):
            return cls(store)
        spec = None if store is None else str(store)
        if spec_kind(spec) == "memory":
            from kg.build import build

            return cls(build(None, "memory").memory_store, spec="memory")
        return cls(open_store(spec, read_only=read_only), spec=spec)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> PolicyGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PolicyGraph({self.store!r})"

    # -- queries ------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        bindings: dict | None = None,
        timeout: float | None = None,
        safe: bool = False,
        limit: int | None = None,
    ) -> QueryResult:
        """Run ``sparql`` (the project's prefixes need no declaration) with ``bindings`` (name ->
        plain value or RDF term). ``safe=True``: checked read-only and bounded by kg.safety — at
        most ``timeout`` seconds (default 30) and ``limit`` rows (default 10,000)."""
        terms = bind(self, sparql, bindings or {})
        return self._run(sparql, terms, timeout=timeout, safe=safe, limit=limit)

    def named(
        self, query_name: str, /, *, timeout: float | None = None, safe: bool = False, **bindings
    ) -> QueryResult:
        """Run kg/queries/NAME.rq with its declared parameters bound (None leaves one unbound)."""
        sparql = load_query(query_name)
        terms = bind(self, sparql, bindings, named=query_name)
        return self._run(sparql, terms, timeout=timeout, safe=safe, limit=None)

    def query_df(
        self,
        sparql: str,
        *,
        safe: bool = False,
        timeout: float | None = None,
        limit: int | None = None,
        **bindings,
    ):
        """:meth:`query` as a DataFrame (one column per variable; IRIs as prefixed names). With
        ``safe=True`` the frame's ``attrs["truncated"]`` says whether rows were cut at ``limit``."""
        terms = bind(self, sparql, bindings)
        return self._frame(self._run(sparql, terms, timeout=timeout, safe=safe, limit=limit, keep=True))

    def named_df(self, query_name: str, /, *, safe: bool = False, timeout: float | None = None, **bindings):
        """:meth:`named` as a DataFrame, e.g. ``named_df("top_departments", level="city", plan="聊城市")``."""
        sparql = load_query(query_name)
        terms = bind(self, sparql, bindings, named=query_name)
        return self._frame(self._run(sparql, terms, timeout=timeout, safe=safe, limit=None, keep=True))

    def _run(self, sparql, terms, *, timeout, safe, limit, keep=False):
        if not safe:
            if limit is not None:
                raise KGError("limit applies to bounded queries: pass safe=True (or LIMIT in the query)")
            return self.store.query(sparql, bindings=terms or None, timeout=timeout)
        from kg import safety

        answer = safety.run_user_query(
            self.store,
            sparql,
            timeout=safety.DEFAULT_TIMEOUT if timeout is None else timeout,
            limit=safety.DEFAULT_LIMIT if limit is None else limit,
            bindings=terms or None,
        )
        return (answer.result, answer.truncated) if keep else answer.result

    @staticmethod
    def _frame(answer):
        result, truncated = answer if isinstance(answer, tuple) else (answer, False)
        df = result.to_dataframe()
        df.attrs["truncated"] = bool(truncated)
        return df

    # -- networks, checks, files ------------------------------------------------------------

    def to_networkx(self, kind: str, /, **filters):
        """A networkx graph: ``"department-action"`` (bipartite), ``"cooccurrence"`` (department
        types, weighted by shared actions) — both take ``plan=`` and ``level=`` — or ``"hierarchy"``
        (plans, child -> parent). See :mod:`kg.network` for the node and edge attributes."""
        from kg import network

        builders = {
            "department-action": network.department_action_graph,
            "cooccurrence": network.cooccurrence_graph,
            "hierarchy": network.hierarchy_graph,
        }
        if kind not in builders:
            raise KGError(f"unknown network {kind!r}; one of {', '.join(NETWORK_KINDS)}")
        allowed = () if kind == "hierarchy" else ("plan", "level")
        unknown = sorted(set(filters) - set(allowed))
        if unknown:
            takes = ", ".join(allowed) or "no filters"
            raise KGError(f"the {kind} network has no filter {unknown[0]!r} (it takes {takes})")
        return builders[kind](self, **filters)

    def validate(self, *, strict: bool = False) -> Conformance:
        """The SHACL check of the whole stored graph; ``strict=True`` raises ValidationError instead
        of returning a report that does not conform."""
        from kg.validate import validate

        conforms, report = validate(self.store.union_graph())
        if strict and not conforms:
            last = report.strip().splitlines()[-1] if report.strip() else "violations"
            raise ValidationError(f"the stored graph does not conform to the shapes: {last}")
        return Conformance(conforms=conforms, report=report)

    def export(self, path: str | Path, *, format: str = "turtle") -> Path:  # noqa: A002 - as kg export
        """Write the whole graph to ``path`` (turtle, nt, jsonld or nquads; the same graph gives the
        same bytes) and return the path."""
        data = self.store.export(format)
        target = Path(path)
        try:
            target.write_bytes(data)
        except OSError as e:
            raise KGError(f"{target}: {e.strerror or e}") from None
        return target

    def build(self, paths=None, *, full: bool = False, jobs: int | None = None):
        """Build plan files (default data/plans) into this graph's store, then read the new graph:
        a folder store is updated atomically and reopened; a ``memory`` store is refilled in place.
        Returns the build's summary (documents, triples, mode, seconds …)."""
        from kg.build import build

        if self.spec is None or spec_kind(self.spec) == "memory":
            return build(paths, self.store, jobs=jobs, incremental=not full)
        self.store.close()
        try:
            return build(paths, self.spec, jobs=jobs, incremental=not full)
        finally:
            self.store = open_store(self.spec, read_only=True)

    def preview(self, path: str | Path):
        """What the plan file ``path`` would add, before it joins the graph: a
        :class:`kg.api.preview.PlanPreview` (its chain of parent plans, its actions' parent actions),
        from the build package's preview against this store; nothing is written."""
        from kg.api.preview import preview_plan

        return preview_plan(self, path)

    # -- the overview's counts --------------------------------------------------------------

    def counts(self, *, triples: bool = True) -> dict:
        """Headline counts for the overview (plans, heldPlans, actions, departments, indicators,
        plans_by_level, and triples unless ``triples=False``: a full scan, build.json has it)."""
        row = self.named("build_counts").records()[0]
        out = {key: int(row[key]) for key in ("plans", "heldPlans", "actions", "departments", "indicators")}
        if triples:
            out["triples"] = self.store.triple_count()
        levels = self.named("plans_per_level")
        out["plans_by_level"] = {str(lv): int(n) for lv, n in levels.rows}
        return out
