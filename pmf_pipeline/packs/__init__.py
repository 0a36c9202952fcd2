"""The quarterly dashboard packs: the data handed to templates (``packs``), charts, and rendering."""
