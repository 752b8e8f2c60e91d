"""Analytics: the DuckDB warehouse, its loaders and measures, and the reports built on them.

Plain Python with no Django import, so it runs from the CLI or a notebook alike. Measures read
the warehouse through one narrow interface, :mod:`csphub.analytics.query`, whose errors name
the measure and the SQL.
"""
