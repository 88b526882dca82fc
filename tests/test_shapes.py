"""Counting connected shapes in a mask, the count the learning.gif caption gives."""

from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.shapes import count_shapes, label_shapes


def test_touching_shapes_are_one_and_separate_ones_are_counted():
    mask = np.zeros((8, 10), np.uint8)
    mask[1:3, 1:4] = 1  # a bar
    mask[3:5, 3:5] = 1  # touching the bar along an edge: the same shape
    mask[6:8, 7:10] = 1  # apart
    labels, count = label_shapes(mask)
    assert count == 2
    assert labels[1, 1] == labels[4, 4] != labels[7, 9]
    assert set(np.unique(labels)) == {0, 1, 2}


def test_corners_join_only_with_eight_connectivity():
    mask = np.eye(4, dtype=bool)
    assert count_shapes(mask) == 4
    assert count_shapes(mask, connectivity=8) == 1


def test_a_large_shape_needs_no_recursion():
    assert count_shapes(np.ones((300, 300))) == 1
    assert count_shapes(np.zeros((5, 5))) == 0


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="2-D"):
        count_shapes(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="4 or 8"):
        count_shapes(np.zeros((2, 2)), connectivity=6)
