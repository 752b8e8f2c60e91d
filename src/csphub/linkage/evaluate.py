"""Scoring predicted matches against the truth: precision and recall over record pairs.

A pair is an unordered pair of record ids; both sides are compared as sorted tuples, so
``("b", "a")`` and ``("a", "b")`` are the same pair.

Examples:
    >>> precision_recall([("b", "a"), ("a", "c")], {("a", "b"), ("c", "d")})
    (0.5, 0.5, 1, 1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

Pair = tuple[str, str]


def sorted_pairs(pairs: Iterable[tuple[object, object]]) -> set[Pair]:
    """The pairs as a set of sorted ``(a, b)`` string tuples; a record paired with itself is
    dropped.

    Examples:
        >>> sorted(sorted_pairs([(2, 1), ("1", "2"), ("x", "x")]))
        [('1', '2')]
    """
    out: set[Pair] = set()
    for a, b in pairs:
        left, right = str(a), str(b)
        if left != right:
            out.add((left, right) if left < right else (right, left))
    return out


def pairs_from_frame(pairs: pd.DataFrame, left: str = "unique_id_l",
                     right: str = "unique_id_r") -> set[Pair]:
    """The sorted pairs in two columns of a data frame (``PersonMatcher.predict_pairs``).

    Examples:
        >>> pairs_from_frame(pd.DataFrame({"unique_id_l": ["b"], "unique_id_r": ["a"]}))
        {('a', 'b')}
    """
    return sorted_pairs(zip(pairs[left].tolist(), pairs[right].tolist(), strict=True))


def precision_recall(
    predicted_pairs: Iterable[tuple[object, object]], true_pairs: Iterable[tuple[object, object]],
) -> tuple[float, float, int, int, int]:
    """``(precision, recall, tp, fp, fn)`` of predicted pairs against true pairs.

    Precision is tp / (tp + fp) and recall tp / (tp + fn); either is 1.0 when its
    denominator is 0 (nothing predicted, nothing to find).

    Examples:
        >>> precision_recall([("a", "b"), ("a", "c"), ("b", "c")], [("c", "a"), ("d", "e")])
        (0.3333333333333333, 0.5, 1, 2, 1)
        >>> precision_recall([], [])
        (1.0, 1.0, 0, 0, 0)
    """
    predicted, truth = sorted_pairs(predicted_pairs), sorted_pairs(true_pairs)
    tp = len(predicted & truth)
    fp, fn = len(predicted) - tp, len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn
