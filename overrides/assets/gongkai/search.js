/* gongkai search: reads the static index written by hooks/gongkai/index.py.
 * Query → tokens exactly as the indexer makes them (CJK characters and
 * bigrams, Latin/digit words), posting lists intersected in every bundle (one
 * per year) of every site in search/sites.json, candidates merged by date and
 * checked for the exact phrase against the stored text. No third-party code. */
(function () {
  "use strict";

  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var DOC_NO = /^(.*?)[〔\[(【]\s*(\d{2}|\d{4})\s*[〕\])】]\s*第?\s*0*(\d+)\s*号?$/;
  var INDEX_SERIAL = /(\d{4})(?:\d{2})?-(\d{3,8})$/;
  var PAGE = 20, FORMAT = 3;
  var PARALLEL = 8;            /* index files fetched at once */

  function normalize(s) { return s.normalize("NFKC").toLowerCase(); }

  /* Keep only what the index sees, remembering which original character each came from. */
  function squash(s) {
    var out = "", map = [], i = 0;
    for (var c of s) {
      for (var ch of normalize(c)) {
        if (CJK.test(ch) || /[a-z0-9]/.test(ch)) { out += ch; map.push(i); }
      }
      i += c.length;
    }
    return { text: out, map: map };
  }

  /* The fewest index n-grams that cover the query: a character, a bigram, or trigrams. */
  function tokensOf(text) {
    var out = [], runs = text.match(RUN) || [];
    runs.forEach(function (run) {
      if (/^[a-z0-9]/.test(run)) { out.push("#" + run); return; }
      var c = Array.from(run), n = c.length;
      if (n < 3) { out.push(c.join("")); return; }
      for (var i = 0; i < n; i += 3) {
        var at = Math.min(i, n - 3), tri = c[at] + c[at + 1] + c[at + 2];
        if (out.indexOf(tri) < 0) out.push(tri);
      }
    });
    return out;
  }

  /* "a b" → two terms; "a b" in quotes → one phrase. */
  function parseQuery(q) {
    var terms = [], re = /"([^"]*)"|“([^”]*)”|(\S+)/g, m, n = normalize(q);
    while ((m = re.exec(n))) {
      var raw = m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3];
      var sq = squash(raw).text;
      if (sq) terms.push({ raw: raw, squash: sq, tokens: tokensOf(normalize(raw)) });
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

  function decodePostings(bytes) {
    if (bytes[0] === 1) {
      var ids = [];
      for (var i = 1; i < bytes.length; i++) {
        var b = bytes[i];
        while (b) { var low = b & -b; ids.push((i - 1) * 8 + 31 - Math.clz32(low)); b ^= low; }
      }
      return Uint32Array.from(ids);
    }
    var width = bytes[1], count = (bytes.length - 2) / width, out = new Uint32Array(count), acc = 0;
    var dv = new DataView(bytes.buffer, bytes.byteOffset + 2, bytes.length - 2);
    for (var k = 0; k < count; k++) {
      acc += width === 1 ? dv.getUint8(k) : width === 2 ? dv.getUint16(k * 2, true) : dv.getUint32(k * 4, true);
      out[k] = acc;
    }
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return Uint32Array.from(out);
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

  /* Exact lookup hits as [bundle, id]. */
  Site.prototype.lookup = function (want) {
    if (this.manifest.lookup_years.indexOf(want.year) < 0) return Promise.resolve([]);
    return this.fetch("k/" + want.year + ".json", "json").then(function (table) {
      var hits = (table && table[want.kind][want.key]) || [];
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
    this.shards = new Map();
  }

  Bundle.prototype.fetch = function (path, kind) { return this.site.fetch(this.dir + "/" + path, kind); };

  Bundle.prototype.postings = function (token) {
    var self = this, shard = fnv1a(token.charAt(0) === "t" ? token.slice(1) : token) % this.shardCount;
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
      return raw ? decodePostings(raw) : new Uint32Array(0);
    });
  };

  Bundle.prototype.all = function (tokens) {
    var self = this;
    if (!tokens.length) return Promise.resolve(null);
    return Promise.all(tokens.map(function (t) { return self.postings(t); })).then(function (lists) {
      lists.sort(function (a, b) { return a.length - b.length; });
      return lists.reduce(intersect);
    });
  };

  Bundle.prototype.filter = function (manifest, key, values) {
    var self = this;
    return Promise.all(values.map(function (v) {
      var n = valueIndex(manifest, key, v);
      return n < 0 ? new Uint32Array(0) : self.fetch("f/" + key + "-" + n + ".bin").then(decodePostings);
    })).then(union);
  };

  /* Candidates: {ids, title (ids whose title has every token), fs (ids of each filter)}. A bundle with
     none of a filter's values fetches nothing more, and fs is null. */
  Bundle.prototype.query = function (tokens, filters) {
    var self = this, keys = Object.keys(filters);
    return (keys.length ? this.fetch("manifest.json", "json") : Promise.resolve(null)).then(function (m) {
      if (m && keys.some(function (k) { return filters[k].every(function (v) { return valueIndex(m, k, v) < 0; }); })) {
        return { ids: new Uint32Array(0), title: null, fs: null };
      }
      return Promise.all([
        self.all(tokens),
        self.all(tokens.map(function (t) { return "t" + t; })),
        Promise.all(keys.map(function (k) { return self.filter(m, k, filters[k]); }))
      ]).then(function (r) {
        var ids = r[0] || Uint32Array.from({ length: self.count }, function (_, i) { return i; });
        r[2].forEach(function (f) { ids = intersect(ids, f); });
        return { ids: ids, title: r[1], fs: r[2] };
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
    var site = this.site;
    return this.fetch("d/" + Math.floor(id / site.manifest.doc_dir) + "/" + id + ".json", "json").then(function (r) {
      return r && { url: r[0], title: r[1], docNo: r[2], indexNo: r[3], date: r[4], publisher: r[5],
        column: r[6], kind: r[7], parentTitle: r[8], parentUrl: r[9], text: r[10], truncated: r[11],
        site: site, href: site.root + r[0], parentHref: site.root + r[9] };
    });
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

  Index.prototype.doc = function (id) {
    var self = this, lo = 0, hi = this.units.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (this.units[mid].offset <= id) lo = mid; else hi = mid - 1;
    }
    var u = this.units[lo];
    return u.doc(id - u.offset).then(function (d) { if (d) d.id = id; return d; },
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

  /* Run a search: resolves to {ids (ranked candidates), terms, exact}. filters.zd (站点) picks one site. */
  Index.prototype.search = function (q, filters, sort) {
    var self = this, terms = parseQuery(q || ""), f = {}, only = ((filters || {}).zd || [])[0];
    var tokens = [].concat.apply([], terms.map(function (t) { return t.tokens; }));
    Object.keys(filters || {}).forEach(function (k) { if (k !== "zd" && filters[k] && filters[k].length) f[k] = filters[k]; });
    if (!terms.length && !f.lx) f.lx = ["信息"];   /* browsing lists items, not attachments */
    var want = terms.length ? lookupKey(q) : null;
    var sites = this.sites.filter(function (s) { return !s.failed && (!only || s.name === only); });
    var units = this.units.filter(function (u) { return sites.indexOf(u.site) >= 0; });
    return Promise.all([
      Promise.all(units.map(function (u) { return u.query(tokens, f).catch(function (e) { return self.fail(u.site, e); }); })),
      Promise.all(sites.map(function (s) { return want && s.lookup(want).catch(function (e) { return self.fail(s, e); }); }))
    ]).then(function (r) {
      var found = new Map(), exact = [];
      units.forEach(function (u, n) { if (r[0][n] && !u.site.failed) found.set(u, r[0][n]); });
      sites.forEach(function (s, n) {
        (r[1][n] || []).forEach(function (hit) {
          var u = s.bundles.find(function (b) { return b.dir === hit[0]; }), res = found.get(u);
          if (res && res.fs && res.fs.every(function (l) { return l.indexOf(hit[1]) >= 0; })) exact.push(u.offset + hit[1]);
        });
      });
      return self.merge(found).then(function (order) {
        var title = new Set(), first = [], seen = new Set();
        found.forEach(function (res, u) { (res.title || []).forEach(function (id) { title.add(u.offset + id); }); });
        exact.forEach(function (id) { if (!seen.has(id)) { first.push(id); seen.add(id); } });
        order.forEach(function (id) { if (title.has(id) && !seen.has(id)) { first.push(id); seen.add(id); } });
        var rest = order.filter(function (id) { return !seen.has(id); });
        if (sort === "old") { rest.reverse(); }
        return { ids: first.concat(rest), terms: terms, exact: exact.length };
      });
    });
  };

  function haystack(doc) {
    return squash([doc.title, doc.docNo, doc.indexNo, doc.date, doc.publisher, doc.text].join(" ")).text;
  }

  /* Check candidates in order, dropping those without the exact phrase. */
  Index.prototype.verified = function (result, from, count) {
    var self = this, out = [], i = from;
    function step() {
      if (out.length >= count || i >= result.ids.length) return Promise.resolve({ docs: out, next: i });
      var batch = result.ids.slice(i, i + Math.min(count - out.length, 48));   /* bounded parallel fetches */
      i += batch.length;
      return Promise.all(batch.map(function (id) { return self.doc(id); })).then(function (docs) {
        docs.forEach(function (d) {
          if (!d) { result.dropped = (result.dropped || 0) + 1; return; }
          var hay = haystack(d);
          var ok = d.truncated || result.terms.every(function (t) { return hay.indexOf(t.squash) >= 0; });
          if (ok) out.push(d); else result.dropped = (result.dropped || 0) + 1;
        });
        return step();
      });
    }
    return step();
  };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function excerpt(text, terms) {
    var sq = squash(text), best = -1, len = 0;
    terms.forEach(function (t) {
      var at = sq.text.indexOf(t.squash);
      if (at >= 0 && (best < 0 || at < best)) { best = at; len = t.squash.length; }
    });
    var norm = text;
    if (best < 0) return escapeHtml(Array.from(norm).slice(0, 90).join("")) + (norm.length > 90 ? "…" : "");
    var start = sq.map[best], last = sq.map[best + len - 1];
    var end = last + (text.codePointAt(last) > 0xffff ? 2 : 1);
    var from = Math.max(0, start - 40), to = Math.min(norm.length, end + 60);
    var html = (from > 0 ? "…" : "") + escapeHtml(norm.slice(from, start)) + "<mark>" +
      escapeHtml(norm.slice(start, end)) + "</mark>" + escapeHtml(norm.slice(end, to)) + (to < norm.length ? "…" : "");
    return html;
  }

  /* ---------------------------------------------------------------- UI */

  function ui(root) {
    var base = root.getAttribute("data-base") || "../";
    var index = new Index(base);
    var form = root.querySelector("form"), input = form.querySelector("input[name=q]");
    var status = root.querySelector("[data-gk-status]"), list = root.querySelector("[data-gk-results]");
    var more = root.querySelector("[data-gk-more]"), selects = {}, current = null;

    function state() {
      var p = new URLSearchParams(location.search), f = {};
      Object.keys(selects).forEach(function (k) { var v = p.get(k); if (v) f[k] = [v]; });
      return { q: p.get("q") || "", filters: f, sort: p.get("sort") || "new" };
    }

    function render(docs, append, terms) {
      if (!append) list.innerHTML = "";
      docs.forEach(function (d) {
        var li = document.createElement("li");
        var meta = [];
        if (index.multi) meta.push('<span class="gk-hit-site">' + escapeHtml(d.site.name) + "</span>");
        if (d.kind === "附件") meta.push("附件");
        if (d.docNo) meta.push(escapeHtml(d.docNo));
        if (d.date) meta.push('<time datetime="' + d.date + '">' + d.date + "</time>");
        if (d.publisher) meta.push(escapeHtml(d.publisher));
        if (d.column) meta.push(escapeHtml(d.column));
        li.innerHTML = '<h3><a href="' + escapeHtml(d.href) + '">' + escapeHtml(d.title) + "</a></h3>" +
          '<p class="gk-hit-meta">' + meta.join(" · ") + "</p>" +
          (d.kind === "附件" ? '<p class="gk-hit-parent">所属信息：<a href="' + escapeHtml(d.parentHref) + '">' +
            escapeHtml(d.parentTitle) + "</a></p>" : "") +
          (terms.length ? '<p class="gk-hit-excerpt">' + excerpt(d.text, terms) + "</p>" : "");
        list.appendChild(li);
      });
    }

    /* The status line, with the sites whose index could not be loaded. */
    function say(text) {
      var failed = index.failures();
      status.textContent = failed ? text.replace(/。?$/, "。") + failed : text;
    }

    function run() {
      var s = state(), t0 = performance.now();
      input.value = s.q;
      Object.keys(selects).forEach(function (k) { selects[k].value = (s.filters[k] || [""])[0]; });
      root.querySelector("[name=sort]").value = s.sort;
      if (!s.q && !Object.keys(s.filters).length) {
        list.innerHTML = ""; more.hidden = true;
        say("请输入关键词，或选择筛选条件浏览。");
        return Promise.resolve();
      }
      status.textContent = "正在检索…";
      return index.search(s.q, s.filters, s.sort).then(function (result) {
        current = result;
        return index.verified(result, 0, PAGE).then(function (page) {
          result.next = page.next;
          render(page.docs, false, result.terms);
          var total = result.ids.length - (result.dropped || 0);
          var ms = Math.round(performance.now() - t0);
          say(total ? "找到 " + total + " 条结果" + (s.q ? "" : "（按发布日期排列）") :
            "没有找到与“" + s.q + "”相符的信息。请检查用字，或减少关键词。");
          root.setAttribute("data-gk-ms", String(ms));
          more.hidden = page.next >= result.ids.length;
          root.setAttribute("data-gk-done", "1");
        });
      }).catch(function (err) {
        status.textContent = "检索出错：" + err.message + "。请刷新页面重试。";
      });
    }

    function go(e) {
      if (e) e.preventDefault();
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value.trim());
      Object.keys(selects).forEach(function (k) { if (selects[k].value) p.set(k, selects[k].value); });
      var sort = root.querySelector("[name=sort]").value;
      if (sort !== "new") p.set("sort", sort);
      history.pushState(null, "", "?" + p.toString());
      root.removeAttribute("data-gk-done");
      run();
    }

    more.addEventListener("click", function () {
      if (!current) return;
      index.verified(current, current.next, PAGE).then(function (page) {
        current.next = page.next;
        render(page.docs, true, current.terms);
        more.hidden = page.next >= current.ids.length;
        say("已显示更多结果");
      });
    });

    return index.load().then(function () {
      var box = root.querySelector("[data-gk-filters]"), filters = index.filters();
      if (index.multi) {
        filters = Object.assign({ zd: { label: "站点", values: index.sites.filter(function (s) { return !s.failed; })
          .map(function (s) { return [s.name, s.manifest.count]; }) } }, filters);
      }
      Object.keys(filters).forEach(function (key) {
        var f = filters[key];
        var id = "gk-f-" + key, label = document.createElement("label"), sel = document.createElement("select");
        label.setAttribute("for", id); label.textContent = f.label;
        sel.id = id; sel.name = key;
        sel.innerHTML = '<option value="">' + (key === "zd" ? "全部站点" : "全部") + "</option>" + f.values.map(function (v) {
          return '<option value="' + escapeHtml(v[0]) + '">' + escapeHtml(v[0]) + "（" + v[1] + "）</option>";
        }).join("");
        sel.addEventListener("change", go);
        var wrap = document.createElement("div");
        wrap.className = "gk-filter";
        wrap.appendChild(label); wrap.appendChild(sel);
        box.appendChild(wrap);
        selects[key] = sel;
      });
      root.querySelector("[name=sort]").addEventListener("change", go);
      form.addEventListener("submit", go);
      window.addEventListener("popstate", run);
      window.gkSearch = {
        index: index,
        /* For tests and tools: every verified result URL of a query (site-relative on this site). */
        urls: function (q, filters) {
          return index.search(q, filters || {}, "new").then(function (r) {
            return index.verified(r, 0, r.ids.length).then(function (p) {
              return p.docs.map(function (d) { return d.site.own ? d.url : d.href; });
            });
          });
        },
        candidates: function (q) { return index.search(q, {}, "new").then(function (r) { return r.ids.length; }); }
      };
      return run();
    }).catch(function () {
      status.textContent = "检索索引无法加载，请刷新页面重试。";
    });
  }

  var root = document.getElementById("gk-search");
  if (root) ui(root);
})();
