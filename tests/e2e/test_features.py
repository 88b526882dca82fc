"""What a reader does on the site, in Chromium: switch colours, zoom a figure, read maths, play.

Checks that need a page the site does not have yet (the widget, the notebook) skip and say so.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from figblog.sitecheck import DRAW_ALL_CSS, REPO

pytestmark = pytest.mark.browser

LIGHT, DARK = 'img[src$="#only-light"]', 'img[src$="#only-dark"]'


NO_NOTEBOOK = "no notebook page (mkdocs-jupyter) in the site yet"


@pytest.fixture(scope="module")
def figure_post(posts, pages_with):
    """A post that shows at least one figure in both variants."""
    found = [p for p in pages_with("#only-dark") if p in posts]
    if not found:
        pytest.skip("no post shows a figure yet")
    return found[0]


def _shown(page, selector: str) -> list[bool]:
    return [img.is_visible() for img in page.locator(selector).all()]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_system_scheme_picks_the_matching_figures(new_page, figure_post, scheme):
    page = new_page(figure_post, scheme)
    want, other = (LIGHT, DARK) if scheme == "light" else (DARK, LIGHT)
    assert _shown(page, want) and all(_shown(page, want)), f"{scheme} figures are hidden"
    assert not any(_shown(page, other)), f"the other scheme's figures show in {scheme}"


def test_palette_toggle_switches_figures_both_ways(new_page, figure_post):
    page = new_page(figure_post, "light")
    page.locator('label[title="Switch to dark mode"]').click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert all(_shown(page, DARK)) and not any(_shown(page, LIGHT))
    page.locator('label[title="Switch to light mode"]').click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    assert all(_shown(page, LIGHT)) and not any(_shown(page, DARK))


def test_captions_sit_under_their_figures(new_page, figure_post):
    page = new_page(figure_post, "light")
    figures = page.locator("figure:has(figcaption):has(img)").all()
    assert figures, f"{figure_post}: no figure with a caption"
    for figure in figures:
        # a figure with a narrow layout has its img inside a <picture> in the lightbox link
        image = figure.locator(
            f"a.glightbox > {LIGHT}, a.glightbox > picture > {LIGHT}, > {LIGHT}, p > {LIGHT}"
        ).first
        caption = figure.locator("figcaption")
        image.scroll_into_view_if_needed()
        img_box, cap_box = image.bounding_box(), caption.bounding_box()
        assert caption.is_visible() and img_box and cap_box
        assert cap_box["y"] >= img_box["y"] + img_box["height"] - 1, "caption overlaps the figure"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_clicking_a_figure_zooms_the_variant_of_the_scheme(new_page, figure_post, scheme):
    page = new_page(figure_post, scheme)
    mine, other = ("light", "dark") if scheme == "light" else ("dark", "light")
    shown = f"img[src$='#only-{mine}']"
    image = page.locator(f"a.glightbox > {shown}, a.glightbox > picture > {shown}").first
    image.scroll_into_view_if_needed()
    image.click()
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    assert slide.get_attribute("src").endswith(f"#only-{mine}")
    loaded = page.locator(".glightbox-container .gslide img").evaluate_all(
        "imgs => imgs.map(i => i.getAttribute('src'))"
    )
    assert not [s for s in loaded if s.endswith(f"#only-{other}")], "the gallery mixes schemes"
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")


@pytest.mark.parametrize("density", [1, 2])
def test_dense_screens_get_the_2x_figure_and_every_screen_zooms_into_it(
    browser, base_url, pages_with, density
):
    """Each image pixel on a device pixel: on a 2x laptop a 1x figure's text is blurred."""
    found = pages_with(".2x.", missing="no figure has a 2x file")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, device_scale_factor=density
    )
    try:
        page = context.new_page()
        page.goto(base_url + found[0], wait_until="load")
        image = page.locator("img[srcset*='.2x.'][src$='#only-light']").first
        image.scroll_into_view_if_needed()
        image.evaluate("i => i.decode()")
        current = image.evaluate("i => i.currentSrc")
        assert (".2x." in current) == (density == 2), current
        assert current.endswith("#only-light")
        box = image.bounding_box()
        assert box and abs(box["width"] - int(image.get_attribute("width"))) <= 20  # 1x layout
        image.click()
        slide = page.locator(".glightbox-container .gslide.current img")
        slide.wait_for(state="visible")
        assert ".2x." in slide.get_attribute("src")
    finally:
        context.close()


def test_on_a_phone_the_zoom_shows_the_narrow_layout_the_page_shows(new_page, pages_with):
    """The wide layout in the lightbox would be smaller than the narrow one on the page."""
    found = pages_with(".narrow.", missing="no figure has a narrow layout")
    page = new_page(found[0], "light")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload(wait_until="load")
    link = page.locator("a.glightbox:has(> picture > source):has(img[src$='#only-light'])").first
    link.scroll_into_view_if_needed()
    inline = link.locator("img").bounding_box()
    assert ".narrow." in link.locator("img").evaluate("i => i.currentSrc")
    link.click()
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    src = slide.get_attribute("src")
    assert ".narrow." in src and src.endswith("#only-light"), src
    page.wait_for_timeout(600)  # the zoom's opening animation
    assert slide.bounding_box()["width"] >= inline["width"]


def test_search_results_show_formulas_as_text_not_latex(new_page, site_dir):
    index = json.loads((site_dir / "search/search_index.json").read_text("utf-8"))
    latex = [d["location"] for d in index["docs"] if re.search(r"\\[(\[]", d["text"])]
    assert not latex, f"LaTeX in the search index: {latex[:5]}"
    page = new_page("", "light")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    results = page.locator(".md-search-result__item")
    query = page.locator("input.md-search__input")
    for attempt in range(6):  # keys typed before the search's worker has its index are lost
        query.press_sequentially(" " if attempt else "learning rate", delay=30)
        try:
            results.first.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    text = " ".join(results.all_inner_texts())
    assert "learning rate" in text.lower() and "\\" not in text, text[:500]


def test_a_post_lists_its_sections_on_screens_without_the_contents_sidebar(new_page, posts):
    """Material's contents sidebar starts at 1220 px; a post is not in the menu drawer."""
    page = new_page(posts[0], "light")
    sections = page.locator("article h2[id]").evaluate_all("hs => hs.map(h => '#' + h.id)")
    assert not page.locator(".figblog-contents").is_visible(), "shown beside the sidebar"
    page.set_viewport_size({"width": 390, "height": 844})
    contents = page.locator(".figblog-contents")
    assert contents.is_visible()
    contents.locator("summary").click()
    links = contents.locator("a")
    assert links.evaluate_all("as => as.map(a => a.getAttribute('href'))") == sections
    middle = len(sections) // 2  # the last ones may sit too near the end to reach the top
    links.nth(middle).click()
    page.wait_for_function("() => scrollY > 0")
    top = page.locator(sections[middle]).evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 200, f"the section's heading is at {top} px"


def _moving(page, image) -> bool:
    """Whether the image's pixels change within a second and a half."""
    first = image.screenshot()
    page.wait_for_timeout(1500)
    return image.screenshot() != first


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_every_animation_can_be_paused_and_less_motion_starts_them_paused(
    new_page, pages_with, motion
):
    """WCAG 2.2.2: a GIF loops for as long as the page is open, so it needs a way to stop."""
    posts = [p for p in pages_with(".gif#only-dark", missing="the posts show animations")]
    page = new_page(posts[0], "dark")
    page.emulate_media(reduced_motion=motion)
    page.reload(wait_until="load")
    animated = page.locator("figure:has(img[src*='.gif'])")
    assert animated.count() and animated.count() == page.locator("button.figblog-motion").count()
    # Not animated.first: a stopped figure's images are stills, no longer '.gif'.
    figure = page.locator("figure:has(button.figblog-motion)").first
    figure.scroll_into_view_if_needed()
    image, button = figure.locator("img[src$='#only-dark']"), figure.locator("button")
    page.wait_for_function("i => i.complete && i.naturalWidth", arg=image.element_handle())
    still = motion == "reduce"
    for _ in range(2):
        assert button.inner_text() == ("Play animation" if still else "Pause animation")
        assert _moving(page, image) != still, f"moving is {not still} with {motion}"
        button.click()
        still = not still
    # A stopped image keeps the scheme it shows in: only the dark one is on screen.
    if not still:
        button.click()
    assert image.get_attribute("src").startswith("data:image/png")
    assert not figure.locator("img[src$='#only-light']").is_visible()


def test_a_paused_animation_stays_paused_when_zoomed(new_page, pages_with):
    """The lightbox loads the link's GIF: it shows the paused frame instead, not a loop."""
    posts = [p for p in pages_with(".gif#only-dark", missing="the posts show animations")]
    page = new_page(posts[0], "dark")
    figure = page.locator("figure:has(button.figblog-motion)").first
    figure.scroll_into_view_if_needed()
    image, button = figure.locator("img[src$='#only-dark']"), figure.locator("button")
    page.wait_for_function("i => i.complete && i.naturalWidth", arg=image.element_handle())
    slide = page.locator(".glightbox-container .gslide.current img")
    for paused in (False, True):
        if paused:
            button.click()
        image.click()
        slide.wait_for(state="visible")
        page.wait_for_function("i => i.complete && i.naturalWidth", arg=slide.element_handle())
        src = slide.get_attribute("src") or ""
        assert src.startswith("data:image/png") == paused, src[:80]
        assert src.endswith("#only-dark")
        assert _moving(page, slide) != paused
        page.keyboard.press("Escape")
        page.locator(".glightbox-container").wait_for(state="detached")


def test_a_failure_box_wraps_its_long_lines(new_page, figure_post):
    """The end of a one-line message says what to do: it must not hide to the right."""
    page = new_page(figure_post)
    page.set_viewport_size({"width": 390, "height": 800})
    sizes = page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.className = "admonition failure";
          box.innerHTML = '<p class="admonition-title">Value not computed</p>' +
            '<div class="highlight"><pre><code>' + "figure script figures/x.py has no " +
            "value 'warm'; it publishes: months, warmest, coldest, wettest, driest" +
            "</code></pre></div>";
          document.querySelector(".md-content article").append(box);
          const code = box.querySelector("code");
          return [code.scrollWidth, code.clientWidth, code.getBoundingClientRect().height];
        }"""
    )
    scroll, width, height = sizes
    assert scroll <= width + 1, sizes
    assert height > 40, "the message should run over several lines"


def test_the_keyboard_zooms_a_figure_too(new_page, figure_post):
    """The zoom starts when a picture is reached: by focus as well as by the pointer."""
    page = new_page(figure_post, "light")
    shown = "img[src$='#only-light']"
    link = page.locator(f"a.glightbox:has(> {shown}), a.glightbox:has(> picture > {shown})").first
    link.focus()
    page.keyboard.press("Enter")
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    assert slide.get_attribute("src").endswith("#only-light")
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")


def test_printing_a_post_prints_its_scripts_sources_and_every_figure(new_page, pages_with):
    """Before printing, every source box gets its code, and every figure is drawn."""
    for url in pages_with("figblog-source", missing="no post shows a source"):
        page = new_page(url)
        boxes = page.locator("details.figblog-source")
        templates = page.locator("template.figblog-code")
        assert boxes.count() > 0 and templates.count() == boxes.count(), url
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert templates.count() == 0, url
        assert page.locator("details.figblog-source .highlight pre > code").count() == boxes.count()
        # Paper cannot draw later what a screen draws only when scrolled near.
        page.emulate_media(media="print")
        sizes = page.locator("article figure img").evaluate_all(
            "imgs => imgs.filter(i => getComputedStyle(i).display !== 'none')"
            ".map(i => i.getBoundingClientRect().height)"
        )
        assert sizes and all(h > 0 for h in sizes), f"{url}: {sizes}"


def test_a_figures_source_opens_highlighted_with_copy_and_download(new_page, pages_with):
    """The source box, inserted as HTML highlighted once, behaves as Material's own code."""
    found = pages_with("figblog-source", missing="no post shows a figure's source yet")
    colours = {}
    for scheme in ("light", "dark"):
        page = new_page(found[0], scheme)
        box = page.locator("details.example.figblog-source").first
        summary = box.locator("summary")
        script = summary.inner_text().removeprefix("How this figure is made: ")
        assert re.fullmatch(r"figures/\w+\.py", script), summary.inner_text()
        # Closed, the box holds its code in a template: nothing to style at load.
        assert box.locator("pre > code").count() == 0, "the closed box's code is in the page"
        summary.click()
        code = box.locator(".highlight pre > code")
        code.wait_for(state="visible")
        assert box.locator(".highlight .filename").inner_text() == script
        copy = box.locator("button[data-md-type=copy]")
        assert copy.count() == 1, "no copy button on the code"
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        copy.click()
        page.locator(".md-dialog", has_text="Copied").wait_for(state="visible")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == (REPO / script).read_text().strip(), "the copy is not the script"
        keyword = code.locator("span.kn").first
        colours[scheme] = keyword.evaluate("e => getComputedStyle(e).color")
        link = box.locator("a[download]")
        name = script.rsplit("/", 1)[1]
        assert link.get_attribute("download") == name  # saved under its own name...
        target = link.evaluate("a => a.href")
        assert re.search(rf"/{name[:-3]}\.[0-9a-f]{{8}}\.py$", target), target  # ...from this
        response = page.request.get(target)
        assert response.ok, f"{target} answered {response.status}"
        assert response.body() == (REPO / script).read_bytes()
    assert colours["light"] != colours["dark"], "the code is not coloured for each scheme"


def test_a_link_to_a_section_lands_on_its_heading(new_page, posts):
    """Figures and tables drawn only near the screen (content-visibility) never move a target.

    Until a block below the screen is drawn the browser sizes it by an estimate; a link to a
    heading further down must still put that heading just under the header, on a fresh load
    and when the address changes on the page (as the table of contents does).
    """
    for post in posts:
        page = new_page(post)
        page.set_viewport_size({"width": 390, "height": 800})
        ids = page.evaluate("[...document.querySelectorAll('article h2[id]')].map(h => h.id)")
        assert len(ids) >= 2, f"{post}: too few sections to test"
        page.goto(page.url.split("#")[0] + "#" + ids[-2], wait_until="load")
        for target in [ids[-2], *ids]:
            page.evaluate("id => { location.hash = id }", target)
            page.wait_for_timeout(150)
            top, margin, header, bottom = page.evaluate(
                """id => { const h = document.getElementById(id); return [
                h.getBoundingClientRect().top, parseFloat(getComputedStyle(h).scrollMarginTop),
                document.querySelector('.md-header').getBoundingClientRect().bottom,
                scrollY + innerHeight >= document.documentElement.scrollHeight - 1] }""",
                target,
            )
            assert margin >= header, f"{post}#{target}: the header would cover the heading"
            # At the very end of the page a heading may sit lower: nothing is left to scroll.
            assert bottom or abs(top - margin) <= 2, f"{post}#{target}: at {top}, not {margin}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_on_a_phone(new_page, pages, scheme):
    """Wide tables, formulas and code scroll in their own box; the page itself never pans."""
    wide = {}
    for url in pages:
        page = new_page(url, scheme)
        page.set_viewport_size({"width": 390, "height": 800})
        page.add_style_tag(content=DRAW_ALL_CSS)  # every block laid out, not only on-screen
        width, room = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if width > room:
            wide[url] = width
    assert not wide, f"pages wider than a 390 px phone: {wide}"


def test_wide_tables_are_keyboard_scrollable_and_narrow_ones_no_tab_stop(new_page, pages_with):
    """Each table box starts in the tab order and leaves it, once seen, if it fits."""
    tested = wide_ones = 0
    for url in pages_with("<table", missing="no page has a table"):
        page = new_page(url)
        page.set_viewport_size({"width": 390, "height": 800})  # a phone: wide tables scroll
        page.reload(wait_until="load")
        boxes = page.locator(".md-typeset__scrollwrap")  # Material's box around a table
        if boxes.count() == 0:
            continue  # tables of another kind (a notebook's)
        tested += 1
        assert all(t == "0" for t in boxes.evaluate_all("bs => bs.map(b => b.tabIndex + '')"))
        seen = []
        for i in range(boxes.count()):
            boxes.nth(i).scroll_into_view_if_needed()
            page.wait_for_timeout(100)
            seen.append(
                boxes.nth(i).evaluate(
                    "b => [b.scrollWidth > b.clientWidth, b.getAttribute('tabindex')]"
                )
            )
        for wide, tab in seen:
            assert tab == ("0" if wide else None), f"{url}: {seen}"
        wide_ones += sum(wide for wide, _ in seen)
    assert tested, "no page has a table in Material's scroll box"
    assert wide_ones, "no table is wider than a phone: the test proves nothing"


def test_maths_is_rendered_as_mathml(new_page, pages_with, site_dir):
    with_math = pages_with('class="arithmatex"', missing="no page has maths yet")
    raw = re.compile(r'class="arithmatex">\s*\\[(\[]')
    left = [p for p in with_math if raw.search((site_dir / p / "index.html").read_text("utf-8"))]
    assert not left, f"LaTeX left unconverted on {left}"
    for url in with_math:
        page = new_page(url)
        # Until drawn, a formula in a block below the screen has no box: draw them all.
        page.add_style_tag(content=DRAW_ALL_CSS)
        boxes = page.locator(".arithmatex math").evaluate_all(
            """els => els.map(e => {
                 const r = e.getBoundingClientRect();
                 return {w: r.width, h: r.height, display: getComputedStyle(e).display};
               })"""
        )
        assert boxes, f"{url}: arithmatex without <math>"
        empty = [b for b in boxes if not (b["w"] > 0 and b["h"] > 0)]
        assert not empty, f"{url}: {len(empty)} of {len(boxes)} formulas have no size"
        assert {b["display"] for b in boxes} <= {"math", "block math"}, f"{url}: not MathML"


def test_spreadsheet_widget_runs_five_epochs_from_the_keyboard(new_page, pages_with):
    found = pages_with(
        'class="sheet-widget"', missing="no page has the spreadsheet widget (.sheet-widget) yet"
    )
    page = new_page(found[0])
    widget = page.locator(".sheet-widget").first
    assert widget.get_attribute("data-sheet-widget-ready") is None, "built before it was seen"
    widget.scroll_into_view_if_needed()
    rows = widget.locator("tbody tr")
    rows.first.wait_for()  # the widget builds itself as it comes into view
    epochs = widget.get_by_label("Epochs", exact=True)
    before = rows.count()  # the table may start with a row for the starting line (epoch 0)
    epochs.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    widget.get_by_role("button", name="Run epochs").focus()
    page.keyboard.press("Enter")
    rows.nth(before + 4).wait_for()
    assert rows.count() == before + 5, "five epochs should add five rows"
    epoch_cells = rows.locator("td:first-child").all_inner_texts()
    assert epoch_cells[before:] == ["1", "2", "3", "4", "5"]
    numbers = rows.nth(before + 4).locator("td").all_inner_texts()
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    widget.get_by_role("button", name="Reset").focus()
    page.keyboard.press("Space")
    assert rows.count() == before, "Reset should bring the table back to its start"


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_run_on_a_phone_brings_the_chart_into_view_with_the_buttons(new_page, pages_with, motion):
    """On a 320 x 640 screen the chart starts below the buttons: "Run epochs" shows it."""
    found = pages_with('class="sheet-widget"', missing="the widget left the site")
    page = new_page(found[0])
    page.set_viewport_size({"width": 320, "height": 640})
    page.emulate_media(reduced_motion=motion)
    widget = page.locator(".sheet-widget").first
    widget.scroll_into_view_if_needed()
    widget.locator("tbody tr").first.wait_for()
    run = widget.get_by_role("button", name="Run epochs")
    run.scroll_into_view_if_needed()
    chart = widget.locator("svg").first
    in_view = """e => { const r = e.getBoundingClientRect();
                        return r.top >= 0 && r.bottom <= innerHeight + 0.5; }"""
    assert not chart.evaluate(in_view), "the chart is in view already: nothing to test here"
    run.click()
    page.wait_for_function(
        """() => { const r = document.querySelector(".sheet-widget svg").getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight + 0.5; }""",
        timeout=5000,
    )
    assert run.evaluate(in_view), "the chart came into view but pushed the buttons out"


@pytest.mark.parametrize("width", [320, 390])
def test_inline_formulas_fit_the_column_of_a_phone_with_the_text_twice_as_large(
    new_page, pages_with, width
):
    """An inline formula cannot wrap: at 32 px text one would push the page sideways."""
    pages = pages_with('<span class="arithmatex">', missing="the posts have inline formulas")
    for url in pages:
        page = new_page(url)
        page.set_viewport_size({"width": width, "height": 800})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 32}})
        page.reload(wait_until="load")
        page.evaluate("document.fonts.ready.then(() => new Promise(requestAnimationFrame))")
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll(".md-typeset span.arithmatex")]
              .filter(s => !s.closest(".md-typeset__table"))
              .map(s => [s.textContent.slice(0, 40), s.getBoundingClientRect().right,
                         s.parentElement.getBoundingClientRect().right])
              .filter(([, right, room]) => right > room + 1)
              .map(([text, right, room]) => `${text}: ${Math.round(right - room)} px over`)"""
        )
        assert not too_wide, f"{url} at {width} px: {too_wide}"


@pytest.mark.parametrize("width", [320, 390])
def test_the_widget_keeps_its_controls_inside_with_the_text_twice_as_large(
    new_page, pages_with, width
):
    """A reader who sets a 32 px text size on a phone reaches every control of the widget."""
    found = pages_with('class="sheet-widget"', missing="the widget left the site")
    page = new_page(found[0])
    page.set_viewport_size({"width": width, "height": 800})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 32}})
    page.reload(wait_until="load")
    widget = page.locator(".sheet-widget").first
    widget.scroll_into_view_if_needed()
    widget.locator("tbody tr").first.wait_for()
    assert page.evaluate("innerWidth") == width
    outside = widget.evaluate(
        """w => {
          const box = w.getBoundingClientRect();
          return [...w.querySelectorAll("input, button, label")]
            .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5)
            .map(([name, r]) => `${name}: ${Math.round(r.left)}-${Math.round(r.right)}`);
        }"""
    )
    assert not outside, f"outside the widget ({width} px screen): {outside}"
    check = widget.locator("input[type=checkbox]").bounding_box()
    assert check and check["width"] >= 24 and check["height"] >= 24, check


def test_only_the_pages_with_the_widget_load_its_script_and_style(pages, pages_with):
    shown = set(pages_with('<div class="sheet-widget"', missing="the widget left the site"))
    assert set(pages_with("javascripts/sheet-widget.js")) == shown
    styled = shown | {p for c in ("loss-grid", "sheet-wide-table") for p in pages_with(c)}
    assert set(pages_with("stylesheets/sheet-widget.css")) == styled
    assert len(styled) < len(pages)


def test_notebook_page_shows_code_and_outputs(new_page, pages_with):
    found = pages_with("jupyter-wrapper", missing=NO_NOTEBOOK)
    for url in found:
        page = new_page(url)
        cells = page.locator(".jp-CodeCell")
        assert cells.count() > 0, f"{url}: no code cells"
        assert page.locator(".jp-CodeCell .jp-InputArea").first.is_visible()
        images = page.locator(".jp-OutputArea-output img").all()
        texts = page.locator(".jp-OutputArea-output pre").all_inner_texts()
        widths = []
        for img in images:
            img.scroll_into_view_if_needed()
            widths.append(img.evaluate("i => i.decode().then(() => i.naturalWidth, () => 0)"))
        assert any(widths) or any(t.strip() for t in texts), f"{url}: no output shown"
        assert all(widths), f"{url}: an output image did not load"


def test_notebook_output_keeps_its_lines_and_prompts_make_room_on_a_phone(new_page, pages_with):
    # Printed tables wrapped inside numbers ("-503.5" / "1") on a 390 px screen, where the
    # "In [n]:" column also took a third of the width from the code and the plots.
    for url in pages_with("jupyter-wrapper", missing=NO_NOTEBOOK):
        page = new_page(url)
        page.set_viewport_size({"width": 390, "height": 800})
        lines = page.locator(".jp-OutputArea-output pre").evaluate_all(
            """ps => ps.map(p => {
                 const box = p.closest('.jp-OutputArea-output');
                 return [getComputedStyle(p).whiteSpace, getComputedStyle(box).overflowX];
               })"""
        )
        assert lines, f"{url}: no text output"
        assert all(ws == "pre" and ox == "auto" for ws, ox in lines), f"{url}: {lines}"
        prompts = page.locator(".jp-CodeCell :is(.jp-InputPrompt, .jp-OutputPrompt)")
        assert not any(p.is_visible() for p in prompts.all()), f"{url}: prompts on a phone"
        # The cells use the text's whole width (paddings and the download button took 70 px).
        column = page.locator(".md-content__inner").bounding_box()["width"]
        cells = page.locator(".jp-CodeCell").evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect().width)"
        )
        assert min(cells) >= column - 1, f"{url}: cells {min(cells)} px in a {column} px column"
        page.set_viewport_size({"width": 1280, "height": 800})
        assert page.locator(".jp-CodeCell .jp-InputPrompt").first.is_visible(), "desktop"


def test_notebook_page_offers_its_notebook_for_download(new_page, pages_with):
    found = pages_with("jupyter-wrapper", missing=NO_NOTEBOOK)
    for url in found:
        page = new_page(url)
        link = page.locator('a[download][href$=".ipynb"]')
        assert link.count() == 1, f"{url}: no download link for the notebook"
        assert link.get_attribute("aria-label").startswith("Download the notebook")
        target = link.evaluate("a => a.href")
        response = page.request.get(target)
        assert response.ok, f"{url}: {target} answered {response.status}"
        notebook = json.loads(response.body())
        assert notebook["cells"] and "nbformat" in notebook


def test_notebook_plots_follow_the_dark_scheme(new_page, pages_with):
    found = pages_with("jp-RenderedImage", missing="no notebook page with a plot yet")
    filters = {}
    for scheme in ("light", "dark"):
        page = new_page(found[0], scheme=scheme)
        image = page.locator(".jp-RenderedImage img").first
        filters[scheme] = image.evaluate("i => getComputedStyle(i).filter")
    assert filters["light"] == "none", filters
    assert "invert" in filters["dark"] and "hue-rotate" in filters["dark"], filters


def test_notebook_maths_is_rendered_not_left_as_tex(new_page, pages_with):
    found = pages_with("jupyter-wrapper", missing=NO_NOTEBOOK)
    tex = re.compile(r"\$\$?[^$\s][^$]*\$")
    for url in found:
        page = new_page(url)
        prose = " ".join(page.locator(".jp-RenderedMarkdown").all_inner_texts())
        raw = tex.findall(prose)
        assert not raw, f"{url}: {len(raw)} formulas shown as raw TeX, e.g. {raw[:3]}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phones_get_a_figures_narrow_layout_and_desktops_the_wide_one(new_page, pages_with, scheme):
    """A figure with a layout for narrow screens shows it on a phone, in the reader's scheme.

    The descent animation and the swapped-columns figure draw their two panels stacked for
    phones, where side by side their labels came out a few pixels tall. The other scheme's
    figure stays hidden, lightbox link and all.
    """
    shown_js = """() => [...document.querySelectorAll('article picture img')]
        .filter(img => img.checkVisibility())
        .map(img => { img.loading = 'eager'; return img; })"""
    pictures = 0
    for url in pages_with("<picture>", missing="no page has a figure with a narrow layout"):
        page = new_page(url, scheme)
        for width, wanted in ((390, True), (1280, False)):
            page.set_viewport_size({"width": width, "height": 800})
            page.reload(wait_until="load")
            page.evaluate(f"() => ({shown_js})().forEach(img => img.scrollIntoView())")
            page.wait_for_function(f"() => ({shown_js})().every(img => img.complete)")
            found = page.evaluate(
                f"""() => ({shown_js})().map(img => [img.currentSrc,
                    img.getBoundingClientRect().width, img.naturalWidth, img.naturalHeight,
                    img.getBoundingClientRect().height])"""
            )
            assert found, f"{url} at {width} px: no figure with a narrow layout is visible"
            for src, shown, natural_w, natural_h, shown_h in found:
                assert (".narrow." in src) == wanted, f"{url} at {width} px: {src}"
                assert f".{scheme}." in src, f"{url} ({scheme}) shows {src}"
                # Drawn at its own shape, not the wide picture's box.
                assert abs(shown_h - shown * natural_h / natural_w) < 2, (url, width, src)
            hidden = page.evaluate(
                """() => [...document.querySelectorAll('article a.glightbox')]
                .filter(a => a.querySelector('picture') && a.checkVisibility()).length"""
            )
            assert hidden == len(found), f"{url}: the other scheme's figure is visible"
            pictures += len(found)
    assert pictures >= 4  # descent and swapped, each at both widths


def test_display_formulas_fit_a_small_phone_or_show_that_they_scroll(new_page, pages_with):
    """On a phone a formula a little too wide is set smaller; a wider one scrolls, with a
    shadow at the edge that has more and a tab stop for keyboards. None is cut off unnoticed.
    At 360 px every formula of the site fits, some shrunk; at 280 px some must scroll."""
    shrunk = {360: 0, 280: 0}
    scrolled = {360: 0, 280: 0}
    for url in pages_with('<div class="arithmatex">', missing="no page has a display formula"):
        for width in shrunk:
            page = new_page(url)
            page.set_viewport_size({"width": width, "height": 800})
            page.reload(wait_until="load")
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(100)  # the refit after the fonts, in the next frame
            boxes = page.evaluate(
                """async () => { const out = [];
                for (const box of document.querySelectorAll('.md-typeset div.arithmatex')) {
                  box.scrollIntoView(); await new Promise(r => setTimeout(r, 50));
                  out.push([box.scrollWidth, box.clientWidth, box.getAttribute('tabindex'),
                    getComputedStyle(box).backgroundImage,
                    box.querySelector('math').style.fontSize,
                    box.scrollHeight - box.clientHeight]); }
                return out; }"""
            )
            for wide, room, tab, background, size, below in boxes:
                # Nothing reaches below the box: no vertical scroll bar, no clipped limits.
                assert below <= 0, f"{url} at {width} px: a formula overflows {below} px down"
                if size:
                    shrunk[width] += 1
                    assert float(size.rstrip("%")) >= 83, (url, size)  # never below 1/1.2
                if wide > room + 1:
                    scrolled[width] += 1
                    assert not size, f"{url} at {width} px: shrunk, yet still cut off"
                    assert tab == "0", f"{url}: a formula that scrolls has no tab stop"
                    assert background.count("gradient") == 4, background
                else:
                    assert tab is None, f"{url}: a formula that fits keeps a tab stop"
    assert shrunk[360] >= 2 and scrolled[360] == 0, (shrunk, scrolled)
    assert scrolled[280] >= 1, (shrunk, scrolled)


@pytest.mark.parametrize("width", [390, 1280])
def test_everything_that_scrolls_sideways_takes_the_keyboard(new_page, pages, width):
    """Any box of a page that scrolls sideways (a table, a formula, code, printed output) can
    be focused, so a keyboard can scroll it (WCAG 2.1.1), on a phone and on a desktop."""
    stuck = {}
    for url in pages:
        page = new_page(url)
        page.set_viewport_size({"width": width, "height": 800})
        page.reload(wait_until="load")
        page.evaluate("document.fonts.ready")
        found = page.evaluate(
            """async () => { const out = [];
            const all = [...document.querySelectorAll('article *, .md-content *')];
            for (const e of all) {
              const x = getComputedStyle(e).overflowX;
              if (!['auto', 'scroll'].includes(x) || !e.checkVisibility()) continue;
              e.scrollIntoView(); await new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
              if (e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0 && !e.querySelector('a, button, input, [tabindex]'))
                out.push(e.tagName + '.' + e.className.toString().split(' ')[0]);
            }
            return [...new Set(out)]; }"""
        )
        if found:
            stuck[url] = found
    assert not stuck, f"boxes that scroll sideways but take no focus at {width} px: {stuck}"
