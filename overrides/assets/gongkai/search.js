/* gongkai search: reads the static index written by hooks/gongkai/index.py.
 * Query → tokens exactly as the indexer makes them (CJK characters, bigrams and
 * trigrams; Latin/digit words, alone and with the CJK character or bracket next
 * to them), posting lists intersected in every bundle (one per year) of every
 * site in search/sites.json, candidates ranked (BM25F from the impact byte of
 * each posting, idf over all bundles; phrase and proximity bonus on the top
 * window) and checked for the exact phrase against the whole stored text.
 * No third-party code. */
(function () {
  "use strict";

  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var NEAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〔〕]/;
  var DROP = /[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9〔〕]+/g;
  var DOC_NO = /^(.*?)[〔\[(【]\s*(\d{2}|\d{4})\s*[〕\])】]\s*第?\s*0*(\d+)\s*号?$/;
  var INDEX_SERIAL = /(\d{4})(?:\d{2})?-(\d{3,8})$/;
  var BRACKETS = { "[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕" };
  var PAGE = 20, FORMAT = 4;
  var WINDOW = 30;             /* top candidates re-ranked by phrase and proximity */
  var PARALLEL = 8;            /* index files fetched at once */
  var CHECK_AHEAD = 300;       /* candidates checked past the shown page to make a count exact (about 2 KB each) */
  var BATCH = 16;

  /* NFKC, lower case, brackets [] () 【】 ﹝﹞ as 〔〕 — as index.normalize. */
  function normalize(s) {
    return s.normalize("NFKC").toLowerCase().replace(/[\[(【\])】]/g, function (c) { return BRACKETS[c]; });
  }

  /* Keep only what the phrase check sees (CJK, a-z, 0-9, and 〔〕 if `brackets`), remembering which
     original character each came from. */
  function squash(s, brackets) {
    var out = "", map = [], i = 0;
    for (var c of s) {
      for (var ch of normalize(c)) {
        if (CJK.test(ch) || /[a-z0-9]/.test(ch) || (brackets && (ch === "〔" || ch === "〕"))) { out += ch; map.push(i); }
      }
      i += c.length;
    }
    return { text: out, map: map };
  }

  /* The words of normalized text with the CJK character or bracket on each side (index.word_tokens). */
  function words(text) {
    var s = text.replace(DROP, " "), out = [], re = /[a-z0-9]+/g, m;
    while ((m = re.exec(s))) {
      var a = m.index - 1, b = m.index + m[0].length;
      if (a >= 0 && s[a] === " ") a--;
      if (b < s.length && s[b] === " ") b++;
      out.push({ w: m[0], p: a >= 0 && NEAR.test(s[a]) ? s[a] : "", n: b < s.length && NEAR.test(s[b]) ? s[b] : "" });
    }
    return out;
  }

  /* The fewest index tokens that cover one term, and whether a document having them all must contain the
     term (one token standing for all of it). */
  function tokensOf(term) {
    var out = [], near = new Set();
    words(term).forEach(function (x) {
      var t = "#" + x.p + x.w + x.n;
      if (out.indexOf(t) < 0) out.push(t);
      if (x.p) near.add(x.p);
      if (x.n) near.add(x.n);
    });
    (term.match(CJK_RUN) || []).forEach(function (run) {
      var c = Array.from(run), n = c.length;
      if (n === 1 && near.has(run)) return;
      if (n < 3) { if (out.indexOf(run) < 0) out.push(run); return; }
      for (var i = 0; i < n; i += 3) {
        var at = Math.min(i, n - 3), tri = c[at] + c[at + 1] + c[at + 2];
        if (out.indexOf(tri) < 0) out.push(tri);
      }
    });
    var whole = squash(term, true).text;
    var exact = out.length === 1 && (out[0] === whole || out[0] === "#" + whole);
    return { tokens: out, exact: exact };
  }

  /* "a b" → two terms; "a b" in quotes → one phrase. A term with 〔〕 is matched with its brackets. */
  function parseQuery(q) {
    var terms = [], re = /"([^"]*)"|“([^”]*)”|(\S+)/g, m, n = normalize(q);
    while ((m = re.exec(n))) {
      var raw = m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3];
      var brackets = /[〔〕]/.test(raw), sq = squash(raw, brackets).text;
      if (!squash(raw, false).text) continue;
      var cover = tokensOf(raw);
      terms.push({ raw: raw, squash: sq, brackets: brackets, tokens: cover.tokens, exact: cover.exact });
    }
    return terms;
  }

  function fnv1a(s) {
    var h = 0x811c9dc5, bytes = new TextEncoder().encode(s);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function uvarint(view, pos) {
    var n = 0, shift = 0, b;
    do { b = view[pos.i++]; n += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return n;
  }

  /* A posting list: {ids, imp} (imp: one impact byte per id, or null for filter lists); `total` is the
     number of documents in the bundle (the length of a bitmap). */
  function decodePostings(bytes, total) {
    var type = bytes[0], scored = type >= 2, ids;
    if (type === 1 || type === 3) {
      var list = [], end = scored ? (total + 7) >> 3 : bytes.length - 1;
      for (var i = 1; i <= end; i++) {
        var b = bytes[i];
        while (b) { var low = b & -b; list.push((i - 1) * 8 + 31 - Math.clz32(low)); b ^= low; }
      }
      ids = Uint32Array.from(list);
      if (!scored) return { ids: ids, imp: null };
      var imp = new Uint8Array(ids.length);      /* half a byte each, ×17 */
      for (var q = 0; q < ids.length; q++) imp[q] = (q & 1 ? bytes[end + 1 + (q >> 1)] >> 4 : bytes[end + 1 + (q >> 1)] & 15) * 17;
      return { ids: ids, imp: imp };
    }
    var width = bytes[1], count = (bytes.length - 2) / (scored ? width + 1 : width), acc = 0;
    ids = new Uint32Array(count);
    var dv = new DataView(bytes.buffer, bytes.byteOffset + 2, count * width);
    for (var k = 0; k < count; k++) {
      acc += width === 1 ? dv.getUint8(k) : width === 2 ? dv.getUint16(k * 2, true) : dv.getUint32(k * 4, true);
      ids[k] = acc;
    }
    return { ids: ids, imp: scored ? bytes.subarray(2 + count * width) : null };
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return Uint32Array.from(out);
  }

  /* Ids in both lists, with the smaller impact of the two. */
  function intersectScored(a, b) {
    var ids = [], imp = [], i = 0, j = 0;
    while (i < a.ids.length && j < b.ids.length) {
      if (a.ids[i] === b.ids[j]) { ids.push(a.ids[i]); imp.push(Math.min(a.imp[i], b.imp[j])); i++; j++; }
      else if (a.ids[i] < b.ids[j]) i++; else j++;
    }
    return { ids: Uint32Array.from(ids), imp: Uint8Array.from(imp) };
  }

  function union(lists) {
    var seen = new Set();
    lists.forEach(function (l) { l.forEach(function (x) { seen.add(x); }); });
    return Uint32Array.from(Array.from(seen).sort(function (x, y) { return x - y; }));
  }

  /* A query reads one shard per token in every bundle: requests wait for a free slot. */
  var active = 0, waiting = [];
  function next() { while (active < PARALLEL && waiting.length) { active++; waiting.shift()(); } }

  function get(url, kind) {
    return new Promise(function (resolve, reject) {
      waiting.push(function () {
        fetch(url).then(function (r) {
          if (!r.ok) { if (r.status === 404) return null; throw new Error(r.status + " " + url); }
          return kind === "json" ? r.json() : r.arrayBuffer().then(function (b) { return new Uint8Array(b); });
        }).then(resolve, reject).finally(function () { active--; next(); });
      });
      next();
    });
  }

  /* What an exact 文号 / 索引号 lookup looks for, however the brackets were typed; null for other queries. */
  function lookupKey(q) {
    var n = q.normalize("NFKC").trim(), m = DOC_NO.exec(n);
    if (m) {
      var year = m[2].length === 2 ? "20" + m[2] : m[2];
      return { year: year, key: year + "-" + parseInt(m[3], 10), prefix: normalize(m[1].trim()), kind: "d" };
    }
    m = INDEX_SERIAL.exec(n);
    return m ? { year: m[1], key: String(parseInt(m[2], 10)), kind: "i" } : null;
  }

  function valueIndex(manifest, key, value) {
    return (manifest.filters[key] || { values: [] }).values.findIndex(function (e) { return e[0] === value; });
  }

  /* One site's index; `root` is the site's address (this site's: relative). */
  function Site(name, root, own) {
    this.name = name;
    this.root = root;
    this.own = own;
    this.files = new Map();
    this.failed = false;
  }

  Site.prototype.fetch = function (path, kind) {
    if (!this.files.has(path)) this.files.set(path, get(this.root + "search/" + path, kind));
    return this.files.get(path);
  };

  Site.prototype.load = function () {
    var self = this;
    return this.fetch("manifest.json", "json").then(function (m) {
      if (!m || m.format !== FORMAT) throw new Error("检索索引无法加载");
      self.manifest = m;
      self.bundles = m.bundles.map(function (b) { return new Bundle(self, b); });
      return self;
    });
  };

  /* Exact lookup hits as [bundle, id]: one part of one year's table (a 文号 by the last character of its
     代字; without a 代字, every part). */
  Site.prototype.lookup = function (want) {
    var parts = (this.manifest.lookups || {})[want.year], self = this;
    if (!parts) return Promise.resolve([]);
    var n = parts[want.kind === "d" ? 0 : 1], which = [];
    if (want.kind === "i") which = [parseInt(want.key, 10) % n];
    else if (want.prefix) which = [fnv1a(Array.from(want.prefix).slice(-1).join("")) % n];
    else for (var k = 0; k < n; k++) which.push(k);
    return Promise.all(which.map(function (k) { return self.fetch("k/" + want.year + "/" + want.kind + k + ".json", "json"); }))
      .then(function (tables) {
        var hits = [].concat.apply([], tables.map(function (t) { return (t && t[want.key]) || []; }));
        if (want.kind === "i") return hits;
        var same = hits.filter(function (h) { return !want.prefix || h[0] === want.prefix || h[0].endsWith(want.prefix); });
        return (same.length ? same : want.prefix ? [] : hits).map(function (h) { return h.slice(1); });
      });
  };

  /* One year of one site: ids 0 … count-1, newest first. */
  function Bundle(site, entry) {
    this.site = site;
    this.dir = entry.dir;
    this.count = entry.count;
    this.shardCount = entry.shards;
    this.lapsedCount = entry.lapsed || 0;
    this.shards = new Map();
  }

  Bundle.prototype.fetch = function (path, kind) { return this.site.fetch(this.dir + "/" + path, kind); };

  Bundle.prototype.postings = function (token) {
    var self = this, shard = fnv1a(token) % this.shardCount;
    if (!this.shards.has(shard)) {
      this.shards.set(shard, this.fetch("p/" + shard + ".bin").then(function (bytes) {
        var map = new Map(), pos = { i: 0 }, dec = new TextDecoder();
        while (bytes && pos.i < bytes.length) {
          var tl = uvarint(bytes, pos), tok = dec.decode(bytes.subarray(pos.i, pos.i + tl));
          pos.i += tl;
          var dl = uvarint(bytes, pos);
          map.set(tok, bytes.subarray(pos.i, pos.i + dl));
          pos.i += dl;
        }
        return map;
      }));
    }
    return this.shards.get(shard).then(function (map) {
      var raw = map.get(token);
      return raw ? decodePostings(raw, self.count) : { ids: new Uint32Array(0), imp: new Uint8Array(0) };
    });
  };

  /* One term: the ids having all its tokens, the smallest impact among them, and each token's df here. */
  Bundle.prototype.term = function (term) {
    return Promise.all(term.tokens.map(this.postings, this)).then(function (lists) {
      var dfs = lists.map(function (l) { return l.ids.length; });
      var sorted = lists.slice().sort(function (a, b) { return a.ids.length - b.ids.length; });
      var out = sorted.reduce(intersectScored);
      out.dfs = dfs;
      return out;
    });
  };

  /* Every value's posting list of one filter, by value. */
  Bundle.prototype.facet = function (key) {
    var self = this;
    if (!this.facets) this.facets = {};
    if (!this.facets[key]) {
      this.facets[key] = Promise.all([this.fetch("manifest.json", "json"), this.fetch("f/" + key + ".bin")]).then(function (r) {
        var out = new Map(), bytes = r[1], pos = { i: 0 }, values = ((r[0].filters[key] || {}).values || []);
        for (var n = 0; bytes && n < values.length; n++) {
          var len = uvarint(bytes, pos);
          out.set(values[n][0], decodePostings(bytes.subarray(pos.i, pos.i + len), self.count).ids);
          pos.i += len;
        }
        return out;
      });
    }
    return this.facets[key];
  };

  Bundle.prototype.filter = function (key, values) {
    return this.facet(key).then(function (lists) {
      return union(values.map(function (v) { return lists.get(v) || []; }));
    });
  };

  /* The ids 已废止 or 已失效. */
  Bundle.prototype.lapsed = function () {
    var self = this;
    if (!this.lapsedCount) return Promise.resolve(new Set());
    return this.fetch("x.bin").then(function (b) { return new Set(b ? decodePostings(b, self.count).ids : []); });
  };

  /* Candidates: {ids, base (ids of the query alone, null when browsing), imps (per term, aligned with
     ids), dfs (per term, per token), fs (ids of each filter, by key)}. A bundle with none of a filter's
     values fetches nothing more. */
  Bundle.prototype.query = function (terms, filters) {
    var self = this, keys = Object.keys(filters);
    return (keys.length ? this.fetch("manifest.json", "json") : Promise.resolve(null)).then(function (m) {
      if (m && keys.some(function (k) { return filters[k].every(function (v) { return valueIndex(m, k, v) < 0; }); })) {
        return null;
      }
      return Promise.all([
        Promise.all(terms.map(self.term, self)),
        Promise.all(keys.map(function (k) { return self.filter(k, filters[k]); }))
      ]).then(function (r) {
        var fs = {};
        keys.forEach(function (k, n) { fs[k] = r[1][n]; });
        if (!terms.length) {
          var all = Uint32Array.from({ length: self.count }, function (_, i) { return i; });
          keys.forEach(function (k) { all = intersect(all, fs[k]); });
          return { ids: all, base: null, imps: [], dfs: [], fs: fs };
        }
        /* all terms, impacts carried along */
        var cur = { ids: r[0][0].ids, cols: [r[0][0].imp] };
        r[0].slice(1).forEach(function (t) {
          var ids = [], pick = [], tcol = [], i = 0, j = 0;
          while (i < cur.ids.length && j < t.ids.length) {
            if (cur.ids[i] === t.ids[j]) { ids.push(cur.ids[i]); pick.push(i); tcol.push(t.imp[j]); i++; j++; }
            else if (cur.ids[i] < t.ids[j]) i++; else j++;
          }
          cur = { ids: Uint32Array.from(ids), cols: cur.cols.map(function (c) { return Uint8Array.from(pick, function (p) { return c[p]; }); }).concat([Uint8Array.from(tcol)]) };
        });
        var base = cur.ids, ids = base, cols = cur.cols;
        keys.forEach(function (k) {
          var keep = [], i = 0, j = 0, f = fs[k], out = [];
          while (i < ids.length && j < f.length) {
            if (ids[i] === f[j]) { out.push(ids[i]); keep.push(i); i++; j++; } else if (ids[i] < f[j]) i++; else j++;
          }
          ids = Uint32Array.from(out);
          cols = cols.map(function (c) { return Uint8Array.from(keep, function (p) { return c[p]; }); });
        });
        return { ids: ids, base: base, imps: cols, dfs: r[0].map(function (t) { return t.dfs; }), fs: fs };
      });
    });
  };

  /* 发布日期 of each of the (ascending) ids, from the bundle's runs of equal dates. */
  Bundle.prototype.dates = function (ids) {
    return this.fetch("days.json", "json").then(function (runs) {
      var out = new Array(ids.length), r = 0, end = runs[0][1];
      for (var k = 0; k < ids.length; k++) {
        while (ids[k] >= end) { r++; end += runs[r][1]; }
        out[k] = runs[r][0];
      }
      return out;
    });
  };

  Bundle.prototype.doc = function (id) {
    var site = this.site, dir = "d/" + Math.floor(id / site.manifest.doc_dir) + "/";
    return this.fetch(dir + id + ".json", "json").then(function (r) {
      return r && { url: r[0], title: r[1], docNo: r[2], indexNo: r[3], date: r[4], publisher: r[5],
        column: r[6], kind: r[7], parentTitle: r[8], parentUrl: r[9], text: r[10], chunks: r[11],
        summary: r[12], meta: r[13], site: site, href: site.root + r[0], parentHref: site.root + r[9],
        bundle: dir };
    });
  };

  /* The text after the first chunk of a long document. */
  Bundle.prototype.rest = function (d) {
    var self = this, parts = [];
    for (var k = 1; k <= d.chunks; k++) parts.push(this.fetch(d.bundle + d.localId + "-" + k + ".json", "json"));
    return Promise.all(parts).then(function (texts) { return texts.map(function (t) { return t || ""; }).join(""); });
  };

  /* The bundles of all sites as one id space: ordered by year (newest first), then by site, and numbered
     consecutively, so one site's ids are in date order. */
  function Index(base) {
    this.base = base;
    this.sites = [];
    this.units = [];
  }

  Index.prototype.load = function () {
    var self = this, own = new Site("", this.base, true);
    return Promise.all([own.fetch("sites.json", "json").catch(function () { return null; }), own.load()]).then(function (r) {
      var list = r[0] && r[0].length ? r[0] : [{ "名称": "", "地址": "" }], here = new URL(self.base, location.href);
      own.name = list[0]["名称"];
      self.sites = [own].concat(list.slice(1).map(function (s) {
        return new Site(s["名称"], new URL(s["地址"], here).href, false);
      }));
      self.multi = self.sites.length > 1;
      return Promise.all(self.sites.slice(1).map(function (s) { return s.load().catch(function () { s.failed = true; }); }));
    }).then(function () {
      var at = 0;
      self.sites.forEach(function (s, n) {
        if (!s.failed) s.bundles.forEach(function (b) { b.order = n; self.units.push(b); });
      });
      self.units.sort(function (a, b) { return a.dir < b.dir ? 1 : a.dir > b.dir ? -1 : a.order - b.order; });
      self.units.forEach(function (u) { u.offset = at; at += u.count; });
      return self;
    });
  };

  /* Another site whose index stops answering drops out, and the status line says so; this site's errors stop the search. */
  Index.prototype.fail = function (site, err) {
    if (site.own) throw err;
    site.failed = true;
    return null;
  };

  Index.prototype.failures = function () {
    return this.sites.filter(function (s) { return s.failed; }).map(function (s) {
      return s.name + "：检索索引无法加载。";
    }).join("");
  };

  /* Filter values of all sites, counts added up, in index.py's order. */
  Index.prototype.filters = function () {
    var out = {};
    this.sites.forEach(function (s) {
      if (s.failed) return;
      Object.keys(s.manifest.filters).forEach(function (key) {
        var f = s.manifest.filters[key], o = out[key] || (out[key] = { label: f.label, counts: new Map() });
        f.values.forEach(function (v) { o.counts.set(v[0], (o.counts.get(v[0]) || 0) + v[1]); });
      });
    });
    Object.keys(out).forEach(function (key) {
      out[key].values = Array.from(out[key].counts).sort(function (a, b) {
        return key === "nf" ? (a[0] < b[0] ? 1 : -1) : b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
      });
    });
    return out;
  };

  Index.prototype.unitOf = function (id) {
    var lo = 0, hi = this.units.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (this.units[mid].offset <= id) lo = mid; else hi = mid - 1;
    }
    return this.units[lo];
  };

  Index.prototype.doc = function (id) {
    var self = this, u = this.unitOf(id);
    return u.doc(id - u.offset).then(function (d) { if (d) { d.id = id; d.localId = id - u.offset; d.unit = u; } return d; },
      function (err) { return self.fail(u.site, err); });
  };

  /* Candidates of all bundles in date order: years concatenate; the same year of several sites is merged
     by 发布日期 (a stable sort: site order, then id order, within a day). */
  Index.prototype.merge = function (found) {
    var groups = [];
    this.units.forEach(function (u) {
      if (!found.has(u) || !found.get(u).ids.length) return;
      var g = groups[groups.length - 1];
      if (g && g[0].dir === u.dir) g.push(u); else groups.push([u]);
    });
    return Promise.all(groups.map(function (g) {
      var parts = g.map(function (u) { return Array.from(found.get(u).ids, function (id) { return u.offset + id; }); });
      if (g.length < 2) return parts[0];
      return Promise.all(g.map(function (u) { return u.dates(found.get(u).ids); })).then(function (dates) {
        var rows = [];
        parts.forEach(function (p, n) { p.forEach(function (id, k) { rows.push([dates[n][k], id]); }); });
        rows.sort(function (a, b) { return a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0; });
        return rows.map(function (row) { return row[1]; });
      });
    })).then(function (lists) {
      var out = [];
      lists.forEach(function (l) { for (var i = 0; i < l.length; i++) out.push(l[i]); });
      return out;
    });
  };

  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  /* Run a search: resolves to {ids (ranked candidates), terms, exact (lookup hits), counted (the number of
     candidates is the number of matches), units (per bundle results, for facet counts)}.
     sort: "rel" (相关度), "new", "old". filters.zd (站点) picks one site. */
  Index.prototype.search = function (q, filters, sort) {
    var self = this, terms = parseQuery(q || ""), f = {}, only = ((filters || {}).zd || [])[0];
    Object.keys(filters || {}).forEach(function (k) { if (k !== "zd" && filters[k] && filters[k].length) f[k] = filters[k]; });
    if (!terms.length && !f.lx) f.lx = ["信息"];   /* browsing lists items, not attachments */
    if (!terms.length && sort === "rel") sort = "new";
    var want = terms.length ? lookupKey(q) : null;
    var sites = this.sites.filter(function (s) { return !s.failed && (!only || s.name === only); });
    var units = this.units.filter(function (u) { return sites.indexOf(u.site) >= 0; });
    return Promise.all([
      Promise.all(units.map(function (u) { return u.query(terms, f).catch(function (e) { return self.fail(u.site, e); }); })),
      Promise.all(sites.map(function (s) { return want && s.lookup(want).catch(function (e) { return self.fail(s, e); }); }))
    ]).then(function (r) {
      var found = new Map(), exact = [];
      units.forEach(function (u, n) { if (r[0][n] && !u.site.failed) found.set(u, r[0][n]); });
      sites.forEach(function (s, n) {
        (r[1][n] || []).forEach(function (hit) {
          var u = s.bundles.find(function (b) { return b.dir === hit[0]; });
          if (!u || u.site.failed) return;
          var res = found.get(u), keys = Object.keys(f);
          if (!keys.length || (res && keys.every(function (k) { return res.fs[k].indexOf(hit[1]) >= 0; }))) exact.push(u.offset + hit[1]);
        });
      });
      var result = { terms: terms, exact: exact, filters: f, units: found, sort: sort,
        counted: terms.every(function (t) { return t.exact; }) };
      return self.merge(found).then(function (order) {
        var first = exact.filter(function (id, k) { return exact.indexOf(id) === k; });
        if (sort !== "rel") {
            var listed = new Set(order);
          result.ids = sort === "old" ? order.slice().reverse() : order.slice();
          first.forEach(function (id) { if (!listed.has(id)) result.ids.push(id); });   /* a 文号 hit only */
          return result;
        }
        return self.rank(result, order, first);
      });
    });
  };

  /* BM25F order: score (idf over all searched bundles × each term's impact), then 现行有效 before
     已废止/已失效, then newer first; exact 文号/索引号 hits ahead of all. */
  Index.prototype.rank = function (result, order, first) {
    var found = result.units, n = 0, terms = result.terms, sums = terms.map(function (t) { return t.tokens.map(function () { return 0; }); });
    found.forEach(function (res, u) {
      n += u.count;
      res.dfs.forEach(function (d, k) { d.forEach(function (df, j) { sums[k][j] += df; }); });
    });
    var weights = sums.map(function (d) { return Math.max.apply(null, d.map(function (df) { return idf(n, df); })); });
    var score = new Map(), units = [];
    found.forEach(function (res, u) {
      if (!res.ids.length) return;
      units.push(u);
      for (var i = 0; i < res.ids.length; i++) {
        var s = 0;
        for (var k = 0; k < terms.length; k++) s += weights[k] * res.imps[k][i] / 255;
        score.set(u.offset + res.ids[i], s);
      }
    });
    var pos = new Map();
    order.forEach(function (id, k) { pos.set(id, k); });
    var self = this;
    return Promise.all(units.map(function (u) { return u.lapsed(); })).then(function (sets) {
      var lapsed = new Set();
      units.forEach(function (u, k) { sets[k].forEach(function (id) { lapsed.add(u.offset + id); }); });
      result.weights = weights;
      result.score = score;
      result.lapsed = lapsed;
      result.pos = pos;
      var seen = new Set(first);
      var rest = order.filter(function (id) { return !seen.has(id); }).sort(function (a, b) { return self.compare(result, a, b); });
      result.ids = first.concat(rest);
      result.first = first.length;
      return terms.length > 1 ? self.proximity(result) : result;
    });
  };

  Index.prototype.compare = function (result, a, b) {
    var sa = Math.round((result.score.get(a) || 0) * 1e6), sb = Math.round((result.score.get(b) || 0) * 1e6);
    if (sa !== sb) return sb - sa;
    var la = result.lapsed.has(a) ? 1 : 0, lb = result.lapsed.has(b) ? 1 : 0;
    if (la !== lb) return la - lb;
    return (result.pos.get(a) || 0) - (result.pos.get(b) || 0);
  };

  /* Phrase and proximity bonus on the top WINDOW candidates of a query of several terms: the whole query
     as one phrase (in the title: more), else all terms within a short span. */
  Index.prototype.proximity = function (result) {
    var self = this, from = result.first, top = result.ids.slice(from, from + WINDOW);
    var total = result.weights.reduce(function (a, b) { return a + b; }, 0);
    var whole = result.terms.map(function (t) { return t.squash; }).join("");
    var brackets = result.terms.some(function (t) { return t.brackets; });
    return Promise.all(top.map(function (id) { return self.doc(id); })).then(function (docs) {
      docs.forEach(function (d, k) {
        if (!d) return;
        var title = squash(d.title, brackets).text, hay = haystack(d, brackets), bonus = 0;
        if (title.indexOf(whole) >= 0) bonus = total;
        else if (hay.indexOf(whole) >= 0) bonus = 0.5 * total;
        else {
          var span = minSpan(hay, result.terms);
          if (span >= 0) bonus = 0.3 * total * Math.min(1, 8 / Math.max(1, span - whole.length));
        }
        result.score.set(top[k], (result.score.get(top[k]) || 0) + bonus);
      });
      top.sort(function (a, b) { return self.compare(result, a, b); });
      result.ids = result.ids.slice(0, from).concat(top, result.ids.slice(from + WINDOW));
      return result;
    });
  };

  /* The shortest stretch of squashed text holding every term (length in characters), -1 if none. */
  function minSpan(hay, terms) {
    var hits = [];
    terms.forEach(function (t, k) {
      var at = hay.indexOf(t.squash);
      while (at >= 0) { hits.push([at, at + t.squash.length, k]); at = hay.indexOf(t.squash, at + 1); }
    });
    hits.sort(function (a, b) { return a[0] - b[0]; });
    var best = -1, have = new Map();
    for (var i = 0, j = 0; j < hits.length; j++) {
      have.set(hits[j][2], (have.get(hits[j][2]) || 0) + 1);
      while (have.size === terms.length) {
        var end = 0;
        for (var x = i; x <= j; x++) end = Math.max(end, hits[x][1]);
        if (best < 0 || end - hits[i][0] < best) best = end - hits[i][0];
        var k = hits[i][2], c = have.get(k) - 1;
        if (c) have.set(k, c); else have.delete(k);
        i++;
      }
    }
    return best;
  }

  function haystack(doc, brackets, rest) {
    return squash([doc.title, doc.docNo, doc.indexNo, doc.date, doc.publisher, doc.summary, doc.meta, doc.text,
      rest || ""].join(" "), brackets).text;
  }

  function matches(doc, terms, rest) {
    var plain = null, kept = null;
    return terms.every(function (t) {
      var hay = t.brackets ? (kept = kept || haystack(doc, true, rest)) : (plain = plain || haystack(doc, false, rest));
      return hay.indexOf(t.squash) >= 0;
    });
  }

  /* Whether candidate `id` has the exact phrase (a long text read in full): [doc, yes], checked once per
     search however often it is asked (the page shown, 更多, the count's check), so each miss counts once. */
  Index.prototype.check = function (result, id) {
    var seen = result.verdicts || (result.verdicts = new Map());
    if (!seen.has(id)) {
      var lookups = result.lookups || (result.lookups = new Set(result.exact));
      seen.set(id, this.doc(id).then(function (d) {
        if (!d) return [d, false];
        if (lookups.has(d.id) || matches(d, result.terms)) return [d, true];
        if (!d.chunks) return [d, false];
        return d.unit.rest(d).then(function (rest) { d.rest = rest; return [d, matches(d, result.terms, rest)]; });
      }).then(function (row) {
        result.checkedCount = (result.checkedCount || 0) + 1;
        if (!row[1]) result.dropped = (result.dropped || 0) + 1;
        return row;
      }));
    }
    return seen.get(id);
  };

  /* Check candidates in order from `from` until `count` match, in bounded parallel batches. */
  Index.prototype.verified = function (result, from, count) {
    var self = this, out = [], i = from;
    function step() {
      if (out.length >= count || i >= result.ids.length) return Promise.resolve({ docs: out, next: i });
      var batch = result.ids.slice(i, i + Math.min(count - out.length, 48));
      i += batch.length;
      return Promise.all(batch.map(function (id) { return self.check(result, id); })).then(function (rows) {
        rows.forEach(function (row) { if (row[1]) out.push(row[0]); });
        return step();
      });
    }
    return step();
  };

  /* Make the count exact without listing more: check every candidate not yet checked, BATCH at a time
     (a click on 更多 waits behind one batch at most), when no more than CHECK_AHEAD are left. Resolves to
     whether the count is now exact. */
  Index.prototype.settle = function (result) {
    var self = this, todo = result.ids.filter(function (id) { return !(result.verdicts && result.verdicts.has(id)); });
    if (this.count(result).exact) return Promise.resolve(true);
    if (todo.length > CHECK_AHEAD) return Promise.resolve(false);
    function step(k) {
      if (result.abandoned) return Promise.resolve(false);          /* another search replaced it */
      if (k >= todo.length) return Promise.resolve(true);
      return Promise.all(todo.slice(k, k + BATCH).map(function (id) { return self.check(result, id); }))
        .then(function () { return step(k + BATCH); });
    }
    return step(0);
  };

  /* Matches found so far: exact once every candidate is checked or the tokens prove every match. */
  Index.prototype.count = function (result) {
    var n = result.ids.length - (result.dropped || 0);
    return { n: n, exact: result.counted || (result.checkedCount || 0) >= result.ids.length };
  };

  /* Facet counts for the current query: per filter key, each value's number of candidates among those
     matching the query and the other keys' filters. */
  Index.prototype.facets = function (result, keys) {
    var out = {}, work = [];
    keys.forEach(function (key) { out[key] = new Map(); });
    result.units.forEach(function (res, u) {
      keys.forEach(function (key) {
        work.push(u.facet(key).then(function (lists) {
          var base = res.base, counts = out[key];
          if (base === null) {
            base = null;
            Object.keys(res.fs).forEach(function (k) { if (k !== key) base = base ? intersect(base, res.fs[k]) : res.fs[k]; });
          } else {
            Object.keys(res.fs).forEach(function (k) { if (k !== key) base = intersect(base, res.fs[k]); });
          }
          lists.forEach(function (ids, value) {
            var n = base === null ? ids.length : intersect(base, ids).length;
            if (n) counts.set(value, (counts.get(value) || 0) + n);
          });
        }));
      });
    });
    return Promise.all(work).then(function () { return out; });
  };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* Where each term occurs in text: [start, end) in the original string, sorted, overlaps joined. */
  function ranges(text, terms) {
    var out = [], sq = {};
    terms.forEach(function (t) {
      var s = sq[t.brackets] || (sq[t.brackets] = squash(text, t.brackets)), at = s.text.indexOf(t.squash);
      while (at >= 0 && t.squash) {
        var last = s.map[at + t.squash.length - 1];
        out.push([s.map[at], last + (text.codePointAt(last) > 0xffff ? 2 : 1)]);
        at = s.text.indexOf(t.squash, at + t.squash.length);
      }
    });
    out.sort(function (a, b) { return a[0] - b[0]; });
    var joined = [];
    out.forEach(function (r) {
      var l = joined[joined.length - 1];
      if (l && r[0] <= l[1]) l[1] = Math.max(l[1], r[1]); else joined.push(r.slice());
    });
    return joined;
  }

  function marked(text, rs, from, to) {
    var html = "", at = from;
    rs.forEach(function (r) {
      if (r[1] <= from || r[0] >= to) return;
      var a = Math.max(r[0], at), b = Math.min(r[1], to);
      if (a < at) return;
      html += escapeHtml(text.slice(at, a)) + "<mark>" + escapeHtml(text.slice(a, b)) + "</mark>";
      at = b;
    });
    return html + escapeHtml(text.slice(at, to));
  }

  var SPAN = 110;      /* characters of an excerpt */

  /* The excerpt around the densest match: the stretch of SPAN characters holding the most different
     terms, then the most matches, every match in it marked. */
  function excerpt(text, terms) {
    var rs = ranges(text, terms);
    if (!rs.length) return escapeHtml(Array.from(text).slice(0, 90).join("")) + (text.length > 90 ? "…" : "");
    var kinds = rs.map(function (r) {        /* which terms each match is */
      var piece = text.slice(r[0], r[1]);
      return terms.map(function (t) { return squash(piece, t.brackets).text.indexOf(t.squash) >= 0; });
    });
    var best = 0, bestScore = -1;
    for (var i = 0; i < rs.length; i++) {
      var n = 0, have = new Set();
      for (var j = i; j < rs.length && rs[j][1] - rs[i][0] <= SPAN; j++) {
        n++;
        kinds[j].forEach(function (yes, k) { if (yes) have.add(k); });
      }
      if (have.size * 1000 + n > bestScore) { bestScore = have.size * 1000 + n; best = i; }
    }
    var from = Math.max(0, rs[best][0] - 30), to = Math.min(text.length, from + SPAN + 30);
    return (from > 0 ? "…" : "") + marked(text, rs, from, to) + (to < text.length ? "…" : "");
  }

  /* ---------------------------------------------------------------- UI */

  var SORTS = { rel: "相关度", "new": "最新", old: "最早" };

  function ui(root) {
    var base = root.getAttribute("data-base") || "../";
    var index = new Index(base);
    var form = root.querySelector("form"), input = form.querySelector("input[name=q]");
    var status = root.querySelector("[data-gk-status]"), list = root.querySelector("[data-gk-results]");
    var more = root.querySelector("[data-gk-more]"), selects = {}, labels = {}, current = null;
    var toggle = root.querySelector("[data-gk-filter-toggle]"), panel = root.querySelector("[data-gk-filter-panel]");
    var chips = root.querySelector("[data-gk-chips]"), sortSel = root.querySelector("[name=sort]");
    var totals = {}, chosenSort = false;

    function state() {
      var p = new URLSearchParams(location.search), f = {};
      Object.keys(selects).forEach(function (k) { var v = p.get(k); if (v) f[k] = [v]; });
      var q = p.get("q") || "", sort = p.get("sort"), chosen = !!SORTS[sort];
      if (!chosen) sort = q ? "rel" : "new";
      return { q: q, filters: f, sort: sort, chosen: chosen };
    }

    function render(docs, append, terms) {
      if (!append) list.innerHTML = "";
      docs.forEach(function (d) {
        var li = document.createElement("li");
        var meta = [];
        if (index.multi) meta.push('<span class="gk-hit-site">' + escapeHtml(d.site.name) + "</span>");
        if (d.kind === "附件") meta.push("附件");
        if (d.docNo) meta.push(marked(d.docNo, ranges(d.docNo, terms), 0, d.docNo.length));
        if (d.date) meta.push('<time datetime="' + d.date + '">' + d.date + "</time>");
        if (d.publisher) meta.push(escapeHtml(d.publisher));
        if (d.column) meta.push(escapeHtml(d.column));
        var body = [d.summary, d.text, d.rest].filter(Boolean).join(" ");
        li.innerHTML = '<h3><a href="' + escapeHtml(d.href) + '">' + marked(d.title, ranges(d.title, terms), 0, d.title.length) +
          "</a></h3>" + '<p class="gk-hit-meta">' + meta.join(" · ") + "</p>" +
          (d.kind === "附件" ? '<p class="gk-hit-parent">所属信息：<a href="' + escapeHtml(d.parentHref) + '">' +
            escapeHtml(d.parentTitle) + "</a></p>" : "") +
          (terms.length ? '<p class="gk-hit-excerpt">' + excerpt(body || d.meta || "", terms) + "</p>" : "");
        list.appendChild(li);
      });
    }

    /* The status line, with the sites whose index could not be loaded. */
    function say(text) {
      var failed = index.failures();
      status.textContent = failed ? text.replace(/。?$/, "。") + failed : text;
    }

    function counted(s) {
      var c = index.count(current);
      if (!c.n) return "没有找到与“" + s.q + "”相符的信息。请检查用字，或减少关键词。";
      var order = s.q ? "（按" + SORTS[s.sort] + "排列）" : "（按发布日期排列）";
      if (!s.q && s.sort === "old") order = "（按发布日期从旧到新排列）";
      return (c.exact ? "找到 " : "约 ") + c.n + " 条结果" + order;
    }

    function showChips(s) {
      chips.innerHTML = "";
      var keys = Object.keys(s.filters);
      keys.forEach(function (k) {
        var li = document.createElement("li"), b = document.createElement("button");
        b.type = "button";
        b.className = "gk-chip";
        b.setAttribute("data-gk-chip", k);
        b.setAttribute("aria-label", "移除筛选条件：" + labels[k] + " " + s.filters[k][0]);
        b.innerHTML = escapeHtml(labels[k]) + "：" + escapeHtml(s.filters[k][0]) + ' <span aria-hidden="true">×</span>';
        b.addEventListener("click", function () { selects[k].value = ""; go(); });
        li.appendChild(b);
        chips.appendChild(li);
      });
      chips.hidden = !keys.length;
      toggle.textContent = keys.length ? "筛选（" + keys.length + "）" : "筛选";
    }

    /* Option labels: each value's count for the current query once the panel is open. */
    function facetCounts() {
      if (panel.hidden || !current) return Promise.resolve();
      root.removeAttribute("data-gk-facets");
      var keys = Object.keys(selects).filter(function (k) { return k !== "zd"; }), result = current;
      return index.facets(result, keys).then(function (counts) {
        if (result !== current) return;
        keys.forEach(function (k) { label(k, counts[k]); });
        if (selects.zd) {
          var bySite = new Map();
          result.units.forEach(function (res, u) { bySite.set(u.site.name, (bySite.get(u.site.name) || 0) + res.ids.length); });
          label("zd", bySite);
        }
        root.setAttribute("data-gk-facets", "1");
      });
    }

    function label(key, counts) {
      Array.from(selects[key].options).forEach(function (o) {
        if (!o.value) return;
        var n = counts ? counts.get(o.value) || 0 : totals[key].get(o.value);
        o.textContent = o.value + "（" + n + "）";
        o.setAttribute("data-gk-count", String(n));
      });
    }

    function run() {
      var s = state(), t0 = performance.now();
      input.value = s.q;
      Object.keys(selects).forEach(function (k) { selects[k].value = (s.filters[k] || [""])[0]; });
      sortSel.value = s.sort;
      chosenSort = s.chosen;
      sortSel.querySelector("option[value=rel]").disabled = !s.q;
      showChips(s);
      root.removeAttribute("data-gk-settled");
      if (current) current.abandoned = true;
      if (!s.q && !Object.keys(s.filters).length) {
        list.innerHTML = ""; more.hidden = true; current = null;
        say("请输入关键词，或选择筛选条件浏览。");
        root.setAttribute("data-gk-settled", "0");
        return Promise.resolve();
      }
      status.textContent = "正在检索…";
      return index.search(s.q, s.filters, s.sort).then(function (result) {
        if (current) current.abandoned = true;
        current = result;
        return index.verified(result, 0, PAGE).then(function (page) {
          if (current !== result) return;
          result.next = page.next;
          render(page.docs, false, result.terms);
          say(counted(s));
          root.setAttribute("data-gk-ms", String(Math.round(performance.now() - t0)));
          more.hidden = page.next >= result.ids.length;
          root.setAttribute("data-gk-done", String(performance.now()));   /* when: bench/search_bench.py */
          facetCounts();
          settle(s, result, t0);
        });
      }).catch(function (err) {
        status.textContent = "检索出错：" + err.message + "。请刷新页面重试。";
      });
    }

    /* A count shown as 约 N made exact by checking the candidates past the page, if few enough; then
       data-gk-settled (for tests and bench/search_bench.py: ms from the query to the final count). */
    function settle(s, result, t0) {
      return index.settle(result).then(function (exact) {
        if (current !== result) return;
        if (exact) {
          say(counted(s));
          if (index.count(result).n <= list.children.length) more.hidden = true;
        }
        root.setAttribute("data-gk-settled", String(Math.round(performance.now() - t0)));
      });
    }

    function go(e) {
      if (e) e.preventDefault();
      var p = new URLSearchParams(), q = input.value.trim();
      if (q) p.set("q", q);
      Object.keys(selects).forEach(function (k) { if (selects[k].value) p.set(k, selects[k].value); });
      var sort = chosenSort ? sortSel.value : q ? "rel" : "new";     /* a sort not picked follows the query */
      if (sort !== (q ? "rel" : "new") && !(sort === "rel" && !q)) p.set("sort", sort);
      history.pushState(null, "", "?" + p.toString());
      root.removeAttribute("data-gk-done");
      run();
    }

    function openPanel(open) {
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) facetCounts();
    }

    more.addEventListener("click", function () {
      if (!current) return;
      var s = state(), result = current;
      root.removeAttribute("data-gk-done");
      index.verified(result, result.next, PAGE).then(function (page) {
        if (current !== result) return;
        result.next = page.next;
        render(page.docs, true, result.terms);
        more.hidden = page.next >= result.ids.length || index.count(result).n <= list.children.length;
        say(counted(s));
        root.setAttribute("data-gk-done", "1");
      });
    });

    toggle.addEventListener("click", function () { openPanel(panel.hidden); });
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !panel.hidden) { openPanel(false); toggle.focus(); }
    });

    return index.load().then(function () {
      var box = root.querySelector("[data-gk-filters]"), filters = index.filters();
      if (index.multi) {
        filters = Object.assign({ zd: { label: "站点", values: index.sites.filter(function (s) { return !s.failed; })
          .map(function (s) { return [s.name, s.manifest.count]; }) } }, filters);
      }
      Object.keys(filters).forEach(function (key) {
        var f = filters[key];
        var id = "gk-f-" + key, lab = document.createElement("label"), sel = document.createElement("select");
        lab.setAttribute("for", id); lab.textContent = f.label;
        sel.id = id; sel.name = key;
        sel.innerHTML = '<option value="">' + (key === "zd" ? "全部站点" : "全部") + "</option>" + f.values.map(function (v) {
          return '<option value="' + escapeHtml(v[0]) + '">' + escapeHtml(v[0]) + "（" + v[1] + "）</option>";
        }).join("");
        sel.addEventListener("change", go);
        var wrap = document.createElement("div");
        wrap.className = "gk-filter";
        wrap.appendChild(lab); wrap.appendChild(sel);
        box.appendChild(wrap);
        selects[key] = sel;
        labels[key] = f.label;
        totals[key] = new Map(f.values);
      });
      sortSel.addEventListener("change", function () { chosenSort = true; go(); });
      form.addEventListener("submit", go);
      window.addEventListener("popstate", run);
      root.setAttribute("data-gk-ready", String(Math.round(performance.now())));   /* for bench/search_bench.py */
      window.gkSearch = {
        index: index,
        /* For tests and tools: every verified result URL of a query (site-relative on this site), in the
           order shown. */
        urls: function (q, filters, sort) {
          return index.search(q, filters || {}, sort || "rel").then(function (r) {
            return index.verified(r, 0, r.ids.length).then(function (p) {
              return p.docs.map(function (d) { return d.site.own ? d.url : d.href; });
            });
          });
        },
        /* The first n results as shown, for the judged query set (tests/test_search_ranking.py). */
        top: function (q, sort, n) {
          return index.search(q, {}, sort || "rel").then(function (r) {
            return index.verified(r, 0, n).then(function (p) { return p.docs.map(function (d) { return d.url; }); });
          });
        },
        candidates: function (q) { return index.search(q, {}, "rel").then(function (r) { return r.ids.length; }); },
        count: function (q) {
          return index.search(q, {}, "rel").then(function (r) {
            return index.verified(r, 0, PAGE).then(function () { return index.settle(r); }).then(function () { return index.count(r); });
          });
        },
        openFilters: function () { openPanel(true); }
      };
      return run();
    }).catch(function () {
      status.textContent = "检索索引无法加载，请刷新页面重试。";
    });
  }

  /* The theme's script, held back by overrides/main.html on this page: loaded once the first results are
     shown. It starts on DOMContentLoaded, long past by then: its listener for that event is called at once. */
  function theme() {
    var held = document.querySelector('script[type="gk/lazy"][data-gk-src]');
    if (!held) return;
    held.removeAttribute("type");
    var add = document.addEventListener, el = document.createElement("script");
    document.addEventListener = function (type, fn, opts) {
      if (type !== "DOMContentLoaded") return add.call(this, type, fn, opts);
      setTimeout(function () { (fn.handleEvent ? fn.handleEvent.bind(fn) : fn).call(document, new Event(type)); });
    };
    el.onload = el.onerror = function () { document.addEventListener = add; };
    el.src = held.getAttribute("data-gk-src");
    held.parentNode.insertBefore(el, held.nextSibling);
  }

  var root = document.getElementById("gk-search");
  if (root) ui(root).then(function () { setTimeout(theme); });
  else theme();
})();
