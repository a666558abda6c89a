/* gongkai 无障碍浏览 / 适老化 toolbar: 字号 大/中/小, four high-contrast colour schemes,
 * 长辈版 (larger type, line spacing and touch targets) and read-aloud of the main text
 * through the browser's own speech engine. Choices are kept in localStorage. No third-party code.
 * Loaded in <head>, so saved choices apply before the first paint; the toolbar markup is in
 * overrides/main.html and is shown only when this script runs. */
(function () {
  "use strict";
  var KEY = "gk-a11y";
  var SIZES = ["s", "m", "l"];
  var SCHEMES = ["", "wb", "bl", "yl", "bk"];      /* "" = 页面原始配色 */
  var html = document.documentElement;
  var state = read();

  function read() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "{}");
      return s && typeof s === "object" ? s : {};
    } catch (e) { return {}; }
  }

  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: keep for this page */ }
  }

  function attr(name, value) {
    if (value) html.setAttribute(name, value); else html.removeAttribute(name);
  }

  function apply() {
    attr("data-gk-size", SIZES.indexOf(state.size) >= 0 && state.size !== "m" ? state.size : "");
    attr("data-gk-scheme", SCHEMES.indexOf(state.scheme) > 0 ? state.scheme : "");
    attr("data-gk-elder", state.elder ? "1" : "");
  }

  apply();
  html.classList.add("gk-js");

  /* ------------------------------------------------------------ read-aloud */

  var synth = window.speechSynthesis;
  var speaking = false;

  function zhVoice() {
    var voices = synth && synth.getVoices ? synth.getVoices() : [];
    var zh = voices.filter(function (v) { return /^zh|^cmn/i.test(v.lang || ""); });
    return zh.filter(function (v) { return /CN|Hans/i.test(v.lang); })[0] || zh[0] || null;
  }

  /* The page's main text, without breadcrumbs, buttons, pictures and scripts. */
  function mainText() {
    var main = document.querySelector(".md-content article") || document.querySelector("main");
    if (!main) return "";
    var copy = main.cloneNode(true);
    copy.querySelectorAll("script, style, svg, nav, button, [hidden], [aria-hidden=true], .gk-actions, .headerlink")
      .forEach(function (el) { el.remove(); });
    copy.querySelectorAll("h1, h2, h3, h4, p, li, dt, dd, th, td, caption, figcaption")
      .forEach(function (el) { el.appendChild(document.createTextNode("。")); });
    return copy.textContent.replace(/\s+/g, " ").replace(/(。\s*)+/g, "。").replace(/([！？；：，、])。/g, "$1").trim();
  }

  /* Engines stop on long utterances: speak sentence by sentence. */
  function chunks(text) {
    var out = [], parts = text.match(/[^。！？；\n]+[。！？；]?/g) || [];
    parts.forEach(function (p) {
      p = p.trim();
      while (p.length > 160) { out.push(p.slice(0, 160)); p = p.slice(160); }
      if (p && p !== "。") out.push(p);
    });
    return out;
  }

  function stop() {
    speaking = false;
    if (synth) synth.cancel();
    update();
  }

  function speak() {
    var voice = zhVoice(), parts = chunks(mainText());
    if (!voice || !parts.length) return;
    synth.cancel();
    speaking = true;
    parts.forEach(function (part, i) {
      var u = new SpeechSynthesisUtterance(part);
      u.voice = voice;
      u.lang = voice.lang;
      if (i === parts.length - 1) u.onend = function () { speaking = false; update(); };
      synth.speak(u);
    });
    update();
  }

  /* ------------------------------------------------------------ toolbar */

  var bar = null;

  function update() {
    if (!bar) return;
    bar.hidden = false;
    bar.querySelectorAll("[data-gk-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-gk-size") === (state.size || "m")));
    });
    bar.querySelectorAll("[data-gk-scheme]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-gk-scheme") === (state.scheme || "")));
    });
    var elder = bar.querySelector("[data-gk-elder-toggle]");
    if (elder) {
      elder.textContent = state.elder ? "退出长辈版" : "长辈版";
    }
    var say = bar.querySelector("[data-gk-speak]");
    if (say) {
      say.hidden = !zhVoice();
      say.setAttribute("aria-pressed", String(speaking));
      say.textContent = speaking ? "停止朗读" : "朗读正文";
    }
  }

  function change(key, value) {
    if (value) state[key] = value; else delete state[key];
    save();
    apply();
    update();
  }

  function wire() {
    bar = document.querySelector("[data-gk-a11y]");
    if (!bar) return;
    var toggle = bar.querySelector("[data-gk-a11y-toggle]");
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    bar.addEventListener("click", function (event) {
      var b = event.target.closest("button");
      if (!b || !bar.contains(b)) return;
      if (b === toggle) {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        panel.hidden = !open;
      } else if (b.hasAttribute("data-gk-size")) {
        change("size", b.getAttribute("data-gk-size") === "m" ? "" : b.getAttribute("data-gk-size"));
      } else if (b.hasAttribute("data-gk-scheme")) {
        change("scheme", b.getAttribute("data-gk-scheme"));
      } else if (b.hasAttribute("data-gk-elder-toggle")) {
        change("elder", state.elder ? "" : "1");
      } else if (b.hasAttribute("data-gk-speak")) {
        if (speaking) stop(); else speak();
      } else if (b.hasAttribute("data-gk-a11y-reset")) {
        gkA11y.reset();
      }
    });
    /* Escape closes the open panel and returns focus to its button. */
    bar.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || panel.hidden) return;
      toggle.setAttribute("aria-expanded", "false");
      panel.hidden = true;
      toggle.focus();
    });
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", update);
    window.addEventListener("pagehide", function () { if (speaking) stop(); });
    update();
  }

  /* ------------------------------------------------------------ focus not obscured (WCAG 2.2 2.4.11) */

  /* The sticky header and the kiosk's fixed bottom bar cover part of the window: scroll padding of their
   * height makes the browser scroll a focused element (Tab, Shift+Tab, links to #anchors) clear of them. */
  function pad() {
    var top = 0, bottom = 0;
    document.querySelectorAll(".md-header, .gk-kiosk-bar").forEach(function (el) {
      var cs = getComputedStyle(el), r = el.getBoundingClientRect();
      if ((cs.position !== "sticky" && cs.position !== "fixed") || !r.height) return;
      if (r.top < innerHeight / 2) top = Math.max(top, r.bottom); else bottom = Math.max(bottom, innerHeight - r.top);
    });
    html.style.scrollPaddingTop = top ? Math.ceil(top) + 8 + "px" : "";
    html.style.scrollPaddingBottom = bottom ? Math.ceil(bottom) + 8 + "px" : "";
  }

  function watchCovers() {
    pad();
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(pad);
      document.querySelectorAll(".md-header, .gk-kiosk-bar").forEach(function (el) { ro.observe(el); });
    }
    window.addEventListener("resize", pad);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watchCovers);
  else watchCovers();

  window.gkA11y = {
    /* Back to the page's original look (the kiosk calls this when it goes idle). */
    reset: function () {
      state = {};
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
      if (speaking) stop();
      apply();
      update();
    },
    state: function () { return JSON.parse(JSON.stringify(state)); },
    text: mainText
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
