"""Two-dimensional convolution, forward and backward, three ways.

Images are ``(N, H, W, C)`` arrays (channels last) and weights ``(k, k, C_in, C_out)``.
With channels last, the pixels of a batch flattened to rows, ``(N*H*W, C)``, multiply a
weight matrix ``(C, F)`` and give the output already in ``(N*H*W, F)`` order.

- ``conv2d_naive``: plain loops over the outputs; slow and obviously right, the oracle
  the fast methods are tested against;
- ``im2col``: copy every ``k x k`` window into a row and do one matrix product
  (any stride and padding);
- ``shift`` (stride 1): pad the batch and flatten it to rows; the pixel ``(u, v)`` taps
  away from a pixel is then a fixed number of rows further on, so each of the ``k*k``
  taps is one matrix product over a contiguous slice, with nothing copied. The outputs
  land on the padded grid and the valid part is cut out at the end.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["channel_sum", "col2im", "conv2d_backward", "conv2d_forward", "conv2d_naive", "im2col"]


def channel_sum(x: np.ndarray) -> np.ndarray:
    """Sum of (..., C) over everything but the channels, as one matrix-vector product.

    ``ones @ x`` is many times faster than ``x.sum(axis=(0, 1, 2))`` for few channels.
    """
    rows = x.reshape(-1, x.shape[-1])  # (N, H, W, C) -> (N*H*W, C)
    return np.ones(rows.shape[0], x.dtype) @ rows


def _out_size(n: int, k: int, stride: int, padding: int) -> int:
    size = (n + 2 * padding - k) // stride + 1
    if size < 1:
        raise ValueError(
            f"input of size {n} is smaller than a {k}x{k} kernel with padding {padding}"
        )
    return size


def _pad(x: np.ndarray, p: int) -> np.ndarray:
    """(N, H, W, C) -> (N, H+2p, W+2p, C) with zeros around the border."""
    if p == 0:
        return x
    n, h, w, c = x.shape
    xp = np.empty((n, h + 2 * p, w + 2 * p, c), x.dtype)
    xp[:, p : p + h, p : p + w] = x
    _zero_margin(xp, p, h, w)
    return xp


def _zero_margin(a: np.ndarray, top: int, h: int, w: int, left: int | None = None) -> None:
    """Zero a (N, H', W', C) array outside rows top..top+h and columns left..left+w."""
    left = top if left is None else left
    a[:, :top] = 0
    a[:, top + h :] = 0
    a[:, top : top + h, :left] = 0
    a[:, top : top + h, left + w :] = 0


def conv2d_naive(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Convolve with plain loops: out[n,i,j,f] = b[f] + sum x[n, i*s+u, j*s+v, c] w[u,v,c,f]."""
    n, h, wd, _ = x.shape
    k, f = w.shape[0], w.shape[3]
    ho, wo = _out_size(h, k, stride, padding), _out_size(wd, k, stride, padding)
    xp = _pad(x, padding)
    out = np.empty((n, ho, wo, f), np.result_type(x, w))
    for b_ in range(n):
        for i in range(ho):
            for j in range(wo):
                window = xp[
                    b_, i * stride : i * stride + k, j * stride : j * stride + k, :
                ]  # (k, k, C)
                for o in range(f):
                    out[b_, i, j, o] = np.sum(window * w[..., o]) + b[o]
    return out


def im2col(x: np.ndarray, k: int, stride: int, padding: int) -> np.ndarray:
    """(N, H, W, C) -> (N*Ho*Wo, k*k*C): one row per output pixel, holding its window."""
    n, h, wd, c = x.shape
    ho, wo = _out_size(h, k, stride, padding), _out_size(wd, k, stride, padding)
    win = sliding_window_view(_pad(x, padding), (k, k), axis=(1, 2))  # (N, Hp-k+1, Wp-k+1, C, k, k)
    win = win[:, ::stride, ::stride][:, :ho, :wo]  # (N, Ho, Wo, C, k, k), still a view
    return win.transpose(0, 1, 2, 4, 5, 3).reshape(n * ho * wo, k * k * c)  # the one copy


def col2im(
    cols: np.ndarray, x_shape: tuple[int, ...], k: int, stride: int, padding: int
) -> np.ndarray:
    """Adjoint of :func:`im2col`: (N*Ho*Wo, k*k*C) -> (N, H, W, C), overlapping windows summed."""
    n, h, wd, c = x_shape
    ho, wo = _out_size(h, k, stride, padding), _out_size(wd, k, stride, padding)
    cols = cols.reshape(n, ho, wo, k, k, c)
    dxp = np.zeros((n, h + 2 * padding, wd + 2 * padding, c), cols.dtype)
    for u in range(k):  # k*k slice additions, each over the whole batch
        for v in range(k):
            dxp[
                :, u : u + stride * (ho - 1) + 1 : stride, v : v + stride * (wo - 1) + 1 : stride
            ] += cols[:, :, :, u, v]
    return dxp[:, padding : padding + h, padding : padding + wd]


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int = 1,
    padding: int = 0,
    method: str = "auto",
) -> tuple[np.ndarray, tuple]:
    """Return the convolution (N, Ho, Wo, F) of x (N, H, W, C) with w (k, k, C, F), and a cache."""
    if x.ndim != 4 or w.ndim != 4 or x.shape[3] != w.shape[2] or w.shape[0] != w.shape[1]:
        raise ValueError(f"conv2d needs x (N,H,W,C) and w (k,k,C,F); got {x.shape} and {w.shape}")
    if method == "auto":
        method = "shift" if stride == 1 else "im2col"
    k, f = w.shape[0], w.shape[3]
    n, h, wd, c = x.shape
    ho, wo = _out_size(h, k, stride, padding), _out_size(wd, k, stride, padding)
    if method == "im2col":
        cols = im2col(x, k, stride, padding)  # (N*Ho*Wo, k*k*C)
        out = (cols @ w.reshape(k * k * c, f)).reshape(n, ho, wo, f)
        out += b
        return out, ("im2col", cols, x.shape, w, stride, padding)
    if method != "shift" or stride != 1:
        raise ValueError(f"unknown conv2d method {method!r} for stride {stride}")
    xp = _pad(x, padding)
    hp, wp = h + 2 * padding, wd + 2 * padding
    rows = xp.reshape(n * hp * wp, c)  # (N, Hp, Wp, C) -> (N*Hp*Wp, C): one row per padded pixel
    m = rows.shape[0] - ((k - 1) * wp + (k - 1))  # rows whose every tap stays inside the array
    grid = np.empty((n * hp * wp, f), np.result_type(x, w))
    grid[m:] = 0
    np.matmul(rows[:m], w[0, 0], out=grid[:m])
    tmp = np.empty((m, f), grid.dtype)
    for u in range(k):
        for v in range(1 if u == 0 else 0, k):
            off = u * wp + v  # tap (u, v) of output row r is input row r + off
            np.matmul(rows[off : off + m], w[u, v], out=tmp)
            grid[:m] += tmp
    out = (
        grid.reshape(n, hp, wp, f)[:, :ho, :wo] + b
    )  # valid outputs sit at the top-left of the grid
    return out, ("shift", rows, x.shape, w, stride, padding)


def conv2d_backward(
    dout: np.ndarray, cache: tuple, need_dx: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Given dL/dout (N, Ho, Wo, F), return dL/dx, dL/dw, dL/db of :func:`conv2d_forward`.

    dL/dx is None when ``need_dx`` is false (for the first layer, which feeds on the data).
    """
    method, saved, x_shape, w, stride, padding = cache
    k, c, f = w.shape[0], w.shape[2], w.shape[3]
    n, h, wd, _ = x_shape
    db = channel_sum(dout)
    if method == "im2col":
        cols = saved
        d2 = dout.reshape(-1, f)  # (N, Ho, Wo, F) -> (N*Ho*Wo, F)
        dw = (cols.T @ d2).reshape(w.shape)  # out = cols @ W  =>  dW = cols^T dout
        if not need_dx:
            return None, dw, db
        dcols = d2 @ w.reshape(k * k * c, f).T  # and dcols = dout W^T
        return col2im(dcols, x_shape, k, stride, padding), dw, db
    rows = saved
    hp, wp = h + 2 * padding, wd + 2 * padding
    ho, wo = hp - k + 1, wp - k + 1
    m = rows.shape[0] - ((k - 1) * wp + (k - 1))
    dgrid = np.empty((n, hp, wp, f), dout.dtype)
    dgrid[:, :ho, :wo] = dout
    _zero_margin(dgrid, 0, ho, wo)  # the invalid grid positions did not reach the loss
    dg = dgrid.reshape(n * hp * wp, f)[:m]  # (N*Hp*Wp, F), rows that were computed
    dw = np.empty_like(w)
    if need_dx:
        drows = np.empty_like(rows)
        drows[m:] = 0
        np.matmul(dg, w[0, 0].T, out=drows[:m])  # tap (0, 0) has offset 0
        tmp = np.empty((m, c), rows.dtype)
    for u in range(k):
        for v in range(k):
            off = u * wp + v  # grid[r] += rows[r + off] @ w[u, v]
            np.matmul(rows[off : off + m].T, dg, out=dw[u, v])  # (C, m) @ (m, F)
            if need_dx and off:
                np.matmul(dg, w[u, v].T, out=tmp)  # (m, F) @ (F, C)
                drows[off : off + m] += tmp
    if not need_dx:
        return None, dw, db
    dx = drows.reshape(n, hp, wp, c)[:, padding : padding + h, padding : padding + wd]
    return dx, dw, db
