"""Data for the posts: fake running logs, synthetic bee scenes, folders of image/mask pairs.

Import the submodules themselves (``from figblog.data.running import running_data``);
nothing is re-exported, so the engine's record of what a script read stays precise.
"""
