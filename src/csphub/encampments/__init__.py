"""Unauthorised encampments and tents: the site register, incursions (welfare, impact, the legal
route with its working-day timetable, outcome and costs), tents / rough sleeping enforcement,
and the figures for the assessment and committee papers.

``rules`` holds the law as data plus small pure functions (which powers apply, return periods,
the timetable); no Django there.
"""
