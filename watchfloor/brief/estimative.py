"""The estimative scale (ICD 203) and the arithmetic behind every likelihood a brief states.

Every likelihood is a number first, computed by one of the documented formulas below from the
figures of its basis, and only then put into words, always with the scale's percentage range.
The formulas are deliberately simple so a reader can redo them by hand (docs/briefs.md):

* a **claim**: log-odds = sum of the grade weights (``data/brief/grades.tsv``) of the distinct
  outlets that report it - the same for the distinct parties that deny it + 2 per confirmation
  - 3 per retraction; p = 1 / (1 + e^-log-odds);
* an **indicator** staying at or beyond its threshold: p = Phi((value - threshold) / spread) with
  spread = max(baseline sd, sqrt(value), 1) (a count's own Poisson noise at least);
* a **dyad** seeing conflict again next week: Laplace's rule, (weeks with conflict + 1) /
  (weeks + 2).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "Estimate",
    "claim_probability",
    "dyad_probability",
    "estimate",
    "grade_label",
    "grade_weight",
    "indicator_probability",
    "scale",
]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A term of the scale with its range in percent: ``likely (55–80%)``."""

    term: str
    low: int
    high: int
    probability: float

    def __str__(self) -> str:
        return f"{self.term} ({self.low}–{self.high}%)"

    @property
    def figures(self) -> tuple[str, str]:
        return str(self.low), str(self.high)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("watchfloor.data").joinpath(f"brief/{name}").read_text("utf-8")
    return list(
        csv.DictReader(
            (ln for ln in text.splitlines() if ln and not ln.startswith("#")), delimiter="\t"
        )
    )


@cache
def scale() -> tuple[tuple[str, int, int], ...]:
    """The seven ICD 203 terms with their ranges, least likely first."""
    return tuple((r["term"], int(r["low"]), int(r["high"])) for r in _rows("estimative.tsv"))


def estimate(probability: float) -> Estimate:
    """The scale's term for a probability.

    >>> str(estimate(0.7))
    'likely (55–80%)'
    """
    percent = max(0.0, min(1.0, probability)) * 100
    for term, low, high in scale():
        if percent <= high:
            return Estimate(term, low, high, probability)
    term, low, high = scale()[-1]
    return Estimate(term, low, high, probability)


@cache
def _grades() -> dict[str, tuple[float, str]]:
    return {r["grade"]: (float(r["weight"]), r["label"]) for r in _rows("grades.tsv")}


def grade_weight(grade: str | None) -> float:
    return _grades().get((grade or "F").upper(), _grades()["F"])[0]


def grade_label(grade: str | None) -> str:
    return _grades().get((grade or "F").upper(), _grades()["F"])[1]


def claim_probability(
    reporting_grades: list[str],
    denying_grades: list[str],
    confirmations: int = 0,
    retractions: int = 0,
) -> float:
    """How likely a claim is true, from who reports it and who denies it (one grade each)."""
    log_odds = sum(grade_weight(g) for g in reporting_grades)
    log_odds -= sum(grade_weight(g) for g in denying_grades)
    log_odds += 2.0 * confirmations - 3.0 * retractions
    return 1.0 / (1.0 + math.exp(-log_odds))


def indicator_probability(value: float, threshold: float, baseline_sd: float) -> float:
    """How likely an indicator is at or above ``threshold`` next window, from where it is now."""
    spread = max(baseline_sd, math.sqrt(max(value, 0.0)), 1.0)
    z = (value - threshold) / spread
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def dyad_probability(weeks_with_conflict: int, weeks: int) -> float:
    """Laplace's rule of succession: conflict again next week."""
    return (weeks_with_conflict + 1) / (weeks + 2)
