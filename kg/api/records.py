"""The records the analyses return: frozen dataclasses with ``as_dict()``.

One convention for every analysis (``top_departments``, ``department_actions``, ``trace``,
``coverage``, ``targets``, ``text_reuse``): a list of frozen records. They need no pandas (the
command line starts sooner without it); :func:`frame` makes a DataFrame of any list of them, its
columns in the order of the record's fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


class Record:
    """A frozen record of the API (the base of every record type)."""

    def as_dict(self) -> dict:
        """The fields as a plain dict, in their declared order."""
        return asdict(self)


def frame(records, record_type: type | None = None):
    """A pandas DataFrame of ``records`` (one row each); with no records, the columns of
    ``record_type`` (else none)."""
    import pandas as pd

    records = list(records)
    kind = type(records[0]) if records else record_type
    columns = [f.name for f in fields(kind)] if kind is not None else []
    return pd.DataFrame([r.as_dict() for r in records], columns=columns)


@dataclass(frozen=True)
class DepartmentCount(Record):
    """A canonical department type and the number of actions (and plans) it shares responsibility for."""

    type: str  # prefixed IRI, e.g. hcid:department-type/health
    department: str
    department_en: str | None
    actions: int
    plans: int


@dataclass(frozen=True)
class DepartmentAction(Record):
    """One action a department type is responsible for, with the department as written."""

    plan: str
    title: str | None
    region: str | None
    action: str
    ordinal: int | None
    action_name: str | None
    department: str | None
    role: str | None  # lead | participant
    source: str | None  # the sentence the assignment was read from


@dataclass(frozen=True)
class Hop(Record):
    """One plan on the way from a plan up to the national source."""

    level: str
    region: str | None
    plan: str | None  # title
    doc_number: str | None
    held: bool
    action: str | None
    theme: str | None
    score: float | None  # the action's match score (implementation link, else theme match)
    text_reuse: float | None
    plan_iri: str
    action_iri: str | None
    derivation: str | None  # how this plan was linked to the next one up
    derivation_score: float | None


@dataclass(frozen=True)
class ThemeCoverage(Record):
    """One theme against one held plan: the plan's actions of that theme (None: it has none)."""

    theme: str  # zh label
    national: int | None  # the ordinal of the national action of this theme (None: a local theme)
    plan: str  # prefixed IRI
    region: str | None
    actions: str | None  # action names joined with 、


@dataclass(frozen=True)
class TargetComparison(Record):
    """One plan's target for an indicator beside the national target of the same year."""

    region: str | None
    plan: str | None  # title
    indicator: str | None  # as written
    origin: str | None  # target_sentence | annex | overall_goal | national
    year: int | None
    comparator: str | None
    value: str | None
    unit: str | None
    national: str | None  # the national target, e.g. ">= 22"
    verdict: str | None  # stricter | equal | looser | national | None (not comparable)


@dataclass(frozen=True)
class TextReuse(Record):
    """What an action's text repeats of the parent action it implements, as the links graph holds it."""

    action: str  # full IRI
    parent: str  # full IRI of the action it implements
    text: str
    parent_text: str
    share: float | None  # of the action's characters, in clauses that repeat the parent
    added: tuple[str, ...]  # the action's clauses with no counterpart in the parent, in text order
    dropped: tuple[str, ...]  # the parent's clauses the action leaves out, in text order
