"""Real plan texts as published on the web (tests/fixtures/real): page openings with their clutter,
hand-annotated in the gold schema. The extractor meets issue 14's bars on them, and reads the
things users' documents carry: breadcrumbs, metadata blocks, gazette mastheads, notices, lost
line breaks, damaged dates and 文号, issuers written without their place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg import evaluate
from kg.errors import ExtractionError
from kg.extract import extract_file, extract_text
from kg.records import to_gold_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = FIXTURES / "real"
# Three sets collected later and first scored before any change was made for them (README has both
# scores); now part of the development set.
HELD_OUT = (FIXTURES / "holdout", FIXTURES / "holdout2", FIXTURES / "holdout3")
# The fourth: openings of 550–930 characters, five of them with their place masked (XX, ***).
FOURTH = FIXTURES / "holdout4"

# Issue 14's acceptance bars for real documents.
BARS = {"actions": 0.90, "cites": 0.90, "plan": 0.85, "refused": 1}


@pytest.fixture(scope="module")
def records() -> dict[str, object]:
    return {p.stem: extract_file(p) for p in sorted(REAL.glob("*.txt"))}


@pytest.fixture(scope="module")
def report(records) -> dict:
    return evaluate.evaluate([to_gold_json(r) for r in records.values()], REAL)


def test_the_set_covers_every_level_and_has_gold_for_every_text(records):
    gold = evaluate.load_gold(REAL)
    assert set(gold) == set(records)
    levels = {g["plan"]["level"] for g in gold.values()}
    assert levels == {"national", "province", "city", "county", "township"}


@pytest.mark.parametrize("folder", [REAL, *HELD_OUT], ids=lambda p: p.name)
def test_bars_on_real_documents(folder):
    preds, refused = [], 0
    for path in sorted(folder.glob("*.txt")):
        try:
            preds.append(to_gold_json(extract_file(path)))
        except ExtractionError:
            refused += 1
    assert refused <= BARS["refused"]
    overall = evaluate.evaluate(preds, folder)["overall"]
    assert overall["actions"]["f1"] >= BARS["actions"]
    assert overall["cites"]["recall"] >= BARS["cites"]
    assert overall["plan"]["correct"] / overall["plan"]["scored"] >= BARS["plan"]


def test_the_fourth_held_out_set():
    """Scored first at: refused 3, action F1 0.429, assignment F1 0.316, target F1 0.080, cite recall
    0.875, plan fields 30/46. Its action bar is lower than the others': in f14 (…二、主要任务1、创建市级
    卫生镇;2、…三、切实加强健康教育和宣传工作…) the gold takes the sections after 主要任务 as the actions
    and the extractor the items of 主要任务 — the text allows both (the gold's note says so)."""
    preds = [to_gold_json(extract_file(path)) for path in sorted(FOURTH.glob("*.txt"))]
    overall = evaluate.evaluate(preds, FOURTH)["overall"]
    assert len(preds) == 14
    assert (overall["plan"]["correct"], overall["plan"]["scored"]) == (45, 46)
    assert overall["actions"]["f1"] >= 0.66 and overall["assignments"]["f1"] == 1.0
    assert overall["cites"]["recall"] >= 0.9 and overall["targets"]["recall"] >= 0.7


def test_no_real_document_is_refused(records):
    # Every text is a policy document; those without numbered actions say so.
    for stem, record in records.items():
        assert record.actions or record.warnings == (
            "no numbered actions found: kept as a policy document with its metadata, citations and targets",
        ), stem


def test_gazette_masthead_and_notice(records):
    m = records["b12_qiannan"].meta
    assert m.title == "黔南州人民政府办公室关于印发健康黔南行动实施方案的通知"
    assert m.plan_title == "健康黔南行动实施方案"
    assert (m.issuer, m.region, m.level, m.province, m.date) == (
        "黔南州人民政府办公室",
        "黔南布依族苗族自治州",
        "city",
        "贵州省",
        "2020-05-20",
    )
    assert [a.name for a in records["b12_qiannan"].actions] == ["实施健康知识普及行动"]
    # the plan the notice sends is the document itself, not one it cites
    assert "健康黔南行动实施方案" not in {c.title for c in records["b12_qiannan"].cites}


def test_a_colophon_between_the_notice_and_its_plan_is_not_the_plans_heading(records):
    # a PDF's text: …2019 年5月23 日 抄送:区委各部门… 海口市秀英区健康促进委员会 2019 年5月23 日印发 秀英区 2019 年…
    m = records["b06_xiuying"].meta
    assert m.plan_title == "秀英区2019年健康促进与教育工作实施方案"
    assert (m.title, m.issuer) == (
        "海口市秀英区健康促进委员会关于印发《秀英区2019年健康促进与教育工作实施方案》的通知",
        "海口市秀英区健康促进委员会",
    )


def test_a_colophon_is_nobodys_assignment():
    # the seed 晋城's colophon (抄送：市委各部门，市人大常委会…) follows its last action's department clause
    text = (FIXTURES / "asfound" / "000_118f31c14681ba11__combined.txt").read_text(encoding="utf-8")
    last = extract_text(text, "combined.txt").actions[-1]
    assert [a.department for a in last.assignments if a.role == "lead"] == ["市卫健委", "市大数据局"]
    assert not [
        a.department for a in last.assignments if re.search("抄送|人大|政协|法院|新闻单位", a.department)
    ]


def test_metadata_block_keeps_the_signing_date_apart_from_the_publication_date(records):
    m = records["a11_zunyi_xingdong_fangan_tongzhi"].meta
    assert (m.date, m.date_published, m.doc_number) == ("2021-08-27", "2021-08-31", "遵府办发〔2021〕12号")
    assert m.provenance_of("date") == "signature"
    assert m.provenance_of("date_published") == "metadata"
    # the breadcrumb (您当前所在的位置: 首页 > …) is not the title
    assert m.title == "市人民政府办公室关于印发《健康贵州遵义行动实施方案》的通知"


def test_an_issuer_without_its_place_takes_it_from_the_signature_or_the_title(records):
    zunyi = records["a11_zunyi_xingdong_fangan_tongzhi"].meta
    assert (zunyi.issuer, zunyi.region) == ("遵义市人民政府办公室", "遵义市")
    assert zunyi.provenance_of("issuer") == "signature"
    liupanshui = records["b13_liupanshui"].meta
    assert (liupanshui.issuer, liupanshui.region, liupanshui.level) == (
        "市人民政府办公室",
        "六盘水市",
        "city",
    )
    assert liupanshui.provenance_of("region") == "inferred"


def test_damaged_dates_and_doc_numbers(records):
    # a signature written 2020928, and a 文号 with spaces inside its brackets
    assert records["b13_liupanshui"].meta.date == "2020-09-28"
    dali = records["a13_dali_xingdong_yijian_tongzhi"].meta
    assert (dali.doc_number, dali.doc_number_raw) == ("大政办发〔2020〕33号", "大政办发 〔 2020〕 33号")
    assert dali.date == "2020-09-15"


def test_national_documents_are_national(records):
    for stem in ("a01_guowuyuan_shishi_yijian", "a02_guoban_kaohe_fangan_tongzhi"):
        m = records[stem].meta
        assert (m.level, m.region, m.province) == ("national", "中国", None), stem
    assert records["a02_guoban_kaohe_fangan_tongzhi"].meta.date == "2019-06-24"


def test_actions_under_themed_groups(records):
    # 全方位干预健康影响因素 → 1.实施健康知识普及行动: the action is the item one level down
    assert [(a.ordinal, a.name) for a in records["b08_bayuquan"].actions] == [(1, "实施健康知识普及行动")]
    assert [a.name_normalized for a in records["b08_bayuquan"].actions] == ["健康知识普及行动"]


def test_a_department_clause_cut_by_the_page_end_still_counts(records):
    (action,) = records["b08_bayuquan"].actions
    assert action.participants == [
        "区委宣传部",
        "区委网信办",
        "区文化旅游和广播电视局",
        "区科协",
        "区卫生健康局",
    ]
    assert action.lead == []


def test_every_real_set_builds_into_a_valid_graph(tmp_path, capsys):
    """The documents as found join one graph that conforms to the shapes; what cannot take its place
    in the cascade (no title, or no place to tell its level from) is refused by name, not the build."""
    from kg.cli import main

    built = {}
    for folder in (REAL, *HELD_OUT, FOURTH):
        store = tmp_path / folder.name
        assert main(["build", str(folder), "--store", str(store)]) == 0
        err = capsys.readouterr().err
        built[folder.name] = sorted(
            Path(line.split(":")[2].strip()).name
            for line in err.splitlines()
            if line.startswith("kg: refused:")
        )
        assert main(["validate", "--store", str(store)]) == 0
        capsys.readouterr()
    # (the township plans whose place is not written, 关于XX镇… / ***镇…, join by their title's level)
    assert built == {
        "real": [],
        "holdout": [],
        "holdout2": [],
        "holdout3": [],
        # the national plan's own text (the reference data holds it), and two openings without a heading
        "holdout4": [
            "f02_guojia_xingdong_zhuyao_zhibiao.txt",
            "f03_guojia_pinkun_diqu_jiankang_cujin_tongzhi.txt",
            "f12_xxjiedao_jiankang_chengqu_yijian.txt",
        ],
    }


def test_a_copy_of_the_national_source_is_refused_by_name(tmp_path, capsys):
    from kg.cli import main

    assert (
        main(
            [
                "build",
                str(FOURTH / "f02_guojia_xingdong_zhuyao_zhibiao.txt"),
                str(FOURTH / "f08_dongchangfu_shishi_yijian.txt"),
                "--store",
                str(tmp_path / "s"),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert (
        "f02_guojia_xingdong_zhuyao_zhibiao.txt: it is the national source 《健康中国行动（2019—2030年）》"
        in err
    )
    assert main(["validate", "--store", str(tmp_path / "s")]) == 0


def test_a_title_below_a_table_of_contents_and_a_redacted_place():
    # 目录/提纲:…… 一、指导思想 … （八）镇辖各村卫生 … then the title, its place redacted by the site (***镇)
    m = extract_file(FIXTURES / "holdout2" / "d04_qingtongguan_weishengzhen.txt").meta
    assert (m.title, m.provenance_of("title")) == ("***镇创建市级卫生镇工作实施方案", "heading")


def test_a_government_doc_number_without_fa_names_the_government_as_issuer():
    # 新政〔2018〕14号 is the 新郑市人民政府's number; the page's own publisher field held a spam name
    m = extract_file(FIXTURES / "holdout3" / "e09_xinzheng_huanjing_weisheng.txt").meta
    assert (m.issuer, m.issuer_inferred, m.provenance_of("issuer")) == ("新郑市人民政府", True, "doc_number")


@pytest.mark.parametrize(
    ("folder", "stem"),
    [
        ("holdout3", "e11_xxzhen_jiankang_xiangzhen"),  # 关于XX镇开展健康乡镇建设的方案
        ("holdout3", "e12_guangwumen_jiedao_chuangwei"),  # 国家卫生城市评审标准广武门街道工作方案
        ("holdout2", "d04_qingtongguan_weishengzhen"),  # ***镇创建市级卫生镇工作实施方案
    ],
)
def test_a_title_naming_a_township_gives_the_level(folder, stem):
    m = extract_file(FIXTURES / folder / f"{stem}.txt").meta
    assert (m.level, m.provenance_of("level")) == ("township", "title")


def test_words_with_township_characters_are_no_township():
    from kg.extract.meta import _title_township

    assert _title_township("关于推进健康乡镇建设的实施方案") is None
    assert _title_township("关于实施乡村振兴战略推进城乡环境卫生整治的意见") is None
    assert _title_township("关于XX镇开展健康乡镇建设的方案") == "township"


def test_what_the_fourth_set_taught():
    def meta(stem):
        return extract_file(FOURTH / f"{stem}.txt").meta

    # a document-sales page keeps the document's heading only as its file name (….docx)
    m = meta("f11_hongxingqiao_jiankang_xiangzhen_fangan")
    assert (m.title, m.provenance_of("title"), m.region, m.level) == (
        "虹星桥镇建设省级健康乡镇方案",
        "metadata",
        "虹星桥镇",
        "township",
    )
    # 创建省健康区: a campaign's words, not a province; 结合我区实际 says the level
    m = meta("f10_xxqu_chuangjian_jiankangqu_fangan")
    assert (m.region, m.level, m.provenance_of("level")) == (None, "county", "body")
    # a law database's labels glued to their values; no heading, so the cited 《关于…》 is no title
    m = meta("f03_guojia_pinkun_diqu_jiankang_cujin_tongzhi")
    assert (m.title, m.plan_title, m.doc_number, m.level) == (
        None,
        None,
        "国卫办宣传函〔2018〕907号",
        "national",
    )
    # a repost's byline and counters around the national plan's own title
    m = meta("f02_guojia_xingdong_zhuyao_zhibiao")
    assert (m.title, m.level) == ("健康中国行动(2019—2030年)", "national")
    # a withdrawn-page banner above the metadata; the goals of 二、工作目标任务 are targets, not actions
    r = extract_file(FOURTH / "f09_yongning_zhujianju_gongzuo_fangan.txt")
    assert (r.meta.title, r.meta.issuer, r.meta.region) == (
        "永宁县住房和城乡建设局2021年健康永宁建设工作实施方案",
        "永宁县住房和城乡建设局",
        "永宁县",
    )
    assert r.actions == ()
    assert [(i.name, [(t.comparator, t.value, t.unit) for t in i.targets]) for i in r.indicators] == [
        ("全体干部职工健康素养水平", [("=", "20", "%")]),
        ("经常参加体育锻炼人数比例", [(">=", "37", "%")]),
        ("肥胖率", [("<=", "12", "%")]),
    ]


def test_whom_a_document_is_sent_to_says_its_level():
    from kg.extract.meta import _addressee_level

    # a sub-district's opinion, its place masked: sent to its 社区 and the units in its area
    m = extract_file(FOURTH / "f12_xxjiedao_jiankang_chengqu_yijian.txt").meta
    assert (m.region, m.level, m.provenance_of("level")) == (None, "township", "addressees")
    assert _addressee_level("各省、自治区、直辖市卫生健康委:\n") == "national"
    assert _addressee_level("各市人民政府，省政府各部门、各直属机构：\n") == "province"
    assert _addressee_level("各县（市、区）人民政府，市政府各部门：\n") == "city"
    assert _addressee_level("各镇人民政府、街道办事处，区政府有关部门:\n") == "county"
    assert _addressee_level("各村（社区）、镇直各单位：\n") == "township"
    assert _addressee_level("市直各单位：\n") is None  # (not 各… at the line's start)
    assert _addressee_level("各市直单位：\n") is None  # a city's own departments say nothing of its level


def test_issuers_signing_together_a_line_each():
    from kg.extract.meta import _signature

    lines = ["……请结合实际贯彻落实。", "国家卫生健康委办公厅", "国务院扶贫办综合司", "2018年10月19日"]
    assert _signature(lines) == ("国家卫生健康委办公厅 国务院扶贫办综合司", "2018-10-19")
    assert _signature(["……制定本方案。", "晋城市人民政府", "2020年6月1日"]) == (
        "晋城市人民政府",
        "2020-06-01",
    )
