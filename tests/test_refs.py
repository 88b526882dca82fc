"""The reference parser: what counts as a figure reference, and what is an error."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from figblog.engine.refs import FigureRef, RefError, scan, scan_page


def test_reference_with_output_attrs_and_caption():
    text = "Intro\n\n![A plot](figures/loss_surface.py#loss-surface.png){ .show-source }\n"
    refs, errors = scan(text, "post.md")
    assert errors == []
    (ref,) = refs
    assert (ref.line, ref.script, ref.output, ref.alt) == (
        3,
        "loss_surface.py",
        "loss-surface.png",
        "A plot",
    )
    assert ref.show_source and ref.attrs == ""
    assert text.splitlines()[2][ref.start : ref.end].endswith("{ .show-source }")


def test_output_may_be_left_out_and_other_attrs_are_kept():
    refs, _ = scan('![x](figures/sub/one.py "A title"){ width="300" }', "p.md")
    assert refs[0].script == "sub/one.py" and refs[0].output is None
    assert refs[0].title == "A title" and refs[0].attrs == 'width="300"' and not refs[0].show_source


def test_a_reference_may_set_its_own_small_text_limit():
    text = (
        '![a](figures/a.py){ .show-source min_text_px=3 width="300" }\n'
        "![b](figures/b.py){ min_text_px='0' }\n"
        "![c](figures/c.py){ width=300 }\n"
    )
    refs, errors = scan(text, "p.md")
    assert errors == []
    assert [(r.min_text_px, r.attrs) for r in refs] == [
        (3.0, 'width="300"'),
        (0.0, ""),
        (None, "width=300"),
    ]
    assert refs[0].show_source


def test_a_small_text_limit_that_is_no_number_is_an_error_at_its_line():
    for bad in ("small", "-1", "inf", ""):
        refs, errors = scan(f"Text\n![a](figures/a.py){{ min_text_px={bad} }}\n", "p.md")
        assert [(e.line, e.page) for e in errors] == [(2, "p.md")], bad
        assert f"'min_text_px={bad}' on a figure reference must be a number" in errors[0].message
        assert refs[0].min_text_px is None and refs[0].attrs == ""


def test_references_in_code_are_ignored():
    text = (
        "```markdown\n![a](figures/a.py)\n```\n"
        "~~~~\n![b](figures/b.py)\n~~~~\n"
        "Use `![c](figures/c.py)` like this, or ``![d](figures/d.py)``.\n"
        "![e](figures/e.py)\n"
    )
    refs, errors = scan(text, "p.md")
    assert [r.script for r in refs] == ["e.py"] and errors == []


def test_other_images_are_left_alone():
    refs, errors = scan("![logo](img/logo.png) ![x](https://example.org/figures/a.py)", "p.md")
    assert refs == [] and errors == []


def test_several_references_on_one_line_keep_their_offsets():
    line = "![a](figures/a.py#1.png)![b](figures/b.py#2.png)"
    refs, _ = scan(line, "p.md")
    assert [line[r.start : r.end] for r in refs] == [
        "![a](figures/a.py#1.png)",
        "![b](figures/b.py#2.png)",
    ]


def test_badly_formed_references_name_page_and_line():
    text = (
        "ok\n![a](figures/../secret.py)\n![b](figures/b.txt)\n"
        "![c](figures/c.py#)\n![d](figures/d.py#../x.png)"
    )
    refs, errors = scan(text, "docs/post.md")
    assert refs == []
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert all(
        str(e).startswith(f"docs/post.md:{e.line}: badly formed figure reference") for e in errors
    )


def test_custom_prefix():
    refs, _ = scan("![a](plots/a.py) ![b](figures/b.py)", "p.md", prefix="plots")
    assert [r.script for r in refs] == ["a.py"]


def test_a_script_named_another_way_is_an_error_saying_how_to_write_it():
    text = (
        "![a](/figures/lr_sweep.py#lr-sweep.png)\n"
        "![b](../../../figures/lr_sweep.py)\n"
        "![c](Figures/lr_sweep.py#x.md)\n"
    )
    refs, errors = scan(text, "docs/blog/posts/post.md")
    assert refs == []
    assert [(e.line, e.message.split(": write ")[1]) for e in errors] == [
        (1, "'figures/lr_sweep.py#lr-sweep.png' (the figures folder first, relative to nothing)"),
        (2, "'figures/lr_sweep.py' (the figures folder first, relative to nothing)"),
        (3, "'figures/lr_sweep.py#x.md' (the figures folder first, relative to nothing)"),
    ]
    assert "starts with '/'" in errors[0].message
    assert "climbs out of the page's folder with '../'" in errors[1].message
    assert "spells the folder 'Figures' where it is 'figures'" in errors[2].message


def test_links_to_python_files_elsewhere_are_not_figure_errors():
    text = (
        "![a](https://github.com/me/blog/blob/main/figures/a.py)\n"
        "![b](code/helper.py) ![c](../code/figures/b.py)\n"
        # From docs/blog/posts/, '../figures' is docs/blog/figures: a folder of the docs.
        "![d](../figures/c.py) ![e](/figures/d.txt) ![f](//figures/e.py)\n"
    )
    assert scan(text, "docs/blog/posts/post.md") == ([], [])


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("![](){}#`~.\n /_-abfgiprsuy0123456789")), max_size=300)
)
def test_fuzz_any_markdown_yields_refs_or_errors(text):
    refs, errors = scan(text, "fuzz.md")
    lines = text.split("\n")
    for ref in refs:
        assert isinstance(ref, FigureRef)
        assert ref.script.endswith(".py") and ".." not in ref.script.split("/")
        assert lines[ref.line - 1][ref.start : ref.end].startswith("![")
    for err in errors:
        assert isinstance(err, RefError) and 1 <= err.line <= len(lines)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_arbitrary_unicode_never_crashes(text):
    refs, errors = scan(text + "\n![x](figures/a.py#b.png)", "fuzz.md")
    assert isinstance(refs, list) and isinstance(errors, list)


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}(/[a-z_][a-z0-9_]{0,8}){0,2}\.py", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True)),
    st.text(alphabet=st.characters(blacklist_characters="[]\\\n\r"), max_size=30),
)
def test_fuzz_wellformed_references_round_trip(script, output, alt):
    src = f"figures/{script}" + (f"#{output}" if output else "")
    refs, errors = scan(f"before ![{alt}]({src}) after", "p.md")
    assert errors == []
    assert [(r.script, r.output, r.alt) for r in refs] == [(script, output, alt)]


def test_an_attribute_list_may_open_with_a_colon_and_give_the_figure_an_id():
    refs, errors = scan("![t](figures/x.py){: #fig-x .show-source width=300 }\n", "p.md")
    assert errors == []
    assert [(r.show_source, r.ident, r.attrs) for r in refs] == [(True, "fig-x", "width=300")]


def test_attribute_lists_markdown_would_show_as_text_are_errors_at_their_line():
    text = (
        "ok\n![a](figures/a.py){ .show-source\n"
        "![b](figures/b.py){ .show-source }{ .x }\n"
        "![c](figures/c.py){ #one #two }\n"
    )
    refs, errors = scan(text, "docs/p.md")
    assert [str(e).split(": ", 1)[0] for e in errors] == [
        "docs/p.md:2",
        "docs/p.md:3",
        "docs/p.md:4",
    ]
    assert "attribute list after this figure reference is not closed" in errors[0].message
    assert "a second attribute list" in errors[1].message
    assert "put everything in one, as { .show-source .wide }" in errors[1].message
    assert "one id, not '#one' and '#two'" in errors[2].message
    assert len(refs) == 3


def test_loading_width_and_height_take_only_values_a_browser_can_use():
    good = scan("![a](figures/a.py){ loading=eager width='300' height=\"200\" }", "p.md")
    assert good[1] == [] and good[0][0].attrs == "loading=eager width='300' height=\"200\""
    for word, said in (
        ("loading=sometimes", "loading is lazy or eager, as in loading=lazy"),
        ("height=x", "height is a positive whole number of CSS px, as in height=300"),
        ("width=0", "width is a positive whole number of CSS px"),
        ("width=-3", "width is a positive whole number of CSS px"),
    ):
        _, errors = scan(f"Text\n![a](figures/a.py){{ {word} }}\n", "p.md")
        assert [e.line for e in errors] == [2], word
        assert errors[0].message.startswith(f"'{word}' on a figure reference: {said}"), word


def test_a_script_name_with_characters_no_name_may_hold_says_which():
    _, _, errors = scan_page("![a](figures/ünï.py)\nIt is {{ ünï.py:n }}.\n", "p.md")
    said = (
        "a script's path may hold only ASCII letters, digits, '_', '-', '.' and '/', not 'ï', 'ü'"
    )
    assert [(e.line, e.message.endswith(said)) for e in errors] == [(1, True), (2, True)]
