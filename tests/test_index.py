"""index: tokens, exact-lookup keys, posting encodings, the bundles written and their cache."""
import json
from array import array
from pathlib import Path

from gongkai import extract, index
from gongkai.cache import Cache
from gongkai.render import SearchDoc


def decode(data: bytes) -> list[int]:
    """Reference decoder (search.js does the same in the browser)."""
    if data[0] == 1:
        return [i * 8 + b for i, byte in enumerate(data[1:]) for b in range(8) if byte >> b & 1]
    width = data[1]
    deltas = array({1: "B", 2: "H", 4: "I"}[width], data[2:])
    out, acc = [], 0
    for d in deltas:
        acc += d
        out.append(acc)
    return out


def test_tokens_are_cjk_chars_bigrams_and_words():
    toks = index.tokens(index.normalize("营商环境 ２０２４年ＧＤＰ"))
    assert {"营商", "商环", "环境", "营商环", "商环境", "营", "境", "#2024", "年", "#gdp"} <= toks
    assert "境2" not in toks and "#２０２４" not in toks


def test_doc_no_keys_however_typed():
    for typed in ("示政办〔2023〕12号", "示政办[2023]12号", "示政办(2023)12号", "示政办（2023）12号",
                  "示政办【2023】12号", "示政办﹝2023﹞12号", "示政办〔23〕12号", "示政办〔2023〕012号"):
        assert index.doc_no_key(typed) == ("示政办", "2023-12"), typed
    assert index.doc_no_key("〔2023〕12号") == ("", "2023-12")
    assert index.doc_no_key("营商环境") is None


def test_index_keys():
    assert index.index_key("11349901MB1C2D3E3D/2023-00042") == ("2023", "42")
    assert index.index_key("2023-00042") == ("2023", "42")
    assert index.index_key("202310-00013") == ("2023", "13")


def test_postings_round_trip_sparse_and_dense():
    sparse = array("I", [3, 9, 300, 70000])
    assert decode(index.encode_postings(sparse, 100000)) == list(sparse)
    dense = array("I", range(0, 1000, 2))
    enc = index.encode_postings(dense, 1000)
    assert enc[0] == 1 and len(enc) == 126 and decode(enc) == list(dense)


def test_fnv1a_matches_reference_values():
    assert index.fnv1a("") == 0x811C9DC5
    assert index.fnv1a("a") == 0xE40C292C


def _docs():
    return [SearchDoc("gk/a/", "关于优化营商环境的通知", "全面优化营商环境。", "2024-03-01", doc_no="示政〔2024〕3号",
                      index_no="X/2024-00003", filters={"nf": ["2024"], "lx": ["信息"]}),
            SearchDoc("gk/c/", "2023年住房公积金年度报告", "住房公积金缴存情况。", "2024-01-05",
                      doc_no="示政办〔2023〕40号", filters={"nf": ["2024"], "lx": ["信息"]}),
            SearchDoc("gk/b/", "住房公积金管理办法", "住房公积金缴存。", "2023-05-01", doc_no="示政办[2023]12号",
                      index_no="X/2023-00012", filters={"nf": ["2023"], "lx": ["信息"]}),
            SearchDoc("zhinan/", "政府信息公开指南", "申请渠道和办理时限。", "", kind="页面", filters={"lx": ["页面"]})]


def test_build_writes_bundles_per_year_newest_first():
    files = index.build(_docs())
    top = json.loads(files["manifest.json"])
    assert top["format"] == 3 and top["count"] == 4
    assert [(b["dir"], b["count"]) for b in top["bundles"]] == [("2024", 2), ("2023", 1), ("0000", 1)]
    assert top["filters"]["nf"]["values"] == [["2024", 2], ["2023", 1]]
    assert top["filters"]["lx"]["values"] == [["信息", 3], ["页面", 1]]
    for b in top["bundles"]:
        manifest = json.loads(files[f"{b['dir']}/manifest.json"])
        assert manifest["count"] == b["count"] and manifest["shards"] == b["shards"]
    assert [json.loads(files[f"2024/d/0/{i}.json"])[0] for i in (0, 1)] == ["gk/a/", "gk/c/"]
    assert json.loads(files["2024/days.json"]) == [["2024-03-01", 1], ["2024-01-05", 1]]
    assert json.loads(files["0000/d/0/0.json"])[0] == "zhinan/"
    shard = files[f"2023/p/{index.fnv1a('公积') % top['bundles'][1]['shards']}.bin"]
    assert "公积".encode() in shard and "t公积".encode() in shard
    assert "住房公积金" in json.loads(files["2023/d/0/0.json"])[10]
    assert decode(files["2024/f/nf-0.bin"]) == [0, 1]
    assert "sites.json" not in files


def test_exact_lookups_span_bundles():
    files = index.build(_docs())
    assert json.loads(files["manifest.json"])["lookup_years"] == ["2023", "2024"]
    k2023 = json.loads(files["k/2023.json"])
    assert k2023["d"]["2023-12"] == [["示政办", "2023", 0]]
    assert k2023["d"]["2023-40"] == [["示政办", "2024", 1]]          # a 2023 文号 published in 2024
    assert json.loads(files["k/2024.json"])["i"]["3"] == [["2024", 0]]


def test_sites_file_lists_this_site_first():
    sites = [{"名称": "示例县人民政府办公室", "地址": ""}, {"名称": "示例县青山镇人民政府", "地址": "../qsz/"}]
    assert json.loads(index.build(_docs(), sites=sites)["sites.json"]) == sites


def _with_attachment(tmp_path: Path, text: str = "临时救助申请审批表"):
    att = tmp_path / "附件1.txt"
    if not att.exists() or att.read_text(encoding="utf-8") != text:      # an unchanged file keeps its time
        att.write_text(text, encoding="utf-8")
    docs = _docs()
    docs.insert(1, SearchDoc("gk/a/附件1.txt", "附件1", "", "2024-03-01", kind="附件", parent_title=docs[0].title,
                             parent_url="gk/a/", src=att, filters={"nf": ["2024"], "lx": ["附件"]}))
    return docs


def counted_extraction(tmp_path, monkeypatch) -> tuple[list[str], object]:
    """The files whose text is extracted, and the text_of the build passes (extract.cached_text)."""
    extracted = []
    monkeypatch.setattr(extract, "text_of", lambda path: extracted.append(path.name) or path.read_text())
    return extracted, lambda path: extract.cached_text(tmp_path, path)


def test_a_changed_document_rebuilds_only_its_year(tmp_path, monkeypatch):
    extracted, text_of = counted_extraction(tmp_path, monkeypatch)
    store = Cache(tmp_path / "cache", "search")
    cold = index.build(_with_attachment(tmp_path), store, text_of=text_of)
    assert extracted == ["附件1.txt"]
    assert "临时救助" in json.loads(cold["2024/d/0/1.json"])[10]
    store.save()

    docs = _with_attachment(tmp_path)
    docs[0].title = "关于进一步优化营商环境的通知"                  # a 2024 item
    store.misses = store.hits = 0
    warm = index.build(docs, store, text_of=text_of)
    assert (store.hits, store.misses) == (2, 1)         # 2023 and 0000 hit; 2024 misses
    assert extracted == ["附件1.txt"], "the unchanged attachment's text came from the cache"
    assert warm == index.build(docs), "with and without the cache, byte for byte"
    changed = {path for path in cold.keys() | warm.keys() if cold.get(path) != warm.get(path)}
    assert changed and all(path.startswith("2024/") or path == "manifest.json" for path in changed), changed


def test_a_changed_attachment_is_extracted_again(tmp_path, monkeypatch):
    extracted, text_of = counted_extraction(tmp_path, monkeypatch)
    store = Cache(tmp_path / "cache", "search")
    index.build(_with_attachment(tmp_path), store, text_of=text_of)
    docs = _with_attachment(tmp_path, "城乡居民最低生活保障审批表")
    files = index.build(docs, store, text_of=text_of)
    assert extracted == ["附件1.txt", "附件1.txt"]
    assert "最低生活保障" in json.loads(files["2024/d/0/1.json"])[10]
    assert files == index.build(_with_attachment(tmp_path, "城乡居民最低生活保障审批表"))


def test_bundles_built_on_two_cores_equal_one_core(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    alone = index.build(_with_attachment(tmp_path))
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    assert index.build(_with_attachment(tmp_path)) == alone and len(json.loads(alone["manifest.json"])["bundles"]) > 1
