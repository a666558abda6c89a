"""Stage 6 — index: the static search index under search/.

Chinese text is indexed as overlapping character n-grams (single characters,
bigrams, trigrams), Latin letters and digits as whole words, so any query that
occurs verbatim in a document finds it: there is no word segmentation to
disagree between index and query. A word is also indexed with the character on
each side of it when that is a CJK character or a bracket (〔 〕, to which
[] () 【】 ﹝﹞ are folded): "#2024年", "#第3号", "#〔2024〕" — so `〔2024〕` and
`第3号` find the characters typed, not every bare number. The browser
(overrides/assets/gongkai/search.js) covers the query with the fewest tokens,
intersects their posting lists, ranks, then checks each candidate's whole text
for the exact phrase.

Ranking (BM25F): every posting carries an impact byte, the document's field-weighted,
length-normalised term frequency for that token, saturated (tf/(K1+tf)) and scaled
to 1–255; the browser multiplies it by the token's idf over all bundles. Field
weights: 标题 > 文号/索引号 > 内容概述/关键词 > 主题分类/体裁/栏目/机构/日期 > 正文 > 附件 (an
attachment's file title and its text).

The index is split into one bundle per year of 发布日期 (documents without a date,
the hand-written pages, in bundle "0000"), so a new or changed item rebuilds one
bundle: the others are taken from the build cache as they are.

Files (all static):
  search/manifest.json     counts, bundles (newest first), merged filter values, lookup table parts
  search/sites.json        the sites the search page covers (联合检索), this one first
  search/k/<year>/d<n>.json  exact 文号 lookups (year-serial → [代字, bundle, id]), split by the last
                             character of the 代字; k/<year>/i<n>.json 索引号 serials, split by serial
  search/<bundle>/manifest.json   the bundle's count, shard count and filter values
  search/<bundle>/p/<n>.bin       posting lists with impacts, sharded by FNV-1a hash of the token
  search/<bundle>/d/<id//1000>/<id>.json   one document (display fields, the first CHUNK characters of
                                  its text); <id>-<k>.json the k-th further CHUNK of a longer text
  search/<bundle>/f/<key>.bin     posting lists of every value of one filter, in the manifest's order
  search/<bundle>/x.bin           the documents 已废止 or 已失效 (ranked below 现行有效 on equal scores)
  search/<bundle>/days.json       [发布日期, number of documents] runs in id order (merging sites)
Ids within a bundle follow 发布日期, newest first; bundles are listed newest first,
so concatenating them keeps date order.
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from array import array
from collections import defaultdict
from itertools import groupby
from pathlib import Path
from typing import Callable

import numpy as np

from ..core import workers
from ..core.cache import digest
from .render import SearchDoc

FORMAT = 4
DOC_DIR = 1000                 # documents per folder of the document store
SHARD_TARGET = 2 * 1024        # aim for posting shards of about this many bytes (a query reads one per
                               # token in every bundle)
CHUNK = 4000                   # characters of text per document-store file (the first in the document's
                               # own file: results show without fetching the rest of a long text)
LOOKUP_TARGET = 8 * 1024       # aim for exact-lookup table parts of about this many bytes
NO_DATE = "0000"               # bundle of the documents without a 发布日期
LAPSED = ("已废止", "已失效")

# BM25F: field weight, length normalisation (b) and the typical length (characters) it is relative to —
# fixed, not each bundle's mean, so impacts compare across bundles and sites, and an edit changes only the
# edited document's postings. K1 saturates the weighted term frequency.
FIELDS = {"title": (8.0, 0.5, 30), "numbers": (5.0, 0.0, 30), "summary": (3.0, 0.5, 80), "meta": (2.0, 0.3, 60),
          "body": (1.0, 0.75, 1500), "attachment title": (1.5, 0.5, 12), "attachment": (0.6, 0.75, 3000)}
K1 = 6.0

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DOC_NO = re.compile(r"^(.*?)[〔\[(【]\s*(\d{2}|\d{4})\s*[〕\])】]\s*第?\s*0*(\d+)\s*号?$")
_INDEX_SERIAL = re.compile(r"(\d{4})(?:\d{2})?-(\d{3,8})$")
_BRACKETS = str.maketrans("[(【])】", "〔〔〔〕〕〕")


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case, brackets [] () 【】 ﹝﹞ as 〔〕."""
    return unicodedata.normalize("NFKC", text).lower().translate(_BRACKETS)


_BIGRAM = re.compile(rf"(?=([{CJK}]{{2}}))")
_TRIGRAM = re.compile(rf"(?=([{CJK}]{{3}}))")
_UNIGRAM = re.compile(rf"[{CJK}]")
_WORD = re.compile(r"[a-z0-9]+")
_DROP = re.compile(rf"[^{CJK}a-z0-9〔〕]+")       # what the phrase check ignores (search.js squash)
_NEAR = re.compile(rf"[{CJK}〔〕]")


def word_tokens(text: str) -> list[str]:
    """'#'+word for every Latin/digit word of normalized text, and the word with the CJK character or
    bracket next to it on either side (ignoring spaces and punctuation, as the phrase check does):
    "2024年3月" gives #2024 #2024年 #3 #年3 #3月 #年3月."""
    out = []
    s = _DROP.sub(" ", text)
    end = len(s)
    for m in _WORD.finditer(s):
        w, a, b = m.group(), m.start() - 1, m.end()
        if a >= 0 and s[a] == " ":
            a -= 1
        if b < end and s[b] == " ":
            b += 1
        p = s[a] if a >= 0 and _NEAR.match(s[a]) else ""
        n = s[b] if b < end and _NEAR.match(s[b]) else ""
        out.append("#" + w)
        if p:
            out.append("#" + p + w)
        if n:
            out.append("#" + w + n)
            if p:
                out.append("#" + p + w + n)
    return out


def tokens(text: str) -> set[str]:
    """Index tokens of normalized text: CJK characters, bigrams and trigrams, words (see word_tokens)."""
    out = set(_BIGRAM.findall(text))
    out.update(_TRIGRAM.findall(text))
    out.update(_UNIGRAM.findall(text))
    out.update(word_tokens(text))
    return out


def doc_no_key(doc_no: str) -> tuple[str, str] | None:
    """(代字, "year-serial") of a 文号 however its brackets were typed."""
    m = _DOC_NO.match(unicodedata.normalize("NFKC", doc_no).strip())
    if not m:
        return None
    prefix, year, serial = m.groups()
    if len(year) == 2:
        year = "20" + year
    return prefix.strip(), f"{year}-{int(serial)}"


def index_key(index_no: str) -> tuple[str, str] | None:
    """(year, serial without leading zeros) of a 索引号 ending in YYYY-NNNNN."""
    m = _INDEX_SERIAL.search(unicodedata.normalize("NFKC", index_no).strip())
    return (m.group(1), str(int(m.group(2)))) if m else None


def fnv1a(token: str) -> int:
    h = 0x811C9DC5
    for byte in token.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def nibbles(impacts) -> bytes:
    """Impacts 1–255 as 1–15 (×17), two to a byte, the first in the low half."""
    q = np.clip(np.rint(np.asarray(impacts, dtype=np.float64) / 17), 1, 15).astype(np.uint8)
    if len(q) % 2:
        q = np.append(q, np.uint8(0))
    return (q[0::2] | q[1::2] << 4).tobytes()


def encode_postings(ids, total: int, impacts=None) -> bytes:
    """Sorted ids as a bitmap (type 1) or as deltas of fixed width (type 0); with impacts, in id order,
    appended: type 2 (deltas, one byte each) and type 3 (bitmap, half a byte each — a token in so many
    documents has a low idf and needs no finer scores)."""
    ids = np.asarray(ids, dtype=np.int64)
    tail = b"" if impacts is None else np.asarray(impacts, dtype=np.uint8).tobytes()
    scored = 2 if impacts is not None else 0
    bitmap_size = (total + 7) // 8
    if len(ids) * 1 >= bitmap_size:
        bits = np.zeros(bitmap_size * 8, dtype=bool)
        bits[ids] = True
        tail = b"" if impacts is None else nibbles(impacts)
        return bytes([1 + scored]) + np.packbits(bits, bitorder="little").tobytes() + tail
    deltas = np.diff(ids, prepend=0)
    top = int(deltas.max())
    width, code = (1, "<u1") if top < 256 else (2, "<u2") if top < 65536 else (4, "<u4")
    return bytes([scored, width]) + deltas.astype(code).tobytes() + tail


def cjk_codes(text: str, counts: bool = False):
    """The CJK tokens of normalized text (see tokens()) as sorted unique integers: a character is its
    code point, a bigram a<<21|b, a trigram a<<42|b<<21|c; with counts, also how often each occurs.
    Vectorized: tokenizing is most of the build."""
    c = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    m = ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0xF900) & (c <= 0xFAFF))
    c = c.astype(np.uint64)
    m2 = m[:-1] & m[1:]
    bi = c[:-1] << 21 | c[1:]
    tri = bi[:-1] << 21 | c[2:]
    return np.unique(np.concatenate((c[m], bi[m2], tri[m2[:-1] & m[2:]])), return_counts=counts)


def code_token(code: int) -> str:
    return "".join(chr(code >> shift & 0x1FFFFF) for shift in (42, 21, 0) if code >> shift)


def group_codes(per_doc: list[np.ndarray], values: list[np.ndarray]):
    """(token, sorted doc ids, their values) for every token code in the documents' code arrays."""
    if not per_doc:
        return
    codes = np.concatenate(per_doc)
    if not len(codes):                                # no document has a CJK token
        return
    vals = np.concatenate(values)
    doc = np.repeat(np.arange(len(per_doc), dtype=np.uint32), [len(a) for a in per_doc])
    order = np.argsort(codes, kind="stable")          # stable: ids stay ascending within a token
    codes, doc, vals = codes[order], doc[order], vals[order]
    del order
    bounds = np.concatenate(([0], np.flatnonzero(codes[1:] != codes[:-1]) + 1, [len(codes)]))
    for n in range(len(bounds) - 1):
        a, b = bounds[n], bounds[n + 1]
        yield code_token(int(codes[a])), doc[a:b], vals[a:b]


def impact(tf):
    """Saturated weighted term frequency as a byte 1–255."""
    tf = np.asarray(tf, dtype=np.float64)
    return np.clip(np.rint(255 * tf / (K1 + tf)), 1, 255).astype(np.uint8)


FILTERS = (("lm", "栏目"), ("nf", "年份"), ("jg", "发布机构"), ("zt", "主题分类"), ("tc", "体裁"),
           ("yx", "有效性"), ("lx", "类型"))
KEYED = [f.name for f in dataclasses.fields(SearchDoc) if f.name != "src"]   # an attachment counts by its text


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _ordered(key: str, counts: dict[str, int]) -> list[list]:
    """Filter values as [value, count]: the most frequent first, years newest first."""
    values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if key == "nf":
        values.sort(key=lambda kv: kv[0], reverse=True)
    return [[v, n] for v, n in values]


def _parts(size: int) -> int:
    """Number of parts (a power of two) for a table of this many bytes."""
    n = 1
    while size / n > LOOKUP_TARGET:
        n *= 2
    return n


def lookup_tables(lookups: dict[str, dict]) -> tuple[dict[str, bytes], dict[str, list[int]]]:
    """Exact-lookup files by path under search/, and per year [文号 parts, 索引号 parts]. A 文号 goes to
    the part of the last character of its 代字 (a typed 代字 may be the end of the full one), a 索引号 to
    the part of its serial."""
    files, parts = {}, {}
    for year, table in sorted(lookups.items()):
        counts = []
        for kind, split in (("d", lambda key, hit: fnv1a(hit[0][-1:])),
                            ("i", lambda key, hit: int(key))):
            n = _parts(len(_json(table[kind])))
            out: list[dict] = [defaultdict(list) for _ in range(n)]
            for key, hits in table[kind].items():
                for hit in hits:
                    out[split(key, hit) % n][key].append(hit)
            for k, part in enumerate(out):
                files[f"k/{year}/{kind}{k}.json"] = _json(part)
            counts.append(n)
        parts[year] = counts
    return files, parts


def build(docs: list[SearchDoc], cache=None, sites: list[dict] | None = None,
          text_of: Callable[[Path], str | None] | None = None) -> dict[str, bytes]:
    """Every file of the index, by path under search/. Docs must be newest first; an attachment's text
    comes from text_of(its file), the text the load stage extracted (without it, its title only).
    With a cache (get/put, see cache.Cache) a bundle whose documents are
    unchanged is reused as it is; the others are built on all cores. `sites` ({名称, 地址}, this site
    first) becomes sites.json."""
    years: dict[str, list[SearchDoc]] = defaultdict(list)
    for doc in docs:
        if doc.src is not None and not doc.text and text_of is not None:
            doc.text = text_of(doc.src) or ""
        years[doc.date[:4] or NO_DATE].append(doc)
    order = sorted(years, reverse=True)
    keys = {year: digest("bundle", str(FORMAT), json.dumps([[getattr(d, name) for name in KEYED]
                                                             for d in years[year]], ensure_ascii=False))
            for year in order} if cache is not None else {}
    parts = {year: cache.get(keys[year]) if cache is not None else None for year in order}
    missing = [year for year in order if parts[year] is None]

    def task(start: int, stop: int) -> list[dict[str, bytes]]:     # in a worker process, or here
        return [bundle(years[year]) for year in missing[start:stop]]

    built = (done for part in workers.map_slices(task, len(missing), min_slice=1) for done in part)
    for year, part in zip(missing, built):
        parts[year] = part
        if cache is not None:
            cache.put(keys[year], part)
    files: dict[str, bytes] = {}
    bundles, counts = [], {key: defaultdict(int) for key, _ in FILTERS}
    lookups: dict[str, dict] = defaultdict(lambda: {"d": defaultdict(list), "i": defaultdict(list)})
    for year in order:
        part = parts[year]
        files.update((f"{year}/{path}", data) for path, data in part.items())
        manifest = json.loads(part["manifest.json"])
        bundles.append({"dir": year, "count": manifest["count"], "shards": manifest["shards"],
                        "lapsed": manifest["lapsed"]})
        for key, spec in manifest["filters"].items():
            for value, n in spec["values"]:
                counts[key][value] += n
        for i, doc in enumerate(years[year]):
            if doc.doc_no and (found := doc_no_key(doc.doc_no)):
                prefix, key = found
                lookups[key.split("-")[0]]["d"][key].append([normalize(prefix), year, i])
            if doc.index_no and (found := index_key(doc.index_no)):
                lookups[found[0]]["i"][found[1]].append([year, i])
    tables, lookup_parts = lookup_tables(lookups)
    files.update(tables)
    files["manifest.json"] = _json({
        "format": FORMAT, "count": len(docs), "doc_dir": DOC_DIR, "bundles": bundles,
        "filters": {key: {"label": label, "values": _ordered(key, counts[key])} for key, label in FILTERS},
        "lookups": lookup_parts})
    if sites:
        files["sites.json"] = _json(sites)
    return files


def fields_of(doc: SearchDoc) -> dict[str, str]:
    """The normalized text of each ranking field of a document."""
    return {"attachment title" if doc.kind == "附件" else "title": normalize(doc.title), "numbers": normalize(f"{doc.doc_no} {doc.index_no}"),
            "summary": normalize(doc.summary),
            "meta": normalize(" ".join(filter(None, (doc.date, doc.publisher, doc.meta)))),
            "attachment" if doc.kind == "附件" else "body": normalize(doc.text)}


def bundle(docs: list[SearchDoc]) -> dict[str, bytes]:
    """The files of one bundle (newest first), by path in the bundle."""
    files: dict[str, bytes] = {}
    total = len(docs)
    fields = [fields_of(doc) for doc in docs]
    words: dict[str, tuple[array, array]] = defaultdict(lambda: (array("I"), array("f")))
    filter_ids: dict[str, dict[str, array]] = {key: defaultdict(lambda: array("I")) for key, _ in FILTERS}
    doc_codes, doc_tfs = [], []                    # CJK token codes of each document and their weighted tf
    for i, (doc, texts) in enumerate(zip(docs, fields)):
        codes, tfs, seen = [], [], defaultdict(float)
        for name, text in texts.items():
            if not text:
                continue
            weight, b, typical = FIELDS[name]
            norm = weight / (1 - b + b * len(text) / typical)
            c, n = cjk_codes(text, counts=True)
            codes.append(c)
            tfs.append(n * norm)
            for w in word_tokens(text):
                seen[w] += norm
        if codes:
            c, inverse = np.unique(np.concatenate(codes), return_inverse=True)
            doc_codes.append(c)
            doc_tfs.append(impact(np.bincount(inverse, weights=np.concatenate(tfs))))
        else:
            doc_codes.append(np.zeros(0, dtype=np.uint64))
            doc_tfs.append(np.zeros(0, dtype=np.uint8))
        for w, tf in seen.items():
            ids, tf_list = words[w]
            ids.append(i)
            tf_list.append(tf)
        for key, values in doc.filters.items():
            for value in values:
                filter_ids[key][value].append(i)
    # posting shards
    encoded = {tok: encode_postings(ids, total, impact(tf)) for tok, (ids, tf) in words.items()}
    encoded.update((tok, encode_postings(ids, total, imp)) for tok, ids, imp in group_codes(doc_codes, doc_tfs))
    del doc_codes, doc_tfs
    size = sum(len(t.encode()) + len(e) + 4 for t, e in encoded.items())
    shards = 1
    while size / shards > SHARD_TARGET:
        shards *= 2
    buckets: list[list[bytes]] = [[] for _ in range(shards)]
    for tok in sorted(encoded):
        data, raw = encoded[tok], tok.encode()
        buckets[fnv1a(tok) % shards].append(uvarint(len(raw)) + raw + uvarint(len(data)) + data)
    for n, parts in enumerate(buckets):
        files[f"p/{n}.bin"] = b"".join(parts)
    # document store, and the dates for merging bundles of several sites
    for i, doc in enumerate(docs):
        chunks = [doc.text[k:k + CHUNK] for k in range(0, len(doc.text), CHUNK)] or [""]
        row = [doc.url, doc.title, doc.doc_no, doc.index_no, doc.date, doc.publisher, doc.column, doc.kind,
               doc.parent_title, doc.parent_url, chunks[0], len(chunks) - 1, doc.summary, doc.meta]
        files[f"d/{i // DOC_DIR}/{i}.json"] = _json(row)
        for k, chunk in enumerate(chunks[1:], 1):
            files[f"d/{i // DOC_DIR}/{i}-{k}.json"] = _json(chunk)
    files["days.json"] = _json([[day, len(list(run))] for day, run in groupby(doc.date for doc in docs)])
    lapsed = sorted({i for value in LAPSED for i in filter_ids["yx"].get(value, ())})
    if lapsed:
        files["x.bin"] = encode_postings(lapsed, total)
    # filters: all values of one key in one file
    manifest_filters = {}
    for key, label in FILTERS:
        values = _ordered(key, {v: len(ids) for v, ids in filter_ids[key].items()})
        manifest_filters[key] = {"label": label, "values": values}
        if values:
            lists = [encode_postings(filter_ids[key][value], total) for value, _ in values]
            files[f"f/{key}.bin"] = b"".join(uvarint(len(data)) + data for data in lists)
    files["manifest.json"] = _json({"format": FORMAT, "count": total, "shards": shards, "doc_dir": DOC_DIR,
                                    "lapsed": len(lapsed), "filters": manifest_filters})
    return files
