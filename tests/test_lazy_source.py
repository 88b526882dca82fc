"""The source boxes' loader joins exactly the pages that need it, once, inside the body."""

from __future__ import annotations

from figblog.lazy_source import LOADER, add_loader, wrap

PAGE = "<html><head></head><body><p>text</p>{box}</body></html>"


def test_a_page_with_a_wrapped_block_gets_the_loader_once_before_the_body_ends():
    html = PAGE.format(box=wrap('<div class="highlight"><pre><code>x = 1</code></pre></div>'))
    once = add_loader(html)
    assert once.count(LOADER) == 1
    assert once.index(LOADER) > once.index("</template>")
    assert once.endswith(LOADER + "\n</body></html>")
    assert add_loader(once) == once  # a second pass (the serve path, say) adds nothing


def test_a_page_without_one_is_left_as_it_is():
    plain = PAGE.format(
        box="<pre><code>&lt;template class=&quot;figblog-code&quot;&gt;</code></pre>"
    )
    assert add_loader(plain) == plain
    no_body = wrap("<pre><code>x</code></pre>")
    assert add_loader(no_body) == no_body
