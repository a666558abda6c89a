"""workdays: 工作日 counting per working-days.md, on chinesecalendar with overrides and a fallback."""
from datetime import date

import pytest

from gongkai.core.workdays import Calendar, YearOverride


@pytest.mark.parametrize("start, n, deadline", [
    (date(2025, 9, 26), 20, date(2025, 10, 30)),   # counts make-up Sun 09-28 and Sat 10-11, skips 10-01..08
    (date(2025, 10, 3), 1, date(2025, 10, 9)),     # receipt on a National Day holiday
    (date(2025, 10, 3), 7, date(2025, 10, 16)),
    (date(2025, 10, 3), 20, date(2025, 11, 4)),
    (date(2026, 9, 25), 20, date(2026, 10, 29)),   # Mid-autumn holiday receipt; make-up Sat 10-10 counts
    (date(2025, 9, 26), 0, date(2025, 9, 26)),
])
def test_deadlines_from_the_spec(start, n, deadline):
    # working-days.md §5: find_workday gives one day too many on the holiday rows; we must not.
    assert Calendar().add(start, n) == deadline


def test_count_is_the_inverse_of_add():
    cal = Calendar()
    assert cal.count(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert cal.count(date(2025, 10, 3), date(2025, 10, 9)) == 1
    assert cal.count(date(2025, 10, 1), date(2025, 10, 8)) == 0      # the whole holiday
    assert cal.count(date(2025, 10, 9), date(2025, 10, 9)) == 0      # the start day is never counted
    assert cal.count(date(2025, 10, 9), date(2025, 10, 1)) == 0


def test_make_up_days_are_working_days_and_holidays_are_not():
    cal = Calendar()
    for d in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10", "2025-09-28"):
        assert cal.is_workday(date.fromisoformat(d)), d
    for d in ("2025-10-08", "2026-10-01", "2026-01-01", "2025-10-04"):
        assert not cal.is_workday(date.fromisoformat(d)), d
    assert not cal.fallback_years


def test_uncovered_year_falls_back_to_weekdays_and_is_recorded():
    cal = Calendar()
    assert not cal.covers(2027) and cal.covers(2026)
    assert cal.is_workday(date(2027, 1, 1))            # Friday; the holiday is unknown to the fallback
    assert not cal.is_workday(date(2027, 1, 2))        # Saturday
    assert cal.fallback_years == {2027}
    deadline = cal.add(date(2026, 12, 25), 20)         # runs past the covered range without crashing
    assert deadline == date(2027, 1, 22)
    assert cal.approximate(date(2026, 12, 25), deadline)
    assert not cal.approximate(date(2026, 1, 5), date(2026, 2, 5))


def test_override_makes_a_year_authoritative():
    ov = YearOverride(2027, "国务院办公厅关于2027年部分节假日安排的通知",
                      holidays=frozenset({date(2027, 1, 1)}), workdays=frozenset({date(2027, 1, 9)}))
    cal = Calendar({2027: ov})
    assert cal.covers(2027)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 9))             # a Saturday declared a working day
    assert not cal.is_workday(date(2027, 1, 10))
    assert not cal.fallback_years
    # an override replaces the package even for a covered year
    cal26 = Calendar({2026: YearOverride(2026, "测试", holidays=frozenset({date(2026, 11, 30)}))})
    assert not cal26.is_workday(date(2026, 11, 30))
    assert not cal26.is_workday(date(2026, 10, 10))     # the package's make-up day is not in this override
