"""Public Spaces Protection Orders: the register (area, prohibitions, term, consultation,
extensions, variations, discharge, expiry alerts), enforcement against an order without a case
(patrols, warnings, fixed penalties, inside the order's area only), and the figures.

``rules`` holds the law as data plus small pure functions; the fixed penalty cap is the dated
table in csphub.core.penalties, shared with casework.
"""
