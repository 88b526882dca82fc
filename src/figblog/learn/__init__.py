"""Numerical code for the posts: regression, descent and a small CNN (numpy only)."""
