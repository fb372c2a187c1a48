"""The seeds' indicator tables as a web page copies them: a cell per line, a cell's wrapped lines
joined, merged cells written once. The extractor reads the same rows as from the documents' own
layouts (聊城's space-separated table, 长春's tab-led one)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kg.extract import extract_text

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
GOLD = ROOT / "data" / "gold"


def annex(text: str) -> list[tuple]:
    record = extract_text(text, "plan.txt")
    return [
        (i.name, i.category, i.baseline, [(t.year, t.comparator, t.value, t.part) for t in i.targets])
        for i in record.indicators
        if i.origin == "annex"
    ]


def tab_led_as_web(text: str) -> str:
    """A tab-led table (a cell per line, its continuation on untabbed lines) with each cell's lines
    joined and the tabs gone."""
    out: list[str] = []
    in_table = False
    for line in text.split("\n"):
        if line.startswith("\t"):
            in_table = True
            out.append(line.strip())
        elif in_table and line.strip() and len(line.strip()) < 30 and not line.lstrip().startswith("注"):
            out[-1] += line.strip()
        else:
            in_table = in_table and not line.strip()
            out.append(line)
    return "\n".join(out)


def _squeezed(s: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", s))


def space_separated_as_web(text: str, gold: dict) -> str:
    """A space-separated table rebuilt a cell per line from the gold's rows (the cells as written),
    the header once, a blank line between cells as pages give them."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("序号"))
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("注"))
    original = _squeezed("\n".join(lines[start:end]))
    cells = ["序号", "指标", "基期水平", "2022年", "2030年"]
    for row in sorted((i for i in gold["indicators"] if i["source"] == "annex"), key=lambda i: i["row"]):
        baseline = row.get("baseline_raw") or "－－－"
        dated = f"{_squeezed(baseline)}({row['baseline_year']}年)"
        if row.get("baseline_year") and dated in original:
            baseline = dated
        by_year: dict[int, list[str]] = {}
        for t in row["targets"]:
            by_year.setdefault(t["year"], []).append(t["text"])
        # a cell of several values is written over lines (<br>), as pages do
        cells += [
            str(row["row"]),
            row["name_raw"],
            "\n".join(x for x in re.split(r"(?<=[;；])|\s+", baseline) if x),
        ]
        cells += [",".join(by_year[y]) for y in (2022, 2030)]
    return "\n".join(lines[:start] + "\n\n".join(cells).split("\n") + [""] + lines[end:])


def cells_as_rows(text: str, header_cells: int) -> str:
    """A table written a cell per line rewritten a row per line, its cells apart by tabs."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "序号")
    cells, end, blank = [], start, 0
    while end < len(lines) and not lines[end].strip().startswith(("注", "附件")) and blank <= 4:
        blank = blank + 1 if not lines[end].strip() else 0
        if lines[end].strip():
            cells.append(lines[end].strip())
        end += 1
    rows, row, number = ["\t".join(cells[:header_cells])], [], 1
    for cell in cells[header_cells:]:
        if cell == str(number) and (not row or len(row) >= 3):  # (a value equal to the next number has come)
            if row:
                rows.append("\t".join(row))
            row, number = [cell], number + 1
        else:
            row.append(cell)
    rows.append("\t".join(row))
    return "\n".join(lines[:start] + rows + lines[end:])


def test_a_tab_led_table_copied_a_cell_per_line_reads_the_same_rows():
    text = (PLANS / "004_e80d3234836daec5.txt").read_text(encoding="utf-8")
    web = tab_led_as_web(text)
    assert "\t" not in web
    rows = annex(text)
    assert len(rows) == 26 and annex(web) == rows


def test_a_space_separated_table_copied_a_cell_per_line_reads_the_same_rows():
    stem = "002_c95cd58d6fdbfc49"
    text = (PLANS / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    web = space_separated_as_web(text, gold)
    rows = annex(text)
    assert len(rows) == 30
    assert annex(web) == rows


@pytest.mark.parametrize("kind", ["预期性", "约束性"])
def test_a_cell_per_line_row_ends_at_its_kind_column(kind):
    # the national plan's table on a repost: 领域 and 指标性质 columns, merged cells gone, notes between rows
    text = "\n".join(
        [
            "健康中国行动主要指标",
            "领域",
            "序号",
            "指标",
            "基期水平",
            "2022年目标值",
            "2030年目标值",
            "指标性质",
        ]
        + ["(一)", "健康知识普及行动", "结果性指标", "1", "居民健康素养水平(%)", "14.18", "≥22", "≥30", kind]
        + ["说明:健康素养水平是指具备健康素养的人在监测总人群中所占的比例。", "政府工作指标"]
        + [
            "2",
            "建立并完善健康科普专家库和资源库",
            "实现",
            kind,
            "3",
            "中医医院设置治未病科室比例(%)",
            "90",
            "100",
            kind,
        ]
    )
    assert annex(text) == [
        ("居民健康素养水平", None, "14.18", [(2022, ">=", "22", None), (2030, ">=", "30", None)]),
        (
            "建立并完善健康科普专家库和资源库",
            None,
            None,
            [(2022, "qualitative", "实现", None), (2030, "qualitative", "实现", None)],
        ),
        ("中医医院设置治未病科室比例", None, None, [(2022, "=", "90", None), (2030, "=", "100", None)]),
    ]


def test_tables_copied_a_row_per_line_with_tabs_read_the_same_rows():
    text = (PLANS / "004_e80d3234836daec5.txt").read_text(encoding="utf-8")
    web = cells_as_rows(tab_led_as_web(text), 4)
    assert (
        "1\t健康知识普及行动\t居民健康素养水平（％）\t≥22" in web
    )  # its 类别 cell on the group's first row only
    assert "5\t经常参加体育锻炼人数比例（％）\t≥37" in web
    assert annex(web) == annex(text)
    stem = "002_c95cd58d6fdbfc49"
    text = (PLANS / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    web = cells_as_rows(space_separated_as_web(text, gold), 5)
    assert "2\t婴儿死亡率(‰)\t４．０１\t３．９\t３" in web
    assert annex(web) == annex(text)
