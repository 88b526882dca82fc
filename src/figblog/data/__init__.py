"""Data for the posts: fake running logs, synthetic bee scenes, folders of image/mask pairs."""
