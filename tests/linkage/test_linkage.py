"""Record linkage of people across agencies (csphub.linkage): plain Python, no Django."""

from __future__ import annotations

import subprocess
import sys
from itertools import combinations

import pandas as pd
import pytest

from csphub.linkage import (
    DEFAULT_THRESHOLD,
    NICKNAMES,
    PersonMatcher,
    generate_people,
    pairs_from_frame,
    precision_recall,
    prepare,
)

COLUMNS = ["unique_id", "agency", "first_name", "last_name", "date_of_birth", "postcode",
           "address"]

# Twenty records of eleven people, written out by hand. The letter of each id is the person.
HAND_MADE = pd.DataFrame([
    # Robert Smith: a nickname, and a record without a date of birth.
    ("a1", "police", "Bob", "Smith", "1980-03-07", "ME4 4QU", "12 High St"),
    ("a2", "council_asb", "Robert", "Smith", "1980-03-07", "me44qu", "12 High Street"),
    ("a3", "housing", "Robert", "Smith", None, "ME4 4QU", "12 High Street"),
    # Elizabeth Jones: names swapped by the housing provider; a typo after she moved.
    ("b1", "police", "Elizabeth", "Jones", "1992-11-23", "ME7 2EE", "4 Canterbury Road"),
    ("b2", "housing", "JONES", "ELIZABETH", "1992-11-23", "ME7 2EE", "4 Canterbury Rd"),
    ("b3", "council_asb", "Elizbeth", "Jones", "1992-11-23", "ME5 9PL", "31 Walderslade Road"),
    # Mohammed Hussain: a typo in the surname.
    ("c1", "police", "Mohammed", "Hussain", "1975-06-02", "ME1 3LG", "7 Delce Road"),
    ("c2", "council_asb", "Mohammed", "Hussian", "1975-06-02", "ME1 3LG", "7 Delce Rd"),
    # Katherine O'Brien: a nickname without a postcode; day and month transposed.
    ("d1", "housing", "Katie", "O'Brien", "2001-09-05", None, "22 Frindsbury Hill"),
    ("d2", "police", "KATHERINE", "OBRIEN", "2001-05-09", "ME2 4AB", "22 Frindsbury Hill"),
    ("d3", "council_asb", "Katherine", "O Brien", "2001-09-05", "ME2 4AB", "22 Frindsbury Hill"),
    # Tomasz Nowak: moved to another street in the same district.
    ("e1", "police", "Tomasz", "Nowak", "1988-01-30", "ME8 6BE", "3 Rainham Road"),
    ("e2", "housing", "Tomasz", "Nowak", "1988-01-30", "ME8 0QX", "Flat 2, 90 Station Road"),
    # Jack Smith: Robert's neighbour: same surname, same postcode, a different person.
    ("f1", "council_asb", "Jack", "Smith", "1983-05-19", "ME4 4QU", "14 High Street"),
    ("f2", "police", "Jack", "Smith", "1983-05-19", "ME4 4QU", "14 High St"),
    # Sarah Smith: Robert's wife, at his address.
    ("g1", "housing", "Sarah", "Smith", "1981-01-12", "ME4 4QU", "12 High Street"),
    # One record each.
    ("h1", "police", "Ann", "Taylor", "1950-02-02", "ME14 1AA", "9 Week Street"),
    ("i1", "council_asb", "David", "Clark", "1967-07-07", "ME2 3DD", "5 Cliffe Road"),
    ("j1", "housing", "Priya", "Patel", "1995-04-04", "ME7 1AA", "40 Canterbury Street"),
    ("k1", "police", "Robert", "Smyth", "1961-12-01", "CT1 2BB", "2 Rose Lane"),
], columns=COLUMNS)

HAND_TRUE_PAIRS = {
    ("a1", "a2"), ("a1", "a3"), ("a2", "a3"),
    ("b1", "b2"), ("b1", "b3"), ("b2", "b3"),
    ("c1", "c2"),
    ("d1", "d2"), ("d1", "d3"), ("d2", "d3"),
    ("e1", "e2"),
    ("f1", "f2"),
}


@pytest.fixture(scope="module")
def hand_matcher():
    with PersonMatcher().fit(HAND_MADE) as matcher:
        yield matcher


def test_hand_made_true_pairs_are_written_out_in_full():
    by_person: dict[str, list[str]] = {}
    for uid in HAND_MADE["unique_id"]:
        by_person.setdefault(uid[0], []).append(uid)
    every_pair = {pair for uids in by_person.values() for pair in combinations(sorted(uids), 2)}
    assert every_pair == HAND_TRUE_PAIRS
    assert len(HAND_MADE) == 20 and HAND_MADE["agency"].nunique() == 3


def test_tiny_input_uses_the_fixed_parameters(hand_matcher):
    assert not hand_matcher.trained
    assert hand_matcher.training_note.startswith("fixed parameters: 20 records")


def test_every_hand_made_true_pair_is_found(hand_matcher):
    predicted = pairs_from_frame(hand_matcher.predict_pairs(DEFAULT_THRESHOLD))
    assert HAND_TRUE_PAIRS - predicted == set()


def test_neighbours_and_relatives_sharing_surname_and_postcode_are_not_matched(hand_matcher):
    predicted = pairs_from_frame(hand_matcher.predict_pairs(DEFAULT_THRESHOLD))
    smiths = {"a1", "a2", "a3", "f1", "f2", "g1", "k1"}
    wrong = {pair for pair in predicted if set(pair) <= smiths and pair[0][0] != pair[1][0]}
    assert wrong == set()
    assert predicted == HAND_TRUE_PAIRS  # and nothing else is matched either


def test_hand_made_clusters_are_the_people(hand_matcher):
    clusters = hand_matcher.clusters(DEFAULT_THRESHOLD)
    people = clusters.groupby("cluster_id")["unique_id"].apply(lambda ids: "".join(
        sorted({uid[0] for uid in ids})))
    assert sorted(people) == list("abcdefghijk")


def test_candidates_for_a_nickname_puts_the_same_person_first(hand_matcher):
    found = hand_matcher.candidates_for({
        "first_name": "Bobby", "last_name": "Smith", "date_of_birth": "1980-03-07",
        "postcode": "ME4 4QU", "address": "12 High Street"})
    assert found[0][0] in {"a1", "a2", "a3"}
    assert found[0][1] >= DEFAULT_THRESHOLD
    assert [uid for uid, _ in found[:3]] == sorted([uid for uid, _ in found[:3]],
                                                   key=lambda u: -dict(found)[u])
    assert {uid for uid, p in found if p >= DEFAULT_THRESHOLD} == {"a1", "a2", "a3"}
    assert len(found) <= 5


def test_candidates_for_a_stranger_finds_nobody_likely(hand_matcher):
    found = hand_matcher.candidates_for({
        "unique_id": "new", "agency": "fire", "first_name": "Zebedee", "last_name": "Quill",
        "date_of_birth": "1999-09-09", "postcode": "TN9 1AA", "address": None})
    assert all(p < DEFAULT_THRESHOLD for _, p in found)


def test_prepare_normalises_names_postcodes_and_dates():
    prepared = prepare(HAND_MADE).set_index("unique_id")
    assert prepared.loc["a1", "first_name_canon"] == "robert"
    assert prepared.loc["d2", "last_name"] == prepared.loc["d3", "last_name"] == "obrien"
    assert prepared.loc["a2", "postcode"] == "me44qu"
    assert prepared.loc["a2", "postcode_district"] == "me4"
    assert prepared.loc["b1", "name_key"] == prepared.loc["b2", "name_key"]
    assert prepared.loc["a3", "date_of_birth"] is None
    assert prepared.loc["a1", "address"] == prepared.loc["a2", "address"] == "12 high st"


def test_prepare_reports_missing_columns():
    with pytest.raises(ValueError, match="address"):
        prepare(HAND_MADE.drop(columns=["address"]))


def test_seeded_synthetic_set_precision_and_recall(tmp_path):
    records, true_pairs = generate_people(1_600, seed=11)
    assert 2_800 <= len(records) <= 3_400
    with PersonMatcher(seed=11).fit(records) as matcher:
        assert matcher.trained, matcher.training_note
        predicted = pairs_from_frame(matcher.predict_pairs(DEFAULT_THRESHOLD))
        _check_candidates_with_term_frequencies(matcher, records, true_pairs)
        saved = matcher.save(tmp_path / "model.json")
    precision, recall, *_ = precision_recall(predicted, true_pairs)
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)
    # The saved model scores the same records the same way without training again.
    assert "Smith" not in saved.read_text()  # settings, m and u only: no names
    with PersonMatcher().fit_saved(records, saved) as again:
        assert again.trained and "read from" in again.training_note
        assert pairs_from_frame(again.predict_pairs(DEFAULT_THRESHOLD)) == predicted
        _check_candidates_with_term_frequencies(again, records, true_pairs)


def _check_candidates_with_term_frequencies(matcher, records, true_pairs):
    """A trained matcher (term frequencies on) finds a known person written with a nickname."""
    nickname_of = {full: short for short, full in sorted(NICKNAMES.items())}
    complete = records.dropna(subset=["date_of_birth", "postcode"])
    row = next(r for r in complete.itertuples() if r.first_name.lower() in nickname_of)
    found = matcher.candidates_for({
        "first_name": nickname_of[row.first_name.lower()].title(), "last_name": row.last_name,
        "date_of_birth": row.date_of_birth, "postcode": row.postcode, "address": row.address})
    same_person = {row.unique_id} | {b if a == row.unique_id else a for a, b in true_pairs
                                     if row.unique_id in (a, b)}
    assert found[0][0] in same_person and found[0][1] >= DEFAULT_THRESHOLD, found


def test_synthetic_people_are_deterministic_and_truthful():
    records, true_pairs = generate_people(300, seed=4)
    again, again_pairs = generate_people(300, seed=4)
    assert records.equals(again) and true_pairs == again_pairs
    assert records["unique_id"].is_unique
    assert all(a < b for a, b in true_pairs)
    assert records["agency"].nunique() >= 4


def test_training_is_deterministic():
    records, _ = generate_people(400, seed=2)
    results = []
    for _ in range(2):
        with PersonMatcher(seed=5, min_records_to_train=100, u_sample_pairs=2e5).fit(
                records) as matcher:
            assert matcher.trained, matcher.training_note
            results.append(matcher.predict_pairs(0.5).round(9))
    assert results[0].equals(results[1])


def test_precision_recall_on_hand_counted_pairs():
    predicted = [("a", "b"), ("c", "b"), ("d", "e"), ("e", "d"), ("x", "y")]
    truth = {("a", "b"), ("b", "c"), ("c", "d"), ("f", "g")}
    # predicted, sorted and deduplicated: (a,b) (b,c) (d,e) (x,y): tp 2, fp 2; fn (c,d) (f,g)
    assert precision_recall(predicted, truth) == (0.5, 0.5, 2, 2, 2)
    assert precision_recall([], truth) == (1.0, 0.0, 0, 0, 4)
    assert precision_recall([("b", "a")], [("a", "b")]) == (1.0, 1.0, 1, 0, 0)


def test_linkage_does_not_import_django():
    code = ("import sys, csphub.linkage, csphub.linkage.model, csphub.linkage.synthetic, "
            "csphub.linkage.evaluate\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'django')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
