"""cache: results kept between builds under build/cache/, keyed by a hash of their inputs."""
from gongkai.core import cache


def test_values_survive_between_builds_and_many_at_once(tmp_path):
    store = cache.Cache(tmp_path, "t")
    keys = [cache.digest("正文", str(n)) for n in range(2000)]
    for n, key in enumerate(keys):
        store.put(key, {"n": n, "html": "<p>正文</p>"})
    store.close()
    again = cache.Cache(tmp_path, "t")
    found = again.get_many(keys + ["missing"])
    assert len(found) == 2000 and found[keys[1234]] == {"n": 1234, "html": "<p>正文</p>"}
    assert again.get("missing") is None and (again.hits, again.misses) == (2000, 2)


def test_digest_separates_its_parts():
    assert cache.digest("ab", "c") != cache.digest("a", "bc")
    assert cache.digest("文", b"x") == cache.digest("文".encode(), "x")


def test_a_change_of_code_empties_the_cache(tmp_path, monkeypatch):
    store = cache.Cache(tmp_path, "t")
    store.put("k", 1)
    store.close()
    monkeypatch.setattr(cache, "code_version", lambda: "another version")
    assert cache.Cache(tmp_path, "t").get("k") is None


def test_unused_entries_are_forgotten_once_they_outnumber_the_used(tmp_path):
    store = cache.Cache(tmp_path, "t")
    for n in range(3000):
        store.put(f"old{n}", n)
    store.close()
    store = cache.Cache(tmp_path, "t")
    store.put("new", 1)
    store.close()
    store = cache.Cache(tmp_path, "t")
    assert store.get("new") == 1 and store.get("old5") is None


def test_without_a_directory_or_with_caching_off_nothing_is_kept(tmp_path, monkeypatch):
    off = cache.Cache(None, "t")
    off.put("k", 1)
    off.close()
    assert off.get("k") is None
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    store = cache.open_cache(tmp_path, "t")
    store.put("k", 1)
    store.close()
    assert not (tmp_path / cache.DIR).exists()
