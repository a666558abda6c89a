// make serve only (never part of a built site): after each rebuild the browser reloads, and this shows
// the errors of a rebuild that failed above the page, which is still the last good build's.
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  if (!me || !window.fetch) return;
  var root = me.slice(0, me.lastIndexOf("assets/gongkai/serve-status.js"));
  fetch(root + "gk-serve-status.json", { cache: "no-store" }).then(function (r) {
    return r.ok ? r.json() : { errors: [] };
  }).then(function (status) {
    if (!status.errors || !status.errors.length) return;
    var box = document.createElement("section");
    box.className = "gk-serve-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "background:#fdecea;color:#611a15;border:2px solid #b71c1c;padding:1em 1.2em;" +
      "margin:0;font-size:1rem;line-height:1.6;position:relative;z-index:10";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 .5em;font-size:1.15rem;color:#b71c1c";
    title.textContent = "预览没有更新：公开目录有 " + status.errors.length +
      " 个错误，下面显示的仍是上次成功生成的网站。改正并保存后，页面会自动刷新。";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.2em;white-space:pre-wrap";
    status.errors.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    box.appendChild(title);
    box.appendChild(list);
    document.body.insertBefore(box, document.body.firstChild);
  }).catch(function () {});
})();
