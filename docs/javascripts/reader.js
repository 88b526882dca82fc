/*
 * Wide tables, display formulas, notebook code and printed output scroll sideways. A keyboard
 * can only scroll what it can focus, so each such box that overflows joins the tab order
 * (WCAG 2.1.1; axe rule scrollable-region-focusable). Material's own code blocks already do.
 *
 * Whether a box overflows takes a layout of it, and boxes below the screen are not laid
 * out at load (content-visibility in reader.css): measuring them all then was a forced
 * layout of every table (and a box not yet drawn reports only its own width). So every box
 * starts in the tab order and is measured when the browser draws it (or, for a box always
 * drawn, when it comes on screen); one that fits then leaves the tab order.
 */
(function () {
  "use strict";

  var BOXES =
    ".md-typeset__scrollwrap, .loss-grid-scroll, .jupyter-wrapper .highlight-ipynb, " +
    ".jupyter-wrapper .jp-OutputArea-output > pre, .md-typeset div.arithmatex";
  var MARK = "data-figblog-tab"; // the tab stop is ours to take back

  // Measured again when a formula is refitted: a stop given while the formula overflowed
  // goes once it fits. A tab stop the page set itself is left alone.
  function measure(box) {
    if (box.hasAttribute("tabindex") && !box.hasAttribute(MARK)) return;
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
      box.setAttribute(MARK, "");
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute(MARK);
    }
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

  /*
   * A display formula at most SHRINK times wider than the column (a phone's, mostly) is set
   * that much smaller, down to 1/SHRINK of its size, rather than cut off at a comma or a
   * bracket; a wider one keeps its size and scrolls. Measured before the first paint, again
   * when the math font has arrived (it sets the formulas wider or narrower) and after the
   * window changes width.
   */
  var SHRINK = 1.2;
  var FORMULAS = ".md-typeset div.arithmatex";

  function fit() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(FORMULAS));
    var maths = boxes.map(function (box) { return box.querySelector("math"); });
    maths.forEach(function (math) { if (math) math.style.fontSize = ""; });
    // All reads, then all writes: one layout for the whole page. What scales is the
    // formula inside its padding, the room is the box's inside both paddings; 1 % to spare.
    function sides(element) {
      var style = getComputedStyle(element);
      return parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    }
    var scale = boxes.map(function (box, i) {
      if (!maths[i] || box.scrollWidth <= box.clientWidth) return 1;
      var pad = sides(maths[i]);
      var room = box.clientWidth - sides(box) - pad;
      return (maths[i].getBoundingClientRect().width - pad) / room;
    });
    maths.forEach(function (math, i) {
      if (scale[i] > 1 && scale[i] <= SHRINK) {
        math.style.fontSize = Math.floor(99 / scale[i]) + "%";
      }
    });
    boxes.forEach(function (box) {
      if (box.hasAttribute(MARK)) measure(box);
    });
    fitInline();
  }

  /*
   * An inline formula cannot break across lines: with large text on a phone (200 %), one
   * can be wider than the column and push the whole page sideways. Such a formula is set
   * smaller, just enough to fit its paragraph. At ordinary sizes none is that wide.
   */
  var INLINE = ".md-typeset span.arithmatex > math";

  function fitInline() {
    var maths = Array.prototype.slice.call(document.querySelectorAll(INLINE));
    maths.forEach(function (math) { math.style.fontSize = ""; });
    var scale = maths.map(function (math) {
      var block = math.parentElement.parentElement;
      if (!block || math.closest(".md-typeset__table")) return 1;
      var style = getComputedStyle(block);
      var room = block.clientWidth - parseFloat(style.paddingLeft) -
        parseFloat(style.paddingRight);
      // The formula's box also holds the punctuation after it, which keeps its size.
      var wide = math.getBoundingClientRect().width;
      var rest = math.parentElement.getBoundingClientRect().width - wide;
      return room - rest > 0 && wide + rest > room ? wide / (room - rest) : 1;
    });
    maths.forEach(function (math, i) {
      if (scale[i] > 1) math.style.fontSize = Math.floor(99 / scale[i]) + "%";
    });
  }

  var width = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth !== width) {
      width = window.innerWidth;
      requestAnimationFrame(fit);
    }
  });
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { requestAnimationFrame(fit); });
  }

  /*
   * An animated figure (a GIF) loops for as long as the page is open. Each gets a button
   * that stops it on the frame it shows and starts it again (WCAG 2.2.2), and a reader who
   * asks for less motion (prefers-reduced-motion) finds them stopped on their first frame,
   * with the button to start them. A stopped image shows a still of its frame, drawn on a
   * canvas; its own address and its narrow layout's are kept to start it again. The
   * address keeps its #only-light or #only-dark, which says in which scheme it shows.
   * An image not loaded yet (further down, or the other scheme's) stops when it loads.
   */
  var STILL = "data-figblog-gif"; // on a stopped image or source: its own address
  var LESS_MOTION = window.matchMedia
    ? window.matchMedia("(prefers-reduced-motion: reduce)")
    : null;
  var groups = [];

  // "#only-dark" of "x.dark.gif#only-dark": which scheme shows the image; "" if none.
  function fragment(url) {
    var at = url.indexOf("#");
    return at < 0 ? "" : url.slice(at);
  }

  function isGif(img) {
    return /\.gif(#|$)/i.test(img.getAttribute("src") || "");
  }

  function stop(img) {
    if (img.hasAttribute(STILL) || !img.complete || !img.naturalWidth) return;
    var still;
    try {
      var canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext("2d").drawImage(img, 0, 0);
      still = canvas.toDataURL("image/png");
    } catch (error) {
      return; // an image from elsewhere cannot be read back: it keeps moving
    }
    var src = img.getAttribute("src");
    if (img.parentElement && img.parentElement.tagName === "PICTURE") {
      img.parentElement.querySelectorAll("source").forEach(function (source) {
        source.setAttribute(STILL, source.getAttribute("srcset"));
        source.setAttribute("srcset", still);
      });
    }
    img.setAttribute(STILL, src);
    img.setAttribute("src", still + fragment(src));
  }

  function start(img) {
    if (!img.hasAttribute(STILL)) return;
    if (img.parentElement && img.parentElement.tagName === "PICTURE") {
      img.parentElement.querySelectorAll("source[" + STILL + "]").forEach(function (source) {
        source.setAttribute("srcset", source.getAttribute(STILL));
        source.removeAttribute(STILL);
      });
    }
    img.setAttribute("src", img.getAttribute(STILL));
    img.removeAttribute(STILL);
  }

  function setStopped(group, stopped) {
    group.stopped = stopped;
    group.images.forEach(stopped ? stop : start);
    group.button.textContent = stopped ? "Play animation" : "Pause animation";
  }

  function animations() {
    groups = [];
    document.querySelectorAll(".md-content img").forEach(function (img) {
      if (!isGif(img)) return;
      // The figure (both schemes' images, its caption) or the paragraph holding the image.
      var holder = img.closest("figure") || img.closest("p") || img.parentElement;
      var group = null;
      groups.forEach(function (g) { if (g.holder === holder) group = g; });
      if (!group) {
        group = { holder: holder, images: [], stopped: false };
        groups.push(group);
      }
      group.images.push(img);
      img.addEventListener("load", function () {
        if (group.stopped) stop(img);
      });
    });
    groups.forEach(function (group) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "figblog-motion";
      button.addEventListener("click", function () {
        setStopped(group, !group.stopped);
      });
      group.button = button;
      var caption = group.holder.tagName === "FIGURE"
        ? group.holder.querySelector(":scope > figcaption")
        : null;
      if (caption) {
        group.holder.insertBefore(button, caption);
      } else {
        group.holder.parentNode.insertBefore(button, group.holder.nextSibling);
      }
      setStopped(group, !!(LESS_MOTION && LESS_MOTION.matches));
    });
  }

  /*
   * The lightbox shows what its link points to, the wide layout. On a screen that shows a
   * figure's narrow layout (a <source> in the link's <picture>), that is the same figure
   * smaller than on the page: the link points to the narrow layout there instead. This runs
   * as soon as the page is parsed, before the lightbox reads the links at DOMContentLoaded.
   */
  function zoomWhatIsShown() {
    document.querySelectorAll("a.glightbox > picture > source[media]").forEach(function (source) {
      var srcset = source.getAttribute("srcset") || "";
      if (!window.matchMedia || !window.matchMedia(source.media).matches) return;
      if (/^data:|[\s,]/.test(srcset)) return; // a still (see above), or more than one file
      var link = source.parentElement.parentElement;
      link.setAttribute("href", srcset + fragment(link.getAttribute("href") || ""));
    });
  }

  zoomWhatIsShown();

  /*
   * The lightbox loads the file its link points to: a stopped animation would move again
   * there. So an image the lightbox shows of a stopped animation gets that animation's still.
   */
  function stillOf(url) {
    var bare = url.split("#")[0];
    var found = null;
    groups.forEach(function (group) {
      if (!group.stopped) return;
      group.images.forEach(function (img) {
        if (!img.hasAttribute(STILL)) return;
        var own = [img].concat(Array.prototype.slice.call(
          img.parentElement ? img.parentElement.querySelectorAll("source[" + STILL + "]") : []
        ));
        own.forEach(function (element) {
          var address = new URL(element.getAttribute(STILL), document.baseURI).href;
          if (address.split("#")[0] === bare) found = img.getAttribute("src").split("#")[0];
        });
      });
    });
    return found;
  }

  function keepStill(img) {
    if (!img.closest(".glightbox-container") || !img.src || /^data:/.test(img.src)) return;
    var still = stillOf(img.src);
    if (still) img.src = still + fragment(img.getAttribute("src") || "");
  }

  if (window.MutationObserver) {
    // The lightbox adds its image, or sets its address, when it opens a slide.
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        if (record.type === "attributes") {
          if (record.target.tagName === "IMG") keepStill(record.target);
          return;
        }
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          var images = node.matches("img") ? [node] : node.querySelectorAll("img");
          Array.prototype.forEach.call(images, keepStill);
        });
      });
    }).observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["src"],
    });
  }

  if (LESS_MOTION && LESS_MOTION.addEventListener) {
    LESS_MOTION.addEventListener("change", function () {
      groups.forEach(function (group) { setStopped(group, LESS_MOTION.matches); });
    });
  }

  function ready() {
    fit();
    focusable();
    animations();
  }

  // Material's document$ fires on every page load, instant navigation included.
  if (window.document$) {
    window.document$.subscribe(ready);
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
})();
