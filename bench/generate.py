"""Deterministic synthetic catalogue for benchmarks: N items in the real schema.

    python bench/generate.py 10000 /tmp/gk10k

writes a complete project (mkdocs.yml, content/, overrides/, catalogue/) whose
items span the example's columns, publishers and the years 2019–2026, with
规范性文件 in every validity state and 解读 linked to their documents. The text
is assembled from phrase pools written in the style of county documents, so
common words (关于, 县政府, 工作) are common and rare ones rare.
"""
from __future__ import annotations

import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "11349901MB1C2D3E3D"

PUBLISHERS = {
    "示例县人民政府": "示政", "示例县人民政府办公室": "示政办", "示例县发展和改革委员会": "示发改",
    "示例县财政局": "示财", "示例县统计局": "示统", "示例县人力资源和社会保障局": "示人社",
    "示例县应急管理局": "示应急", "示例县市场监督管理局": "示市监", "示例县自然资源和规划局": "示自然资规",
    "示例县住房和城乡建设局": "示建", "示例县教育局": "示教", "示例县卫生健康委员会": "示卫健",
    "示例县民政局": "示民", "示例县农业农村局": "示农",
}
# column name → (weight, 体裁 choices, topic)
COLUMNS = {
    "规范性文件": (8, ["通知", "意见", "决定"], "综合政务\\其他"),
    "其他文件": (10, ["通知", "函", "批复", "意见"], "综合政务\\文秘工作"),
    "政策解读": (5, ["解读", "图解"], "综合政务\\政务公开"),
    "规划信息": (2, ["规划", "方案"], "国民经济管理、国有资产监管\\宏观经济"),
    "统计信息": (3, ["数据", "公报"], "国民经济管理、国有资产监管\\统计"),
    "行政许可和对外管理服务": (6, ["公示", "指南"], "综合政务\\其他"),
    "行政处罚和行政强制": (6, ["公告", "其他"], "公安、安全、司法\\司法"),
    "财政预决算": (4, ["报告", "数据"], "财政、金融、审计\\财政"),
    "政府采购": (5, ["公告", "公示"], "财政、金融、审计\\财政"),
    "重大建设项目": (3, ["公示", "通知"], "国民经济管理、国有资产监管\\重大建设项目"),
    "乡村振兴": (4, ["通知", "公示"], "民政、扶贫、救灾\\扶贫"),
    "教育": (3, ["通知", "公告"], "科技、教育\\教育"),
    "医疗卫生": (3, ["通知", "公告"], "卫生、体育\\卫生"),
    "社会保障": (3, ["通知", "公告"], "劳动、人事、监察\\社会保障"),
    "促进就业": (3, ["通知", "公告"], "劳动、人事、监察\\劳动就业"),
    "应急预案": (1, ["方案"], "综合政务\\应急管理"),
    "预警信息及应对": (2, ["通告", "通知"], "综合政务\\应急管理"),
    "监督检查": (4, ["通告", "公告"], "市场监管、安全生产监管\\食品药品监管"),
    "人事信息": (2, ["公告", "公示"], "劳动、人事、监察\\人事工作"),
    "土地征收": (2, ["公告"], "国土资源、能源\\土地"),
    "社会救助": (2, ["通知", "公示"], "民政、扶贫、救灾\\社会福利"),
    "工作动态": (14, ["动态"], "综合政务\\其他"),
    "通知公告": (6, ["通知", "公告"], "综合政务\\其他"),
    "机构概况": (0.2, ["其他"], "综合政务\\其他"),
    "领导信息": (0.2, ["其他"], "劳动、人事、监察\\人事工作"),
    "其他法定公开信息": (0.5, ["公告"], "综合政务\\其他"),
    "市政建设": (1, ["通知", "公示"], "城乡建设、环境保护\\城乡建设（含住房）"),
    "公共服务": (1, ["通知", "公告"], "综合政务\\其他"),
    "公益事业": (0.5, ["公示"], "民政、扶贫、救灾\\社会福利"),
    "房屋征收": (0.5, ["公告"], "城乡建设、环境保护\\城乡建设（含住房）"),
    "治安管理": (1, ["通告"], "公安、安全、司法\\公安"),
}
SUBJECTS = ["营商环境", "高标准农田", "防止返贫监测帮扶", "住房公积金", "城乡居民基本养老保险", "最低生活保障",
            "农村人居环境整治", "安全生产", "食品安全监督抽检", "义务教育招生", "家庭医生签约服务", "就业创业补贴",
            "森林防火", "防汛抗旱", "耕地保护", "老旧小区改造", "乡村振兴衔接资金", "政府采购意向", "重点项目建设",
            "农村宅基地管理", "城区停车设施", "燃气安全", "冬春农田水利建设", "公共租赁住房", "医疗保障",
            "残疾人两项补贴", "退役军人服务", "消防安全", "秸秆综合利用", "优化政务服务", "数字政府建设",
            "财政预算", "国有资产管理", "河长制", "林长制", "文明城市创建", "养老服务", "托育服务", "校园安全",
            "道路交通安全", "电动自行车充电设施", "农产品质量安全", "生猪稳产保供", "粮食生产", "供水保障"]
PLACES = ["城关镇", "青山镇", "河湾镇", "桃源镇", "石桥镇", "新集镇", "龙潭镇", "双塘镇", "白云乡", "松林乡",
          "长岭乡", "梅山乡", "城东产业园区", "凤鸣河流域"]
ACTIONS = ["做好", "进一步加强", "切实抓好", "全面推进", "扎实开展", "规范", "持续深化", "印发"]
SENTENCES = [
    "为深入贯彻落实党中央、国务院和省委、省政府关于{s}的决策部署，结合我县实际，现就有关事项通知如下。",
    "各乡镇人民政府，县政府各部门要高度重视{s}工作，成立工作专班，明确责任分工，确保各项任务落到实处。",
    "{p}要对照目标任务，建立工作台账，实行清单化管理，每月{d}日前将进展情况报县{s}工作领导小组办公室。",
    "县财政局要统筹安排资金{n}万元，重点支持{s}，加强资金监管，提高资金使用效益。",
    "截至{y}年{m}月底，全县累计完成{s}项目{n}个，完成投资{n2}万元，同比增长{r}%。",
    "对工作推进不力、造成不良影响的，依法依规严肃追究相关单位和人员责任。",
    "县{s}工作领导小组办公室设在县{o}，负责日常协调调度和督促检查。",
    "本通知自印发之日起施行，有效期{v}年。此前有关规定与本通知不一致的，以本通知为准。",
    "联系人：县{o}{k}股，联系电话：0550-60{t}。",
    "{y}年以来，{p}坚持问题导向，聚焦{s}中的难点堵点，推动形成一批可复制可推广的经验做法。",
    "申请人应当提交身份证明、申请表等材料，经乡镇人民政府初审、县级主管部门审核后，公示{d}日。",
    "抽检结果显示，{p}共抽检样品{n}批次，合格{n3}批次，不合格样品已依法处置。",
]
OFFICES = ["发展和改革委员会", "财政局", "农业农村局", "民政局", "人力资源和社会保障局", "住房和城乡建设局",
           "应急管理局", "市场监督管理局", "卫生健康委员会", "教育局"]


def sentence(rng: random.Random, subject: str, year: int) -> str:
    return rng.choice(SENTENCES).format(
        s=subject, p=rng.choice(PLACES), d=rng.randint(1, 28), n=rng.randint(3, 980), n2=rng.randint(100, 99000),
        n3=rng.randint(3, 900), r=round(rng.uniform(1, 25), 1), y=year, m=rng.randint(1, 12),
        o=rng.choice(OFFICES), v=rng.choice([2, 3, 5]), k=rng.choice(["综合", "业务", "法规", "计划财务"]),
        t=rng.randint(10000, 99999))


def body(rng: random.Random, subject: str, year: int) -> str:
    parts = []
    for h in range(rng.randint(1, 4)):
        parts.append(f"## {'一二三四'[h]}、{rng.choice(['工作目标', '主要任务', '保障措施', '工作要求', '基本情况'])}\n")
        parts.append("".join(sentence(rng, subject, year) for _ in range(rng.randint(2, 7))) + "\n")
    return "\n".join(parts)


def generate(n: int, out: Path, seed: int = 20261128) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for name in ("mkdocs.yml", "content", "overrides", "catalogue/site.yml", "catalogue/columns.yml",
                 "catalogue/assets"):
        src, dst = ROOT / name, out / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    (out / "hooks").symlink_to(ROOT / "hooks")
    # Small catalogues leave columns stale for months: the column single-veto checks would stop the build.
    # Like the example, items published before 审核记录 were kept (2026-12-01) were reviewed on paper.
    (out / "catalogue/inspection.yml").write_text("单项否决: {栏目不更新: 0, 长期未更新: 0, 空白栏目: 0}\n"
                                                  "审核记录: {起始日期: 2026-12-01}\n", encoding="utf-8")
    names, weights = list(COLUMNS), [COLUMNS[c][0] for c in COLUMNS]
    start, span = date(2019, 1, 2), (date(2026, 11, 20) - date(2019, 1, 2)).days
    serial: dict[int, int] = {}
    docno: dict[tuple[str, int], int] = {}
    documents: list[tuple[str, date]] = []       # (索引号, 发布日期) of 规范性文件/其他文件, for 解读
    for i in range(n):
        column = rng.choices(names, weights)[0]
        _, genres, topic = COLUMNS[column]
        published = start + timedelta(days=rng.randrange(span))
        signed = published - timedelta(days=rng.randint(1, 12))
        year = signed.year
        serial[year] = serial.get(year, 0) + 1
        index_no = f"{CODE}/{year}-{serial[year]:05d}"
        publisher = rng.choice(list(PUBLISHERS))
        subject = rng.choice(SUBJECTS)
        genre = rng.choice(genres)
        title = {"动态": f"{rng.choice(PLACES)}{rng.choice(ACTIONS)}{subject}工作",
                 "解读": f"《关于{rng.choice(ACTIONS)}{subject}工作的通知》政策解读",
                 "图解": f"图解：{subject}政策要点"}.get(
            genre, f"{publisher}关于{rng.choice(ACTIONS)}{year}年{subject}工作的{genre}")
        lines = ["---", f"标题: {title}", f"索引号: {index_no}", f"发布机构: {publisher}"]
        if genre in ("通知", "意见", "决定", "函", "批复"):
            key = (PUBLISHERS[publisher], year)
            docno[key] = docno.get(key, 0) + 1
            lines.append(f"文号: {PUBLISHERS[publisher]}〔{year}〕{docno[key]}号")
        lines += [f"成文日期: {signed}", f"发布日期: {published}", f"栏目: {column}", f"主题分类: {topic}",
                  f"体裁: {genre}"]
        if column == "规范性文件":
            state = rng.choices(["现行有效", "已修改", "已废止", "已失效", "部分失效"], [70, 8, 10, 8, 4])[0]
            lines.append(f"有效性: {state}")
            lines.append(f"生效日期: {published}")
            if state == "已废止":
                lines.append(f"废止日期: {published + timedelta(days=rng.randint(30, 900))}")
            lines.append(f"失效日期: {published + timedelta(days=365 * rng.choice([2, 5]))}")
        if column == "政策解读" and documents:
            target, when = rng.choice(documents[-50:])
            if when <= published:
                lines.append(f"关联: [{{索引号: {target}, 关系: 解读}}]")
        lines.append(f"内容概述: 明确{subject}的目标任务、责任分工和保障措施。")
        lines.append(f"关键词: [{subject}]")
        lines.append("---")
        if column in ("规范性文件", "其他文件"):
            documents.append((index_no, published))
        path = out / "catalogue/items" / f"{i // 1000:03d}" / f"{year}-{serial[year]:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "\n".join(lines) + "\n\n" + body(rng, subject, year)
        path.write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {sys.argv[1]} items to {sys.argv[2]}")
