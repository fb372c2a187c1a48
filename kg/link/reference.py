"""Curated reference data under data/reference: themes, department types, the national source."""

from __future__ import annotations

import csv
import json
from functools import cache

from kg.extract.targets import dated_sentence_targets
from kg.link.regions import REFERENCE_DIR
from kg.records import Action, DepartmentType, Indicator, PlanMeta, PlanRecord, Target, Theme


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x for x in (cell or "").split("|") if x)


@cache
def themes() -> tuple[Theme, ...]:
    with open(REFERENCE_DIR / "themes.csv", encoding="utf-8") as f:
        return tuple(
            Theme(
                id=row["theme"],
                label_zh=row["label_zh"],
                label_en=row["label_en"],
                national_ordinal=int(row["national_ordinal"]) if row["national_ordinal"] else None,
                aliases=_split(row["aliases"]),
                keywords=_split(row["keywords"]),
            )
            for row in csv.DictReader(f)
        )


@cache
def department_types() -> tuple[DepartmentType, ...]:
    with open(REFERENCE_DIR / "departments.csv", encoding="utf-8") as f:
        return tuple(
            DepartmentType(row["type"], row["label_zh"], row["label_en"], _split(row["aliases"]))
            for row in csv.DictReader(f)
        )


@cache
def national_records() -> tuple[PlanRecord, ...]:
    """The national source documents as records, their target sentences read by the project's own parser."""
    data = json.loads((REFERENCE_DIR / "national.json").read_text(encoding="utf-8"))
    records = []
    for doc in data["documents"]:
        actions = []
        indicators = []
        for a in doc["actions"]:
            sentence = a.get("target_sentence", "")
            text = f"{a['name']}。{sentence}" if sentence else a["name"]
            actions.append(Action(a["ordinal"], a["name"], a["name"], text))
            targets = dated_sentence_targets(sentence) if sentence else []
            by_name: dict[str, list] = {}
            for t in targets:
                by_name.setdefault(t.name, []).append(t)
            for name, ts in by_name.items():
                indicators.append(
                    Indicator(
                        ordinal=len(indicators) + 1,
                        name=name,
                        unit=next((t.unit for t in ts if t.unit), None),
                        origin="target_sentence",
                        targets=tuple(
                            Target(
                                t.year, t.value, t.comparator, t.unit, t.kind, None, t.relative_to, sentence
                            )
                            for t in ts
                        ),
                        action_ordinal=a["ordinal"],
                        source=sentence,
                    )
                )
        meta = PlanMeta(
            title=doc["title"],
            title_short=doc.get("title_short"),
            doc_number=doc.get("doc_number"),
            doc_number_raw=doc.get("doc_number"),
            issuer=doc.get("issuer"),
            issuer_inferred=False,
            region=doc.get("region"),
            level=doc.get("level"),
            province=None,
            date=doc.get("date"),
            source=doc.get("source", ""),
        )
        records.append(
            PlanRecord(
                file=f"reference/national.json#{doc['key']}",
                sha256="",
                encoding="utf-8",
                meta=meta,
                actions=tuple(actions),
                indicators=tuple(indicators),
            )
        )
    return tuple(records)
