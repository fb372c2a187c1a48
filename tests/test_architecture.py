"""The shape of the code, read from its source: imports flow one way, one package talks to the
engines, and modules keep to each other's public names."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "kg"
EXPLORER = [ROOT / "app.py", *sorted((ROOT / "explorer").glob("**/*.py"))]
STORE_PACKAGE = PACKAGE / "store"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kg_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.glob("**/*.py"))}


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(path: Path, tree: ast.Module) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) of every import, at any depth (function-level too),
    relative imports resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            out.append((base, [alias.name for alias in node.names], node.lineno))
    return out


def import_graph() -> dict[str, set[str]]:
    """kg module -> the kg modules it imports (a name imported from a package that is one of its
    submodules counts as that submodule)."""
    modules = kg_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names, _ in imported(path, parse(path)):
            if target not in modules:
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            graph[name].update(subs or [target])
            if len(subs) < len(names):
                graph[name].add(target)
            graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_kg_modules():
    graph = import_graph()
    assert "kg.graph" not in graph["kg.build"]  # the build computes its counts with the store
    assert {"kg.store", "kg.store.oxigraph", "kg.build.append", "kg.build.plan"} <= set(graph)
    assert cycles(graph) == []


def test_only_the_store_package_imports_pyoxigraph():
    users = []
    for path in [*sorted(PACKAGE.glob("**/*.py")), *EXPLORER, *sorted((ROOT / "bench").glob("*.py"))]:
        for target, _, line in imported(path, parse(path)):
            if target.split(".")[0] == "pyoxigraph" and STORE_PACKAGE not in path.parents:
                users.append(f"{path.relative_to(ROOT)}:{line}")
    assert users == []
    assert any(
        t == "pyoxigraph"
        for t, _, _ in imported(STORE_PACKAGE / "oxigraph.py", parse(STORE_PACKAGE / "oxigraph.py"))
    )


def private_names(tree: ast.Module) -> set[str]:
    """The ``_names`` a module defines: functions, classes, assignments, attributes set on objects."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
    return {n for n in out if n.startswith("_") and not n.startswith("__")}


def test_no_module_uses_another_modules_private_names():
    """``from kg.x import _y`` or ``something._y`` where ``_y`` belongs to another kg module (a
    store's ``_live()``, a helper of another module): each module reaches the others through their
    public names only."""
    modules = kg_modules()
    trees = {name: parse(path) for name, path in modules.items()}
    defined = {name: private_names(tree) for name, tree in trees.items()}
    everywhere = set().union(*defined.values())
    explorer = {module_name(p): parse(p) for p in EXPLORER if p.exists()}
    misuses = []
    for name, tree in {**trees, **explorer}.items():
        own = defined.get(name, set())
        path = modules.get(name) or ROOT / (name.replace(".", "/") + ".py")
        for target, names, line in imported(path, tree):
            if target in modules and target != name:
                misuses += [
                    f"{name}:{line} imports {target}.{n}"
                    for n in names
                    if n.startswith("_") and not n.startswith("__")
                ]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr in everywhere
                and node.attr not in own
            ):
                misuses.append(f"{name}:{node.lineno} uses .{node.attr}")
    assert misuses == []


def test_no_module_of_the_package_or_the_explorer_is_much_over_500_lines():
    root = Path(__file__).resolve().parents[1]
    sizes = {
        str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
        for folder in ("kg", "explorer")
        for p in (root / folder).rglob("*.py")
    }
    sizes["app.py"] = len((root / "app.py").read_text(encoding="utf-8").splitlines())
    assert {name: n for name, n in sizes.items() if n > 520} == {}
