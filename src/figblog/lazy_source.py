"""Script sources that join the page only when a reader opens their box.

A highlighted script is hundreds of ``<span>`` elements, and a post with a few source
boxes had two thirds of its elements in them, collapsed: the browser parsed and styled
them all on load (Lighthouse counted the style work as blocking time on a phone). So
:class:`~figblog.engine.source_html.SourceHtml` puts each finished code block in a
``<template>``, which the browser parses but neither styles nor lays out, and the script
below moves it into the page when its box first opens (or before printing).

Material gives each code block a copy button when the page loads, so a block added
later gets the same button here: same classes and attributes, picked up by Material's
clipboard handler, which listens on the whole document. A block that scrolls sideways
becomes focusable, as Material's own do, so a keyboard can scroll it.
"""

from __future__ import annotations

__all__ = ["LOADER", "TEMPLATE_CLASS", "add_loader", "wrap"]

TEMPLATE_CLASS = "figblog-code"

LOADER = """<script id="figblog-lazy-source">(function () {
  "use strict";
  var title = "Copy to clipboard", copy = false, count = 0;
  try {
    var config = JSON.parse(document.getElementById("__config").textContent);
    title = (config.translations || {})["clipboard.copy"] || title;
    copy = (config.features || []).indexOf("content.code.copy") >= 0;
  } catch (e) { /* not a Material page: no copy button */ }
  function button(pre, code) {
    if (!pre.id) pre.id = "__figblog_code_" + count++;
    var nav = document.createElement("nav"), b = document.createElement("button");
    nav.className = "md-code__nav";
    b.className = "md-code__button";
    b.title = title;
    b.setAttribute("data-clipboard-target", "#" + pre.id + " > code");
    b.setAttribute("data-md-type", "copy");
    nav.appendChild(b);
    pre.insertBefore(nav, code);
  }
  function fill(box) {
    box.querySelectorAll("template.@CLASS@").forEach(function (t) {
      var part = t.content.cloneNode(true);
      var codes = Array.prototype.slice.call(part.querySelectorAll("pre > code"));
      t.replaceWith(part);
      codes.forEach(function (code) {
        if (copy) button(code.parentElement, code);
        if (code.scrollWidth > code.clientWidth) code.setAttribute("tabindex", "0");
      });
    });
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.open) fill(e.target);
  }, true);
  window.addEventListener("beforeprint", function () { fill(document); });
  document.querySelectorAll("details[open]").forEach(fill);
})();</script>""".replace("@CLASS@", TEMPLATE_CLASS)


def wrap(html: str) -> str:
    """A finished code block as the page carries it until its box is opened."""
    return f'<template class="{TEMPLATE_CLASS}">{html}</template>'


def add_loader(html: str) -> str:
    """Put the loader at the end of a page's body if the page has a wrapped block."""
    if f'<template class="{TEMPLATE_CLASS}">' not in html or 'id="figblog-lazy-source"' in html:
        return html
    end = html.lower().rfind("</body>")  # the last one: a code block may quote the tag
    if end < 0:
        return html
    return html[:end] + LOADER + "\n" + html[end:]
