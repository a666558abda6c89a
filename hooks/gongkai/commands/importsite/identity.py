"""Identity of imported items: duplicates merged, 索引号 kept (valid and unique) or assigned in the
site's scheme, the import state that makes a re-run find the same items again."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from .. import newitem
from ...stages import validate
from ...core.cache import digest
from .fields import norm

STATE = "catalogue/import-site.json"


def content_key(title: str, text: str) -> str:
    return digest(norm(title), norm(text))


def text_hash(text: str) -> str:
    return digest(text)


# JSON, not cache.load_state's pickle: the file is committed with the catalogue, read by people and
# reviewed in merge requests, and a committed file must never be unpickled.
def load_state(root: Path) -> dict:
    path = root / STATE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"items": {}}
    return data if isinstance(data.get("items"), dict) else {"items": {}}


def save_state(root: Path, state: dict) -> None:
    path = root / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class Numbers:
    """索引号 for imported items: the old one when it fits the site's scheme and is free, else the next
    free serial of the item's year (one scan of the used numbers, then counted up in memory)."""

    def __init__(self, site: dict, used: set[str]):
        self.site = site
        self.rx = validate.index_regex(newitem._pattern(site), site)
        self.used = set(used)
        self.top: dict[int | None, int] = {}
        for n in self.used:
            m = self.rx.match(n)
            if m:
                year = int(m.group("year")) if "year" in self.rx.groupindex else None
                self.top[year] = max(self.top.get(year, 0), int(m.group("serial")))

    def valid(self, number: str) -> bool:
        return bool(self.rx.match(number))

    def take(self, number: str) -> None:
        self.used.add(number)
        m = self.rx.match(number)
        if m:
            year = int(m.group("year")) if "year" in self.rx.groupindex else None
            self.top[year] = max(self.top.get(year, 0), int(m.group("serial")))

    def new(self, when: date) -> str:
        year = when.year if "year" in self.rx.groupindex else None
        serial = self.top.get(year, 0) + 1
        number = newitem.format_index(self.site, when, serial)
        self.take(number)
        return number

    def serial(self, number: str) -> str:
        m = self.rx.match(number)
        return m.group("serial") if m else re.sub(r"\W+", "-", number)[-12:]
