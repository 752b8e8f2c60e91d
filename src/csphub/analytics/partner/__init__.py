"""Partner datasets: the data partners share with the CSP under the 2007 regulations.

Fire and rescue incidents, road casualties (STATS19), hospital and ambulance assault data,
police flagged-crime extracts, treatment, homelessness and Prevent counts: most arrive as a
spreadsheet, one incident a row or already aggregated. One loader reads them all, each file
described by a small dataset profile (:mod:`.profiles`); :mod:`.counts` counts them like
police.uk; :mod:`.survey` holds the community safety survey.
"""
