"""bench/generate.py: the synthetic catalogue of the benchmarks is deterministic and valid."""
import sys
from collections import Counter

from conftest import ROOT, TODAY
from gongkai import pipeline

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "catalogue").rglob("*")) if p.is_file()}


def test_the_same_seed_gives_the_same_catalogue_and_it_is_valid(tmp_path):
    first, second = files(generate(300, tmp_path / "a")), files(generate(300, tmp_path / "b"))
    assert first == second and sum(rel.endswith(".md") for rel in first) == 300
    assert files(generate(300, tmp_path / "c", seed=1)) != first

    cat, problems = pipeline.check(tmp_path / "a", TODAY)
    assert cat is not None, [p.format() for p in problems if p.severity == "error"][:5]
    genres = Counter(item.genre for item in cat.items)
    assert len({item.year for item in cat.items}) >= 5 and len({item.publisher for item in cat.items}) >= 5
    assert genres["解读"] and any(item.relations for item in cat.items)            # 解读 linked to their documents
    assert len({item.validity for item in cat.items if item.validity}) >= 3     # 规范性文件 in several states
