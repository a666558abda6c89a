"""工作日 calendar (spec: working-days.md).

A working day is a weekday that is not a statutory holiday, or a weekend day
declared a 调休 make-up working day. Sources, in order:
  1. site overrides (catalogue/inspection.yml “工作日调整”): a year listed there
     is authoritative, whether or not the package covers it;
  2. the `chinese_calendar` package (chinesecalendar, pinned);
  3. fallback for uncovered years: Monday–Friday, holidays unknown. Every year
     that needed the fallback is recorded so results can carry a warning.
Counting never uses `find_workday` (it is off by one from weekends and holidays).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

FALLBACK_NOTE = "未含法定节假日"


@dataclass(frozen=True)
class YearOverride:
    year: int
    source: str                          # the State Council notice it copies
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()   # 调休 make-up working days


@dataclass
class Calendar:
    overrides: dict[int, YearOverride] = field(default_factory=dict)
    fallback_years: set[int] = field(default_factory=set)

    def __post_init__(self):
        self.is_workday = lru_cache(maxsize=None)(self._is_workday)

    def _is_workday(self, d: date) -> bool:
        ov = self.overrides.get(d.year)
        if ov is not None:
            return d in ov.workdays or (d.weekday() < 5 and d not in ov.holidays)
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:
            self.fallback_years.add(d.year)
            return d.weekday() < 5

    def covers(self, year: int) -> bool:
        """True when the year has real holiday data (override or package)."""
        if year in self.overrides:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return True
        except NotImplementedError:
            return False

    def add(self, start: date, n: int) -> date:
        """The n-th working day after `start` (the start day itself is never counted)."""
        d, counted = start, 0
        while counted < n:
            d += timedelta(days=1)
            if self.is_workday(d):
                counted += 1
        return d

    def count(self, start: date, end: date) -> int:
        """Working days d with start < d <= end: the day `end` falls on in the count from `start`."""
        if end <= start:
            return 0
        return sum(self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def approximate(self, *days: date) -> bool:
        """True when any date from min(days) to max(days) falls in a fallback year."""
        if not days:
            return False
        return any(not self.covers(y) for y in range(min(days).year, max(days).year + 1))
