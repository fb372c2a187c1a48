"""Tests for kg.evaluate, run against the real hand annotation in data/gold (a copy of shared/gold)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from kg import evaluate as ev
from kg.evaluate import evaluate, format_report, main, normalize, score_document

GOLD_DIR = Path(__file__).resolve().parents[1] / "data" / "gold"
STEMS = (
    "000_118f31c14681ba11",
    "001_e3cc1c46042f0e3f",
    "002_c95cd58d6fdbfc49",
    "003_3b19a394be1abec4",
    "004_e80d3234836daec5",
)


def gold(stem_prefix: str) -> dict:
    (path,) = GOLD_DIR.glob(f"{stem_prefix}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def all_gold() -> list[dict]:
    return [json.loads((GOLD_DIR / f"{s}.json").read_text(encoding="utf-8")) for s in STEMS]


def action(doc: dict, ordinal: int) -> dict:
    return next(a for a in doc["actions"] if a["ordinal"] == ordinal)


def indicator(doc: dict, ind_id: str) -> dict:
    return next(i for i in doc["indicators"] if i["id"] == ind_id)


def counts(result: dict, cat: str) -> tuple[int, int, int]:
    return result[cat]["tp"], result[cat]["fp"], result[cat]["fn"]


# --------------------------------------------------------------------------- normalize


def test_gold_dir_has_the_five_files():
    assert sorted(p.stem for p in GOLD_DIR.glob("*.json")) == list(STEMS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("晋市政发〔2020〕17号", "晋市政发〔2020〕17号"),
        ("吉政发【2019】17号", "吉政发〔2019〕17号"),
        ("吉政发[2019]17号", "吉政发〔2019〕17号"),
        ("聊政字〔２０２０〕３０号", "聊政字〔2020〕30号"),
        ("“健康山西 2030”规划纲要", "健康山西2030规划纲要"),
        ("《国民体质测定标准》", "国民体质测定标准"),
        ("«国民体质测定标准»", "国民体质测定标准"),
        ("‘a’ \"B\" 'C'", "abc"),
        ("执业（助理）医师", "执业(助理)医师"),
        (" 市 卫健委\n\t\u3000", "市卫健委"),
        ("互联网+医疗健康", "互联网+医疗健康"),
        ("City", "city"),
        ("Ｃｉｔｙ", "city"),
        ("", ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_none_is_empty():
    assert normalize(None) == ""


# --------------------------------------------------------------------------- gold against itself


@pytest.mark.parametrize("stem", STEMS)
def test_gold_against_itself_is_perfect(stem):
    g = json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    r = score_document(copy.deepcopy(g), g)
    assert r["actions"]["f1"] == 1.0
    assert r["targets"]["f1"] == 1.0
    assert r["targets_quantitative"]["f1"] == 1.0
    assert r["cites"]["recall"] == 1.0
    assert r["cites"]["precision"] == 1.0
    assert r["plan"]["accuracy"] == 1.0
    assert all(r["plan"]["fields"].values())
    if stem.startswith("001"):
        # 001 assigns no departments: nothing to score, so None rather than 1.0 or 0.0.
        assert counts(r, "assignments") == (0, 0, 0)
        assert r["assignments"]["precision"] is None
        assert r["assignments"]["recall"] is None
        assert r["assignments"]["f1"] is None
    else:
        assert r["assignments"]["f1"] == 1.0
    for cat in ("actions", "assignments", "targets", "targets_quantitative", "cites", "plan"):
        assert r[cat]["missed"] == []
        assert r[cat]["spurious"] == []


def test_gold_against_itself_counts():
    r = evaluate(all_gold(), GOLD_DIR)
    by = {Path(d["file"]).stem[:3]: d for d in r["documents"]}
    assert [counts(by[k], "actions") for k in sorted(by)] == [
        (19, 0, 0),
        (18, 0, 0),
        (15, 0, 0),
        (19, 0, 0),
        (16, 0, 0),
    ]
    # Department mentions from the README: 000 22+59, 002 15+136, 003 19+195, 004 16+139.
    assert [by[k]["assignments"]["tp"] for k in sorted(by)] == [81, 0, 151, 214, 155]
    # 004 has 103 targets; target-sentence and annex entries with the same name/year/value collapse to 94.
    assert [by[k]["targets"]["tp"] for k in sorted(by)] == [59, 1, 62, 6, 94]
    assert [by[k]["targets_quantitative"]["tp"] for k in sorted(by)] == [39, 1, 55, 5, 75]
    assert [by[k]["cites"]["found"] for k in sorted(by)] == [3, 5, 1, 2, 4]
    # plan fields: title, doc_number, issuer, region, level, date where the gold has them; province apart
    assert [by[k]["plan"]["scored"] for k in sorted(by)] == [6, 5, 6, 5, 3]
    assert [by[k]["province"]["scored"] for k in sorted(by)] == [1, 1, 1, 1, 1]
    o = r["overall"]
    assert (o["actions"]["tp"], o["actions"]["f1"]) == (87, 1.0)
    assert (o["assignments"]["tp"], o["assignments"]["f1"]) == (601, 1.0)
    assert (o["targets"]["tp"], o["targets"]["f1"]) == (222, 1.0)
    assert (o["targets_quantitative"]["tp"], o["targets_quantitative"]["f1"]) == (175, 1.0)
    assert (o["cites"]["found"], o["cites"]["gold"], o["cites"]["recall"]) == (15, 15, 1.0)
    assert (o["plan"]["correct"], o["plan"]["scored"], o["plan"]["accuracy"]) == (25, 25, 1.0)
    assert (o["province"]["correct"], o["province"]["scored"]) == (5, 5)
    assert r["unscored"] == []
    assert r["refused"] == {"count": 0, "files": []}
    assert not any(d["missing_pred"] for d in r["documents"])


# --------------------------------------------------------------------------- actions and assignments


def test_removing_000_action_18():
    g = gold("000")
    p = copy.deepcopy(g)
    p["actions"] = [a for a in p["actions"] if a["ordinal"] != 18]
    r = score_document(p, g)
    assert counts(r, "actions") == (18, 0, 1)
    assert r["actions"]["missed"] == ["18 健康环境促进行动"]
    # 000 action 18 has 0 lead + 9 participants.
    assert counts(r, "assignments") == (81 - 9, 0, 9)
    assert r["assignments"]["precision"] == 1.0
    assert r["assignments"]["recall"] == pytest.approx(72 / 81)
    assert r["actions"]["f1"] == pytest.approx(2 * 1.0 * (18 / 19) / (1.0 + 18 / 19))


def test_action_name_forms():
    g = gold("004")
    p = copy.deepcopy(g)
    # gold name "实施健康知识普及行动", name_normalized "健康知识普及行动": either form, spaced, is fine.
    action(p, 1)["name"] = "健康知识 普及行动"
    action(p, 1)["name_normalized"] = "健康知识 普及行动"
    assert counts(score_document(p, g), "actions") == (16, 0, 0)
    # 000 action 19: the annex form is accepted too.
    g0 = gold("000")
    p0 = copy.deepcopy(g0)
    action(p0, 19)["name"] = action(p0, 19)["name_normalized"] = "互联网医疗健康服务行动"
    assert counts(score_document(p0, g0), "actions") == (19, 0, 0)
    # 003 action 17: quotes and full-width brackets normalise away.
    g3 = gold("003")
    p3 = copy.deepcopy(g3)
    action(p3, 17)["name"] = action(p3, 17)["name_normalized"] = "名医基层工作站(室)行动"
    assert counts(score_document(p3, g3), "actions") == (19, 0, 0)


def test_action_wrong_name_or_ordinal():
    g = gold("000")
    p = copy.deepcopy(g)
    action(p, 3)["name"] = action(p, 3)["name_normalized"] = "控烟限酒行动"
    r = score_document(p, g)
    assert counts(r, "actions") == (18, 1, 1)
    # the assignments of a misnamed action still count under its ordinal
    assert counts(r, "assignments") == (81, 0, 0)

    p = copy.deepcopy(g)
    action(p, 3)["ordinal"] = 20
    r = score_document(p, g)
    assert counts(r, "actions") == (18, 1, 1)
    # ...and under the pred ordinal only: 1 lead + 4 participants of action 3 move to "20"
    assert counts(r, "assignments") == (76, 5, 5)


def test_moving_a_department_from_lead_to_participant():
    g = gold("000")
    p = copy.deepcopy(g)
    a = action(p, 1)
    a["lead"].remove("市委宣传部")
    a["participants"].append("市委宣传部")
    r = score_document(p, g)
    assert counts(r, "assignments") == (80, 1, 1)
    assert r["assignments"]["missed"] == ["1 lead 市委宣传部"]
    assert r["assignments"]["spurious"] == ["1 participant 市委宣传部"]


def test_department_spacing_and_duplicates():
    g = gold("002")
    p = copy.deepcopy(g)
    a = p["actions"][0]
    a["participants"] = [f" {d[:1]} {d[1:]} " for d in a["participants"]] + list(a["participants"])
    r = score_document(p, g)
    assert counts(r, "assignments") == (151, 0, 0)


def test_assignments_none_only_when_both_sides_empty():
    g = gold("001")
    p = copy.deepcopy(g)
    action(p, 1)["lead"] = ["镇卫生院"]
    r = score_document(p, g)
    assert counts(r, "assignments") == (0, 1, 0)
    assert r["assignments"]["precision"] == 0.0
    assert r["assignments"]["f1"] == 0.0


# --------------------------------------------------------------------------- targets


def test_target_value_changed():
    g = gold("000")
    p = copy.deepcopy(g)
    t = indicator(p, "000-I01")["targets"][0]
    assert (t["year"], t["value"]) == (2022, "20")
    t["value"] = "21"
    r = score_document(p, g)
    assert counts(r, "targets") == (58, 1, 1)
    assert counts(r, "targets_quantitative") == (38, 1, 1)
    assert r["targets"]["missed"] == ["全市居民健康素养水平 2022: >=20"]
    assert r["targets"]["spurious"] == ["全市居民健康素养水平 2022: >=21"]


def test_target_year_changed():
    g = gold("000")
    p = copy.deepcopy(g)
    indicator(p, "000-I16")["targets"][0]["year"] = 2021
    assert counts(score_document(p, g), "targets") == (58, 1, 1)


def test_numeric_values_compare_as_floats():
    g = gold("002")
    p = copy.deepcopy(g)
    t = indicator(p, "002-I02")["targets"][1]
    assert t["value"] == "3"
    t["value"] = "3.0"
    indicator(p, "002-I01")["targets"][0]["value"] = "79.40"
    indicator(p, "002-I08")["targets"][0]["value"] = 24  # a number rather than a string
    indicator(p, "002-I08")["targets"][1]["value"] = "３２"  # full-width digits
    assert counts(score_document(p, g), "targets") == (62, 0, 0)


def test_qualitative_values_compare_normalized():
    g = gold("000")
    p = copy.deepcopy(g)
    indicator(p, "000-I02")["targets"][0]["value"] = "持续 减缓"
    assert counts(score_document(p, g), "targets") == (59, 0, 0)
    indicator(p, "000-I02")["targets"][0]["value"] = "持续下降"
    r = score_document(p, g)
    assert counts(r, "targets") == (58, 1, 1)
    # a qualitative change leaves the quantitative score alone
    assert counts(r, "targets_quantitative") == (39, 0, 0)


def test_indicator_name_fullwidth_digit_and_spaces():
    g = gold("000")
    p = copy.deepcopy(g)
    indicator(p, "000-I03")["name"] = "５岁以下 儿童 生长迟缓率"
    indicator(p, "000-I13")["name"] = "  70岁及以下人群慢性呼吸系统疾病死亡率 "
    assert counts(score_document(p, g), "targets") == (59, 0, 0)


def test_indicator_name_contained():
    g = gold("000")
    p = copy.deepcopy(g)
    indicator(p, "000-I01")["name"] = "居民健康素养水平"
    r = score_document(p, g)
    assert counts(r, "targets") == (59, 0, 0)


def test_contained_name_alone_prefers_the_containing_gold_name():
    # 居民健康素养水平 2022 20 could also fuzzily match 居民心理健康素养水平 2022 20 (same ratio);
    # containment breaks the tie, so only the 心理 tuples are missed.
    g = gold("000")
    p = {"file": g["file"], "indicators": [copy.deepcopy(indicator(g, "000-I01"))]}
    p["indicators"][0]["name"] = "居民健康素养水平"
    r = score_document(p, g)
    assert counts(r, "targets") == (2, 0, 57)
    assert not any(m.startswith("全市居民健康素养水平") for m in r["targets"]["missed"])
    assert "居民心理健康素养水平 2022: =20" in r["targets"]["missed"]


def test_greedy_matching_takes_the_highest_ratio_first():
    # 004 has both 全市居民健康素养水平 (I01) and 居民健康素养水平 (I43) at 2022 >=22. A prediction of the
    # shorter name alone must take I43 (ratio 1.0), not I01 (contained, ratio 0.89), though I01 comes first.
    g = gold("004")
    p = {"file": g["file"], "indicators": [copy.deepcopy(indicator(g, "004-I43"))]}
    r = score_document(p, g)
    assert counts(r, "targets") == (1, 0, 93)
    assert "全市居民健康素养水平 2022: >=22" in r["targets"]["missed"]
    assert "居民健康素养水平 2022: >=22" not in r["targets"]["missed"]


def test_indicator_name_fuzzy_and_no_match():
    g = gold("004")
    p = copy.deepcopy(g)
    # ratio >= 0.75 without containment: 二级及以上综合性医院设立老年医学科比例 vs 设置
    indicator(p, "004-I28")["name"] = "二级及以上综合性医院设置老年医学科比例"
    assert counts(score_document(p, g), "targets") == (94, 0, 0)
    # a different indicator with the same year/value does not match (婴儿 vs 孕产妇 死亡率, ratio 0.55)
    g0 = gold("000")
    p0 = copy.deepcopy(g0)
    indicator(p0, "000-I16")["name"] = "孕产妇死亡率"
    assert counts(score_document(p0, g0), "targets") == (57, 2, 2)


def test_short_contained_name_is_not_enough():
    # contained, but the shorter name has only 3 characters and the ratio is 6/9
    assert ev.names_match("死亡率", "孕产妇死亡率")[0] is False
    # not contained, ratio 2*3/8 = 0.75 exactly: matches
    assert ev.names_match("死亡率", "婴儿死亡率")[0] is True
    assert ev.names_match("婴儿死亡率", "全市婴儿死亡率控制")[0] is True
    assert ev.names_match(normalize("居民健康素养水平"), normalize("全市居民健康素养水平"))[0] is True


def test_target_part_must_match():
    g = gold("002")
    p = copy.deepcopy(g)
    t = indicator(p, "002-I30")["targets"][0]
    assert (t["value"], t["part"]) == ("100", "乡镇卫生院、社区卫生服务中心")
    t["part"] = "村卫生室"
    assert counts(score_document(p, g), "targets") == (61, 1, 1)
    t["part"] = None
    assert counts(score_document(p, g), "targets") == (61, 1, 1)
    t["part"] = "乡镇卫生院、 社区卫生服务中心"
    assert counts(score_document(p, g), "targets") == (62, 0, 0)


def test_duplicate_targets_collapse_and_match_one_to_one():
    g = gold("000")
    p = copy.deepcopy(g)
    p["indicators"].append(copy.deepcopy(indicator(g, "000-I01")))
    assert counts(score_document(p, g), "targets") == (59, 0, 0)
    # a near-duplicate name is a separate tuple: it cannot take the already matched gold tuple
    extra = copy.deepcopy(indicator(g, "000-I01"))
    extra["name"] = "居民健康素养水平"
    p["indicators"].append(extra)
    assert counts(score_document(p, g), "targets") == (59, 2, 0)


def test_missing_indicator():
    g = gold("003")
    p = copy.deepcopy(g)
    p["indicators"] = [i for i in p["indicators"] if i["id"] != "003-I05"]  # the qualitative one
    r = score_document(p, g)
    assert counts(r, "targets") == (5, 0, 1)
    assert counts(r, "targets_quantitative") == (5, 0, 0)


# --------------------------------------------------------------------------- cites


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_cite_variant_typo(prefix):
    g = gold(prefix)
    p = copy.deepcopy(g)
    c = next(c for c in p["cites"] if "健康山西" in c["title"])
    c["title"] = "“健康山西2030”规范纲要"
    c["variants"] = []
    r = score_document(p, g)
    assert r["cites"]["found"] == len(g["cites"])
    assert r["cites"]["recall"] == 1.0
    assert r["cites"]["precision"] == 1.0


def test_cite_missing_and_spurious():
    g = gold("000")
    p = copy.deepcopy(g)
    p["cites"] = p["cites"][1:] + [{"title": "中华人民共和国基本医疗卫生与健康促进法", "doc_number": None}]
    r = score_document(p, g)
    assert (r["cites"]["found"], r["cites"]["gold"]) == (2, 3)
    assert r["cites"]["recall"] == pytest.approx(2 / 3)
    assert r["cites"]["precision"] == pytest.approx(2 / 3)
    assert r["cites"]["missed"] == ["“健康山西 2030”规划纲要"]
    assert r["cites"]["spurious"] == ["中华人民共和国基本医疗卫生与健康促进法"]


def test_cite_found_by_doc_number():
    g = gold("004")
    p = copy.deepcopy(g)
    p["cites"][0] = {"title": "吉林省实施方案", "doc_number": "吉政发〔2019〕17号"}
    assert score_document(p, g)["cites"]["recall"] == 1.0
    g0 = gold("000")
    p0 = copy.deepcopy(g0)
    p0["cites"][1] = {"title": "关于推进健康中国山西行动的意见", "doc_number": "晋政发[2019]27号"}
    assert score_document(p0, g0)["cites"]["recall"] == 1.0
    p0["cites"][1] = {"title": "关于推进健康中国山西行动的意见", "doc_number": "晋政发〔2019〕28号"}
    assert score_document(p0, g0)["cites"]["recall"] == pytest.approx(2 / 3)


def test_cite_dash_variant_matches_by_ratio():
    g = gold("000")
    p = copy.deepcopy(g)
    p["cites"][2]["title"] = "健康中国行动(2019-2030年)"  # gold writes an em dash
    assert score_document(p, g)["cites"]["recall"] == 1.0


# --------------------------------------------------------------------------- plan fields


def test_plan_issuer_null_accepted_when_inferred():
    g = gold("003")
    assert g["plan"]["issuer_inferred"] is True
    p = copy.deepcopy(g)
    p["plan"]["issuer"] = None
    r = score_document(p, g)
    assert r["plan"]["fields"]["issuer"] is True
    assert (r["plan"]["correct"], r["plan"]["scored"], r["plan"]["accuracy"]) == (5, 5, 1.0)
    p["plan"]["issuer"] = "淄博市人民政府办公室"
    assert score_document(p, g)["plan"]["fields"]["issuer"] is False


def test_plan_issuer_null_wrong_when_written():
    g = gold("000")
    p = copy.deepcopy(g)
    p["plan"]["issuer"] = None
    r = score_document(p, g)
    assert r["plan"]["fields"]["issuer"] is False
    assert (r["plan"]["correct"], r["plan"]["scored"]) == (5, 6)
    assert r["plan"]["missed"] == ["issuer: pred=None gold='晋城市人民政府'"]


def test_plan_title_either_form_and_normalized_fields():
    g = gold("001")
    p = copy.deepcopy(g)
    p["plan"]["title"] = "关于推进健康嘉峰建设的实施方案"  # title_short
    p["plan"]["doc_number"] = "嘉政发[２０２３]27号"
    p["plan"]["level"] = "Township"
    r = score_document(p, g)
    assert r["plan"]["fields"] == dict.fromkeys(("title", "doc_number", "issuer", "region", "level"), True)
    p["plan"]["title"] = "关于推进健康沁水建设的实施方案"
    assert score_document(p, g)["plan"]["fields"]["title"] is False


def test_plan_fields_with_null_gold_are_not_scored():
    g = gold("004")
    p = copy.deepcopy(g)
    p["plan"].update(doc_number="长政发〔2020〕1号", issuer="长春市人民政府", date="2020-01-01")
    r = score_document(p, g)
    assert set(r["plan"]["fields"]) == {"title", "region", "level"}
    assert r["plan"]["accuracy"] == 1.0


# --------------------------------------------------------------------------- evaluate


def test_evaluate_missing_and_unscored():
    g0 = gold("000")
    p0 = copy.deepcopy(g0)
    p0["actions"] = [a for a in p0["actions"] if a["ordinal"] != 18]
    r = evaluate([p0, {"file": "999_unknown.txt", "actions": []}], GOLD_DIR)
    assert r["unscored"] == ["999_unknown.txt"]
    docs = {Path(d["file"]).stem[:3]: d for d in r["documents"]}
    assert sorted(docs) == ["000", "001", "002", "003", "004"]
    assert docs["000"]["missing_pred"] is False
    assert docs["004"]["missing_pred"] is True
    assert counts(docs["004"], "actions") == (0, 0, 16)
    assert docs["004"]["cites"]["recall"] == 0.0
    assert docs["004"]["plan"]["correct"] == 0
    # an absent document gets no credit for the inferred issuer either
    assert docs["003"]["plan"]["fields"]["issuer"] is False
    o = r["overall"]
    assert (o["actions"]["tp"], o["actions"]["fp"], o["actions"]["fn"]) == (18, 0, 87 - 18)
    assert (o["assignments"]["tp"], o["assignments"]["fn"]) == (72, 601 - 72)
    assert o["assignments"]["precision"] == 1.0
    assert o["cites"]["recall"] == pytest.approx(3 / 15)
    assert (o["plan"]["correct"], o["plan"]["scored"]) == (6, 25)


def test_evaluate_matches_by_stem_and_ignores_duplicates():
    g = gold("002")
    p = copy.deepcopy(g)
    p["file"] = "data/plans/002_c95cd58d6fdbfc49.txt"
    r = evaluate([p, copy.deepcopy(g)], GOLD_DIR)
    d = next(d for d in r["documents"] if d["file"].startswith("002"))
    assert d["missing_pred"] is False
    assert d["actions"]["f1"] == 1.0
    assert r["unscored"] == ["002_c95cd58d6fdbfc49.txt"]


# --------------------------------------------------------------------------- report and CLI


def test_format_report():
    r = evaluate(all_gold(), GOLD_DIR)
    text = format_report(r)
    assert "OVERALL" in text
    lines = text.splitlines()
    overall = next(line for line in lines if line.startswith("OVERALL"))
    assert overall.split() == ["OVERALL", "1.000", "1.000", "1.000", "1.000", "1.000", "25/25"]
    row001 = next(line for line in lines if line.startswith("001_"))
    assert row001.split() == ["001_e3cc1c46042f0e3f", "1.000", "-", "1.000", "1.000", "1.000", "5/5"]
    assert "province: 5/5 (not among the plan fields)" in lines
    assert "refused by the extractor: 0" in lines
    for stem in STEMS:
        assert stem in text
    # fixed width: the table rows are equally long
    table = lines[: len(STEMS) + 4]
    assert len({len(line) for line in table}) == 1


def test_format_report_marks_missing_documents():
    text = format_report(evaluate([gold("000")], GOLD_DIR))
    assert "004_e80d3234836daec5 *" in text
    assert "no prediction" in text


def test_main_with_pred_file(tmp_path, capsys):
    g = gold("000")
    p = copy.deepcopy(g)
    p["actions"] = [a for a in p["actions"] if a["ordinal"] != 18]
    pred_file = tmp_path / "pred.json"
    pred_file.write_text(json.dumps([p], ensure_ascii=False), encoding="utf-8")

    assert main(["--gold", str(GOLD_DIR), "--pred", str(pred_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    doc = next(d for d in report["documents"] if d["file"].startswith("000"))
    assert (doc["actions"]["tp"], doc["actions"]["fn"]) == (18, 1)

    assert main(["--gold", str(GOLD_DIR), "--pred", str(pred_file), "--details"]) == 0
    out = capsys.readouterr().out
    assert "OVERALL" in out
    assert "missed: 18 健康环境促进行动" in out
    assert "missed: 18 participant 市生态环境局" in out


def test_main_default_gold_is_relative_to_cwd(tmp_path, capsys, monkeypatch):
    # the default --gold is data/gold, relative to the working directory (the project root)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    pred_file = tmp_path / "pred.json"
    pred_file.write_text(json.dumps(all_gold(), ensure_ascii=False), encoding="utf-8")
    assert main(["--pred", str(pred_file)]) == 0
    assert "25/25" in capsys.readouterr().out


def test_main_runs_the_extractor_lazily(tmp_path, capsys, monkeypatch):
    from kg.records import Action, Assignment, PlanMeta, PlanRecord

    g = gold("000")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / g["file"]).write_text("text", encoding="utf-8")
    (plans / "notes.md").write_text("ignored", encoding="utf-8")

    calls = []

    def fake_extract_file(path):
        calls.append(Path(path).name)
        a1 = action(g, 1)
        return PlanRecord(
            file=Path(path).name,
            sha256="0",
            encoding="utf-8",
            meta=PlanMeta(
                title=g["plan"]["title"],
                title_short=None,
                doc_number=g["plan"]["doc_number"],
                doc_number_raw=None,
                issuer=g["plan"]["issuer"],
                issuer_inferred=False,
                region=g["plan"]["region"],
                level=g["plan"]["level"],
                province=g["plan"]["province"],
                date=g["plan"]["date"],
            ),
            actions=(
                Action(
                    ordinal=1,
                    name=a1["name"],
                    name_normalized=a1["name_normalized"],
                    text="",
                    assignments=tuple(Assignment(d, "lead") for d in a1["lead"])
                    + tuple(Assignment(d, "participant") for d in a1["participants"]),
                ),
            ),
        )

    fake = types.ModuleType("kg.extract")
    fake.extract_file = fake_extract_file
    monkeypatch.setitem(sys.modules, "kg.extract", fake)
    assert main(["--gold", str(GOLD_DIR), "--plans", str(plans), "--json"]) == 0
    assert calls == [g["file"]]
    report = json.loads(capsys.readouterr().out)
    doc = next(d for d in report["documents"] if d["file"] == g["file"])
    assert (doc["actions"]["tp"], doc["actions"]["fn"]) == (1, 18)
    assert (doc["assignments"]["tp"], doc["assignments"]["fp"]) == (4, 0)
    assert doc["plan"]["correct"] == 6
    assert doc["province"]["correct"] == 1


def test_main_bad_inputs(tmp_path, capsys):
    assert main(["--gold", str(tmp_path / "nope"), "--pred", "x.json"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    assert main(["--gold", str(GOLD_DIR), "--pred", str(bad)]) == 2
    assert "cannot read predictions" in capsys.readouterr().err


def test_module_import_has_no_extractor_dependency():
    code = "import sys, kg.evaluate; print('kg.extract' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- plan_title, province, classes, refused


def test_plan_title_accepted_as_title():
    # a 印发 notice: the gold title is the notice's, plan_title the attached plan's own title
    g = gold("000")
    g["plan"].update(title="晋城市人民政府关于印发《健康晋城行动方案》的通知", plan_title="健康晋城行动方案")
    p = copy.deepcopy(g)
    p["plan"]["title"] = "健康晋城行动方案"
    assert score_document(p, g)["plan"]["fields"]["title"] is True
    p["plan"]["title"] = "健康晋城行动"
    r = score_document(p, g)
    assert r["plan"]["fields"]["title"] is False
    assert r["plan"]["missed"] == [
        "title: pred='健康晋城行动' gold='晋城市人民政府关于印发《健康晋城行动方案》的通知'"
    ]


def test_province_is_scored_apart_from_the_plan_fields():
    g = gold("002")
    p = copy.deepcopy(g)
    p["plan"]["province"] = "山西省"
    r = score_document(p, g)
    assert (r["plan"]["correct"], r["plan"]["scored"]) == (6, 6)
    assert (r["province"]["correct"], r["province"]["scored"]) == (0, 1)
    assert r["province"]["missed"] == ["province: pred='山西省' gold='山东省'"]


def _classed_gold_dir(tmp_path: Path) -> Path:
    """Three gold documents: 000 as breadcrumb, 002 as combined notice+gazette, 004 without a class."""
    out = tmp_path / "gold"
    out.mkdir()
    for prefix, classes in (
        ("000", ["breadcrumb"]),
        ("002", ["combined", "notice", "gazette"]),
        ("004", None),
    ):
        g = gold(prefix)
        if classes:
            g["class"] = classes
        (out / f"{prefix}.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    return out


def test_by_class_counts_a_document_in_each_of_its_classes(tmp_path):
    gold_dir = _classed_gold_dir(tmp_path)
    p2 = gold("002")
    p2["actions"] = [a for a in p2["actions"] if a["ordinal"] != 1]
    r = evaluate([gold("000"), p2], gold_dir)  # no prediction for 004
    by = r["by_class"]
    assert list(by) == ["breadcrumb", "combined", "gazette", "notice", "unclassified"]
    assert [by[c]["documents"] for c in by] == [1, 1, 1, 1, 1]
    assert (by["breadcrumb"]["actions"]["tp"], by["breadcrumb"]["actions"]["fn"]) == (19, 0)
    for c in ("combined", "gazette", "notice"):
        assert (by[c]["actions"]["tp"], by[c]["actions"]["fn"]) == (14, 1)
        assert by[c]["assignments"]["fn"] == 10  # action 1 of 002: 1 lead + 9 participants
    assert (by["unclassified"]["actions"]["tp"], by["unclassified"]["actions"]["fn"]) == (0, 16)
    assert (by["unclassified"]["plan"]["correct"], by["unclassified"]["plan"]["scored"]) == (0, 3)
    assert all(by[c]["refused"] == 0 for c in by)
    assert (r["overall"]["actions"]["tp"], r["overall"]["actions"]["fn"]) == (33, 17)


def test_main_by_class_table_and_json(tmp_path, capsys):
    gold_dir = _classed_gold_dir(tmp_path)
    pred_file = tmp_path / "pred.json"
    pred_file.write_text(
        json.dumps([gold("000"), gold("002"), gold("004")], ensure_ascii=False), encoding="utf-8"
    )
    assert main(["--gold", str(gold_dir), "--pred", str(pred_file), "--by-class"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith("combined "))
    assert row.split() == ["combined", "1", "0", "1.000", "1.000", "1.000", "1.000", "1.000", "6/6", "1/1"]
    total = [line for line in lines if line.startswith("OVERALL")][-1]
    assert total.split() == ["OVERALL", "3", "0", "1.000", "1.000", "1.000", "1.000", "1.000", "15/15", "3/3"]
    assert main(["--gold", str(gold_dir), "--pred", str(pred_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(report["by_class"]) == ["breadcrumb", "combined", "gazette", "notice", "unclassified"]
    assert report["by_class"]["notice"]["plan"] == {"correct": 6, "scored": 6, "accuracy": 1.0}
    assert report["refused"] == {"count": 0, "files": []}


def test_refused_documents_are_counted_not_fatal(tmp_path, capsys):
    # the real extractor on a seed, an empty file and a binary file: two refusals, the seed scored
    plans = tmp_path / "plans"
    plans.mkdir()
    g1 = gold("001")
    (plans / g1["file"]).write_bytes(
        (Path(__file__).resolve().parents[1] / "data" / "plans" / g1["file"]).read_bytes()
    )
    (plans / "998_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (plans / "999_empty.txt").write_text("", encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "001.json").write_text(json.dumps(g1, ensure_ascii=False), encoding="utf-8")
    empty_gold = dict(copy.deepcopy(g1), file="999_empty.txt", **{"class": ["oneline"]})
    (gold_dir / "999.json").write_text(json.dumps(empty_gold, ensure_ascii=False), encoding="utf-8")

    assert main(["--gold", str(gold_dir), "--plans", str(plans), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["refused"]["count"] == 2
    assert [f["file"] for f in report["refused"]["files"]] == ["998_binary.txt", "999_empty.txt"]
    assert report["refused"]["files"][1]["reason"] == "empty file"
    docs = {d["file"]: d for d in report["documents"]}
    assert docs["999_empty.txt"]["refused"] == "empty file"
    assert docs["999_empty.txt"]["missing_pred"] is True
    assert (docs["999_empty.txt"]["actions"]["tp"], docs["999_empty.txt"]["actions"]["fn"]) == (0, 18)
    assert docs[g1["file"]]["refused"] is None
    assert docs[g1["file"]]["missing_pred"] is False
    assert report["by_class"]["oneline"]["refused"] == 1
    assert report["by_class"]["unclassified"]["refused"] == 0

    assert main(["--gold", str(gold_dir), "--plans", str(plans)]) == 0
    out = capsys.readouterr().out
    assert "refused by the extractor: 2" in out
    assert "! 999_empty.txt: empty file" in out
    assert "999_empty !" in out  # the document row is marked
