// A table wider than the screen scrolls inside its .table-wrap; keyboard users must be able to reach and scroll it
// (WCAG 2.1.1; axe-core rule "scrollable-region-focusable"). Such a wrapper becomes a focusable region named by its
// table's caption. Tables that fit are left alone, so they add no extra tab stop. Loaded by base.html.
(function () {
  "use strict";
  var counter = 0;

  function update(root) {
    var wraps = (root && root.querySelectorAll ? root : document).querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.hasAttribute("tabindex") || wrap.scrollWidth <= wrap.clientWidth) {
        return;
      }
      wrap.setAttribute("tabindex", "0");
      var caption = wrap.querySelector("caption");
      if (caption) {
        if (!caption.id) {
          counter += 1;
          caption.id = "table-caption-" + counter;
        }
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-labelledby", caption.id);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { update(document); });
  window.addEventListener("resize", function () { update(document); });
  // Lists and the catalog swap their tables in with HTMX.
  document.addEventListener("htmx:afterSettle", function (event) { update(event.target); });
})();
