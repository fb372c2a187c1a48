"""bench/asfound.py: the seeds re-formatted as found on the web, their gold, and the extractor's bars on them."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import asfound
from kg import evaluate
from kg.extract import extract_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "asfound"
PLANS, GOLD = ROOT / "data" / "plans", ROOT / "data" / "gold"
SEED = 0  # the seed the committed fixtures were generated with

# The acceptance bars of issue 14 for the re-formatted and as-found seeds.
BARS = {
    "actions": 0.98,  # action F1
    "assignments": 0.95,  # assignment F1
    "targets": 0.90,  # target F1
    "cites": 0.95,  # cited-document recall
    "plan": 0.95,  # plan fields (title, 文号, issuer, region, level, date) correct
    "refused": 0,  # documents the extractor refuses
}


@pytest.fixture(scope="module")
def docs() -> dict[str, tuple[str, dict]]:
    return asfound.generate(PLANS, GOLD, SEED)


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, dict]]:
    return {stem: (text, gold) for stem, text, gold in asfound.seeds(PLANS, GOLD)}


def of_class(docs: dict, name: str) -> dict[str, tuple[str, dict]]:
    return {k.split("__")[0]: v for k, v in docs.items() if k.endswith(f"__{name}")}


# --------------------------------------------------------------------------- the set


def test_every_seed_and_class_is_written_except_departments_of_the_seed_without_any(docs):
    assert len(docs) == 54
    for name in asfound.CLASSES:
        expected = 4 if name == "departments" else 5
        assert len(of_class(docs, name)) == expected, name
    # 001 names no department anywhere: nothing to rewrite
    assert "001_e3cc1c46042f0e3f__departments" not in docs


def test_generation_is_deterministic_and_depends_on_the_seed(docs):
    again = asfound.generate(PLANS, GOLD, SEED)
    assert list(again) == list(docs)
    for name, (text, gold) in docs.items():
        assert again[name][0] == text
        assert json.dumps(again[name][1], ensure_ascii=False) == json.dumps(gold, ensure_ascii=False)
    other = asfound.generate(PLANS, GOLD, SEED + 1)
    assert sum(other[k][0] != docs[k][0] for k in docs) >= 40


@pytest.mark.parametrize("name", list(asfound.CLASSES))
def test_every_gold_string_occurs_in_the_new_text(docs, seeds, name):
    for stem, (text, gold) in of_class(docs, name).items():
        assert asfound.missing_gold_strings(text, gold) == [], stem
        assert text != seeds[stem][0]
        assert gold["file"] == f"{stem}__{name}.txt"
        assert gold["class"][0] == name


def test_the_gold_string_check_notices_a_missing_string(seeds):
    text, gold = seeds["000_118f31c14681ba11"]
    assert asfound.missing_gold_strings(text, gold) == []
    damaged = text.replace(
        "心脑血管疾病防治行动", "心脑血管病防治行动"
    )  # the action heading and its annex row
    assert asfound.missing_gold_strings(damaged, gold) == ["action.name: 心脑血管疾病防治行动"]
    # whitespace inside a string is ignored, as a line break or letter-spacing puts it there
    assert asfound.missing_gold_strings(text.replace("晋城市人民政府", "晋 城 市\n人民政府"), gold) == []


def test_fixtures_equal_a_fresh_generation(tmp_path):
    out = tmp_path / "asfound"
    run = subprocess.run(
        [sys.executable, "bench/asfound.py", "--out", str(out), "--seed", str(SEED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"wrote 54 documents to {out}"
    fresh = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".txt", ".json"))
    assert committed == fresh
    for name in fresh:
        assert (FIXTURES / name).read_bytes() == (out / name).read_bytes(), name


# --------------------------------------------------------------------------- the classes


def without_class(gold: dict) -> dict:
    return copy.deepcopy({k: v for k, v in gold.items() if k not in ("file", "class")})


@pytest.mark.parametrize("name", ["breadcrumb", "gazette", "oneline", "wrapped", "numbering"])
def test_layout_classes_leave_the_gold_unchanged(docs, seeds, name):
    for stem, (_, gold) in of_class(docs, name).items():
        changed = without_class(gold)
        if name == "breadcrumb":  # the page's publication date is added, apart from the signing date
            assert changed["plan"].pop("date_published") > (seeds[stem][1]["plan"]["date"] or "")
        assert changed == without_class(seeds[stem][1])


def test_breadcrumb_page(docs):
    text, gold = docs["000_118f31c14681ba11__breadcrumb"]
    head = text.split("\n")[:6]
    # glued to the title on one line, then the source strip with the publication time
    assert any(
        re.fullmatch(
            r".+(政策文件|头条新闻|政府文件|规范性文件|通知公告)晋城市人民政府关于推进健康晋城建设的实施意见",
            h,
        )
        for h in head
    )
    published = re.search(r"(?:发布时间|发布日期)：(2021-01-\d\d)", text)
    assert published and gold["plan"]["date_published"] == published[1]
    # the page's heading and the document's own heading (written there with a space)
    assert asfound.squeeze(text).count("晋城市人民政府关于推进健康晋城建设的实施意见") == 2
    # and a list of related pages that name it and other documents (none of them a cite)
    related = text.split("\n相关文件\n")[1].split("\n")[:3]
    assert "【政策解读】《关于推进健康晋城建设的实施意见》解读" in related
    assert len(gold["cites"]) == 3
    for chrome in ("扫一扫在手机打开当前页", "ICP备", "网站标识码"):
        assert chrome in text
    assert gold["plan"]["date"] == "2020-12-30"


def test_metadata_block_keeps_the_signing_date_apart_from_the_publication_date(docs, seeds):
    text, gold = docs["000_118f31c14681ba11__metadata"]
    block = text.split("\n\n")[0]
    assert "成文日期" in block and "索引号" in block
    published = re.search(r"(?:发布日期|公开日期)\s*[：]?\s*(\d{4})\D(\d{1,2})\D(\d{1,2})", block)
    assert published and (int(published[1]), int(published[2]), int(published[3])) > (2020, 12, 30)
    assert gold["plan"]["date"] == "2020-12-30"
    assert gold["plan"]["date_published"] == f"{published[1]}-{int(published[2]):02d}-{int(published[3]):02d}"
    # 003's issuer is inferred from its 文号 in the seed; the metadata block writes it
    text3, gold3 = docs["003_3b19a394be1abec4__metadata"]
    assert "淄博市人民政府" in text3.split("关于贯彻")[0]
    assert gold3["plan"]["issuer_inferred"] is False
    assert seeds["003_3b19a394be1abec4"][1]["plan"]["issuer_inferred"] is True
    # 004 has no signing date: no 成文日期, and its gold date stays null
    text4, gold4 = docs["004_e80d3234836daec5__metadata"]
    assert "成文日期" not in text4 and gold4["plan"]["date"] is None


def test_gazette_masthead_running_headers_and_page_numbers(docs):
    text, _ = docs["000_118f31c14681ba11__gazette"]
    assert text.startswith("晋城市人民政府公报\n")
    assert "编辑出版: | 晋城市人民政府办公室 |" in text and "邮政编码 |" in text
    pages = re.findall(r"^(?:— \d+ —|－\d+－|·\d+·)$", text, re.M)
    running = re.findall(r"^.*晋城市人民政府公报.*\d{4}年第\d+期.*$", text, re.M)
    assert len(pages) >= 5
    assert len({re.sub(r"\d+", "", p) for p in pages}) == 1  # one folio style per gazette
    assert len(running) == len(pages)


def test_notice_titles_and_fields(docs, seeds):
    text, gold = docs["000_118f31c14681ba11__notice"]
    plan = gold["plan"]
    assert plan["title"] in (
        "晋城市人民政府关于印发《关于推进健康晋城建设的实施意见》的通知",
        "晋城市人民政府关于印发关于推进健康晋城建设的实施意见的通知",
    )
    assert plan["title_short"] == plan["title"][len("晋城市人民政府") :]
    assert plan["plan_title"] == "关于推进健康晋城建设的实施意见"
    assert (plan["doc_number"], plan["issuer"], plan["date"]) == (
        "晋市政发〔2020〕17号",
        "晋城市人民政府",
        "2020-12-30",
    )
    assert "现将《关于推进健康晋城建设的实施意见》印发给你们" in text
    # the 《plan》 the notice names is the plan itself, not a cite
    assert gold["cites"] == seeds["000_118f31c14681ba11"][1]["cites"]
    # 004 has neither issuer, 文号 nor date: the notice brings its own
    plan4 = docs["004_e80d3234836daec5__notice"][1]["plan"]
    assert plan4["issuer"] == "长春市人民政府办公室"
    assert re.fullmatch(r"长政办发〔2020〕\d+号", plan4["doc_number"])
    assert plan4["date"].startswith("2020-")
    assert plan4["plan_title"] == "长春市推进健康长春行动实施方案"


def test_oneline_and_wrapped(docs):
    for stem, (text, _) in of_class(docs, "oneline").items():
        assert text.count("\n") <= 5, stem
    for stem, (text, _) in of_class(docs, "wrapped").items():
        lengths = [len(line) for line in text.split("\n") if line]
        width = max(lengths)
        assert 30 <= width <= 40, stem
        assert lengths.count(width) >= 50, stem  # the prose runs to the full width


def test_letterspaced_header_and_date(docs):
    text, gold = docs["000_118f31c14681ba11__letterspaced"]
    assert "晋 城 市 人 民 政 府" in text
    assert not re.search(r"^2020年12月30日$", text, re.M)
    assert re.search(r"^(二〇二〇年十二月三十日|2020-12-30|2020\.12\.30)$", text, re.M)
    assert gold["plan"]["date"] == "2020-12-30"
    assert asfound.squeeze(gold["plan"]["doc_number_raw"]) in asfound.squeeze(text)
    assert evaluate.normalize(gold["plan"]["doc_number_raw"]) == "晋市政发〔2020〕17号"


def test_numbering_changes_the_style_of_every_action(docs, seeds):
    styles = set()
    for stem, (text, gold) in of_class(docs, "numbering").items():
        old = asfound.action_headings(seeds[stem][0], gold)
        new = asfound.action_headings(text, gold)
        assert len(new) == len(gold["actions"])
        style = asfound._style_of(new[0][1].group("num"))
        assert style != asfound._style_of(old[0][1].group("num"))
        assert all(asfound._style_of(m.group("num")) == style for _, m in new)
        styles.add(style)
    assert "一、" in styles  # the variant whose actions share the sections' style
    assert len(styles) >= 3


def test_departments_keep_lead_and_participants(docs, seeds):
    forms = set()
    for stem, (_, gold) in of_class(docs, "departments").items():
        seed_gold = seeds[stem][1]
        changed = 0
        for a, s in zip(gold["actions"], seed_gold["actions"], strict=True):
            assert (a["lead"], a["participants"]) == (s["lead"], s["participants"])
            changed += a["dept_text"] != s["dept_text"]
            forms |= {
                f
                for f in ("牵头单位：", "牵头部门：", "责任单位：", "主要责任单位：", "由", "责任部门：")
                if f in a["dept_text"]
            }
        assert changed >= len(gold["actions"]) - 2, stem
    assert len(forms) >= 5
    # 000's departments come from its annex table: the table is laid out anew
    text0, _ = docs["000_118f31c14681ba11__departments"]
    heads = [line for line in text0.split("\n") if line.startswith(("序号\t", "重点任务\t"))]
    assert heads and all(h != "序号\t主要任务\t责任部门" for h in heads)


def test_parse_and_render_groups_agree():
    lead, part = ["市卫健委", "市医保局"], ["市教育局", "市财政局"]
    for form in range(6):
        assert asfound.parse_group(asfound.render_group(lead, part, 2, "等")) == (lead, part), form
    assert asfound.parse_group("市卫健委负责，市发改委、市财政局等配合") == (
        ["市卫健委"],
        ["市发改委", "市财政局"],
    )
    assert asfound.parse_group("市卫健委、市教育局等分别负责") == ([], ["市卫健委", "市教育局"])
    assert asfound.parse_group("牵头单位:市卫生健康委;负责单位:市委宣传部、市教育体育局") == (
        ["市卫生健康委"],
        ["市委宣传部", "市教育体育局"],
    )
    assert asfound.render_group(lead, part, 4, "") == "由市卫健委、市医保局牵头，市教育局、市财政局参与"
    assert asfound.render_group([], part, 6, "") == "责任部门：市教育局、市财政局"
    assert asfound.render_group(["市卫健委"], [], 6, "") == "责任部门：市卫健委"


def test_combined_applies_the_combinations_in_turn(docs):
    combos = {tuple(g["class"][1:]) for _, g in of_class(docs, "combined").values()}
    assert combos == set(asfound.COMBINATIONS)
    text, gold = docs["001_e3cc1c46042f0e3f__combined"]
    assert gold["class"] == ["combined", "notice", "gazette"]
    assert gold["plan"]["plan_title"] == "关于推进健康嘉峰建设的实施方案"
    assert "编辑出版" in text and "现将《关于推进健康嘉峰建设的实施方案》印发给你们" in text


def test_a_transform_does_not_change_its_input(seeds):
    text, gold = seeds["002_c95cd58d6fdbfc49"]
    before = copy.deepcopy(gold)
    for fn in asfound.CLASSES.values():
        fn(text, gold, random.Random(1))
    assert gold == before


# --------------------------------------------------------------------------- the extractor on the set


@pytest.fixture(scope="module")
def report() -> dict:
    """``kg eval --json`` of the extractor on the committed set."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert evaluate.main(["--gold", str(FIXTURES), "--plans", str(FIXTURES), "--json"]) == 0
    return json.loads(out.getvalue())


def below_bars(scores: dict, refused: int) -> list[str]:
    got = {
        "actions": scores["actions"]["f1"],
        "assignments": scores["assignments"]["f1"],
        "targets": scores["targets"]["f1"],
        "cites": scores["cites"]["recall"],
        "plan": scores["plan"]["accuracy"],
    }
    low = [f"{k} {v:.3f} < {BARS[k]}" for k, v in got.items() if v is not None and v < BARS[k]]
    return low + ([f"refused {refused} > {BARS['refused']}"] if refused > BARS["refused"] else [])


def test_the_set_is_scored_as_a_whole_and_per_class(report):
    assert len(report["documents"]) == 54
    assert sorted(report["by_class"]) == sorted(asfound.CLASSES)
    assert report["by_class"]["departments"]["documents"] == 5  # 4 of its own and 004's combined one
    assert report["by_class"]["combined"]["documents"] == 5


def test_extractor_meets_the_bars_on_the_seeds_as_found(report):
    assert below_bars(report["overall"], report["refused"]["count"]) == [], report["refused"]["files"]


# A text whose line breaks were all lost also lost its annex tables' rows: its target F1 is ~0.83
# (bars hold on the whole set); every other bar holds in every class.
CLASS_EXCEPTIONS = {("oneline", "targets")}


@pytest.mark.parametrize("name", list(asfound.CLASSES))
def test_extractor_meets_the_bars_in_every_class(report, name):
    scores = report["by_class"][name]
    low = below_bars(scores, scores["refused"])
    assert [x for x in low if (name, x.split()[0]) not in CLASS_EXCEPTIONS] == []


def test_a_page_in_traditional_characters_is_read_in_simplified_ones(docs):
    text, gold = docs["002_c95cd58d6fdbfc49__traditional"]
    assert "聊城市人民政府關於" in text  # 聊城's plan on an encyclopedia page, in traditional characters
    record = extract_text(text, "traditional.txt")
    m = record.meta
    assert (m.title, m.doc_number, m.issuer, m.region, m.date) == (
        gold["plan"]["title"],
        gold["plan"]["doc_number"],
        gold["plan"]["issuer"],
        "聊城市",
        "2020-11-19",
    )
    assert m.date_published == "2020-11-19"  # the infobox's 颁布时间
    assert record.warnings == (
        "written in traditional characters: read, quoted and named in simplified ones",
    )
    assert [a.name for a in record.actions] == [a["name"] for a in gold["actions"]]
