"""The catalogue of user-facing errors, each with a stable code.

A user who reports "W101" is understood without a stack trace. Messages name the input and the
problem; internal failures are not wrapped here (they are bugs, and should look like bugs).
"""

from __future__ import annotations

__all__ = [
    "CitationError",
    "ConfigError",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "InputFileError",
    "InputProblem",
    "RefusedContentError",
    "RetryLaterError",
    "StoreError",
    "UnsafeURLError",
    "WatchfloorError",
]


class WatchfloorError(Exception):
    """Base of every error watchfloor reports to a user. ``code`` is stable across releases."""

    code = "W000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputProblem:
    """One bad record in an input file: where it is and what is wrong."""

    __slots__ = ("path", "line", "problem")

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.problem}"

    def __repr__(self) -> str:
        return f"InputProblem({str(self)!r})"


class InputFileError(WatchfloorError):
    """W101: an input file is unreadable or has malformed records (nothing from it was stored)."""

    code = "W101"

    def __init__(self, problems: list[InputProblem], *, limit: int = 20) -> None:
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        super().__init__(
            f"{len(problems)} bad record(s); nothing from the file was stored "
            f"(use --skip-bad to store the good ones):\n  {shown}{more}"
        )


class ConfigError(WatchfloorError):
    """W102: a settings file, source registry or indicator file is invalid."""

    code = "W102"


class StoreError(WatchfloorError):
    """W201: the store cannot be opened, migrated or written."""

    code = "W201"


class FetchError(WatchfloorError):
    """W301: a source refused us, timed out, or sent something we will not accept."""

    code = "W301"


class UnsafeURLError(FetchError):
    """W302: a URL resolves to a private, loopback or link-local address not on the allow-list."""

    code = "W302"


class ExtractionError(WatchfloorError, ValueError):
    """W303: no main text could be extracted from a page."""

    code = "W303"


# -- ingestion from the network (ingest/fetch.py, feeds.py, pages.py) --------------------------
class FeedError(WatchfloorError):
    """W304: a response that should be an RSS or Atom feed is not one (or is too malformed)."""

    code = "W304"


class RefusedContentError(FetchError):
    """W305: a response was refused unread: too large, wrong type, entity or decompression bomb."""

    code = "W305"


class RetryLaterError(FetchError):
    """W306: the source answered 429/503 and asked us to come back later than we will wait."""

    code = "W306"

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class CitationError(WatchfloorError):
    """W401: a brief sentence failed verification against the passage it cites."""

    code = "W401"
