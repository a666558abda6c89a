"""index: tokens, exact-lookup keys, posting encodings, the bundles written and their cache."""
import json
from array import array
from pathlib import Path

from gongkai.stages import extract, index
from gongkai.core.cache import Cache
from gongkai.stages.render import SearchDoc


def decode_scored(data: bytes, total: int) -> tuple[list[int], list[int]]:
    """Reference decoder (search.js does the same in the browser): ids, and their impacts if scored."""
    scored = data[0] >= 2
    if data[0] in (1, 3):
        size = (total + 7) // 8 if scored else len(data) - 1
        ids = [i * 8 + b for i, byte in enumerate(data[1:1 + size]) for b in range(8) if byte >> b & 1]
        halves = [h for byte in data[1 + size:] for h in (byte & 15, byte >> 4)][:len(ids)]
        return ids, [h * 17 for h in halves] if scored else []
    width = data[1]
    count = (len(data) - 2) // (width + scored)
    deltas = array({1: "B", 2: "H", 4: "I"}[width], data[2:2 + count * width])
    out, acc = [], 0
    for d in deltas:
        acc += d
        out.append(acc)
    return out, list(data[2 + count * width:]) if scored else []


def decode(data: bytes, total: int = 0) -> list[int]:
    return decode_scored(data, total)[0]


def shard_map(data: bytes) -> dict[str, bytes]:
    """A posting shard's lists by token."""
    out, i = {}, 0

    def varint():
        nonlocal i
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n
    while i < len(data):
        n = varint()
        tok = data[i:i + n].decode()
        i += n
        n = varint()
        out[tok] = data[i:i + n]
        i += n
    return out


def postings(files: dict, bundle: str, token: str) -> tuple[list[int], list[int]]:
    manifest = json.loads(files[f"{bundle}/manifest.json"])
    shard = shard_map(files[f"{bundle}/p/{index.fnv1a(token) % manifest['shards']}.bin"])
    return decode_scored(shard[token], manifest["count"]) if token in shard else ([], [])


def test_tokens_are_cjk_chars_bigrams_and_words():
    toks = index.tokens(index.normalize("营商环境 ２０２４年ＧＤＰ"))
    assert {"营商", "商环", "环境", "营商环", "商环境", "营", "境", "#2024", "年", "#gdp"} <= toks
    assert "境2" not in toks and "#２０２４" not in toks
    assert {"#2024年", "#年gdp"} <= toks


def test_words_carry_the_cjk_character_or_bracket_beside_them():
    toks = index.tokens(index.normalize("示政办［2024］3号，2024年 第 3号 (2023)"))
    assert {"#〔2024〕", "#〔2024", "#2024〕", "#〕3号", "#3号", "#2024年", "#第3号", "#〔2023〕"} <= toks
    assert "#〔2024〕" in index.tokens(index.normalize("示政办﹝2024﹞3号"))
    assert "#〔2024〕" in index.tokens(index.normalize("示政办【2024】3号"))
    assert "#〔2024〕" not in index.tokens(index.normalize("2024年"))


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
    scored = index.encode_postings(sparse, 100000, [5, 6, 7, 255])
    assert scored[0] == 2 and decode_scored(scored, 100000) == (list(sparse), [5, 6, 7, 255])
    scored = index.encode_postings(dense, 1001, [1 + n % 255 for n in range(500)])
    assert scored[0] == 3 and len(scored) == 1 + 126 + 250
    assert decode_scored(scored, 1001) == (list(dense), [17 * min(15, max(1, round((1 + n % 255) / 17)))
                                                          for n in range(500)])


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
    assert top["format"] == 4 and top["count"] == 4
    assert [(b["dir"], b["count"]) for b in top["bundles"]] == [("2024", 2), ("2023", 1), ("0000", 1)]
    assert top["filters"]["nf"]["values"] == [["2024", 2], ["2023", 1]]
    assert top["filters"]["lx"]["values"] == [["信息", 3], ["页面", 1]]
    for b in top["bundles"]:
        manifest = json.loads(files[f"{b['dir']}/manifest.json"])
        assert manifest["count"] == b["count"] and manifest["shards"] == b["shards"]
    assert [json.loads(files[f"2024/d/0/{i}.json"])[0] for i in (0, 1)] == ["gk/a/", "gk/c/"]
    assert json.loads(files["2024/days.json"]) == [["2024-03-01", 1], ["2024-01-05", 1]]
    assert json.loads(files["0000/d/0/0.json"])[0] == "zhinan/"
    assert postings(files, "2023", "公积")[0] == [0]
    assert "住房公积金" in json.loads(files["2023/d/0/0.json"])[10]
    assert facet(files, "2024", "nf") == {"2024": [0, 1]}
    assert "sites.json" not in files


def facet(files: dict, bundle: str, key: str) -> dict[str, list[int]]:
    manifest = json.loads(files[f"{bundle}/manifest.json"])
    data, out, i = files[f"{bundle}/f/{key}.bin"], {}, 0
    for value, _ in manifest["filters"][key]["values"]:
        n = data[i]                    # the test lists are short: one-byte lengths
        out[value] = decode(data[i + 1:i + 1 + n], manifest["count"])
        i += 1 + n
    assert i == len(data)
    return out


def test_exact_lookups_span_bundles():
    files = index.build(_docs())
    assert json.loads(files["manifest.json"])["lookups"] == {"2023": [1, 1], "2024": [1, 1]}
    k2023 = json.loads(files["k/2023/d0.json"])
    assert k2023["2023-12"] == [["示政办", "2023", 0]]
    assert k2023["2023-40"] == [["示政办", "2024", 1]]          # a 2023 文号 published in 2024
    assert json.loads(files["k/2024/i0.json"])["3"] == [["2024", 0]]


def test_lookup_tables_split_by_the_last_character_of_the_代字(monkeypatch):
    monkeypatch.setattr(index, "LOOKUP_TARGET", 200)
    docs = [SearchDoc(f"gk/{n}/", f"文件{n}", "", "2024-03-01", doc_no=f"{p}〔2024〕{n}号",
                      index_no=f"X/2024-{n:05d}") for n, p in enumerate(["示政办", "霍政办", "示财", "示教"] * 5, 1)]
    files = index.build(docs)
    dparts, iparts = json.loads(files["manifest.json"])["lookups"]["2024"]
    assert dparts > 1 and iparts > 1
    for n, doc in enumerate(docs, 1):
        prefix = doc.doc_no.split("〔")[0]
        part = json.loads(files[f"k/2024/d{index.fnv1a(prefix[-1]) % dparts}.json"])
        assert [prefix, "2024", n - 1] in part[f"2024-{n}"]
        assert json.loads(files[f"k/2024/i{n % iparts}.json"])[str(n)] == [["2024", n - 1]]
    assert max(len(files[f"k/2024/d{k}.json"]) for k in range(dparts)) < len(index._json(
        {f"2024-{n}": [] for n in range(1, 21)})) * 4


def test_impacts_rank_title_above_summary_above_body_and_repeats_above_once():
    docs = [SearchDoc("gk/t/", "营商环境", "其他内容。", "2024-01-01"),
            SearchDoc("gk/s/", "通知", "其他内容。", "2024-01-01", summary="营商环境"),
            SearchDoc("gk/m/", "通知", "其他内容。", "2024-01-01", meta="营商环境"),
            SearchDoc("gk/b1/", "通知", "营商环境。" + "其他内容。" * 200, "2024-01-01"),
            SearchDoc("gk/b3/", "通知", "营商环境。" * 3 + "其他内容。" * 200, "2024-01-01"),
            SearchDoc("gk/a/", "附件1", "营商环境。" + "其他内容。" * 200, "2024-01-01", kind="附件")]
    files = index.build(docs)
    ids, imp = postings(files, "2024", "营商环")
    by = dict(zip(ids, imp))
    assert ids == list(range(6))
    assert by[0] > by[1] > by[2] > by[3] > by[5]
    assert by[4] > by[3]
    assert postings(files, "2024", "#营商")[0] == []


def test_long_text_is_stored_in_chunks_and_indexed_whole():
    text = "甲" * (index.CHUNK * 2) + "末尾的乡村振兴。"
    files = index.build([SearchDoc("gk/long/", "长文件", text, "2024-01-01")])
    row = json.loads(files["2024/d/0/0.json"])
    assert len(row[10]) == index.CHUNK and row[11] == 2
    assert row[10] + json.loads(files["2024/d/0/0-1.json"]) + json.loads(files["2024/d/0/0-2.json"]) == text
    assert postings(files, "2024", "村振兴")[0] == [0]


def test_every_shown_field_is_indexed_and_lapsed_documents_listed():
    doc = SearchDoc("gk/x/", "通知", "正文。", "2024-01-01", publisher="示例县财政局",
                    meta="综合政务\\其他 公告 重大建设项目 2023-12-30", summary="内容概述 关键词",
                    filters={"yx": ["已废止"]})
    files = index.build([doc, SearchDoc("gk/y/", "通知", "正文。", "2024-01-01", filters={"yx": ["现行有效"]})])
    for token in ("重大建", "设项目", "财政局", "#2023", "#12", "#30", "关键词"):
        assert postings(files, "2024", token)[0] == [0], token
    assert json.loads(files["manifest.json"])["bundles"][0]["lapsed"] == 1
    assert decode(files["2024/x.bin"], 2) == [0]


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
    """The files whose text is extracted, and a text_of like the one the build passes (the load stage's
    text, extracted once per content)."""
    extracted, known = [], {}

    def text_of(path):
        data = path.read_bytes()
        if data not in known:
            extracted.append(path.name)
            known[data] = extract.extract(data, path.name)[0]
        return known[data]
    return extracted, text_of


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
    assert files == index.build(_with_attachment(tmp_path, "城乡居民最低生活保障审批表"), text_of=text_of)


def test_bundles_built_on_two_cores_equal_one_core(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    alone = index.build(_with_attachment(tmp_path))
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    assert index.build(_with_attachment(tmp_path)) == alone and len(json.loads(alone["manifest.json"])["bundles"]) > 1
