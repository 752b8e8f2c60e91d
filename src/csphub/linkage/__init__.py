"""Record linkage: matching the records different agencies keep about the same person.

The council ASB team, the police, the housing provider and probation each hold their own
record of a person, with their own spellings, nicknames and out-of-date addresses. This
package scores pairs of records with a probabilistic (Fellegi-Sunter) model built on splink
and in-memory DuckDB, trained on the records themselves with no labelled data. It is plain
Python with no Django import; the casework app builds its review queue and merge/unmerge on
top. See ``docs/linkage.md``.

- ``prepare``: normalise records (names, nicknames, postcodes, dates of birth);
- ``PersonMatcher``: ``fit``, ``predict_pairs``, ``candidates_for``, ``clusters``;
- ``generate_people``: synthetic records with known truth;
- ``precision_recall``: score predicted pairs against true pairs.

Examples:
    >>> from csphub.linkage import PersonMatcher, generate_people, pairs_from_frame
    >>> records, true_pairs = generate_people(150, seed=1)
    >>> with PersonMatcher().fit(records) as matcher:
    ...     predicted = pairs_from_frame(matcher.predict_pairs(DEFAULT_THRESHOLD))
    >>> precision, recall, tp, fp, fn = precision_recall(predicted, true_pairs)
    >>> precision > 0.9
    True
"""

from csphub.linkage.evaluate import pairs_from_frame, precision_recall, sorted_pairs
from csphub.linkage.model import (
    BLOCKING_RULES,
    DEFAULT_THRESHOLD,
    FIXED_PRIOR,
    INPUT_COLUMNS,
    MIN_RECORDS_TO_TRAIN,
    PREPARED_COLUMNS,
    PersonMatcher,
    prepare,
    settings,
    soundex,
    train,
)
from csphub.linkage.nicknames import NICKNAMES, canonical_first_name
from csphub.linkage.synthetic import AGENCIES, CorruptionRates, generate_people

__all__ = [
    "AGENCIES",
    "BLOCKING_RULES",
    "DEFAULT_THRESHOLD",
    "FIXED_PRIOR",
    "INPUT_COLUMNS",
    "MIN_RECORDS_TO_TRAIN",
    "NICKNAMES",
    "PREPARED_COLUMNS",
    "CorruptionRates",
    "PersonMatcher",
    "canonical_first_name",
    "generate_people",
    "pairs_from_frame",
    "precision_recall",
    "prepare",
    "settings",
    "soundex",
    "sorted_pairs",
    "train",
]
