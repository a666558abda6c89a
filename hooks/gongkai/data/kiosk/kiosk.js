/* gongkai 离线查询机: the bottom bar (首页 · 返回 · 打印), return to the home page after the
 * idle time, and the on-screen file viewer. Added to every page by `make kiosk`. No third-party code. */
(function () {
  "use strict";
  var bar = document.querySelector("[data-gk-kiosk]");
  if (!bar) return;
  var idle = Math.max(10, parseInt(bar.getAttribute("data-gk-idle"), 10) || 120);
  var home = new URL(bar.getAttribute("data-gk-home") || "./", location.href).href;
  var status = bar.querySelector("[data-gk-idle-status]");
  var warn = Math.min(10, Math.floor(idle / 3));
  var last = Date.now();

  function poke() {
    last = Date.now();
    if (status.textContent) status.textContent = "";
  }

  /* Leave nothing of the last visitor: typed text, toolbar choices, scroll position. */
  function reset() {
    if (window.gkA11y) window.gkA11y.reset();
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* storage disabled */ }
    document.querySelectorAll("input[type=search], input[type=text], textarea").forEach(function (el) { el.value = ""; });
    var atHome = location.href.split(/[?#]/)[0] === home && !location.search && !location.hash;
    if (!atHome) { location.replace(home); return; }
    document.querySelectorAll("[aria-expanded=true][data-gk-a11y-toggle]").forEach(function (b) { b.click(); });
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    window.scrollTo(0, 0);
    poke();
  }

  function tick() {
    var left = idle - (Date.now() - last) / 1000;
    if (left <= 0) { reset(); return; }
    if (left <= warn) status.textContent = "无人操作，" + Math.ceil(left) + " 秒后返回首页。触摸屏幕可继续浏览。";
  }

  ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll", "input"].forEach(function (name) {
    window.addEventListener(name, poke, { passive: true, capture: true });
  });
  window.setInterval(tick, 1000);

  bar.addEventListener("click", function (event) {
    var b = event.target.closest("button");
    if (!b) return;
    if (b.hasAttribute("data-gk-back")) {
      if (history.length > 1) history.back(); else location.href = home;
    } else if (b.hasAttribute("data-gk-kiosk-print")) {
      var frame = document.querySelector("[data-gk-view-frame]");
      try { if (frame && frame.contentWindow) { frame.contentWindow.print(); return; } } catch (e) { /* not printable */ }
      window.print();
    }
  });

  /* Long presses would open the browser's menu on a touch screen. */
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });

  /* The file viewer (view/?f=<path in the site>&t=<title>). */
  var frame = document.querySelector("[data-gk-view-frame]");
  if (frame) {
    var params = new URLSearchParams(location.search), file = params.get("f") || "", title = params.get("t");
    var ok = file && !/^[\/\\]|:|(^|\/)\.\.(\/|$)|\\/.test(file);
    if (title) {
      document.querySelector("[data-gk-view-title]").textContent = title;
      document.title = title;
    }
    if (ok) frame.src = new URL(file, home).href;
    else { frame.hidden = true; document.querySelector("[data-gk-view-error]").hidden = false; }
    /* Touches inside the document do not reach this page: count entering it as activity. */
    window.addEventListener("blur", poke);
  }
})();
