/* gongkai: small page behaviours, no third-party code. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-gk-print]");
    if (button) { window.print(); }
  });
})();
