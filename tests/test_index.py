"""index: tokens, exact-lookup keys, posting encodings, the files written."""
import json
from array import array

from gongkai import index
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
            SearchDoc("gk/b/", "住房公积金管理办法", "住房公积金缴存。", "2023-05-01", doc_no="示政办[2023]12号",
                      index_no="X/2023-00012", filters={"nf": ["2023"], "lx": ["信息"]})]


def test_build_writes_shards_store_filters_and_lookups():
    files = index.build(_docs())
    manifest = json.loads(files["manifest.json"])
    assert manifest["count"] == 2 and manifest["lookup_years"] == ["2023", "2024"]
    shard = files[f"p/{index.fnv1a('营商') % manifest['shards']}.bin"]
    assert "营商".encode() in shard and "t营商".encode() in shard
    row = json.loads(files["d/0/1.json"])
    assert row[0] == "gk/b/" and "住房公积金" in row[10]
    assert json.loads(files["k/2023.json"])["d"]["2023-12"] == [["示政办", 1]]
    assert json.loads(files["k/2024.json"])["i"]["3"] == [0]
    years = manifest["filters"]["nf"]["values"]
    assert years == [["2024", 1], ["2023", 1]]
    assert decode(files["f/nf-1.bin"]) == [1]
