"""Numerical code for the posts (numpy only): regression, stochastic descent, a small CNN.

Import the submodules themselves (``from figblog.learn.regression import mse``).
This package re-exports nothing on purpose: the figure engine records which
modules a script imported, and a re-export here would make every script that
touches one submodule depend on all of them.
"""
