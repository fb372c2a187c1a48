"""Plans across levels: which plan derives from which.

Every held plan, every cited plan of the Healthy China family and the national source
become plan nodes (one per document, however many plans cite it). A plan's parent is
the closest higher-level plan it cites, else the plan of its nearest ancestor region
that the graph knows, else the national source. Cited laws, standards and other
programmes (基本医疗卫生与健康促进法, 国民营养计划, “健康山西2030”规划纲要) stay plain citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.extract.docnumber import normalize_doc_number
from kg.extract.regions import title_region
from kg.link import gazetteer
from kg.link.regions import NATION, level_of_region, region_of_issuer
from kg.records import LEVELS, Citation, PlanLink, PlanNode, PlanRecord, normalize_title, plan_key

_FAMILY = re.compile(r"健康[\u4e00-\u9fff·]{1,10}?(?:行动|建设)|实施健康中国行动")
_NOT_PLAN = re.compile(r"法$|条例$|标准$|手册$|纲要$|规划$|计划(?:[（(].*[）)])?$")
_DOC_PREFIX = re.compile(
    r"^(?P<abbr>[\u4e00-\u9fff]+?)(?P<kind>政办发|政办字|政发|政字|政函|办发|办字|发|字|函)〔"
)
_HEALTHY_X = re.compile(r"健康([\u4e00-\u9fff]{2,4}?)(?:建设|行动|\d{4})")


def rank(level: str | None) -> int | None:
    return LEVELS.index(level) if level in LEVELS else None


def is_action_plan(title: str) -> bool:
    """A plan of the Healthy China action family (as opposed to laws, standards, other programmes)."""
    return bool(_FAMILY.search(title)) and not _NOT_PLAN.search(title)


def _region_from_doc_number(doc_number: str, near: str | None) -> tuple[str | None, str | None]:
    """(region, issuer kind) from a 文号 prefix: 国发 -> 中国, 鲁政发 -> 山东省, 沁政办发 -> 沁水县 near 晋城市."""
    m = _DOC_PREFIX.match(doc_number)
    if not m:
        return None, None
    abbr, kind = m.group("abbr"), m.group("kind")
    if abbr in ("国", "国办"):
        return NATION, "国务院办公厅" if "办" in abbr + kind else "国务院"
    level_hint = None
    if abbr.endswith("市"):
        abbr, level_hint = abbr[:-1], "city"
    elif abbr.endswith("县"):
        abbr, level_hint = abbr[:-1], "county"
    # Search from the citing plan's region outwards: a county abbreviation is read within its city.
    scopes = [r.name for r in gazetteer.chain(near)] if near else []
    for scope in [*scopes[1:], None] if scopes else [None]:
        candidates = gazetteer.by_abbreviation(abbr, within=scope)
        if level_hint:
            candidates = [c for c in candidates if c.level == level_hint] or candidates
        if len(candidates) == 1 or (candidates and scope is None and len(abbr) == 1):
            return candidates[0].name, kind
    return None, kind


def _region_from_title(title: str, issuer: str | None) -> str | None:
    if issuer and (r := region_of_issuer(issuer)):
        return r
    if region := title_region(title):
        return region
    for name in _HEALTHY_X.findall(title):
        if name == "中国":
            return NATION
        if found := gazetteer.lookup(name):
            return found.name
    return None


def cited_plan_node(c: Citation, citing: PlanRecord) -> PlanNode | None:
    """The plan a citation points to, with what can be inferred of it; None if it is not a plan."""
    if not is_action_plan(c.title):
        return None
    inferred = []
    region = _region_from_title(c.title, c.issuer)
    kind = None
    doc_number = normalize_doc_number(c.doc_number) if c.doc_number else None
    if doc_number:
        by_number, kind = _region_from_doc_number(doc_number, citing.meta.region)
        if region is None and by_number:
            region = by_number
            inferred.append("region")
    level = level_of_region(region)
    if level is None:
        return None  # a document of the family whose place cannot be told stays a cited document
    inferred.append("level")
    issuer = c.issuer
    if issuer is None and c.title.split("关于")[0] != c.title and region_of_issuer(c.title.split("关于")[0]):
        issuer = c.title.split("关于")[0]
    if issuer is None and region and kind:
        if region == NATION:
            issuer = kind if kind.startswith("国务院") else "国务院"
        else:
            issuer = region + ("人民政府办公室" if "办" in kind else "人民政府")
        inferred.append("issuer")
    return PlanNode(
        title=c.title,
        doc_number=doc_number,
        issuer=issuer,
        region=region,
        level=level,
        held=False,
        inferred=tuple(inferred),
        evidence=f"cited by {citing.file}: {c.source}"[:300],
    )


def held_plan_node(record: PlanRecord, *, reference: bool = False) -> PlanNode:
    m = record.meta
    return PlanNode(
        title=m.title,
        doc_number=m.doc_number,
        issuer=m.issuer,
        region=m.region,
        level=m.level,
        held=not reference,
        file=None if reference else record.file,
        date=m.date,
        reference=reference,
        inferred=("issuer",) if m.issuer_inferred else (),
    )


def _merge(a: PlanNode, b: PlanNode) -> PlanNode:
    """Two descriptions of one document: the held or reference one wins, gaps are filled."""
    first, second = (a, b) if (a.held or a.reference) or not (b.held or b.reference) else (b, a)
    fields = {}
    for name in ("title", "doc_number", "issuer", "region", "level", "date", "file"):
        fields[name] = getattr(first, name) or getattr(second, name)
    if first.held or first.reference:
        # A held plan keeps the identity its own graph gives it (a plan printed without its 文号 is not
        # renamed after the 文号 another plan cites it by): its IRI must stay its document's.
        fields["doc_number"], fields["title"] = first.doc_number, first.title
    return PlanNode(
        **fields,
        held=first.held or second.held,
        reference=first.reference or second.reference,
        inferred=first.inferred
        if (first.held or first.reference)
        else tuple(sorted(set(first.inferred) | set(second.inferred))),
        evidence=first.evidence or second.evidence,
    )


def _node_keys(node: PlanNode) -> list[str]:
    keys = [node.key]
    if node.title:
        keys.append("|" + normalize_title(node.title))
    return keys


def collect_plans(
    records: Iterable[PlanRecord], reference: Iterable[PlanRecord]
) -> tuple[list[PlanNode], dict[str, str]]:
    """All plan nodes, and an alias map from every key a citation may use to the node's key.

    Nodes are merged when they share a 文号 or a normalised title; the alias map (which holds both
    kinds of key) and its reverse index keep this linear in the number of plans.
    """
    nodes: dict[str, PlanNode] = {}
    alias: dict[str, str] = {}
    keys_of: dict[str, set[str]] = {}  # node key -> alias keys pointing at it

    def point(alias_key: str, node_key: str) -> None:
        old = alias.get(alias_key)
        if old is not None and old != node_key:
            keys_of.get(old, set()).discard(alias_key)
        alias[alias_key] = node_key
        keys_of.setdefault(node_key, set()).add(alias_key)

    def add(node: PlanNode) -> str:
        # _node_keys include "|<normalised title>", so the alias map is also the title index
        existing = next((alias[k] for k in _node_keys(node) if k in alias), None)
        if existing is not None:
            old = nodes.pop(existing)
            merged = _merge(old, node)
            for k in list(keys_of.pop(existing, ())):
                point(k, merged.key)
            key = merged.key
            nodes[key] = merged
        else:
            key = node.key
            nodes[key] = node
        for k in _node_keys(nodes[key]) + _node_keys(node):
            point(k, key)
        return key

    for r in reference:
        add(held_plan_node(r, reference=True))
    records = list(records)
    for r in records:
        add(held_plan_node(r))
    for r in records:
        for c in r.cites:
            node = cited_plan_node(c, r)
            if node is not None:
                add(node)
    return list(nodes.values()), alias


def ancestors(region: str | None, province: str | None = None) -> list[str]:
    """Region names from the region's parent up to 中国."""
    chain = [r.name for r in gazetteer.chain(region)] if region else []
    if not chain:
        chain = [x for x in (region, province, NATION) if x]
    return chain[1:] if chain and chain[0] == region else chain


def derive_links(
    records: list[PlanRecord], nodes: list[PlanNode], alias: dict[str, str], national_key: str
) -> list[PlanLink]:
    by_key = {n.key: n for n in nodes}
    by_region: dict[str, list[PlanNode]] = {}
    for n in nodes:
        if n.region and n.key != national_key and not n.reference:
            by_region.setdefault(n.region, []).append(n)
    record_by_key = {
        alias.get(plan_key(r.meta.doc_number, r.meta.region, r.meta.title), ""): r for r in records
    }
    links: list[PlanLink] = []

    for node in sorted(nodes, key=lambda n: n.key):
        if node.key == national_key:
            continue
        own_rank = rank(node.level)
        record = record_by_key.get(node.key)
        link = None
        if node.reference:
            link = PlanLink(node.key, national_key, "reference", 1.0, "data/reference/national.json")
        if link is None and record is not None and own_rank is not None:
            cited = []
            for c in record.cites:
                target = cited_plan_node(c, record)
                key = target and next((alias[k] for k in _node_keys(target) if k in alias), None)
                parent = by_key.get(key) if key else None
                if (
                    parent
                    and parent.key != node.key
                    and rank(parent.level) is not None
                    and rank(parent.level) < own_rank
                ):
                    cited.append((rank(parent.level), parent, c))
            if cited:
                _, parent, c = max(cited, key=lambda x: (x[0], bool(x[1].doc_number)))
                score = 1.0 if parent.doc_number else 0.9
                links.append(PlanLink(node.key, parent.key, "cited", score, c.source[:300]))
                continue
        if link is None and own_rank is not None:
            for region in ancestors(node.region, record.meta.province if record else None):
                if region == NATION:
                    break
                candidates = [
                    p
                    for p in by_region.get(region, [])
                    if p.key != node.key and is_action_plan(p.title or "")
                ]
                if candidates:
                    parent = max(candidates, key=lambda p: (p.held, bool(p.doc_number), p.key))
                    mention = _mention(record, region) if record else ""
                    score = 0.8 if mention else 0.7
                    evidence = mention or f"nearest ancestor region with a plan: {region}"
                    link = PlanLink(node.key, parent.key, "region-ancestor", score, evidence)
                    break
        if link is None:
            title = node.title or ""
            if "健康中国" in title:
                link = PlanLink(node.key, national_key, "title", 0.8, title)
            else:
                link = PlanLink(node.key, national_key, "default", 0.5, "no higher plan known")
        links.append(link)
    return links


def _mention(record: PlanRecord, region: str) -> str:
    """A sentence of the plan that names the ancestor region's campaign (健康山东)."""
    short = re.sub(r"(?:省|市|县|区|镇|乡)$", "", region)
    m = re.search(rf"[^。]*健康{short}[^。]*。?", record.text)
    return m.group(0).strip()[:200] if m else ""
