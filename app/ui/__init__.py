"""Qt widgets, models and dialogs. The only package that imports Qt."""
