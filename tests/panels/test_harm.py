"""Crime harm before vs during cohort membership on a small hand-made cohort.

Weights (days of custody, Cambridge-style): burglary 730, robbery 365, assault 20, shoplifting 2.
Ann entered 1 Jan 2025 (still in); Bob entered 1 Jul 2025, left 31 Dec 2025.
Before = the 12 months before entry; during = entry to exit (or the report date, 31 Mar 2026).

Ann before (1 Jan 2024 - 31 Dec 2024): burglary 730 + assault 20 = 750; 2023 robbery is too early.
Ann during (1 Jan 2025 - 31 Mar 2026): shoplifting 2 + shoplifting 2 = 4; April 2026 is after the report.
Bob before (1 Jul 2024 - 30 Jun 2025): robbery 365 + an unweighted 'Fraud' (counts, no harm).
Bob during (1 Jul 2025 - 31 Dec 2025): assault 20; his Feb 2026 offence is after he left.
Totals: before 750 + 365 = 1115; during 4 + 20 = 24; change (24 - 1115) / 1115 = -97.8%.
"""

from datetime import date

from csphub.panels.harm import Member, OffenceEvent, cohort_harm

WEIGHTS = {"Burglary": 730, "Robbery": 365, "Assault": 20, "Shoplifting": 2}
MEMBERS = [Member("ann", date(2025, 1, 1), None), Member("bob", date(2025, 7, 1), date(2025, 12, 31))]
OFFENCES = [
    OffenceEvent("ann", "Robbery", date(2023, 12, 31)),
    OffenceEvent("ann", "burglary", date(2024, 1, 1)),
    OffenceEvent("ann", "Assault", date(2024, 12, 31)),
    OffenceEvent("ann", "Shoplifting", date(2025, 1, 1)),
    OffenceEvent("ann", "Shoplifting", date(2026, 3, 31)),
    OffenceEvent("ann", "Burglary", date(2026, 4, 1)),
    OffenceEvent("bob", "Robbery", date(2024, 7, 1)),
    OffenceEvent("bob", "Fraud", date(2025, 6, 30)),
    OffenceEvent("bob", "Assault", date(2025, 12, 31)),
    OffenceEvent("bob", "Burglary", date(2026, 2, 1)),
]


def test_cohort_harm_before_and_during_by_hand():
    report = cohort_harm(MEMBERS, OFFENCES, WEIGHTS, as_of=date(2026, 3, 31))
    assert (report.harm_before, report.harm_during) == (1115.0, 24.0)
    assert report.percent_change == -97.8
    ann, bob = report.members
    assert (ann.offences_before, ann.harm_before, ann.offences_during, ann.harm_during) == (2, 750, 2, 4)
    assert (bob.offences_before, bob.harm_before, bob.offences_during, bob.harm_during) == (2, 365, 1, 20)
    assert report.unweighted == {"Fraud": 1}


def test_a_shorter_before_window_counts_less():
    report = cohort_harm(MEMBERS, OFFENCES, WEIGHTS, as_of=date(2026, 3, 31), before_months=6)
    # Ann: 1 Jul - 31 Dec 2024 holds only the assault (20); Bob: 1 Jan - 30 Jun 2025 only the fraud.
    assert report.harm_before == 20.0
    assert report.as_dict()["offences_before"] == 2
