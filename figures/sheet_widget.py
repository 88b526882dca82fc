"""The container of the post's "Run epochs" widget, with its data from figblog.learn.sgd.

Writes ``widget.md``: an empty ``<div class="sheet-widget">`` whose data attributes carry the
twenty training points, the start (m = b = 1), the finite-difference step and the learning
rate; docs/javascripts/sheet-widget.js builds the widget inside it. The text inside the div is
what a reader without JavaScript sees.
"""

import html
import json

from figblog.learn.sgd import DescentConfig, training_points
from figblog.values import publish

x, y = training_points()
config = DescentConfig()


def _numbers(values: list[float]) -> str:
    """JSON array, whole numbers written without a trailing .0."""
    return json.dumps([int(v) if float(v).is_integer() else float(v) for v in values])


EPOCHS_PER_PRESS = 5  # the sheet's button runs five epochs unless told otherwise
attrs = {
    "data-x": _numbers(x.tolist()),
    "data-y": _numbers(y.tolist()),
    "data-m0": "1",
    "data-b0": "1",
    "data-h": f"{config.h:g}",
    "data-lr": f"{config.learning_rate:.4f}",
    "data-epochs": str(EPOCHS_PER_PRESS),
}
attributes = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
with open("widget.md", "w", encoding="utf-8") as f:
    f.write(
        f'<div class="sheet-widget" {attributes}>\n'
        "<p><em>The interactive widget needs JavaScript. The companion notebook runs the same "
        "descent step by step.</em></p>\n"
        "</div>\n"
    )

publish(epochs_per_press=EPOCHS_PER_PRESS)
