"""Stage 4b — inspection: the 检查指标 run on the catalogue before anything is published.

Runs after derive, on every build and on `make check`. Each finding is a Problem
with a stable code, a severity (error blocks publishing), the item or column it
concerns (subject), a Chinese explanation and the rule it comes from. The single-
veto items of 国办秘函〔2019〕19号 are summarised as a pass/fail table with evidence.
Built-site checks (links, footer) are in linkcheck.py; reports in inspection_report.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from ..stages import load
from ..annual import report_data
from ..core import sanitize, schema
from ..stages.derive import Indexes, effective_validity
from ..stages.model import Catalogue, Column, Item
from ..core.problems import ERROR, WARNING, Problem
from ..stages.settings import NilRecord, Settings
from ..stages.validate import nearest

VETO_RULE = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决"
R_ART26 = "《政府信息公开条例》第二十六条：主动公开的政府信息自形成或者变更之日起20个工作日内公开"
R_STALE = VETO_RULE + "“栏目不更新”：动态要闻类2周、通知公告和政策文件类6个月未更新"
R_STALE_LONG = VETO_RULE + "“栏目不更新”：应更新而长期未更新的栏目≥10个"
R_EMPTY = VETO_RULE + "“栏目不更新”：空白栏目≥5个"
R_HOME = VETO_RULE + "“首页不更新”：监测前2周内首页无更新"
R_FAKE = VETO_RULE + "“安全、泄密事故等严重问题”：伪造发稿日期等弄虚作假"
R_VALIDITY = "行政规范性文件有效期和清理制度（国办发〔2018〕37号）；有效性须如实标注"
R_INTERP = "政策文件与解读材料关联发布（检查指标“解读回应”）"
R_PII = "《政府信息公开条例》第十五条、《个人信息保护法》：不得公开个人隐私"
R_WORDS = "三审三校；检查指标“严重表述错误”“错别字”"
R_SECRET = "《政府信息公开条例》第十四条、保密审查：涉密信息不得公开"
R_MARKUP = "网站安全（挂马、篡改）；不得有第三方脚本和弹窗"
R_CALENDAR = "工作日按国务院办公厅节假日安排计算，调休上班日为工作日（working-days.md）"
R_REGISTER = "依申请公开登记表含申请办理信息，不得公开（条例第十五条）"
R_MARK = "《保守国家秘密法》《政府信息公开条例》第十七条：公开前依法进行保密审查，标有密级或内部标志的信息不得公开"
R_REVIEW = "本机关信息发布审核制度：三审（初审、复审、终审）和保密审查，发布审核单存档不少于三年"
R_STANDARD = "《关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）：按标准目录公开"
REPLY_DAYS, EXTENSION_DAYS = 20, 20       # Art. 33
NEWS, NOTICE, POLICY = "动态要闻", "通知公告", "政策文件"


@dataclass(frozen=True)
class Finding(Problem):
    subject: str = ""        # 索引号, column name, page …
    rule: str = ""           # where the rule comes from

    def format(self) -> str:
        return super().format() + (f"（依据：{self.rule}）" if self.rule else "")


@dataclass
class ColumnState:
    column: Column
    count: int
    latest: date | None
    limit: str                # the freshness rule in words, "" when 按需
    cutoff: date | None       # stale when the latest update is older
    nil: NilRecord | None
    status: str               # 正常 | 未更新 | 空白 | 本期无此类信息 | 按需更新


@dataclass
class VetoRow:
    name: str
    standard: str
    status: str               # 通过 | 不通过 | 需核实 | 构建时不检查
    evidence: list[str] = field(default_factory=list)


@dataclass
class Inspection:
    today: date
    site_name: str
    findings: list[Problem]                       # validation problems and inspection findings
    items: int = 0
    columns: list[ColumnState] = field(default_factory=list)
    veto: list[VetoRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scheduled: list[Item] = field(default_factory=list)
    withdrawn: list[Item] = field(default_factory=list)       # 撤回: a notice only
    withheld: list[Item] = field(default_factory=list)        # 依申请公开, 不予公开: not published
    exceptions: list[str] = field(default_factory=list)       # declared 个人信息例外, for reviewers
    requests: list[dict] = field(default_factory=list)        # open 依申请 cases: deadline and days left
    external_links: list[tuple[str, str]] = field(default_factory=list)   # (page, URL)
    links_checked: bool = False
    complete: bool = True                         # False when validation errors stopped the inspection

    @property
    def errors(self) -> list[Problem]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [f for f in self.findings if f.severity != ERROR]


# --- helpers ----------------------------------------------------------------

def months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def mask(value: str) -> str:
    """Show enough of a number to find it, never all of it."""
    digits = value.replace(" ", "").replace("-", "")
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def field_line(cat: Catalogue, item: Item, key: str) -> int:
    src = cat.inputs.source(item.source) if cat.inputs else None
    return (src.key_lines if src else {}).get(key, 2)


# --- the inspection ---------------------------------------------------------

class Inspector:
    def __init__(self, cat: Catalogue, idx: Indexes, settings: Settings, entered: dict[str, date] | None):
        self.cat, self.idx, self.s, self.today = cat, idx, settings, cat.today
        self.cal = settings.calendar
        self.entered = entered
        self.findings: list[Problem] = []
        self.notes: list[str] = []
        self.exceptions: list[str] = []
        self.calendar_used: set[int] = set()
        self.checked = cat.items + cat.scheduled      # what is or will be published: every check runs on it

    def add(self, code: str, severity: str, subject: str, message: str, rule: str, hint: str = "",
            file: str = schema.ITEMS_DIR, line: int | None = None, field: str | None = None) -> None:
        self.findings.append(Finding(code, file, message, hint, line, field, severity, subject, rule))

    def item(self, code: str, severity: str, item: Item, message: str, rule: str, hint: str = "",
             field: str | None = None, line: int | None = None) -> None:
        if line is None and field:
            line = field_line(self.cat, item, field)
        self.add(code, severity, item.index_no, message, rule, hint, item.source, line, field)

    # --- 时效 -------------------------------------------------------------

    def time_limit(self, item: Item) -> tuple[int, bool, str]:
        """(days, working days?, where the limit comes from): the item's own 公开时限, else that of
        the 标准目录 row it fulfils, else Art. 26."""
        rows = self.s.standard.rows if self.s.standard else {}
        sources = [(item.time_limit, "本信息的公开时限")] + [
            (rows[k].time_limit, f"标准目录事项“{k}”的公开时限") for k in item.standard_rows if k in rows]
        for text, where in sources:
            text = text or ""
            for m in LIMIT.finditer(text):
                if not DURATION.search(text[max(0, m.start() - 5):m.start()]):   # “公告不少于30日” is no deadline
                    return int(m.group(1)), bool(m.group(2)), f"{where}“{text}”"
            if re.search(r"实时|及时|即时|当日", text):
                return self.s.limits["realtime"], True, f"{where}“{text}”"
        return self.s.limits["proactive"], True, "条例第二十六条"

    def timeliness(self) -> None:
        for item in self.cat.items:
            origin = item.date_generated or item.date_signed
            if origin is None or item.disclosure_mode != "主动公开" or item.date_published <= origin:
                continue
            n, working, source = self.time_limit(item)
            which = "生成日期" if item.date_generated and item.date_generated != item.date_signed else "成文日期"
            if working:
                deadline = self.cal.add(origin, n)
                if item.date_published <= deadline:
                    continue
                self.calendar_used.update(range(origin.year, item.date_published.year + 1))
                count = self.cal.count(origin, item.date_published)
                approx = self.cal.approximate(origin, item.date_published)
                took = f"{count}个工作日" + ("（按周一至周五估算，未含法定节假日）" if approx else "")
                unit = f"{n}个工作日"
            else:
                deadline = origin + timedelta(days=n)
                if item.date_published <= deadline:
                    continue
                took, unit = f"{(item.date_published - origin).days}天", f"{n}天"
            self.item("timeliness-late", WARNING, item,
                      f"{which} {origin} 之后第{took}才发布（{item.date_published}），超过{source}规定的{unit}，"
                      f"应在 {deadline} 前公开。", R_ART26,
                      "核对两个日期是否填错。确属逾期公开的，在合并请求中说明原因，并在年报“存在的主要问题及改进情况”中如实反映。",
                      "发布日期")

    # --- 栏目更新 -----------------------------------------------------------

    def freshness_rule(self, col: Column) -> tuple[str, date | None]:
        lim = self.s.limits
        if col.kind == NEWS:
            return f"动态要闻类，{lim['news']}天内须更新", self.today - timedelta(days=lim["news"])
        if col.kind in (NOTICE, POLICY):
            return f"{col.kind}类，{lim['policy_months']}个月内须更新", months_before(self.today, lim["policy_months"])
        months = schema.FREQUENCIES.get(col.frequency)
        if months is None:
            return "", None
        if months < 1:
            return f"更新周期{col.frequency}", self.today - timedelta(days=round(months * 28))
        return f"更新周期{col.frequency}", months_before(self.today, int(months))

    def column_states(self) -> list[ColumnState]:
        states = []
        for col in self.cat.column_list():
            if not col.is_leaf:
                continue
            items = self.idx.by_column[col.slug]
            latest = items[0].date_published if items else None
            nil = self.s.nil_for(col.slug, self.today)
            rule, cutoff = self.freshness_rule(col)
            updated = max(filter(None, [latest, nil.dated if nil else None]), default=None)
            if not items and nil is None:
                status = "空白"
            elif not items:
                status = "本期无此类信息"
            elif cutoff is not None and updated < cutoff:
                status = "未更新"
            else:
                status = "正常" if cutoff is not None else "按需更新"
            states.append(ColumnState(col, len(items), latest, rule, cutoff, nil, status))
        return states

    def columns(self, states: list[ColumnState]) -> list[VetoRow]:
        v = self.s.veto
        empty = [st for st in states if st.status == "空白"]
        stale = [st for st in states if st.status == "未更新"]
        for st in empty:
            expired = next(iter(self.s.nil.get(st.column.slug, [])), None)
            why = f"（“本期无此类信息”声明已于 {expired.until} 到期）" if expired and expired.until < self.today else ""
            self.add("column-empty", WARNING, st.column.name, f"栏目“{st.column.path}”没有任何信息{why}，是空白栏目。",
                     R_EMPTY, "发布本栏目的信息；确实没有此类信息的，在 catalogue/nil.yml 登记经审核的“本栏目本期无此类信息”声明。",
                     "catalogue/columns.yml")
        for st in stale:
            self.add("column-stale", WARNING, st.column.name,
                     f"栏目“{st.column.path}”最近一次更新是 {st.latest}，按“{st.limit}”应在 {st.cutoff} 之后有更新。",
                     R_STALE, "发布本栏目的新信息；本期确无此类信息的，在 catalogue/nil.yml 登记“本栏目本期无此类信息”声明。",
                     "catalogue/columns.yml")
        # veto (1): stale 动态要闻 columns plus stale 通知公告/政策文件 first-level columns
        units = [st.column.name for st in stale if st.column.kind == NEWS]
        policy_cutoff = months_before(self.today, self.s.limits["policy_months"])
        tops = []
        for col in self.cat.columns:
            if any(c.kind in (NOTICE, POLICY) for c in col.walk()):
                items = self.idx.by_column[col.slug]
                dates = [items[0].date_published] if items else []
                dates += [n.dated for c in col.leaves() if (n := self.s.nil_for(c.slug, self.today))]
                if not dates or max(dates) < policy_cutoff:
                    tops.append(col.name)
        units += tops
        rows = []
        for name, found, limit, rule, code, what in (
                ("（1）动态要闻类2周、通知公告和政策文件类一级栏目6个月未更新", units, v["stale"], R_STALE,
                 "column-stale-veto", "未按时更新的动态要闻类栏目和通知公告、政策文件类一级栏目"),
                ("（2）应更新而长期未更新的栏目", [st.column.name for st in stale], v["stale_long"], R_STALE_LONG,
                 "column-stale-long-veto", "应更新而长期未更新的栏目"),
                ("（3）空白栏目", [st.column.name for st in empty], v["empty"], R_EMPTY,
                 "column-empty-veto", "空白栏目")):
            failed = limit > 0 and len(found) >= limit
            if failed:
                self.add(code, ERROR, "栏目", f"{what}共{len(found)}个（达到单项否决的{limit}个）：{'、'.join(found)}。",
                         rule, "逐个更新这些栏目，或登记经审核的“本栏目本期无此类信息”声明，使数量降到阈值以下。",
                         "catalogue/columns.yml")
            rows.append(VetoRow("栏目不更新" + name, f"少于{limit}个" if limit else "已在 inspection.yml 中关闭",
                                "不通过" if failed else ("通过" if limit else "构建时不检查"),
                                [f"{len(found)}个" + (f"：{'、'.join(found)}" if found else "")]))
        return rows

    def nil_contradicted(self) -> None:
        for slug, records in self.s.nil.items():
            for rec in records:
                if not rec.current(self.today):
                    continue
                inside = [i for i in self.idx.by_column[slug] if rec.dated <= i.date_published <= rec.until]
                if inside:
                    self.add("nil-contradicted", WARNING, rec.column_name,
                             f"栏目“{rec.column_name}”登记了“本期无此类信息”（{rec.dated} 至 {rec.until}），"
                             f"但本期已发布 {len(inside)} 条信息（如“{inside[0].title}”）。", R_EMPTY,
                             "删除或改正 catalogue/nil.yml 中的这条声明。", rec.file, rec.line)

    def home(self) -> VetoRow:
        latest = self.cat.items[0] if self.cat.items else None
        cutoff = self.today - timedelta(days=self.s.limits["home"])
        ok = latest is not None and latest.date_published >= cutoff
        if not ok:
            when = f"最新一条信息发布于 {latest.date_published}" if latest else "首页没有任何信息"
            self.add("home-stale", WARNING, "首页", f"{when}，{self.s.limits['home']}天内（{cutoff} 以来）首页没有更新。",
                     R_HOME, "发布新的信息（工作动态、通知公告等）。")
        evidence = [f"最新信息：{latest.date_published}《{latest.title}》" if latest else "没有信息"]
        return VetoRow("首页不更新", f"{self.s.limits['home']}天内有更新", "通过" if ok else "不通过", evidence)

    # --- 发布日期 -----------------------------------------------------------

    def backdating(self) -> list[str]:
        if self.entered is None:
            self.notes.append("项目不在 git 仓库中，未检查“发布日期早于入库日期”。")
            return []
        tolerance = self.s.limits["backdate"]
        found, migrated = [], 0
        for item in self.cat.items:
            entered = self.entered.get(item.source, self.today)
            if (entered - item.date_published).days <= tolerance:
                continue
            if any(m.covers(item.date_published, entered) for m in self.s.migrations):
                migrated += 1
                continue
            found.append(item.index_no)
            self.item("backdated", WARNING, item,
                      f"发布日期早于入库日期：发布日期 {item.date_published}，本文件提交入库（git）的日期是 {entered}，"
                      f"早了{(entered - item.date_published).days}天。", R_FAKE,
                      "发布日期应填实际在本网站公开的日期；从原平台迁入的历史信息，在 catalogue/inspection.yml 的"
                      "“历史信息迁入”中登记迁入记录。", "发布日期")
        if migrated:
            self.notes.append(f"{migrated} 条信息按“历史信息迁入”记录核对，发布日期早于入库日期属迁入的历史信息。")
        return found

    def relations(self) -> None:
        scheduled = {i.index_no: i for i in self.cat.scheduled}
        for item in self.checked:
            for rel in item.relations:
                target = self.idx.by_index.get(rel.index_no) or scheduled.get(rel.index_no)
                if target is None:
                    continue
                if rel.relation == "解读" and target.date_published > item.date_published:
                    self.item("interpretation-early", ERROR, item,
                              f"解读的发布日期 {item.date_published} 早于所解读文件《{target.title}》的发布日期 "
                              f"{target.date_published}：政策文件公开之前不能先发解读。", R_INTERP,
                              "核对两个发布日期；解读应与文件同步或在文件之后发布。", "发布日期")
                elif rel.index_no in scheduled and item.index_no not in scheduled:
                    self.item("relation-scheduled", WARNING, item,
                              f"关联的《{target.title}》定于 {target.date_published} 发布，在此之前本页不显示这项关联。",
                              R_INTERP, "确认发布日期；到期后每日生成会自动加上关联。", "关联")

    # --- 有效性和解读 ---------------------------------------------------------

    def validity(self) -> None:
        for item in self.checked:
            shown = self.idx.validity.get(item.index_no) or effective_validity(item, self.today)
            if item.validity == "现行有效" and shown != "现行有效":
                when = item.date_expires if shown == "已失效" else item.date_repealed
                self.item("validity-expired", WARNING, item,
                          f"有效性仍写“现行有效”，但{'有效期' if shown == '已失效' else '废止日期'}已到（{when}），"
                          f"网站按“{shown}”显示。", R_VALIDITY,
                          f"经清理确认后把有效性改为“{shown}”；如已延续有效期，改正失效日期并说明依据。", "有效性")
            if item.validity == "已废止":
                if item.date_repealed is None:
                    self.item("repealed-no-date", ERROR, item, "有效性为“已废止”，但没有填写废止日期。", R_VALIDITY,
                              "增加一行“废止日期: YYYY-MM-DD”（废止文件规定的日期）。", "有效性")
                if not self.idx.replacements(item):
                    self.item("repealed-no-document", WARNING, item,
                              "有效性为“已废止”，但本站没有哪条信息声明废止或替代它，读者看不到废止依据。", R_VALIDITY,
                              "在废止它的文件中加“关联: - {索引号: " + item.index_no + ", 关系: 废止}”（或“替代”）。"
                              "废止文件不在本站的，在正文写明废止依据。", "有效性")
            if item.registration_no and not item.validity:
                self.item("registered-no-validity", WARNING, item,
                          f"有登记号（{item.registration_no}）的规范性文件没有填写有效性。", R_VALIDITY,
                          "增加一行“有效性: 现行有效”（或已修改、已废止、已失效、部分失效）。", "登记号")

    def interpretations(self) -> None:
        for item in self.cat.items:
            wanted = item.column in self.s.interpret_columns or item.genre in self.s.interpret_genres
            if not wanted or item.genre in ("解读", "图解"):
                continue
            if self.idx.validity.get(item.index_no) in ("已废止", "已失效"):
                continue
            if not self.idx.interpretations(item):
                self.item("interpretation-missing", WARNING, item,
                          f"《{item.title}》属于须有政策解读的文件（{self.idx.columns[item.column].name}/{item.genre}），"
                          "但没有解读与它关联。", R_INTERP,
                          "发布解读稿，在解读稿中写“关联: - {索引号: " + item.index_no + ", 关系: 解读}”。"
                          "哪些文件须有解读，在 catalogue/inspection.yml 的“需要解读”中设置。", "标题")

    # --- 正文扫描 -----------------------------------------------------------

    def texts(self, item: Item):
        """(text, field, line of a relative line number) for everything published with an item."""
        body = lambda rel: item.body_line + rel - 1  # noqa: E731
        front = lambda key: lambda rel: field_line(self.cat, item, key)  # noqa: E731 - read only on a hit
        yield item.title, "标题", front("标题")
        yield item.summary, "内容概述", front("内容概述")
        if item.keywords:
            yield "、".join(item.keywords), "关键词", front("关键词")
        yield item.body, None, body

    def scan_words(self) -> None:
        pages = [(f"content/{name}", text) for name, text in sorted(self.cat.pages.items())]
        targets = [(i.source, i.index_no, self.texts(i)) for i in self.checked]
        targets += [(rel, rel, [(text, None, lambda n: n)]) for rel, text in pages]
        for source, subject, parts in targets:
            for text, fld, line_of in parts:
                for wrong, right in self.s.typos.items():
                    for rel, n in _occurrences(text, wrong):
                        self.add("typo", WARNING, subject, f"疑似错别字“{wrong}”" + (f"（共{n}处）" if n > 1 else "") +
                                 f"，应为“{right}”。", R_WORDS, "核对后改正；确属正确用法的，请审核人确认。", source,
                                 line_of(rel), fld)
                for word in self.s.sensitive:
                    for rel, n in _occurrences(text, word):
                        self.add("sensitive-word", WARNING, subject, f"出现需审核的词语“{word}”" +
                                 (f"（共{n}处）" if n > 1 else "") + "。", R_SECRET,
                                 "请审核人确认本信息已经保密审查、可以公开，或删除该词语。", source, line_of(rel), fld)

    def unsafe_markup(self) -> None:
        """What the page's sanitiser would remove (sanitize.clean, as render applies it) is an error here."""
        for source, subject, text, first in markup_targets(self.checked, self.cat.pages):
            self.findings += markup_findings(source, subject, text, first)

    def personal_info(self) -> None:
        for item in self.checked:
            allowed = set(item.pii_allowed)
            if allowed and not (item.pii_reason or "").strip():
                self.item("pii-exception-reason", ERROR, item, "声明了个人信息例外，但没有写明理由。", R_PII,
                          "增加一行“个人信息例外理由: ……”，写明公开这些个人信息的法律依据。", "个人信息例外")
                allowed = set()
            hits = []
            for text, fld, line_of in self.texts(item):
                hits += [(kind, value, line_of(rel), fld, None) for kind, value, rel in find_pii(text)]
            for att in item.attachments:
                text = self.cat.inputs.text(att.src).text
                if text is None:
                    self.item("pii-unscanned", WARNING, item,
                              f"附件“{att.path}”无法提取文字（{att.ext or '无扩展名'}格式），未检查其中的个人信息。", R_PII,
                              "请审核人人工核对附件中没有身份证号、手机号、银行卡号；能转为 PDF、DOCX 或 XLSX 的请转换。", "附件")
                    continue
                hits += [(kind, value, None, "附件", att.path) for kind, value, _ in find_pii(text, 1)]
            for kind, value, line, fld, att in hits:
                where = f"附件“{att}”中" if att else ""
                if kind in allowed:
                    self.exceptions.append(f"{item.index_no}《{item.title}》{where}{kind} {mask(value)}（理由：{item.pii_reason}）")
                    continue
                self.item(f"pii-{PII_CODES[kind]}", ERROR, item, f"{where}含有未遮盖的{kind}：{mask(value)}。", R_PII,
                          f"删除或部分遮盖（如用 * 代替中间数字）；确需公开的，增加“个人信息例外: [{kind}]”和“个人信息例外理由”。",
                          fld, line)
        for name, text in sorted(self.cat.pages.items()):
            for kind, value, line in find_pii(text, 1):
                self.add(f"pii-{PII_CODES[kind]}", ERROR, f"content/{name}", f"含有未遮盖的{kind}：{mask(value)}。", R_PII,
                         "删除或部分遮盖（如用 * 代替中间数字）。", f"content/{name}", line)

    # --- 密级标志和审核记录 ---------------------------------------------------

    def secret_marks(self) -> None:
        """密级 and 内部 marks in any item (published or not: a marked document does not belong in an
        Internet-facing repository), in its fields, body, tables and attachments (also .docx headers and
        footers). A mark the 保密审查 found to be a false positive is cleared in the review record (放行)."""
        marks = self.s.secret_marks
        if not marks:
            return
        for item in self.cat.every_item():
            cleared = {}
            for rev in item.reviews:
                for mark in rev.cleared:
                    if rev.stage != "保密审查" or rev.opinion != "通过" or not rev.note:
                        self.item("mark-clearance", ERROR, item,
                                  f"审核记录第{rev.position}项（{rev.stage}，{rev.reviewer}）放行了“{mark}”，"
                                  "但只有意见为通过、写明理由的保密审查才能放行。", R_MARK,
                                  "由保密审查人在“保密审查”一项中写“放行: [标志]”，并在“说明”中写明为什么不属于密级标志。",
                                  "审核记录")
                    else:
                        cleared[mark] = rev
            hits = []
            for text, fld, line_of in self.texts(item):
                where = "正文" if fld is None else f"“{fld}”"
                for mark, rel, seen, in_table in find_marks(text, marks):
                    hits.append((mark, seen, f"{where}第{rel}行" + ("（表格中）" if in_table else "")
                                 if fld is None else where, line_of(rel), fld))
            for att in item.attachments:
                text, docx = self.cat.inputs.text(att.src)
                if not text or not any(m in text for m in marks):
                    continue
                parts = docx if att.ext == "docx" else [("", text)]
                for place, part in parts:
                    for mark, _, seen, _ in find_marks(part, marks):
                        hits.append((mark, seen, f"附件“{att.path}”" + (f"的{place}" if place else "") + "中", None, "附件"))
            for mark, seen, where, line, fld in hits:
                rev = cleared.get(mark)
                if rev is not None:
                    self.exceptions.append(f"{item.index_no}《{item.title}》{where}的“{seen}”经保密审查放行："
                                           f"{rev.reviewer}（{rev.role or '审核人'}），{rev.date}，理由：{rev.note}")
                    continue
                self.item("secret-mark", ERROR, item, f"{where}有密级或内部标志“{seen}”。", R_MARK,
                          "涉密或内部文件不得公开，也不要放入本仓库：撤下该文件，经保密审查、解密或删去标志后再导入。"
                          f"确属误报的（如普通文字），由保密审查人在审核记录中写“放行: [{mark}]”并写明理由。", fld, line)

    def review_records(self) -> None:
        """The 审核记录 an item needs before it is published (settings: 审核记录)."""
        s = self.s
        if not s.review_stages:
            return
        for item in self.checked:
            if s.review_columns is not None and item.column not in s.review_columns:
                continue
            if s.review_from is not None and item.date_published < s.review_from:
                continue
            for message in review_gaps(item.reviews, s.review_stages, item.date_published):
                self.item("review-record", ERROR, item, message, R_REVIEW,
                          "按审核顺序逐环节审核，每个环节由审核人运行 make sign 环节=… FILE=" + item.source +
                          " 记录本人意见；哪些环节、哪些栏目须审核在 catalogue/inspection.yml 的“审核记录”中设置。",
                          "审核记录")

    # --- 标准目录 -------------------------------------------------------------

    def standard(self) -> None:
        std = self.s.standard
        rows = std.rows if std else {}
        used: set[str] = set()
        for item in self.cat.items + self.cat.scheduled:
            for key in item.standard_rows:
                if key in rows:
                    used.add(key)
                    continue
                near = nearest(key, rows) if rows else None
                self.item("standard-row-unknown", ERROR, item, f"标准目录中没有事项“{key}”。", R_STANDARD,
                          (f"是否想写“{near}”？" if near else "") + ("事项写作“领域/二级事项”，见网站“基层政务公开标准目录”页面。"
                          if std else "本站没有配置标准目录（catalogue/standard.yml），请删除这一行。"), "标准目录事项")
        for key, row in rows.items():
            nil = self.s.nil_for_row(key, self.today)
            if nil is not None:
                inside = [i for i in self.cat.items if key in i.standard_rows and nil.dated <= i.date_published <= nil.until]
                if inside:
                    self.add("nil-contradicted", WARNING, key,
                             f"标准目录事项“{key}”登记了“本期无此类信息”（{nil.dated} 至 {nil.until}），"
                             f"但本期已发布 {len(inside)} 条信息（如“{inside[0].title}”）。", R_STANDARD,
                             "删除或改正 catalogue/nil.yml 中的这条声明。", nil.file, nil.line)
                continue
            if std.required(row) and key not in used:
                self.add("standard-row-empty", WARNING, key,
                         f"标准目录事项“{key}”（{row.content[:40]}）没有对应的公开信息，公开时限：{row.time_limit}。", R_STANDARD,
                         f"发布该事项的信息，并在信息中写“标准目录事项: [{key}]”；本机关不涉及该领域的，在 catalogue/standard.yml"
                         "的“未涉及领域”中说明。", row.file, row.line)

    # --- 依申请 -------------------------------------------------------------

    def requests(self) -> list[dict]:
        """Open applications in the register with their deadline and the working days left, for the
        report. Findings on late or overdue replies come from report.register_checks (register-late-reply,
        register-open), which runs in pipeline.check."""
        root = self.cat.root
        for item in self.checked:
            for att in item.attachments:
                if att.src.name == report_data.REGISTER_NAME or (root / report_data.REPORTS_DIR) in att.src.parents:
                    self.item("register-published", ERROR, item, f"附件“{att.path}”是依申请登记表或年报数据，不得公开。",
                              R_REGISTER, "从“附件”中删除，并删除该文件。", "附件")
        rel = f"{report_data.REPORTS_DIR}/{report_data.REGISTER_NAME}"
        file = next((f for f in self.cat.inputs.reports if f.rel == rel), None)
        if file is None:
            return []
        reg, _ = report_data.load_register(file, [c.name for c in self.cat.site.channels], self.today,
                                           report_data.format_of(self.cat.inputs))
        out = []
        for app in reg.applications if reg else []:
            if app.replied:
                continue
            start = app.corrected_on or app.received
            limit = REPLY_DAYS + (EXTENSION_DAYS if app.extended else 0)
            deadline = self.cal.add(start, limit)
            self.calendar_used.update(range(start.year, deadline.year + 1))
            left = self.cal.count(self.today, deadline) if deadline >= self.today else 0
            out.append({"ref": app.ref or f"第{app.line}行", "received": app.received.isoformat(),
                        "start": start.isoformat(), "limit": limit, "deadline": deadline.isoformat(),
                        "days_left": left, "overdue": self.today > deadline,
                        "unknown_restart": app.corrected and not app.corrected_on})
        return out

    # --- 工作日数据 ---------------------------------------------------------

    def calendar(self) -> None:
        years = sorted(y for y in self.calendar_used if not self.cal.covers(y))
        if years:
            ys = "、".join(map(str, years))
            self.add("calendar-fallback", WARNING, "工作日", f"{ys}年没有节假日数据，涉及这些年份的工作日按周一至周五估算，未含法定节假日和调休。",
                     R_CALENDAR, "国务院办公厅发布该年节假日安排后，在 catalogue/inspection.yml 的“工作日调整”中补录，"
                     "或升级 chinesecalendar 后重新生成。", "catalogue/inspection.yml")
        nxt = self.today.year + 1
        if self.today.month == 12 and not self.cal.covers(nxt):
            self.add("calendar-next-year", WARNING, "工作日", f"{nxt}年的节假日安排还没有录入，明年的工作日计算将按周一至周五估算。",
                     R_CALENDAR, f"国务院办公厅关于{nxt}年部分节假日安排的通知发布后，在 catalogue/inspection.yml 的"
                     "“工作日调整”中录入，或升级 chinesecalendar。", "catalogue/inspection.yml")

    # --- everything -------------------------------------------------------

    def run(self) -> Inspection:
        states = self.column_states()
        self.timeliness()
        rows = self.columns(states)
        self.nil_contradicted()
        home = self.home()
        backdated = self.backdating()
        self.relations()
        self.validity()
        self.interpretations()
        self.scan_words()
        self.unsafe_markup()
        self.personal_info()
        self.secret_marks()
        self.review_records()
        self.standard()
        open_requests = self.requests()
        self.calendar()
        if self.cat.withdrawn or self.cat.withheld:
            self.notes.append(f"另有已撤回的信息 {len(self.cat.withdrawn)} 条（原网址只显示撤回公告），依申请公开、不予公开的信息 "
                              f"{len(self.cat.withheld)} 条（不在网站上发布），不计入已发布信息。")
        serious = [f for f in self.findings if f.code.startswith(("pii-", "unsafe-markup", "secret-mark"))
                   and f.severity == ERROR]
        secret = [f for f in self.findings if f.code == "sensitive-word"]
        status = "不通过" if serious else ("需核实" if backdated or secret else "通过")
        evidence = [f"发布日期早于入库日期：{len(backdated)}条", f"不安全代码、未遮盖的个人信息、密级标志：{len(serious)}处",
                    f"需审核的敏感词：{len(secret)}处"]
        veto = [VetoRow("安全、泄密事故等严重问题（含伪造发稿日期）", "无", status, evidence),
                VetoRow("站点无法访问", "监测1周，每天20次以上访问，15秒打不开的比例<5%", "构建时不检查",
                        ["需上线后由监测系统检查；本站为静态文件，不依赖服务器程序"]),
                home, *rows,
                VetoRow("互动回应差", "留言3个月内答复", "构建时不检查", ["本站不含政务咨询、留言栏目"]),
                VetoRow("服务不实用", "办事指南要素齐全", "构建时不检查", ["本站不含办事服务栏目"])]
        return Inspection(self.today, self.cat.site.body_name, self.findings, len(self.cat.items), states, veto,
                          self.notes, list(self.cat.scheduled), list(self.cat.withdrawn), list(self.cat.withheld),
                          self.exceptions, open_requests)


PII_CODES = {"身份证号": "id-number", "手机号": "mobile", "银行卡号": "bank-card"}
LIMIT = re.compile(r"(\d+)\s*(?:(个?工作日)|个?(?:自然)?(?:日|天))")
DURATION = re.compile(r"(不少于|不得少于|至少|不超过|期为|期限)\s*$")
_ID = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
                 r"(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d.])(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![\d.])")
_CARD = re.compile(r"(?<![\d.])([3-6]\d{15,18}|[3-6]\d{3}(?: \d{4}){3}(?: \d{1,3})?)(?![\d.])")
_DIGITS = re.compile(r"\d[\d -]{10}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_ok(value: str) -> bool:
    """GB 11643 check digit and a real birth date."""
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == value[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_pii(text: str, first_line: int = 1) -> list[tuple[str, str, int]]:
    """(kind, value, line) of every unmasked 身份证号, 手机号 and 银行卡号 in text."""
    if not _DIGITS.search(text):            # every number looked for has 11 digits, spaces or dashes in a row
        return []
    found, taken = [], []

    def line_of(pos: int) -> int:
        return first_line + text.count("\n", 0, pos)

    for m in _ID.finditer(text):
        if id_number_ok(m.group(1)):
            found.append(("身份证号", m.group(1), line_of(m.start())))
            taken.append(m.span())
    for m in _CARD.finditer(text):
        digits = m.group(1).replace(" ", "")
        if luhn_ok(digits) and not any(a <= m.start() < b for a, b in taken):
            found.append(("银行卡号", m.group(1), line_of(m.start())))
            taken.append(m.span())
    for m in _MOBILE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(("手机号", m.group(1), line_of(m.start())))
    return found


_MARK_BEFORE = r"(?:^|(?<=[\s|　【（(\[「*#>：:]))"
_MARK_AFTER = r"(?=$|[\s|　】）)\]」*：:，,。])"


@lru_cache(maxsize=None)
def _mark_re(mark: str) -> re.Pattern:
    """A 密级 or 内部 mark: followed by ★ (with a 保密期限) or 启用前, standing alone (a line, table cell or
    bracketed word, possibly with a 保密期限), or — for marks of four or more characters — anywhere."""
    m = re.escape(mark)
    forms = [m + r"\s*[★☆＊](?:\s*(?:\d+\s*(?:年|个月)|长期|启用前))?", m + r"\s*启用前", _MARK_BEFORE + m + r"(?:\s*\d+\s*年)?" + _MARK_AFTER]
    if len(mark) >= 4:
        forms.append(m)
    return re.compile("|".join(forms))


def find_marks(text: str, marks) -> list[tuple[str, int, str, bool]]:
    """(mark, line from 1, text found, in a Markdown table?) for each line with a mark (longest marks first)."""
    if not any(mark in text for mark in marks):
        return []
    found = []
    ordered = sorted(marks, key=len, reverse=True)
    for n, line in enumerate(text.split("\n"), 1):
        for mark in ordered:
            if mark in line:
                hit = _mark_re(mark).search(line)
                if hit:
                    found.append((mark, n, hit.group(0).strip(), line.lstrip().startswith("|")))
                    break
    return found


def review_gaps(reviews, stages: list[str], published: date) -> list[str]:
    """What keeps a review record from allowing publication on `published`: every stage in `stages` passed
    (通过) in that order after the last 退回, no entry dated after 发布日期 or before the entry above it."""
    out = []
    for prev, rev in zip([None] + list(reviews), reviews):
        if rev.date > published:
            out.append(f"审核记录第{rev.position}项（{rev.stage}，{rev.reviewer}）的日期 {rev.date} 晚于发布日期 {published}："
                       "须审核后才能发布。")
        if prev is not None and rev.date < prev.date:
            out.append(f"审核记录第{rev.position}项（{rev.stage}）的日期 {rev.date} 早于上一项（{prev.stage}，{prev.date}）："
                       "各项应按审核先后排列。")
    last_return = max((n for n, r in enumerate(reviews) if r.opinion == "退回"), default=-1)
    after = list(reviews)[last_return + 1:]
    passed = {}
    for n, rev in enumerate(after):
        if rev.opinion == "通过" and rev.stage in stages and rev.stage not in passed:
            passed[rev.stage] = (n, rev)
    missing = [st for st in stages if st not in passed]
    if missing:
        since = f"（第{reviews[last_return].position}项{reviews[last_return].stage}退回后须重新审核）" if last_return >= 0 else ""
        out.append("审核记录不完整：缺少" + "、".join(missing) + f"的“通过”意见{since}。")
    done = [st for st in stages if st in passed]
    for a, b in zip(done, done[1:]):
        (na, ra), (nb, rb) = passed[a], passed[b]
        if nb < na or rb.date < ra.date:
            out.append(f"审核顺序不对：{b}（{rb.date}，{rb.reviewer}）在{a}（{ra.date}）之前；应按"
                       + "→".join(stages) + "的顺序审核。")
    return out


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    """[(line of the first occurrence, 1-based within text, count)] or []."""
    n = text.count(word)
    return [(1 + text.count("\n", 0, text.index(word)), n)] if n else []


def markup_findings(source: str, subject: str, text: str, first: int) -> list[Problem]:
    """An unsafe-markup error for each part of a Markdown text (starting at line `first` of its file)
    that the page's sanitiser removes."""
    return [Finding("unsafe-markup", source, f"正文含有不安全的代码：{what}。发布时会被删除。",
                    "删除这段代码。需要展示外部视频或地图的，改为普通链接；图片请放在本信息文件夹中。",
                    first + line - 1, None, ERROR, subject, R_MARKUP)
            for line, what in sanitize.markdown_findings(text)]


def markup_targets(items: list[Item], pages: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """(file, subject, Markdown, its first line) of the given bodies and every hand-written page."""
    targets = [(i.source, i.index_no, i.body, i.body_line) for i in items]
    return targets + [(f"content/{n}", f"content/{n}", t, 1) for n, t in sorted(pages.items())]


def inspect(cat: Catalogue, idx: Indexes, settings: Settings, entered: dict[str, date] | None) -> Inspection:
    return Inspector(cat, idx, settings, entered).run()


def failed(today: date, problems: list[Problem]) -> Inspection:
    """The inspection of a catalogue that did not validate: its problems only."""
    return Inspection(today, "", list(problems), complete=False,
                      notes=["公开目录有错误，未进行自查。改正以上错误后重新运行。"])


def partial(today: date, problems: list[Problem], sources: list[load.Source], pages: dict[str, str],
            cat: Catalogue | None = None, idx: Indexes | None = None, settings: Settings | None = None,
            entered: dict[str, date] | None = None) -> Inspection:
    """The inspection of a catalogue with errors, so that one run lists everything it can: the checks of
    single items (时效, 错别字, 不安全代码, 个人信息) on the items that validated (in cat, when there is one),
    the unsafe-code and personal-data scans on every other item file that could be read and on the
    hand-written pages. The checks that need the whole catalogue (栏目更新, 单项否决, 标准目录) wait
    until the errors are fixed."""
    findings = list(problems)
    done: set[str] = set()
    if cat is not None and idx is not None and settings is not None:
        ins = Inspector(cat, idx, settings, entered)
        ins.timeliness()
        ins.scan_words()
        ins.unsafe_markup()               # items and pages
        ins.personal_info()
        findings += ins.findings
        done = {i.source for i in cat.items + cat.scheduled}
    else:
        for name, text in sorted(pages.items()):
            findings += scan_page(f"content/{name}", text)
    for src in sources:
        if src.rel not in done:
            findings += scan_source(src)
    return Inspection(today, cat.site.body_name if cat else "", findings, complete=False,
                      notes=["公开目录有错误，本次只检查了各条信息本身（不安全代码、个人信息等）；栏目更新、单项否决、"
                             "标准目录等需要完整目录的检查，改正以上错误后重新运行才会进行。"])


def scan_page(rel: str, text: str) -> list[Problem]:
    """Unsafe code and personal data in a hand-written page."""
    out = markup_findings(rel, rel, text, 1)
    out += [Finding(f"pii-{PII_CODES[kind]}", rel, f"含有未遮盖的{kind}：{mask(value)}。", "删除或部分遮盖（如用 * 代替中间数字）。",
                    line, None, ERROR, rel, R_PII) for kind, value, line in find_pii(text, 1)]
    return out


def scan_source(src: load.Source) -> list[Problem]:
    """Unsafe code and personal data in an item file that did not validate, from its fields as written."""
    subject = str(src.meta.get("索引号") or src.rel)
    out = markup_findings(src.rel, subject, src.body, src.body_line)
    declared = src.meta.get("个人信息例外")
    allowed = set(declared) if isinstance(declared, list) and str(src.meta.get("个人信息例外理由") or "").strip() else set()
    parts = [(src.meta.get(key), key, src.key_lines.get(key, 2)) for key in ("标题", "内容概述", "关键词")]
    parts = [("、".join(map(str, v)) if isinstance(v, list) else str(v), key, line) for v, key, line in parts if v]
    for text, key, line in parts + [(src.body, None, src.body_line)]:
        for kind, value, rel in find_pii(text, 1):
            if kind not in allowed:
                out.append(Finding(f"pii-{PII_CODES[kind]}", src.rel, f"含有未遮盖的{kind}：{mask(value)}。",
                                   f"删除或部分遮盖（如用 * 代替中间数字）；确需公开的，增加“个人信息例外: [{kind}]”和“个人信息例外理由”。",
                                   line if key else line + rel - 1, key, ERROR, subject, R_PII))
    return out
