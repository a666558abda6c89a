"""Stage 6 — index: the static search index under search/.

Chinese text is indexed as overlapping character n-grams (single characters,
bigrams, trigrams), Latin letters and digits as whole words, so any query that
occurs verbatim in a document finds it: there is no word segmentation to
disagree between index and query. The browser (overrides/assets/gongkai/search.js)
covers the query with the fewest n-grams, intersects their posting lists, then
checks each candidate's text for the exact phrase. Title tokens ("t" + token)
live in the same shard as the token, so ranking by title costs no extra request.

The index is split into one bundle per year of 发布日期 (documents without a date,
the hand-written pages, in bundle "0000"), so a new or changed item rebuilds one
bundle: the others are taken from the build cache as they are.

Files (all static):
  search/manifest.json     counts, bundles (newest first), merged filter values, lookup years
  search/sites.json        the sites the search page covers (联合检索), this one first
  search/k/<year>.json     exact lookups: 文号 (year-serial) and 索引号 serials → [bundle, id]
  search/<bundle>/manifest.json   the bundle's count, shard count and filter values
  search/<bundle>/p/<n>.bin       posting lists, sharded by FNV-1a hash of the token
  search/<bundle>/d/<id//1000>/<id>.json   one document (display fields and text) per file
  search/<bundle>/f/<key>-<i>.bin posting list of each filter value
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
from collections import defaultdict, deque
from itertools import groupby, repeat
from pathlib import Path
from typing import Callable

import numpy as np

from . import extract, workers
from .cache import digest
from .render import SearchDoc

FORMAT = 3
DOC_DIR = 1000                 # documents per folder of the document store
SHARD_TARGET = 2 * 1024        # aim for posting shards of about this many bytes (a query reads one per
                               # token in every bundle)
TEXT_LIMIT = 20000             # characters of text kept per document for excerpts and checks
NO_DATE = "0000"               # bundle of the documents without a 发布日期

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DOC_NO = re.compile(r"^(.*?)[〔\[(【]\s*(\d{2}|\d{4})\s*[〕\])】]\s*第?\s*0*(\d+)\s*号?$")
_INDEX_SERIAL = re.compile(r"(\d{4})(?:\d{2})?-(\d{3,8})$")


_consume = deque(maxlen=0).extend       # runs an iterator to its end in C


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


_BIGRAM = re.compile(rf"(?=([{CJK}]{{2}}))")
_TRIGRAM = re.compile(rf"(?=([{CJK}]{{3}}))")
_UNIGRAM = re.compile(rf"[{CJK}]")
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> set[str]:
    """Index tokens of normalized text: CJK characters, bigrams and trigrams, '#'+word."""
    out = set(_BIGRAM.findall(text))
    out.update(_TRIGRAM.findall(text))
    out.update(_UNIGRAM.findall(text))
    out.update("#" + w for w in set(_WORD.findall(text)))
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


def shard_key(token: str) -> str:
    """Title tokens share the shard of the plain token."""
    return token[1:] if token.startswith("t") else token


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


def encode_postings(ids, total: int) -> bytes:
    """Sorted ids as a bitmap (type 1) or as deltas of fixed width (type 0)."""
    ids = np.asarray(ids, dtype=np.int64)
    bitmap_size = (total + 7) // 8
    if len(ids) * 1 >= bitmap_size:
        bits = np.zeros(bitmap_size * 8, dtype=bool)
        bits[ids] = True
        return b"\x01" + np.packbits(bits, bitorder="little").tobytes()
    deltas = np.diff(ids, prepend=0)
    top = int(deltas.max())
    width, code = (1, "<u1") if top < 256 else (2, "<u2") if top < 65536 else (4, "<u4")
    return b"\x00" + bytes([width]) + deltas.astype(code).tobytes()


def cjk_codes(text: str) -> np.ndarray:
    """The CJK tokens of normalized text (see tokens()) as sorted unique integers: a character is its
    code point, a bigram a<<21|b, a trigram a<<42|b<<21|c. Vectorized: tokenizing is most of the build."""
    c = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    m = ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0xF900) & (c <= 0xFAFF))
    c = c.astype(np.uint64)
    m2 = m[:-1] & m[1:]
    bi = c[:-1] << 21 | c[1:]
    tri = bi[:-1] << 21 | c[2:]
    return np.unique(np.concatenate((c[m], bi[m2], tri[m2[:-1] & m[2:]])))


def code_token(code: int) -> str:
    return "".join(chr(code >> shift & 0x1FFFFF) for shift in (42, 21, 0) if code >> shift)


def group_codes(per_doc: list[np.ndarray]):
    """(token, sorted doc ids) for every token code in the documents' code arrays."""
    if not per_doc:
        return
    codes = np.concatenate(per_doc)
    if not len(codes):                                # no document has a CJK token
        return
    doc = np.repeat(np.arange(len(per_doc), dtype=np.uint32), [len(a) for a in per_doc])
    order = np.argsort(codes, kind="stable")          # stable: ids stay ascending within a token
    codes, doc = codes[order], doc[order]
    del order
    bounds = np.concatenate(([0], np.flatnonzero(codes[1:] != codes[:-1]) + 1, [len(codes)]))
    for n in range(len(bounds) - 1):
        a, b = bounds[n], bounds[n + 1]
        yield code_token(int(codes[a])), doc[a:b]


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


def build(docs: list[SearchDoc], cache=None, sites: list[dict] | None = None,
          text_of: Callable[[Path], str | None] = extract.text_of) -> dict[str, bytes]:
    """Every file of the index, by path under search/. Docs must be newest first; an attachment's text
    comes from text_of(its file). With a cache (get/put, see cache.Cache) a bundle whose documents are
    unchanged is reused as it is; the others are built on all cores. `sites` ({名称, 地址}, this site
    first) becomes sites.json."""
    years: dict[str, list[SearchDoc]] = defaultdict(list)
    for doc in docs:
        if doc.src is not None and not doc.text:
            doc.text = text_of(doc.src) or ""
        years[doc.date[:4] or NO_DATE].append(doc)
    order = sorted(years, reverse=True)
    keys = {year: digest("bundle", json.dumps([[getattr(d, name) for name in KEYED] for d in years[year]],
                                              ensure_ascii=False)) for year in order} if cache is not None else {}
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
        bundles.append({"dir": year, "count": manifest["count"], "shards": manifest["shards"]})
        for key, spec in manifest["filters"].items():
            for value, n in spec["values"]:
                counts[key][value] += n
        for i, doc in enumerate(years[year]):
            if doc.doc_no and (found := doc_no_key(doc.doc_no)):
                prefix, key = found
                lookups[key.split("-")[0]]["d"][key].append([normalize(prefix), year, i])
            if doc.index_no and (found := index_key(doc.index_no)):
                lookups[found[0]]["i"][found[1]].append([year, i])
    for year, table in lookups.items():
        files[f"k/{year}.json"] = _json(table)
    files["manifest.json"] = _json({
        "format": FORMAT, "count": len(docs), "doc_dir": DOC_DIR, "bundles": bundles,
        "filters": {key: {"label": label, "values": _ordered(key, counts[key])} for key, label in FILTERS},
        "lookup_years": sorted(lookups)})
    if sites:
        files["sites.json"] = _json(sites)
    return files


def bundle(docs: list[SearchDoc]) -> dict[str, bytes]:
    """The files of one bundle (newest first), by path in the bundle."""
    files: dict[str, bytes] = {}
    total = len(docs)
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    filter_ids: dict[str, dict[str, array]] = {key: defaultdict(lambda: array("I")) for key, _ in FILTERS}
    body_codes, title_codes = [], []                   # CJK tokens, per document
    posting = postings.__getitem__
    for i, doc in enumerate(docs):
        body = normalize(" ".join((doc.title, doc.doc_no, doc.index_no, doc.date, doc.publisher, doc.text)))
        title = normalize(doc.title)
        body_codes.append(cjk_codes(body))
        title_codes.append(cjk_codes(title))
        # postings[tok].append(i) for every word token, looped in C
        _consume(map(array.append, map(posting, {"#" + w for w in _WORD.findall(body)}), repeat(i)))
        _consume(map(array.append, map(posting, {"t#" + w for w in _WORD.findall(title)}), repeat(i)))
        for key, values in doc.filters.items():
            for value in values:
                filter_ids[key][value].append(i)
    # posting shards
    encoded = {tok: encode_postings(ids, total) for tok, ids in postings.items()}
    for prefix, per_doc in (("", body_codes), ("t", title_codes)):
        encoded.update((prefix + tok, encode_postings(ids, total)) for tok, ids in group_codes(per_doc))
    del body_codes, title_codes
    size = sum(len(t.encode()) + len(e) + 4 for t, e in encoded.items())
    shards = 1
    while size / shards > SHARD_TARGET:
        shards *= 2
    buckets: list[list[bytes]] = [[] for _ in range(shards)]
    for tok in sorted(encoded):
        data, raw = encoded[tok], tok.encode()
        buckets[fnv1a(shard_key(tok)) % shards].append(uvarint(len(raw)) + raw + uvarint(len(data)) + data)
    for n, parts in enumerate(buckets):
        files[f"p/{n}.bin"] = b"".join(parts)
    # document store, and the dates for merging bundles of several sites
    for i, doc in enumerate(docs):
        row = [doc.url, doc.title, doc.doc_no, doc.index_no, doc.date, doc.publisher, doc.column, doc.kind,
               doc.parent_title, doc.parent_url, doc.text[:TEXT_LIMIT], len(doc.text) > TEXT_LIMIT]
        files[f"d/{i // DOC_DIR}/{i}.json"] = _json(row)
    files["days.json"] = _json([[day, len(list(run))] for day, run in groupby(doc.date for doc in docs)])
    # filters
    manifest_filters = {}
    for key, label in FILTERS:
        values = _ordered(key, {v: len(ids) for v, ids in filter_ids[key].items()})
        manifest_filters[key] = {"label": label, "values": values}
        for n, (value, _) in enumerate(values):
            files[f"f/{key}-{n}.bin"] = encode_postings(filter_ids[key][value], total)
    files["manifest.json"] = _json({"format": FORMAT, "count": total, "shards": shards, "doc_dir": DOC_DIR,
                                    "filters": manifest_filters})
    return files
