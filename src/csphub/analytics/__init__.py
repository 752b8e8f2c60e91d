"""Analytics: the DuckDB warehouse, its loaders and measures, and the reports built on them.

Plain Python with no Django import, so it runs from the CLI, a notebook or Spark alike
(measures are written with Ibis; see ``csphub.analytics.warehouse``).
"""
