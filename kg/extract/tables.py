"""Indicator tables in annexes: 序号 | (类别) | 指标 | (基期水平) | 2022年 | 2030年.

Three layouts occur in PDF/Word extractions and web pages:
* tab-led cells, one cell per line, a cell's continuation on the following untabbed line;
* space-separated cells with long names and multi-value cells wrapped over several lines;
* a web page's table copied a cell per line, or a row per line with its cells apart by tabs, its
  merged and empty cells gone.
Both are turned into rows of cells, then each row into an indicator with dated targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.targets import NUM, comparator_of, normalize_unit
from kg.text import collapse_spaces

_HEADER_KEY = re.compile(r"序\s*号")
_INDICATOR_KEY = re.compile(r"指\s*标")
_YEAR_COL = re.compile(r"((?:19|20)\d{2})\s*年")
_BASELINE_COL = re.compile(r"基期|基线|现状|基准|现值")
_CATEGORY_COL = re.compile(r"类\s*别|领\s*域|行\s*动|分\s*类")
_NOTE = re.compile(r"^\s*注\s*[:：]")
_UNIT_PAREN = re.compile(r"[(（]\s*(%|‰|1/10万|/10万|岁|人|时|小时|个|项|天|分钟|元)\s*[)）]")
_VALUE_CELL = re.compile(
    rf"^(?:[≥≤><]\s*)?{NUM}(?:%|‰)?(?:及以上|以上|及以下|以下|左右)?(?:\((?:19|20)\d{{2}}年\))?$"
    rf"|^[-－—–]+$|^[\u4e00-\u9fff]{{2,10}}[:：]\s*{NUM}[;；]?$"
)
_QUAL_DONE = re.compile(r"(?:实现|完善|下降|提升|改善|建成|减缓|建立|保持|达标|覆盖)$")
_ANNUAL = re.compile(rf"力争?每年(?:平均)?(降低|下降|减少|提高)\s*({NUM})\s*个?百分点\s*(以上)?")
_NUMERIC_CELL = re.compile(rf"^([≥≤><])?\s*({NUM})(%|‰)?(及以上|以上|及以下|以下|左右)?$")
_BASELINE_YEAR = re.compile(r"\(((?:19|20)\d{2})年\)$")
_NOTE_BASE_YEAR = re.compile(r"未注明年份.{0,12}?((?:19|20)\d{2})年")
# Bounds that keep the scans linear on hostile documents (a header line followed by pages of prose).
_MAX_HEADER_LINES = 40  # a tab-led header is a few cells, each on a line or two
_MAX_CELL = 100  # characters of a wrapped cell (the seeds: 13); a longer run of words is prose, not one cell


@dataclass(frozen=True)
class TableTarget:
    year: int
    value: str
    comparator: str
    kind: str | None
    part: str | None


@dataclass(frozen=True)
class TableRow:
    ordinal: int
    name: str
    name_raw: str
    unit: str | None
    category: str | None
    baseline: str | None
    baseline_year: int | None
    targets: tuple[TableTarget, ...]
    source: str


@dataclass(frozen=True)
class _Columns:
    count: int
    category: int | None
    name: int
    baseline: int | None
    years: tuple[tuple[int, int], ...]  # (column index, year)


def find_tables(lines: list[str]) -> list[list[TableRow]]:
    """Every indicator table in the document's lines."""
    tables = []
    i = 0
    while i < len(lines):
        start = _header_at(lines, i)
        if start is None:
            i += 1
            continue
        header_end, columns, tabbed = start
        body, i = _table_body(lines, header_end)
        if tabbed == "lines":
            rows = _line_rows(body, columns)
        elif tabbed == "cells":  # a row a line, its cells apart by tabs: read as a cell per line
            rows = _line_rows([c for line in body for c in line.split("\t")], columns)
        else:
            rows = _tabbed_rows(body, columns) if tabbed else _spaced_rows(body, columns)
        if rows:
            note_year = _note_base_year(lines[i : i + 3] + body)
            tables.append([_with_default_year(r, note_year) for r in rows])
    return tables


def _header_at(lines: list[str], i: int):
    """If a table header starts at line i: (index of the first body line, columns, tab-led layout)."""
    line = lines[i]
    if not _HEADER_KEY.search(line):
        return None
    if (found := _line_header(lines, i)) is not None:
        end, cells = found
        columns = _columns(cells)
        return (end, columns, "lines") if columns else None
    if "\t" in line.strip():
        columns = _columns([collapse_spaces(c) for c in line.strip().split("\t") if c.strip()])
        return (i + 1, columns, "cells") if columns else None
    if line.startswith("\t"):
        cells: list[str] = []
        j = i
        while j < len(lines):
            if j - i >= _MAX_HEADER_LINES:
                return None
            if lines[j].startswith("\t"):
                cell = lines[j].strip()
                if cell == "1":
                    break
                cells.append(cell)
            elif lines[j].strip() and cells:
                cells[-1] += lines[j].strip()
            if len(cells) > 8:
                return None
            j += 1
        columns = _columns([collapse_spaces(c) for c in cells])
        return (j, columns, True) if columns else None
    columns = _columns(_merge_letter_spaced(line.split()))
    return (i + 1, columns, False) if columns else None


def _merge_letter_spaced(tokens: list[str]) -> list[str]:
    """['指', '标'] -> ['指标'] (letter-spaced header words); '序号' stays apart."""
    out: list[str] = []
    spaced: list[bool] = []
    for t in tokens:
        single = len(t) == 1 and bool(re.match(r"[\u4e00-\u9fff]", t))
        if single and out and spaced[-1]:
            out[-1] += t
        else:
            out.append(t)
            spaced.append(single)
    return out


def _columns(cells: list[str]) -> _Columns | None:
    if not cells or not _HEADER_KEY.search(cells[0]):
        return None
    name = next((k for k, c in enumerate(cells) if _INDICATOR_KEY.search(c)), None)
    years = tuple((k, int(m.group(1))) for k, c in enumerate(cells) if (m := _YEAR_COL.search(c)))
    if name is None or not years:
        return None
    baseline = next((k for k, c in enumerate(cells) if _BASELINE_COL.search(c)), None)
    category = next((k for k, c in enumerate(cells[1:name], 1) if _CATEGORY_COL.search(c)), None)
    return _Columns(len(cells), category, name, baseline, years)


def _table_body(lines: list[str], start: int) -> tuple[list[str], int]:
    body = []
    i = start
    blank_run = 0
    while i < len(lines):
        line = lines[i]
        if _NOTE.match(line):
            break
        if not line.strip(" "):
            blank_run += 1
            if blank_run >= 6:
                break
        else:
            blank_run = 0
            body.append(line)
        i += 1
    return body, i


def _note_base_year(lines: list[str]) -> int | None:
    for line in lines:
        m = _NOTE_BASE_YEAR.search(collapse_spaces(line))
        if m:
            return int(m.group(1))
    return None


def _with_default_year(row: TableRow, year: int | None) -> TableRow:
    if row.baseline and row.baseline_year is None and year:
        return TableRow(**{**row.__dict__, "baseline_year": year})
    return row


# -- tab-led layout ---------------------------------------------------------


def _tabbed_rows(body: list[str], cols: _Columns) -> list[TableRow]:
    parts: list[list[str]] = []  # each cell's pieces, joined once (+= on a long cell is quadratic)
    for line in body:
        if line.startswith("\t"):
            pieces = [c.strip() for c in line[1:].split("\t")]
            while len(pieces) > 1 and not pieces[-1]:
                pieces.pop()
            parts.extend([c] for c in pieces)
        elif parts:
            parts[-1].append(line.strip())
    cells = ["".join(c) for c in parts]
    rows, k, expected = [], 0, 1
    category = None
    while k + cols.count <= len(cells):
        if cells[k] != str(expected):
            if _HEADER_KEY.search(cells[k]):  # a header repeated after a page break
                k += cols.count
                continue
            k += 1
            continue
        chunk = cells[k : k + cols.count]
        if cols.category is not None and chunk[cols.category]:
            category = collapse_spaces(chunk[cols.category])
        row = _make_row(
            expected,
            chunk[cols.name],
            chunk[cols.baseline] if cols.baseline is not None else None,
            [(year, [chunk[c]]) for c, year in cols.years],
            category,
            " | ".join(chunk),
        )
        if row:
            rows.append(row)
        k += cols.count
        expected += 1
    return rows


# -- a cell per line (a web page's table) --------------------------------------

_HEADER_CELL = re.compile(
    r"序\s*号|指\s*标|基期|基线|现状|目标|年|性质|属性|单位|类\s*别|领\s*域|分类|备注|责任"
)
_KIND_CELL = re.compile(r"^[\u4e00-\u9fff]{1,4}性$")  # 预期性 / 约束性 / 倡导性
_ROW_BREAK = re.compile(r"^(?:说明|计算方法|注)\s*[:：]|^[(（][一二三四五六七八九十]{1,3}[)）]$")


def _looks_like_value(cell: str) -> bool:
    return _is_value_cell(cell) or bool(len(cell) <= 8 and _QUAL_DONE.search(cell))


def _line_header(lines: list[str], i: int) -> tuple[int, list[str]] | None:
    """A header written a cell per line from 序号 on (序号 / 指标 / 基期水平 / 2022年目标值 / …):
    (the first line after it, its cells)."""
    if "\t" in lines[i] or not re.fullmatch(r"序\s*号", lines[i].strip()):
        return None
    cells, j = [], i
    while j < len(lines) and len(cells) <= 8:
        cell = collapse_spaces(lines[j].strip())
        if cell:
            if len(cell) > 12 or not _HEADER_CELL.search(cell):
                break
            cells.append(cell)
        j += 1
    return (j, cells) if len(cells) >= 3 else None


def _line_rows(body: list[str], cols: _Columns) -> list[TableRow]:
    """Rows opened by their number on a line of its own; a row's cells are its lines up to the next
    number or note. Merged and empty cells are gone, so the values are placed by how many there are:
    baseline and every year, every year, or one value for all the years."""
    rows: list[TableRow] = []
    cells: list[str] | None = None
    expected = 1
    groups: list[tuple[int, list[str]]] = []
    lines = [x for raw in body if (x := collapse_spaces(raw.strip()))]
    for k, line in enumerate(lines):
        # a row's number, unless a value follows it: then it is a value (婴儿死亡率 … 3.9 / 3, row 3 next)
        if line == str(expected) and not (k + 1 < len(lines) and _is_value_cell(lines[k + 1])):
            cells = []
            groups.append((expected, cells))
            expected += 1
        elif _ROW_BREAK.match(line) or (cells is not None and len(cells) > cols.count):
            cells = None
        elif cells is not None:
            cells.append(line)
            if _KIND_CELL.match(line):
                cells = None  # the last column: what follows is a note or a group's heading
    years = [year for _, year in cols.years]
    category = None
    for ordinal, row in groups:
        if cols.category is not None and len(row) >= 3 and not _looks_like_value(row[1]):
            category, row = row[0], row[1:]  # the group's cell, written on its first row only
        if not row:
            continue
        name, values = row[0], [c for c in row[1:] if not _KIND_CELL.match(c)]
        baseline = None
        if cols.baseline is not None and len(values) > len(years):
            # the last cells are the years'; a baseline cell written over lines comes before them
            baseline, values = (
                "; ".join(c.rstrip(";；") for c in values[: -len(years)]),
                values[-len(years) :],
            )
        elif cols.baseline is not None and len(values) == 2 and not _is_value_cell(values[0]):
            baseline, values = values[0], values[1:]  # a baseline in words, one merged target
        if len(values) == 1:
            values = values * len(years)
        if len(values) != len(years):
            continue
        year_cells = [(y, [v]) for y, v in zip(years, values, strict=True)]
        made = _make_row(ordinal, name, baseline, year_cells, category, " | ".join(row))
        if made:
            rows.append(made)
    return rows


# -- space-separated layout ----------------------------------------------------


def _is_value_cell(token: str) -> bool:
    return bool(_VALUE_CELL.match(token))


def _spaced_rows(body: list[str], cols: _Columns) -> list[TableRow]:
    groups: list[tuple[int, list[list[str]]]] = []
    expected = 1
    n_values = len(cols.years) + (1 if cols.baseline is not None else 0)
    for line in body:
        tokens = line.split()
        if not tokens:
            continue
        if _HEADER_KEY.search(tokens[0]):
            continue
        # isdecimal, not isdigit (int() refuses ① and ²); a row number is short (int() refuses 4300 digits).
        starts_row = tokens[0].isdecimal() and len(tokens[0]) <= 6 and int(tokens[0]) == expected
        if starts_row and groups and _value_count(groups[-1][1]) < n_values:
            starts_row = False  # a number inside the previous row's cells, not a new row
        if starts_row:
            groups.append((expected, [tokens[1:]] if len(tokens) > 1 else []))
            expected += 1
        elif groups:
            groups[-1][1].append(tokens)
    rows = []
    for ordinal, row_lines in groups:
        row = _spaced_row(ordinal, row_lines, cols)
        if row:
            rows.append(row)
    return rows


def _split_name(row_lines: list[list[str]]) -> tuple[str, list[str]]:
    name_parts: list[str] = []
    values: list[str] = []
    done = False
    for k, tokens in enumerate(row_lines):
        if done:
            values.extend(tokens)
            continue
        if _is_value_cell(tokens[0]) and name_parts:
            done = True
            values.extend(tokens)
            continue
        name_parts.append(tokens[0])
        if len(tokens) > 1:
            done = True
            values.extend(tokens[1:])
        elif (
            _UNIT_PAREN.search(tokens[0][-8:])
            and k + 1 < len(row_lines)
            and _is_value_cell(row_lines[k + 1][0])
        ):
            done = True
    return "".join(name_parts), values


def _value_count(row_lines: list[list[str]]) -> int:
    _, values = _split_name(row_lines) if row_lines else ("", [])
    return len(_merge_cells(values))


def _merge_cells(tokens: list[str]) -> list[str]:
    """Join wrapped pieces of one cell: 力争每年降低 + 1个百分点以上; 新发近视率 + 明显下降."""
    cells: list[str] = []
    carry = ""
    for t in tokens:
        t = carry + t
        carry = ""
        if _is_value_cell(t) or _QUAL_DONE.search(t) or _ANNUAL.search(t) or re.search(r"\d", t):
            cells.append(t)
        elif len(t) > _MAX_CELL:
            cells.append(t)  # prose, not a wrapped cell: carrying it on would be quadratic
        else:
            carry = t
    if carry:
        cells.append(carry)
    return cells


def _spaced_row(ordinal: int, row_lines: list[list[str]], cols: _Columns) -> TableRow | None:
    if not row_lines:
        return None
    name_raw, tokens = _split_name(row_lines)
    cells = _merge_cells(tokens)
    parts = max(1, len(_UNIT_PAREN.findall(name_raw)))
    year_cells: list[tuple[int, list[str]]] = []
    for _, year in reversed(cols.years):
        take = parts if len(cells) >= parts and all(_is_value_cell(c) for c in cells[-parts:]) else 1
        year_cells.insert(0, (year, cells[-take:] if cells else []))
        cells = cells[:-take] if cells else []
    baseline = "; ".join(c.rstrip(";；") for c in cells) if cells and cols.baseline is not None else None
    source = " ".join(" ".join(t) for t in row_lines)
    return _make_row(ordinal, name_raw, baseline, year_cells, None, source)


# -- rows -> targets -----------------------------------------------------------


def _make_row(ordinal, name_raw, baseline, year_cells, category, source) -> TableRow | None:
    name_raw = collapse_spaces(name_raw)
    units = [normalize_unit(u) for u in _UNIT_PAREN.findall(name_raw)]
    name = _UNIT_PAREN.sub("", name_raw).strip()
    if not name:
        return None
    part_names = re.split(r"[,，]", name) if len(units) > 1 else []
    labels = _part_labels(part_names) if len(part_names) == len(units) > 1 else []
    targets: list[TableTarget] = []
    for year, cell_list in year_cells:
        values: list[str] = []
        for cell in cell_list:
            if labels:  # a compound row's cell holds one value per part: "100,70"
                values.extend(v for v in re.split(r"[,，、]", cell) if v)
            else:
                values.append(cell)
        if labels and len(values) == len(labels):
            for label, v in zip(labels, values, strict=True):
                targets.extend(_cell_targets(year, v, label))
        else:
            for v in values:
                targets.extend(_cell_targets(year, v, None))
    baseline_year = None
    if baseline:
        m = _BASELINE_YEAR.search(baseline)
        if m:
            baseline_year = int(m.group(1))
            baseline = baseline[: m.start()]
        if re.fullmatch(r"[-－—–]+", baseline):
            baseline = None
    return TableRow(
        ordinal,
        name,
        name_raw,
        units[0] if units else None,
        category,
        baseline,
        baseline_year,
        tuple(targets),
        source,
    )


def _part_labels(names: list[str]) -> list[str]:
    """Labels of a compound row's parts: each part's name minus the suffix all parts share."""
    suffix = names[0]
    for n in names[1:]:
        k = 0
        while k < min(len(suffix), len(n)) and suffix[-1 - k] == n[-1 - k]:
            k += 1
        suffix = suffix[len(suffix) - k :] if k else ""
    labels = [n[: len(n) - len(suffix)] if suffix else n for n in names]
    return [re.sub(r"(提供|配备|开展|设置)$", "", label) or n for label, n in zip(labels, names, strict=True)]


def _cell_targets(year: int, cell: str, part: str | None) -> list[TableTarget]:
    cell = collapse_spaces(cell)
    if not cell or re.fullmatch(r"[-－—–]+", cell):
        return []
    m = _NUMERIC_CELL.match(cell)
    if m:
        sign, number, _unit, suffix = m.groups()
        sign_cmp = {"≥": ">=", "≤": "<=", ">": ">", "<": "<"}.get(sign or "")
        comparator = sign_cmp or comparator_of(None, suffix)
        return [TableTarget(year, _clean(number), comparator, None, part)]
    m = _ANNUAL.search(cell)
    if m:
        kind = "annual_decrease" if m.group(1) != "提高" else "annual_increase"
        return [TableTarget(year, _clean(m.group(2)), ">=" if m.group(3) else "=", kind, part)]
    return [TableTarget(year, cell, "qualitative", None, part)]


def _clean(n: str) -> str:
    if "." in n:
        n = n.rstrip("0").rstrip(".") or "0"
    return n
