/*
 * Wide tables and notebook code scroll sideways. A keyboard can only scroll what it can
 * focus, so each such box that overflows joins the tab order (WCAG 2.1.1; axe rule
 * scrollable-region-focusable). Material's own code blocks already do this.
 *
 * Whether a box overflows takes a layout of it, and boxes below the screen are not laid
 * out at load (content-visibility in reader.css): measuring them all then was a forced
 * layout of every table (and a box not yet drawn reports only its own width). So every box
 * starts in the tab order and is measured when the browser draws it (or, for a box always
 * drawn, when it comes on screen); one that fits then leaves the tab order.
 */
(function () {
  "use strict";

  var BOXES = ".md-typeset__scrollwrap, .loss-grid-scroll, .jupyter-wrapper .highlight-ipynb";
  var MARK = "data-figblog-tab"; // the tab stop is ours to take back

  function measure(box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
    } else if (box.hasAttribute(MARK)) {
      box.removeAttribute("tabindex");
    }
    box.removeAttribute(MARK);
  }

  function focusable() {
    var near = null;
    if ("IntersectionObserver" in window) {
      near = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            near.unobserve(entry.target);
            requestAnimationFrame(function () { measure(entry.target); });
          }
        });
      });
    }
    document.querySelectorAll(BOXES).forEach(function (box) {
      if (box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute(MARK, "");
      if (getComputedStyle(box).contentVisibility === "auto") {
        // Drawn only near the screen: measure it when the browser draws it.
        box.addEventListener("contentvisibilityautostatechange", function drawn(event) {
          if (event.skipped) return;
          box.removeEventListener("contentvisibilityautostatechange", drawn);
          requestAnimationFrame(function () { measure(box); });
        });
      } else if (near) {
        near.observe(box);
      } else {
        measure(box);
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
