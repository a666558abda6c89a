"""workers: slices of a list on all cores, results in order, the same as in one process."""
import os

from gongkai.core import workers


def test_slices_cover_the_list_in_order_on_two_cores(monkeypatch):
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    data = list(range(5003))
    parts = workers.map_slices(lambda a, b: [(os.getpid(), x * x) for x in data[a:b]], len(data), min_slice=100)
    flat = [v for part in parts for _, v in part]
    assert flat == [x * x for x in data]
    assert os.getpid() not in {pid for part in parts for pid, _ in part}       # computed in worker processes


def test_one_job_or_a_short_list_runs_here(monkeypatch):
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    assert workers.map_slices(lambda a, b: [os.getpid()] * (b - a), 5000) == [[os.getpid()] * 5000]
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    assert workers.map_slices(lambda a, b: (a, b), 10) == [(0, 10)]
    assert workers.map_slices(lambda a, b: (a, b), 0) == []
