"""Count a built store's quads: per predicate, per class, and per held plan.

    python bench/quads.py --store DIR [--label NAME] [--json bench/results/quads.json]

Appends one run (date UTC, code commit, store, totals, triples per held plan, the predicates and
classes with their counts and distinct objects) to the JSON file, so that stores built by two
versions of the code from the same corpus can be set side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import kg  # noqa: E402

PREDICATES = "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?o) AS ?d) WHERE { ?s ?p ?o } GROUP BY ?p"
CLASSES = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
HELD = "SELECT (COUNT(*) AS ?n) WHERE { ?p a hc:Plan ; hc:held true }"


def count(store: str) -> dict:
    g = kg.open(store)
    try:
        predicates = {
            str(r[0]): (int(r[1]), int(r[2])) for r in g.query_df(PREDICATES).itertuples(index=False)
        }
        classes = {str(r[0]): int(r[1]) for r in g.query_df(CLASSES).itertuples(index=False)}
        held = int(g.query_df(HELD).iloc[0, 0])
    finally:
        g.close()
    total = sum(n for n, _ in predicates.values())
    return {
        "triples": total,
        "held_plans": held,
        "triples_per_plan": round(total / held, 1) if held else None,
        "predicates": dict(sorted(predicates.items(), key=lambda kv: -kv[1][0])),
        "classes": dict(sorted(classes.items(), key=lambda kv: -kv[1])),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--json", default=str(ROOT / "bench/results/quads.json"))
    a = ap.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    run = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "label": a.label,
        "store": a.store,
        "load": os.getloadavg()[0],
        **count(a.store),
    }
    path = Path(a.json)
    runs = json.loads(path.read_text()) if path.exists() else []
    runs.append(run)
    path.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n")
    print(
        f"{run['label'] or a.store}: {run['triples']:,} triples, {run['held_plans']} held plans, "
        f"{run['triples_per_plan']} per plan"
    )


if __name__ == "__main__":
    main()
