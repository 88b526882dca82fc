/*
 * "Run epochs": the spreadsheet's descent, live on the page.
 *
 * Every element with class "sheet-widget" gets a small UI built inside it: inputs for the
 * learning rate and the number of epochs, "Run epochs" and "Reset" buttons, a table that gains
 * a row per epoch (epoch, m, b, RMSE) and an SVG chart of the current line over the points.
 * The data come from the element's attributes, written by figures/sheet_widget.py from the same
 * Python source as the post's figures: data-x, data-y (JSON arrays), data-m0, data-b0, data-h,
 * data-lr.
 *
 * The maths (pointGradient, runEpoch, runEpochs, rmse, validateSettings) are pure functions with
 * no DOM access, exported for Node so tests can compare them with figblog.learn.sgd. They do the
 * same floating-point operations in the same order as the Python, so results agree to rounding.
 * No framework, no network.
 */
(function () {
  "use strict";

  var MAX_EPOCHS = 1000;
  var LIMIT = 1e6; // |m| or |b| beyond this: the run has diverged, stop before Infinity/NaN

  // -- the maths (pure) ------------------------------------------------------------------

  /** de/dm and de/db of one point's squared error (m x + b - y)^2 at (m, b). */
  function pointGradient(m, b, x, y, h, method) {
    var r = m * x + b - y;
    if (method === "analytic") return [2.0 * x * r, 2.0 * r];
    var e = r * r;
    var rm = (m + h) * x + b - y;
    var rb = m * x + (b + h) - y;
    return [(rm * rm - e) / h, (rb * rb - e) / h];
  }

  /** One pass over the points in order, one step per point; returns {m, b}. */
  function runEpoch(m, b, xs, ys, opts) {
    for (var i = 0; i < xs.length; i++) {
      var g = pointGradient(m, b, xs[i], ys[i], opts.h, opts.method || "finite");
      var dm = opts.swapped ? g[1] : g[0];
      var db = opts.swapped ? g[0] : g[1];
      var newM = m - opts.lr * dm;
      var newB = b - opts.lr * db; // both slopes taken at the old (m, b), as the sheet does
      m = newM;
      b = newB;
    }
    return { m: m, b: b };
  }

  /** Root of the mean squared error of the line m x + b over the points. */
  function rmse(m, b, xs, ys) {
    var sum = 0;
    for (var i = 0; i < xs.length; i++) {
      var r = m * xs[i] + b - ys[i];
      sum += r * r;
    }
    return Math.sqrt(sum / xs.length);
  }

  /**
   * Run opts.epochs epochs from start {m, b, epoch}; return {rows, diverged}, one row
   * {epoch, m, b, rmse} per finished epoch. Stops early, without a row, once a value is no
   * longer a finite number of sensible size, so callers never see NaN or Infinity.
   */
  function runEpochs(start, xs, ys, opts) {
    var m = start.m;
    var b = start.b;
    var epoch = start.epoch || 0;
    var rows = [];
    for (var k = 0; k < opts.epochs; k++) {
      var next = runEpoch(m, b, xs, ys, opts);
      var err = rmse(next.m, next.b, xs, ys);
      var sane = isFinite(next.m) && isFinite(next.b) && isFinite(err);
      if (!sane || Math.abs(next.m) > LIMIT || Math.abs(next.b) > LIMIT) {
        return { rows: rows, diverged: true };
      }
      m = next.m;
      b = next.b;
      epoch += 1;
      rows.push({ epoch: epoch, m: m, b: b, rmse: err });
    }
    return { rows: rows, diverged: false };
  }

  /**
   * Read a number typed by a person; null when it is not one. A decimal comma counts as a
   * point: a phone's decimal keypad offers only the comma in many languages.
   */
  function parseNumber(text) {
    var s = String(text == null ? "" : text).trim();
    if (s.indexOf(".") < 0 && s.split(",").length === 2) s = s.replace(",", ".");
    if (s === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
    var v = Number(s);
    return isFinite(v) ? v : null;
  }

  /**
   * Check the two fields; return {ok, lr, epochs, errors: {lr?, epochs?}} with a message per
   * bad field, written for the person who typed it.
   */
  function validateSettings(lrText, epochsText) {
    var errors = {};
    var lr = parseNumber(lrText);
    if (String(lrText == null ? "" : lrText).trim() === "") {
      errors.lr = "Enter a learning rate, for example 0.0001.";
    } else if (lr === null) {
      errors.lr = "The learning rate must be a number, for example 0.0001 or 1e-4.";
    } else if (lr <= 0) {
      errors.lr = "The learning rate must be greater than 0.";
    } else if (lr > 1) {
      errors.lr = "Keep the learning rate at 1 or below; steps that large only diverge.";
    }
    var epochs = parseNumber(epochsText);
    if (String(epochsText == null ? "" : epochsText).trim() === "") {
      errors.epochs = "Enter how many epochs to run, from 1 to " + MAX_EPOCHS + ".";
    } else if (epochs === null || Math.floor(epochs) !== epochs) {
      errors.epochs = "Epochs must be a whole number, from 1 to " + MAX_EPOCHS + ".";
    } else if (epochs < 1) {
      errors.epochs = "Run at least 1 epoch.";
    } else if (epochs > MAX_EPOCHS) {
      errors.epochs = "At most " + MAX_EPOCHS + " epochs per run; press the button again for more.";
    }
    var ok = !errors.lr && !errors.epochs;
    return { ok: ok, lr: ok ? lr : null, epochs: ok ? epochs : null, errors: errors };
  }

  // -- the page (DOM) --------------------------------------------------------------------

  var SVG_NS = "http://www.w3.org/2000/svg";
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function readData(root) {
    var xs = JSON.parse(root.getAttribute("data-x") || "[]");
    var ys = JSON.parse(root.getAttribute("data-y") || "[]");
    if (!Array.isArray(xs) || xs.length === 0 || xs.length !== ys.length) {
      throw new Error("sheet-widget: data-x and data-y must be JSON arrays of the same length");
    }
    return {
      xs: xs.map(Number),
      ys: ys.map(Number),
      m0: Number(root.getAttribute("data-m0") || 1),
      b0: Number(root.getAttribute("data-b0") || 1),
      h: Number(root.getAttribute("data-h") || 0.01),
      lr: root.getAttribute("data-lr") || "0.0001",
      epochs: root.getAttribute("data-epochs") || "5",
    };
  }

  function field(id, label, value, mode, help) {
    var wrap = el("div", { class: "sheet-widget__field" });
    wrap.appendChild(el("label", { for: id }, label));
    var input = el("input", {
      id: id,
      type: "text",
      inputmode: mode,
      autocomplete: "off",
      spellcheck: "false",
      value: value,
      "aria-describedby": id + "-msg",
    });
    wrap.appendChild(input);
    var msg = el("p", { id: id + "-msg", class: "sheet-widget__msg", "aria-live": "polite" });
    msg.dataset.help = help;
    msg.textContent = help;
    wrap.appendChild(msg);
    return { wrap: wrap, input: input, msg: msg };
  }

  function setMessage(f, error) {
    f.input.setAttribute("aria-invalid", error ? "true" : "false");
    f.msg.textContent = error || f.msg.dataset.help;
    f.msg.classList.toggle("sheet-widget__msg--error", Boolean(error));
  }

  function buildChart(data) {
    var W = 360, H = 230, L = 40, R = 10, T = 10, B = 34;
    var xmax = Math.max.apply(null, data.xs) * 1.1;
    var ymax = Math.max.apply(null, data.ys) * 1.15;
    var sx = function (v) { return L + (v / xmax) * (W - L - R); };
    var sy = function (v) { return H - B - (v / ymax) * (H - T - B); };
    var id = "sheet-widget-clip-" + counter;
    var root = svg("svg", {
      viewBox: "0 0 " + W + " " + H, class: "sheet-widget__chart", role: "img",
    });
    var title = svg("title", {});
    root.appendChild(title);
    var defs = svg("defs", {});
    var clip = svg("clipPath", { id: id });
    clip.appendChild(svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B }));
    defs.appendChild(clip);
    root.appendChild(defs);
    var axes = svg("g", { class: "sheet-widget__axes" });
    var ticks = function (max, step) { var t = []; for (var v = 0; v <= max; v += step) t.push(v); return t; };
    ticks(xmax, 10).forEach(function (v) {
      axes.appendChild(svg("line", { x1: sx(v), x2: sx(v), y1: T, y2: H - B, class: "grid" }));
      var t = svg("text", { x: sx(v), y: H - B + 14, "text-anchor": "middle" });
      t.textContent = String(v);
      axes.appendChild(t);
    });
    ticks(ymax, 50).forEach(function (v) {
      axes.appendChild(svg("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), class: "grid" }));
      var t = svg("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end" });
      t.textContent = String(v);
      axes.appendChild(t);
    });
    var xl = svg("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" });
    xl.textContent = "x";
    axes.appendChild(xl);
    var yl = svg("text", { x: 10, y: (T + H - B) / 2, "text-anchor": "middle" });
    yl.textContent = "y";
    axes.appendChild(yl);
    root.appendChild(axes);
    var pts = svg("g", { class: "sheet-widget__points" });
    data.xs.forEach(function (x, i) {
      pts.appendChild(svg("circle", { cx: sx(x), cy: sy(data.ys[i]), r: 3.5 }));
    });
    root.appendChild(pts);
    var line = svg("line", { class: "sheet-widget__line", "clip-path": "url(#" + id + ")" });
    root.appendChild(line);
    return {
      node: root,
      draw: function (m, b) {
        line.setAttribute("x1", sx(0));
        line.setAttribute("y1", sy(b));
        line.setAttribute("x2", sx(xmax));
        line.setAttribute("y2", sy(m * xmax + b));
        title.textContent = "The " + data.xs.length + " points and the line y = " +
          m.toFixed(3) + " x + " + b.toFixed(3);
      },
    };
  }

  function mount(root) {
    if (root.dataset.sheetWidgetReady) return;
    root.dataset.sheetWidgetReady = "1";
    counter += 1;
    var data = readData(root);
    var base = "sheet-widget-" + counter;
    var state = { m: data.m0, b: data.b0, epoch: 0 };
    root.textContent = "";

    var form = el("form", { class: "sheet-widget__form", novalidate: "" });
    var lrField = field(base + "-lr", "Learning rate", data.lr, "decimal",
      "How far each step goes; the sheet uses 0.0001.");
    var epField = field(base + "-epochs", "Epochs", data.epochs, "numeric",
      "Passes over all " + data.xs.length + " points, 1 to " + MAX_EPOCHS + ".");
    form.appendChild(lrField.wrap);
    form.appendChild(epField.wrap);
    var swapWrap = el("div", { class: "sheet-widget__check" });
    var swap = el("input", { id: base + "-swap", type: "checkbox" });
    swapWrap.appendChild(swap);
    swapWrap.appendChild(el("label", { for: base + "-swap" },
      "Swap the derivative columns, as the sheet does"));
    form.appendChild(swapWrap);
    var buttons = el("div", { class: "sheet-widget__buttons" });
    var run = el("button", { type: "submit",
      class: "sheet-widget__button sheet-widget__button--primary" }, "Run epochs");
    var reset = el("button", { type: "button", class: "sheet-widget__button" }, "Reset");
    buttons.appendChild(run);
    buttons.appendChild(reset);
    form.appendChild(buttons);
    root.appendChild(form);

    var status = el("p", { class: "sheet-widget__status", role: "status", "aria-live": "polite" });
    root.appendChild(status);

    var body = el("div", { class: "sheet-widget__body" });
    var chart = buildChart(data);
    body.appendChild(chart.node);
    var scroller = el("div", { class: "sheet-widget__table", tabindex: "0",
      "aria-label": "RMSE after each epoch" });
    // A class keeps Material's styles for plain Markdown tables (table:not([class])) off it.
    var table = el("table", { class: "sheet-widget__rows" });
    table.appendChild(el("caption", {}, "m, b and RMSE after each epoch"));
    var head = el("tr", {});
    ["epoch", "m", "b", "RMSE"].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    var thead = el("thead", {});
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody", {});
    table.appendChild(tbody);
    scroller.appendChild(table);
    body.appendChild(scroller);
    root.appendChild(body);

    function addRow(r) {
      var tr = el("tr", {});
      tr.appendChild(el("td", {}, String(r.epoch)));
      tr.appendChild(el("td", {}, r.m.toFixed(4)));
      tr.appendChild(el("td", {}, r.b.toFixed(4)));
      tr.appendChild(el("td", {}, r.rmse.toFixed(2)));
      tbody.appendChild(tr);
    }

    function show() {
      chart.draw(state.m, state.b);
      scroller.scrollTop = scroller.scrollHeight;
    }

    // On a phone the chart starts below the buttons, out of sight: after a press, scroll
    // just far enough to show all of it (the buttons stay on screen), at once for a
    // reader who asks for less motion.
    function reveal() {
      var box = chart.node.getBoundingClientRect();
      var height = window.innerHeight || document.documentElement.clientHeight;
      if (box.top >= 0 && box.bottom <= height) return;
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      chart.node.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
    }

    function doReset() {
      state = { m: data.m0, b: data.b0, epoch: 0 };
      tbody.textContent = "";
      addRow({ epoch: 0, m: state.m, b: state.b, rmse: rmse(state.m, state.b, data.xs, data.ys) });
      setMessage(lrField, null);
      setMessage(epField, null);
      status.textContent = "Back to m = " + data.m0 + ", b = " + data.b0 + ".";
      show();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var v = validateSettings(lrField.input.value, epField.input.value);
      setMessage(lrField, v.errors.lr);
      setMessage(epField, v.errors.epochs);
      if (!v.ok) {
        status.textContent = "Nothing was run: fix the field marked above.";
        (v.errors.lr ? lrField : epField).input.focus();
        return;
      }
      var out = runEpochs(state, data.xs, data.ys,
        { lr: v.lr, h: data.h, epochs: v.epochs, swapped: swap.checked });
      out.rows.forEach(addRow);
      if (out.rows.length) {
        var last = out.rows[out.rows.length - 1];
        state = { m: last.m, b: last.b, epoch: last.epoch };
      }
      var how = swap.checked ? " with the sheet's swapped columns" : "";
      if (out.diverged) {
        status.textContent = "The steps blew up (diverged) after epoch " + state.epoch +
          ": the learning rate " + v.lr + " is too large" + how + ". Press Reset and try a smaller one.";
      } else {
        status.textContent = "Ran " + out.rows.length + " epoch" + (out.rows.length === 1 ? "" : "s") +
          " at learning rate " + v.lr + how + ": m = " + state.m.toFixed(4) + ", b = " +
          state.b.toFixed(4) + ", RMSE " + out.rows[out.rows.length - 1].rmse.toFixed(2) + ".";
      }
      show();
      reveal();
    });
    reset.addEventListener("click", function () {
      doReset();
      reveal();
    });
    doReset();
    status.textContent = "";
  }

  function safeMount(node) {
    try {
      mount(node);
    } catch (err) {
      node.textContent = "This widget could not start: " + err.message;
    }
  }

  // A widget builds itself when it comes within a screen of the viewport, so a page whose
  // widget is far down does not pay for it while it loads.
  function mountAll() {
    var nodes = document.querySelectorAll(".sheet-widget");
    if (!("IntersectionObserver" in window)) {
      Array.prototype.forEach.call(nodes, safeMount);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          safeMount(entry.target);
        }
      });
    }, { rootMargin: "100% 0px" });
    Array.prototype.forEach.call(nodes, function (node) { observer.observe(node); });
  }

  var api = {
    MAX_EPOCHS: MAX_EPOCHS,
    pointGradient: pointGradient,
    rmse: rmse,
    runEpoch: runEpoch,
    runEpochs: runEpochs,
    validateSettings: validateSettings,
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else if (typeof document !== "undefined") {
    if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
      window.document$.subscribe(mountAll); // Material's instant navigation swaps pages in place
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", mountAll);
    } else {
      mountAll();
    }
  }
})();
