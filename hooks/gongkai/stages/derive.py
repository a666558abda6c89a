"""Stage 4 — derive: indexes over the catalogue (by column, year, publisher,
topic; links in both directions; effective validity)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .model import Catalogue, Column, Item


@dataclass
class Link:
    item: Item
    relation: str          # as written on the source item (schema.RELATIONS)


@dataclass
class Indexes:
    by_index: dict[str, Item]
    columns: dict[str, Column]                   # slug → column (all levels)
    by_column: dict[str, list[Item]]             # slug → items, newest first (parents roll up)
    by_year: dict[int, list[Item]]
    by_publisher: dict[str, list[Item]]          # publisher slug → items
    by_topic: dict[str, list[Item]]              # first-level topic slug → items
    outgoing: dict[str, list[Link]]              # index_no → targets it links to
    incoming: dict[str, list[Link]]              # index_no → items linking to it
    validity: dict[str, str]                     # index_no → effective 有效性
    publisher_slug: dict[str, str] = field(default_factory=dict)
    topic_slug: dict[str, str] = field(default_factory=dict)

    def replacements(self, item: Item) -> list[Item]:
        """Items that replace or repeal this one."""
        return [link.item for link in self.incoming.get(item.index_no, [])
                if link.relation in ("替代", "废止")]

    def interpretations(self, item: Item) -> list[Item]:
        return [link.item for link in self.incoming.get(item.index_no, []) if link.relation == "解读"]


def effective_validity(item: Item, today) -> str | None:
    """有效性 as shown: a document whose 有效期 has ended is 已失效, one past its 废止日期 已废止."""
    if item.validity in ("已废止", "已失效") or item.validity is None:
        return item.validity
    if item.date_expires and item.date_expires < today:
        return "已失效"
    if item.validity == "现行有效" and item.date_repealed and item.date_repealed <= today:
        return "已废止"
    return item.validity


def derive(cat: Catalogue) -> Indexes:
    columns = {c.slug: c for c in cat.column_list()}
    by_index = {i.index_no: i for i in cat.items}
    by_column: dict[str, list[Item]] = {slug: [] for slug in columns}
    by_year: dict[int, list[Item]] = defaultdict(list)
    publisher_slug = {p.name: p.slug for p in cat.site.publishers}
    topic_slug = {t.name: t.slug for t in cat.topics}
    by_publisher: dict[str, list[Item]] = {p.slug: [] for p in cat.site.publishers}
    by_topic: dict[str, list[Item]] = {t.slug: [] for t in cat.topics}
    outgoing: dict[str, list[Link]] = defaultdict(list)
    incoming: dict[str, list[Link]] = defaultdict(list)
    for item in cat.items:                         # already newest first
        col = columns[item.column]
        while col is not None:
            by_column[col.slug].append(item)
            col = col.parent
        by_year[item.year].append(item)
        by_publisher[publisher_slug[item.publisher]].append(item)
        if item.topic_top:
            by_topic[topic_slug[item.topic_top]].append(item)
        for rel in item.relations:
            target = by_index.get(rel.index_no)
            if target is None:                     # scheduled: linked once it is published
                continue
            outgoing[item.index_no].append(Link(target, rel.relation))
            incoming[target.index_no].append(Link(item, rel.relation))
    validity = {i.index_no: effective_validity(i, cat.today) for i in cat.items}
    return Indexes(by_index, columns, by_column, dict(sorted(by_year.items(), reverse=True)),
                   by_publisher, by_topic, dict(outgoing), dict(incoming), validity,
                   publisher_slug, topic_slug)


def pages_of(items: list, size: int) -> list[list]:
    """Split a listing into pages; an empty listing still has one (empty) page."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]
