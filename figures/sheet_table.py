"""The sheet's first guess, m = b = 1, on its five points: predictions, squared errors, RMSE.

Writes ``first-guess.md``, a table of x, y, prediction and squared error, and
``first-guess-rmse.md``, a sentence with the real RMSE (root of the mean) next to the sheet's
"rmse" (root of the sum).
"""

import numpy as np

from figblog.learn.sgd import five_points, rmse, root_sum_squares

M, B = 1.0, 1.0

x, y = five_points()
prediction = M * x + B
squared = (prediction - y) ** 2
n = len(x)

lines = [
    "| *x* | *y* | prediction $mx + b$ | squared error $(mx + b - y)^2$ |",
    "|---:|---:|---:|---:|",
]
for xi, yi, pi, si in zip(x, y, prediction, squared, strict=True):
    lines.append(f"| {xi:.0f} | {yi:.0f} | {pi:.0f} | {si:,.0f} |")
lines.append(f"| | | **sum** | **{squared.sum():,.0f}** |")

real = float(rmse(M, B, x, y))
sheet = float(root_sum_squares(M, B, x, y))
sentence = (
    f"The mean of the squared errors is {squared.mean():,.1f}, so the RMSE is "
    f"$\\sqrt{{{squared.mean():.1f}}} \\approx$ **{real:.2f}**. The sheet's cell labelled "
    f"*rmse* shows {sheet:.0f}: that is $\\sqrt{{{squared.sum():.0f}}} \\approx {sheet:.1f}$, "
    f"the root of the *sum*, larger than the RMSE by a factor $\\sqrt{{{n}}} \\approx "
    f"{np.sqrt(n):.2f}$."
)

with open("first-guess.md", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
with open("first-guess-rmse.md", "w", encoding="utf-8") as f:
    f.write(sentence + "\n")
