"""Typed records passed between the stages: text -> records -> triples.

The extractor fills these; `kg.rdf` turns them into triples; nothing here knows RDF.
Every record keeps `source`: the exact (normalised) text it was read from, so the
graph can point back to the sentence behind each fact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

LEVELS = ("national", "province", "city", "county", "township")
ROLES = ("lead", "participant")
COMPARATORS = (">=", ">", "<=", "<", "=", "approx", "qualitative")
# Where a plan field was read: the document's heading lines, its signature (issuer and date at the end
# of a notice or plan), a site's metadata block (索引号 / 发文机关 / 成文日期 …), the 文号's prefix, the
# title's wording (健康六盘水 -> 六盘水市), the body text, or inferred from other fields.
PROVENANCES = ("heading", "signature", "metadata", "doc_number", "title", "body", "inferred")


@dataclass(frozen=True)
class PlanMeta:
    title: str | None
    title_short: str | None
    doc_number: str | None  # normalised: ASCII digits, 〔〕 brackets
    doc_number_raw: str | None  # as written
    issuer: str | None
    issuer_inferred: bool
    region: str | None
    level: str | None  # one of LEVELS
    province: str | None
    date: str | None  # ISO yyyy-mm-dd (signing date)
    source: str = ""  # the header lines the fields were read from
    plan_title: str | None = None  # the attached plan's own title, when a 印发 notice wraps it
    # ISO yyyy-mm-dd of 发布日期 / 发布时间, kept apart from the signing date
    date_published: str | None = None
    # field -> where it was read: one of PROVENANCES (fields left empty have no entry)
    provenance: tuple[tuple[str, str], ...] = ()

    def provenance_of(self, name: str) -> str | None:
        return dict(self.provenance).get(name)


@dataclass(frozen=True)
class Citation:
    title: str  # as inside 《》 / «», whitespace removed
    doc_number: str | None
    doc_number_raw: str | None
    issuer: str | None  # issuer written just before the title, if any
    variants: tuple[str, ...] = ()
    source: str = ""  # the clause the citation was read from


@dataclass(frozen=True)
class Assignment:
    department: str  # exactly as written (trailing 等/等部门 dropped)
    role: str  # one of ROLES
    source: str = ""  # the parenthesised group or annex row it came from


@dataclass(frozen=True)
class Action:
    ordinal: int
    name: str  # as written
    name_normalized: str  # leading 实施 removed
    text: str  # the whole action paragraph(s)
    assignments: tuple[Assignment, ...] = ()
    dept_source: str | None = None  # "inline" | "annex" | None
    dept_text: tuple[str, ...] = ()  # the raw assignment strings

    @property
    def lead(self) -> list[str]:
        return [a.department for a in self.assignments if a.role == "lead"]

    @property
    def participants(self) -> list[str]:
        return [a.department for a in self.assignments if a.role == "participant"]


@dataclass(frozen=True)
class Target:
    year: int | None
    value: str  # ASCII number, or the phrase for qualitative targets
    comparator: str  # one of COMPARATORS
    unit: str | None = None
    kind: str | None = None  # "annual_decrease" | "increase" | None
    part: str | None = None  # sub-indicator label for compound annex rows
    relative_to: tuple[int, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Indicator:
    ordinal: int  # 1-based position in the document's indicator list
    name: str
    unit: str | None
    origin: str  # "target_sentence" | "annex" | "action_text" | "overall_goal"
    targets: tuple[Target, ...]
    action_ordinal: int | None = None
    baseline: str | None = None
    baseline_year: int | None = None
    category: str | None = None  # annex category cell, where the table has one
    source: str = ""

    @property
    def quantitative(self) -> bool:
        return any(t.comparator != "qualitative" for t in self.targets)


@dataclass(frozen=True)
class PlanRecord:
    file: str  # base name of the source file
    sha256: str  # of the raw bytes
    encoding: str
    meta: PlanMeta
    cites: tuple[Citation, ...] = ()
    actions: tuple[Action, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    text: str = field(default="", repr=False)  # the normalised full text
    warnings: tuple[str, ...] = ()  # what a reader should know (e.g. kept without numbered actions)


def to_gold_json(record: PlanRecord) -> dict:
    """The record in the schema of shared/gold/README.md (the `kg extract --json` contract)."""
    m = record.meta
    return {
        "file": record.file,
        "plan": {
            "title": m.title,
            "title_short": m.title_short,
            "doc_number": m.doc_number,
            "doc_number_raw": m.doc_number_raw,
            "issuer": m.issuer,
            "issuer_inferred": m.issuer_inferred,
            "region": m.region,
            "level": m.level,
            "province": m.province,
            "date": m.date,
            "plan_title": m.plan_title,
            "date_published": m.date_published,
            "provenance": dict(m.provenance),
        },
        "warnings": list(record.warnings),
        "cites": [
            {
                "title": c.title,
                "doc_number": c.doc_number,
                "issuer": c.issuer,
                "variants": list(c.variants),
                "source": c.source,
            }
            for c in record.cites
        ],
        "actions": [
            {
                "ordinal": a.ordinal,
                "name": a.name,
                "name_normalized": a.name_normalized,
                "lead": a.lead,
                "participants": a.participants,
                "source": a.dept_source,
                "dept_text": list(a.dept_text),
            }
            for a in record.actions
        ],
        "indicators": [
            {
                "id": f"{record.file.split('_')[0] if '_' in record.file else record.file}-I{i.ordinal:02d}",
                "name": i.name,
                "unit": i.unit,
                "action_ordinal": i.action_ordinal,
                "baseline": i.baseline,
                "baseline_year": i.baseline_year,
                "source": i.origin,
                "quantitative": i.quantitative,
                "targets": [
                    {
                        k: v
                        for k, v in {
                            "year": t.year,
                            "value": t.value,
                            "comparator": t.comparator,
                            "text": t.source,
                            "kind": t.kind,
                            "part": t.part,
                            "relative_to": list(t.relative_to) or None,
                        }.items()
                        if v is not None or k in ("year",)
                    }
                    for t in i.targets
                ],
            }
            for i in record.indicators
        ],
    }


# -- links across documents (kg.link) ------------------------------------------


@dataclass(frozen=True)
class PlanNode:
    """A plan of the cascade: held in the corpus, curated reference data, or only cited."""

    title: str | None
    doc_number: str | None
    issuer: str | None
    region: str | None
    level: str | None
    held: bool
    file: str | None = None  # source file, for held plans
    date: str | None = None
    reference: bool = False  # from data/reference (the national source)
    inferred: tuple[str, ...] = ()  # fields inferred rather than read (e.g. "issuer", "level")
    evidence: str = ""  # how an unheld plan was identified

    @property
    def key(self) -> str:
        return plan_key(self.doc_number, self.region, self.title)


def plan_key(doc_number: str | None, region: str | None, title: str | None) -> str:
    """Identity of a plan across documents: its 文号, else region and normalised title."""
    if doc_number:
        return doc_number
    return f"{region or ''}|{normalize_title(title or '')}"


_TITLE_NOISE = re.compile(r"[\s“”\"'‘’《》«»]")
_DASHES = re.compile(r"[—–－‐-]+")


@lru_cache(maxsize=8192)
def normalize_title(title: str) -> str:
    """Title key: no spaces, quotes or brackets; one kind of dash (2019—2030 = 2019-2030)."""
    return _DASHES.sub("-", _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title)))


@dataclass(frozen=True)
class PlanLink:
    """child hc:derivedFrom parent (prov:wasDerivedFrom)."""

    child: str  # plan key
    parent: str  # plan key
    method: str  # "cited" | "region-ancestor" | "title" | "reference" | "default"
    score: float
    evidence: str = ""


@dataclass(frozen=True)
class ActionLink:
    """An action's theme and the parent action it implements."""

    plan: str  # plan key
    ordinal: int
    theme: str  # theme id (data/reference/themes.csv)
    theme_method: str  # "name" | "keyword" | "text"
    theme_score: float
    parent_plan: str | None = None
    parent_ordinal: int | None = None
    method: str | None = None
    score: float | None = None
    # share of the child's text that repeats the parent's (the passages: kg.link.reuse.text_reuse)
    reuse: float | None = None


@dataclass(frozen=True)
class DepartmentLink:
    """An organisation of a region as plans name it (a department, or an issuer), with its
    canonical department types."""

    plan: str  # key of the (first) plan that names it
    region: str | None
    name: str  # as written
    types: tuple[str, ...]  # canonical type ids; a merged body has several
    method: str  # "alias" | "suffix" | "unmatched"
    kind: str = "department"  # "department" | "issuer"


@dataclass(frozen=True)
class RegionNode:
    name: str
    level: str | None
    parent: str | None
    code: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Theme:
    id: str
    label_zh: str
    label_en: str
    national_ordinal: int | None
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DepartmentType:
    id: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CitedDocument:
    """A cited document that is not a plan of the cascade (a law, a standard, another programme)."""

    title: str
    doc_number: str | None


@dataclass(frozen=True)
class Links:
    plans: tuple[PlanNode, ...]
    plan_links: tuple[PlanLink, ...]
    action_links: tuple[ActionLink, ...]
    departments: tuple[DepartmentLink, ...]
    regions: tuple[RegionNode, ...]
    themes: tuple[Theme, ...]
    department_types: tuple[DepartmentType, ...]
    reference: tuple[PlanRecord, ...] = ()  # curated national plans, as records
    documents: tuple[CitedDocument, ...] = ()
