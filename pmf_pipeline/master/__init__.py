"""The master dataset: the data folder's layout, the store (the only place with SQL), earlier figures, results, export and the period manifest."""
