"""Stage 3 — model: typed objects built from validated records."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core import schema
from .load import Inputs
from .validate import Validated


@dataclass
class Attachment:
    path: str          # relative to the item's folder, as written
    title: str
    size: int
    src: Path          # file on disk

    @property
    def ext(self) -> str:
        return self.path.rsplit(".", 1)[-1].lower() if "." in self.path else ""


@dataclass
class Relation:
    index_no: str
    relation: str      # schema.RELATIONS, read "this item <relation> target"


@dataclass
class Revision:
    date: date
    note: str          # what changed and why


@dataclass
class Review:
    stage: str         # schema.REVIEW_STAGES
    reviewer: str
    role: str
    date: date
    opinion: str       # 通过 | 退回
    note: str
    cleared: list[str] = field(default_factory=list)   # 放行: marks the 保密审查 found to be false positives
    position: int = 0  # 1-based place in the front matter's list


@dataclass
class Withdrawal:
    date: date
    reason: str        # schema.WITHDRAWAL_REASONS, shown on the notice
    decided_by: str
    note: str = ""     # internal


@dataclass
class Item:
    index_no: str
    slug: str
    title: str
    publisher: str
    column: str                      # leaf column slug
    date_published: date
    summary: str
    source: str                      # file path relative to the project root
    body: str
    body_line: int = 1
    co_publishers: list[str] = field(default_factory=list)
    doc_no: str | None = None
    registration_no: str | None = None
    date_signed: date | None = None
    date_generated: date | None = None
    date_effective: date | None = None
    date_expires: date | None = None
    date_repealed: date | None = None
    topic: str | None = None
    genre: str = "其他"
    disclosure_mode: str = "主动公开"
    disclosure_scope: str = "面向社会"
    time_limit: str | None = None
    validity: str | None = None
    keywords: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    policy_phone: str | None = None
    report_year: int | None = None
    scheduled: bool | None = None            # 定时发布: held back until 发布日期
    standard_rows: list[str] = field(default_factory=list)   # 标准目录事项 it fulfils
    pii_allowed: list[str] = field(default_factory=list)     # 个人信息例外
    pii_reason: str | None = None
    revisions: list[Revision] = field(default_factory=list)       # 修订记录, oldest first
    former_index_nos: list[str] = field(default_factory=list)     # 曾用索引号: old addresses redirect here
    old_urls: list[str] = field(default_factory=list)             # 原网址: the old site's addresses redirect here
    withhold_reason: str | None = None                            # 不予公开理由
    reviews: list[Review] = field(default_factory=list)           # 审核记录 (never published)
    withdrawal: Withdrawal | None = None                          # 撤回
    mtime_ns: int = 0

    @property
    def public(self) -> bool:
        """Published with body and attachments: 主动公开 and not withdrawn."""
        return self.disclosure_mode == schema.PUBLIC_MODE and self.withdrawal is None

    @property
    def year(self) -> int:
        return self.date_published.year

    @property
    def topic_top(self) -> str | None:
        return self.topic.split("\\")[0] if self.topic else None


@dataclass
class Column:
    name: str
    slug: str
    description: str
    frequency: str
    kind: str
    doc_class: str | None
    path: str                         # names from the root, joined by /
    children: list["Column"] = field(default_factory=list)
    parent: "Column | None" = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self):
        return [c for c in self.walk() if c.is_leaf]


@dataclass
class Topic:
    name: str
    slug: str
    children: list[str]


@dataclass
class Channel:
    name: str
    how: str


@dataclass
class Publisher:
    name: str
    slug: str


@dataclass
class Site:
    body_name: str
    credit_code: str
    area_code: str
    office_name: str
    office_address: str
    office_hours: str
    office_phone: str
    office_fax: str
    office_online: str
    office_postcode: str | None
    channels: list[Channel]
    publishers: list[Publisher]
    sponsor: str
    site_code: str | None
    icp: str | None
    psb: str | None
    gov_mark: str | None
    footer_by_portal: bool
    index_pattern: str
    page_size: int
    home_latest: int
    label_guide: str
    label_rules: str
    label_statutory: str
    label_reports: str
    label_apply: str
    retired_index_nos: list[str] = field(default_factory=list)    # 已停用索引号: never assigned again
    list_withheld: bool = False       # 目录列出非主动公开信息: metadata rows in catalogue.json/csv
    search_sites: list[dict] = field(default_factory=list)      # 联合检索: {名称, 地址}, this site first


@dataclass
class Catalogue:
    site: Site
    columns: list[Column]             # the tree
    topics: list[Topic]
    items: list[Item]                 # newest first
    pages: dict[str, str]             # hand-written content: rel path → Markdown
    root: Path
    today: date
    updated: dict[str, date] = field(default_factory=dict)   # rel path → last change
    scheduled: list[Item] = field(default_factory=list)      # 发布日期 after today: held back until then
    withheld: list[Item] = field(default_factory=list)       # 依申请公开, 不予公开: never published
    withdrawn: list[Item] = field(default_factory=list)      # 撤回: only a notice at the old address
    inputs: Inputs | None = None      # the loaded records the stages after the model use (reports, settings …)

    def every_item(self) -> list[Item]:
        """Every valid item, published or not: what every check runs on."""
        return self.items + self.scheduled + self.withheld + self.withdrawn

    def column_list(self) -> list[Column]:
        return [c for top in self.columns for c in top.walk()]


def _column(node: dict, parent: Column | None) -> Column:
    col = Column(node["name"], node["slug"], node["description"], node["frequency"], node["kind"],
                 node["doc_class"], node["path"], parent=parent)
    col.children = [_column(child, col) for child in node["children"]]
    return col


def _item(rec: dict) -> Item:
    fields = {k: v for k, v in rec.items() if k in Item.__dataclass_fields__}
    fields["attachments"] = [Attachment(a["path"], a["title"], a["size"], a["src"]) for a in rec["attachments"]]
    fields["relations"] = [Relation(r["index_no"], r["relation"]) for r in rec["relations"]]
    fields["revisions"] = [Revision(r["date"], r["note"]) for r in rec["revisions"]]
    fields["reviews"] = [Review(**r) for r in rec["reviews"]]
    fields["withdrawal"] = Withdrawal(**rec["withdrawal"]) if rec.get("withdrawal") else None
    return Item(**fields)


def build(valid: Validated, inputs: Inputs, today: date) -> Catalogue:
    s = dict(valid.site)
    s["channels"] = [Channel(**c) for c in s["channels"]]
    s["publishers"] = [Publisher(**p) for p in s["publishers"]]
    site = Site(**s)
    items = sorted((_item(r) for r in valid.items), key=lambda i: (i.date_published, i.index_no), reverse=True)
    # Only public items reach the pages, lists, search, feeds and exports.
    return Catalogue(site, [_column(n, None) for n in valid.columns],
                     [Topic(**t) for t in valid.topics], [i for i in items if i.public and i.date_published <= today],
                     valid.pages, inputs.root, today, valid.updated,
                     [i for i in items if i.public and i.date_published > today],
                     [i for i in items if i.disclosure_mode != schema.PUBLIC_MODE],
                     [i for i in items if i.withdrawal is not None], inputs)
