"""CAMEO event codes: the record type and the reader for ``data/ontology/cameo.tsv``.

Each row of the table is one CAMEO code (2-digit cue category, 3- or 4-digit
sub-code) with its Goldstein score, its watchfloor quad class and the PLOVER
event type and mode it converts to.  Codes are strings and keep their leading
zeros: ``"042"`` and ``"42"`` are different things, and only the first exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from watchfloor.errors import ConfigError

__all__ = ["CAMEO_COLUMNS", "CameoCode", "read_cameo_table"]

CAMEO_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
)

_CODE_PATTERN = re.compile(r"\d{2,4}")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code and its PLOVER equivalent.

    ``plover_mode`` is ``None`` where the conversion gives no mode.
    """

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str
    plover_mode: str | None

    @property
    def root(self) -> str:
        """The 2-digit cue category the code belongs to (``"0874"`` -> ``"08"``)."""
        return self.code[:2]

    @property
    def parent(self) -> str | None:
        """The code one level up (``"0874"`` -> ``"087"``), ``None`` for a cue category."""
        return self.code[:-1] if len(self.code) > 2 else None


def iter_tsv_rows(
    source: Traversable, columns: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row of a watchfloor TSV table.

    Blank lines and lines starting with ``#`` are skipped so that analysts can
    annotate the tables.  The first remaining line must be the header, equal to
    ``columns``.  Missing trailing fields read as empty strings, because
    editors often strip a trailing tab from rows whose last column is empty.
    """
    name = getattr(source, "name", str(source))
    header_seen = False
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read ontology table {name}: {exc}") from None
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != tuple(columns):
                raise ConfigError(
                    f"{name}:{line_number}: expected header {'<TAB>'.join(columns)!r}, "
                    f"found {line!r}"
                )
            header_seen = True
            continue
        if len(fields) > len(columns):
            raise ConfigError(
                f"{name}:{line_number}: {len(fields)} fields, at most {len(columns)} expected"
            )
        fields += [""] * (len(columns) - len(fields))
        yield line_number, dict(zip(columns, (f.strip() for f in fields), strict=True))
    if not header_seen:
        raise ConfigError(f"{name}: empty table, no header line")


def read_cameo_table(source: Traversable) -> tuple[CameoCode, ...]:
    """Read ``cameo.tsv`` into ``CameoCode`` records, in file order.

    Checks the code format, uniqueness and number fields; the cross-checks
    against the PLOVER table are done by ``watchfloor.ontology.load_ontology``.
    A malformed table raises ``ConfigError`` (W102) naming the file and line.
    ``source`` is a ``pathlib.Path`` or an ``importlib.resources`` traversable.
    """
    name = getattr(source, "name", str(source))
    seen: set[str] = set()
    records: list[CameoCode] = []
    for line_number, row in iter_tsv_rows(source, CAMEO_COLUMNS):
        where = f"{name}:{line_number}"
        code = row["code"]
        if not _CODE_PATTERN.fullmatch(code):
            raise ConfigError(f"{where}: CAMEO code {code!r} is not 2 to 4 digits")
        if code in seen:
            raise ConfigError(f"{where}: CAMEO code {code!r} appears twice")
        seen.add(code)
        if not row["name"] or not row["plover_type"]:
            raise ConfigError(f"{where}: CAMEO code {code!r} needs a name and a plover_type")
        try:
            goldstein = float(row["goldstein"])
            quad_class = int(row["quad_class"])
        except ValueError as exc:
            raise ConfigError(f"{where}: bad goldstein or quad_class for {code!r}: {exc}") from None
        if not -10.0 <= goldstein <= 10.0:
            raise ConfigError(f"{where}: Goldstein score {goldstein} outside [-10, 10]")
        if quad_class not in (1, 2, 3, 4):
            raise ConfigError(f"{where}: quad_class {quad_class} is not 1-4")
        records.append(
            CameoCode(
                code=code,
                name=row["name"],
                goldstein=goldstein,
                quad_class=quad_class,
                plover_type=row["plover_type"],
                plover_mode=row["plover_mode"] or None,
            )
        )
    return tuple(records)
