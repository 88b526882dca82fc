/*
 * Wide tables and notebook code scroll sideways. A keyboard can only scroll what it can
 * focus, so each such box that overflows joins the tab order (WCAG 2.1.1; axe rule
 * scrollable-region-focusable). Material's own code blocks already do this.
 */
(function () {
  "use strict";

  var BOXES = ".md-typeset__scrollwrap, .jupyter-wrapper .highlight-ipynb";

  function focusable() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  // Material's document$ fires on every page load, instant navigation included.
  if (window.document$) {
    window.document$.subscribe(focusable);
  } else {
    document.addEventListener("DOMContentLoaded", focusable);
  }
})();
