/* gongkai search: reads the static index written by hooks/gongkai/index.py.
 * Query → tokens exactly as the indexer makes them (CJK characters and
 * bigrams, Latin/digit words), posting lists intersected, candidates checked
 * for the exact phrase against the stored text. No third-party code. */
(function () {
  "use strict";

  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var DOC_NO = /^(.*?)[〔\[(【]\s*(\d{2}|\d{4})\s*[〕\])】]\s*第?\s*0*(\d+)\s*号?$/;
  var INDEX_SERIAL = /(\d{4})(?:\d{2})?-(\d{3,8})$/;
  var PAGE = 20;

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

  function Index(base) {
    this.base = base;
    this.shards = new Map();
    this.chunks = new Map();
    this.files = new Map();
    this.bytes = 0;
  }

  Index.prototype.fetch = function (path, kind) {
    var self = this;
    if (!this.files.has(path)) {
      this.files.set(path, fetch(this.base + "search/" + path).then(function (r) {
        if (!r.ok) { if (r.status === 404) return null; throw new Error(r.status + " " + path); }
        return kind === "json" ? r.text().then(function (t) { self.bytes += t.length; return JSON.parse(t); })
          : r.arrayBuffer().then(function (b) { self.bytes += b.byteLength; return new Uint8Array(b); });
      }));
    }
    return this.files.get(path);
  };

  Index.prototype.load = function () {
    var self = this;
    return this.fetch("manifest.json", "json").then(function (m) { self.manifest = m; return m; });
  };

  Index.prototype.postings = function (token) {
    var self = this, shard = fnv1a(token.charAt(0) === "t" ? token.slice(1) : token) % this.manifest.shards;
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

  Index.prototype.all = function (tokens) {
    var self = this;
    if (!tokens.length) return Promise.resolve(null);
    return Promise.all(tokens.map(function (t) { return self.postings(t); })).then(function (lists) {
      lists.sort(function (a, b) { return a.length - b.length; });
      return lists.reduce(intersect);
    });
  };

  Index.prototype.filter = function (key, values) {
    var self = this, known = this.manifest.filters[key].values;
    return Promise.all(values.map(function (v) {
      var n = known.findIndex(function (e) { return e[0] === v; });
      return n < 0 ? new Uint32Array(0) : self.fetch("f/" + key + "-" + n + ".bin").then(decodePostings);
    })).then(union);
  };

  /* Exact 文号 / 索引号 lookups, however the brackets were typed. */
  Index.prototype.lookup = function (q) {
    var n = q.normalize("NFKC").trim(), m = DOC_NO.exec(n), self = this, want = null;
    if (m) {
      var year = m[2].length === 2 ? "20" + m[2] : m[2];
      want = { year: year, key: year + "-" + parseInt(m[3], 10), prefix: normalize(m[1].trim()), kind: "d" };
    } else if ((m = INDEX_SERIAL.exec(n))) {
      want = { year: m[1], key: String(parseInt(m[2], 10)), kind: "i" };
    }
    if (!want || this.manifest.lookup_years.indexOf(want.year) < 0) return Promise.resolve([]);
    return this.fetch("k/" + want.year + ".json", "json").then(function (table) {
      var hits = (table && table[want.kind][want.key]) || [];
      if (want.kind === "i") return hits;
      var same = hits.filter(function (h) { return !want.prefix || h[0] === want.prefix || h[0].endsWith(want.prefix); });
      return (same.length ? same : want.prefix ? [] : hits).map(function (h) { return h[1]; });
    });
  };

  Index.prototype.doc = function (id) {
    if (!this.chunks.has(id)) {
      this.chunks.set(id, this.fetch("d/" + Math.floor(id / this.manifest.doc_dir) + "/" + id + ".json", "json"));
    }
    return this.chunks.get(id).then(function (r) {
      return { id: id, url: r[0], title: r[1], docNo: r[2], indexNo: r[3], date: r[4], publisher: r[5],
        column: r[6], kind: r[7], parentTitle: r[8], parentUrl: r[9], text: r[10], truncated: r[11] };
    });
  };

  function haystack(doc) {
    return squash([doc.title, doc.docNo, doc.indexNo, doc.publisher, doc.text].join(" ")).text;
  }

  /* Run a search: resolves to {ids (ranked candidates), terms, lookups}. */
  Index.prototype.search = function (q, filters, sort) {
    var self = this, terms = parseQuery(q || "");
    var tokens = [].concat.apply([], terms.map(function (t) { return t.tokens; }));
    var keys = Object.keys(filters || {}).filter(function (k) { return filters[k] && filters[k].length; });
    var browse = !terms.length;
    if (browse && keys.indexOf("lx") < 0) keys.push("lx");   /* browsing lists items, not attachments */
    var fl = !keys.length ? Promise.resolve(null) : Promise.all(keys.map(function (k) {
      return self.filter(k, (filters || {})[k] && filters[k].length ? filters[k] : ["信息"]);
    }));
    return Promise.all([
      self.all(tokens),
      self.all(tokens.map(function (t) { return "t" + t; })),
      terms.length ? self.lookup(q) : Promise.resolve([]),
      fl
    ]).then(function (r) {
      var ids = r[0], title = r[1], exact = r[2], fs = r[3];
      if (browse) {
        ids = new Uint32Array(self.manifest.count).map(function (_, i) { return i; });
      }
      (fs || []).forEach(function (f) { ids = intersect(ids, f); });
      var inIds = new Set(ids), first = [], seen = new Set();
      exact.forEach(function (id) {
        var okFilter = !fs || fs.every(function (f) { return f.indexOf(id) >= 0; });
        if (okFilter && !seen.has(id)) { first.push(id); seen.add(id); }
      });
      (title || []).forEach(function (id) { if (inIds.has(id) && !seen.has(id)) { first.push(id); seen.add(id); } });
      var rest = Array.from(ids).filter(function (id) { return !seen.has(id); });
      if (sort === "old") { rest.reverse(); }
      return { ids: first.concat(rest), terms: terms, exact: exact.length };
    });
  };

  /* Check candidates in order, dropping those without the exact phrase. */
  Index.prototype.verified = function (result, from, count) {
    var self = this, out = [], i = from;
    function step() {
      if (out.length >= count || i >= result.ids.length) return Promise.resolve({ docs: out, next: i });
      var batch = result.ids.slice(i, i + Math.min(count - out.length, 48));   /* bounded parallel fetches */
      i += batch.length;
      return Promise.all(batch.map(function (id) { return self.doc(id); })).then(function (docs) {
        docs.forEach(function (d) {
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
        if (d.kind === "附件") meta.push("附件");
        if (d.docNo) meta.push(escapeHtml(d.docNo));
        if (d.date) meta.push('<time datetime="' + d.date + '">' + d.date + "</time>");
        if (d.publisher) meta.push(escapeHtml(d.publisher));
        if (d.column) meta.push(escapeHtml(d.column));
        li.innerHTML = '<h3><a href="' + escapeHtml(base + d.url) + '">' + escapeHtml(d.title) + "</a></h3>" +
          '<p class="gk-hit-meta">' + meta.join(" · ") + "</p>" +
          (d.kind === "附件" ? '<p class="gk-hit-parent">所属信息：<a href="' + escapeHtml(base + d.parentUrl) + '">' +
            escapeHtml(d.parentTitle) + "</a></p>" : "") +
          (terms.length ? '<p class="gk-hit-excerpt">' + excerpt(d.text, terms) + "</p>" : "");
        list.appendChild(li);
      });
    }

    function run() {
      var s = state(), t0 = performance.now();
      input.value = s.q;
      Object.keys(selects).forEach(function (k) { selects[k].value = (s.filters[k] || [""])[0]; });
      root.querySelector("[name=sort]").value = s.sort;
      if (!s.q && !Object.keys(s.filters).length) {
        list.innerHTML = ""; more.hidden = true;
        status.textContent = "请输入关键词，或选择筛选条件浏览。";
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
          status.textContent = total ? "找到 " + total + " 条结果" + (s.q ? "" : "（按发布日期排列）") :
            "没有找到与“" + s.q + "”相符的信息。请检查用字，或减少关键词。";
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
        status.textContent = "已显示更多结果";
      });
    });

    return index.load().then(function (m) {
      var box = root.querySelector("[data-gk-filters]");
      Object.keys(m.filters).forEach(function (key) {
        var f = m.filters[key];
        var id = "gk-f-" + key, label = document.createElement("label"), sel = document.createElement("select");
        label.setAttribute("for", id); label.textContent = f.label;
        sel.id = id; sel.name = key;
        sel.innerHTML = '<option value="">全部</option>' + f.values.map(function (v) {
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
        /* For tests and tools: every verified result URL of a query. */
        urls: function (q, filters) {
          return index.search(q, filters || {}, "new").then(function (r) {
            return index.verified(r, 0, r.ids.length).then(function (p) {
              return p.docs.map(function (d) { return d.url; });
            });
          });
        },
        candidates: function (q) { return index.search(q, {}, "new").then(function (r) { return r.ids.length; }); }
      };
      return run();
    });
  }

  var root = document.getElementById("gk-search");
  if (root) ui(root);
})();
