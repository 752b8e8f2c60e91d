"""One error hierarchy for CSP Hub.

Every error a user can cause explains itself: which file, line, field and value, and what
was expected. The CLI prints ``str(error)`` and exits non-zero; nothing is swallowed.
"""

from __future__ import annotations

from dataclasses import dataclass


class CsphubError(Exception):
    """Base of every error CSP Hub raises on purpose."""


class ConfigurationError(CsphubError):
    """A setting is missing or wrong."""


class NotFoundError(CsphubError):
    """A named thing (area, user, agency, case...) does not exist."""


@dataclass
class InputProblem:
    """Where and why one piece of input is wrong."""

    file: str
    line: int | None
    field: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field!r}"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"


class InputFileError(CsphubError):
    """A whole input file cannot be read (truncated, wrong encoding, wrong header...)."""

    def __init__(self, problem: InputProblem):
        self.problem = problem
        super().__init__(str(problem))


class QueryError(CsphubError):
    """A warehouse query failed; names the measure and the SQL that caused it."""

    def __init__(self, measure: str, sql: str, cause: Exception):
        self.measure = measure
        self.sql = sql
        super().__init__(f"measure {measure!r} failed: {cause}\nSQL:\n{sql}")


class RuleRefused(CsphubError):
    """A domain rule refuses an action; says which rule and why."""

    def __init__(self, rule: str, reason: str, field: str = "", others: tuple = ()):
        self.rule = rule
        self.reason = reason
        self.field = field
        # Further rules broken by the same action, as (rule, reason, field) triples.
        self.others = tuple(others)
        super().__init__(f"{rule}: {reason}")


class StaleEdit(RuleRefused):
    """Someone else changed the record after the user opened it: the edit is refused (409)."""

    def __init__(self, reason: str):
        super().__init__("stale_edit", reason, "")


class PermissionRefused(CsphubError):
    """The user may not do this (they can see the record but not change it, say)."""
