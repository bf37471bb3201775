"""PLOVER event types and modes, and the combined CAMEO/PLOVER ``Ontology``.

``data/ontology/plover.tsv`` has one row per (event type, mode) plus one row
per event type with an empty mode; each row names a default CAMEO code, so a
PLOVER-coded event can always be given a CAMEO code and a Goldstein score.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from watchfloor.errors import ConfigError
from watchfloor.ontology.cameo import CameoCode, iter_tsv_rows, read_cameo_table

__all__ = [
    "PLOVER_COLUMNS",
    "Ontology",
    "PloverMode",
    "load_ontology",
    "read_plover_table",
]

PLOVER_COLUMNS: tuple[str, ...] = (
    "event_type",
    "mode",
    "quad_class",
    "default_cameo",
    "goldstein",
    "description",
)

CAMEO_FILE = "cameo.tsv"
PLOVER_FILE = "plover.tsv"


@dataclass(frozen=True, slots=True)
class PloverMode:
    """One PLOVER (event type, mode) pair; ``mode`` is ``None`` for the type itself."""

    event_type: str
    mode: str | None
    quad_class: int
    default_cameo: str
    goldstein: float
    description: str


def read_plover_table(source: Traversable) -> tuple[PloverMode, ...]:
    """Read ``plover.tsv`` into ``PloverMode`` records, in file order.

    ``source`` is a ``pathlib.Path`` or an ``importlib.resources`` traversable.
    """
    name = getattr(source, "name", str(source))
    seen: set[tuple[str, str | None]] = set()
    records: list[PloverMode] = []
    for line_number, row in iter_tsv_rows(source, PLOVER_COLUMNS):
        where = f"{name}:{line_number}"
        event_type = row["event_type"]
        mode = row["mode"] or None
        if not event_type or not row["default_cameo"]:
            raise ConfigError(f"{where}: event_type and default_cameo are required")
        if (event_type, mode) in seen:
            raise ConfigError(f"{where}: ({event_type}, {mode}) appears twice")
        seen.add((event_type, mode))
        try:
            quad_class = int(row["quad_class"])
            goldstein = float(row["goldstein"])
        except ValueError as exc:
            raise ConfigError(f"{where}: bad quad_class or goldstein: {exc}") from None
        records.append(
            PloverMode(
                event_type=event_type,
                mode=mode,
                quad_class=quad_class,
                default_cameo=row["default_cameo"],
                goldstein=goldstein,
                description=row["description"],
            )
        )
    return tuple(records)


class Ontology:
    """Read-only lookups over the CAMEO and PLOVER tables.

    Build one with ``load_ontology()``; the constructor cross-checks the two
    tables and raises ``ConfigError`` (W102) when they disagree.

    >>> onto = load_ontology()
    >>> onto.plover_for_cameo("042")
    ('CONSULT', 'visit')
    >>> onto.goldstein(onto.default_cameo("ASSAULT"))
    -9.0
    """

    def __init__(
        self, cameo_codes: tuple[CameoCode, ...], plover_modes: tuple[PloverMode, ...]
    ) -> None:
        self._cameo = {c.code: c for c in cameo_codes}
        self._rows = {(p.event_type, p.mode): p for p in plover_modes}
        # Type order is the order of first appearance in plover.tsv, so the
        # table (not the code) decides how event types are listed.
        self._event_types = tuple(dict.fromkeys(p.event_type for p in plover_modes))
        self._modes = {
            t: tuple(p.mode for p in plover_modes if p.event_type == t and p.mode is not None)
            for t in self._event_types
        }
        self._check()

    def _check(self) -> None:
        """Refuse tables that contradict each other."""
        for event_type in self._event_types:
            if (event_type, None) not in self._rows:
                raise ConfigError(f"plover table: {event_type} has no row with an empty mode")
            quads = {p.quad_class for (t, _), p in self._rows.items() if t == event_type}
            if len(quads) != 1:
                raise ConfigError(f"plover table: {event_type} has several quad classes {quads}")
        for row in self._rows.values():
            target = self._cameo.get(row.default_cameo)
            if target is None:
                raise ConfigError(
                    f"plover table: default CAMEO {row.default_cameo!r} of "
                    f"({row.event_type}, {row.mode}) is not in the CAMEO table"
                )
            if target.plover_type != row.event_type:
                raise ConfigError(
                    f"plover table: default CAMEO {row.default_cameo} of "
                    f"({row.event_type}, {row.mode}) converts to {target.plover_type}"
                )
        for code in self._cameo.values():
            if not self.is_valid(code.plover_type, code.plover_mode):
                raise ConfigError(
                    f"CAMEO table: {code.code} converts to unknown PLOVER "
                    f"({code.plover_type}, {code.plover_mode})"
                )
            if code.quad_class != self.quad_class(code.plover_type):
                raise ConfigError(
                    f"CAMEO table: {code.code} has quad_class {code.quad_class}, "
                    f"but {code.plover_type} is quad {self.quad_class(code.plover_type)}"
                )

    # --- CAMEO side -------------------------------------------------------

    @property
    def cameo_codes(self) -> tuple[CameoCode, ...]:
        """Every CAMEO code, in table order."""
        return tuple(self._cameo.values())

    def cameo(self, code: str) -> CameoCode:
        """The record for a CAMEO code given as a string with its leading zeros.

        Raises ``KeyError`` for unknown codes.

        >>> load_ontology().cameo("190").name
        'Use conventional military force'
        """
        try:
            return self._cameo[code]
        except (KeyError, TypeError):
            pass
        hint = ""
        if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
            padded = str(code).zfill(len(str(code)) + 1)
            if padded in self._cameo:
                hint = f"; did a leading zero get lost? {padded!r} exists"
        raise KeyError(
            f"unknown CAMEO code {code!r} (codes are 2-4 digit strings such as '042'){hint}"
        )

    def goldstein(self, cameo_code: str) -> float:
        """Goldstein conflict-cooperation score (-10 to +10) of a CAMEO code."""
        return self.cameo(cameo_code).goldstein

    def plover_for_cameo(self, code: str) -> tuple[str, str | None]:
        """PLOVER ``(event_type, mode)`` for a CAMEO code; mode is ``None`` if there is none."""
        record = self.cameo(code)
        return record.plover_type, record.plover_mode

    # --- PLOVER side ------------------------------------------------------

    @property
    def event_types(self) -> tuple[str, ...]:
        """The PLOVER event types, from verbal cooperation to material conflict."""
        return self._event_types

    @property
    def plover_modes(self) -> tuple[PloverMode, ...]:
        """Every row of the PLOVER table, in table order."""
        return tuple(self._rows.values())

    def _require_type(self, event_type: str) -> None:
        if event_type not in self._modes:
            raise KeyError(
                f"unknown PLOVER event type {event_type!r}; expected one of "
                f"{', '.join(self._event_types)}"
            )

    def modes(self, event_type: str) -> tuple[str, ...]:
        """The modes an event type allows (empty tuple for types without modes)."""
        self._require_type(event_type)
        return self._modes[event_type]

    def quad_class(self, event_type: str) -> int:
        """Quad class of an event type: 1 verbal coop, 2 material coop, 3 verbal conflict,
        4 material conflict."""
        return self.plover(event_type).quad_class

    def plover(self, event_type: str, mode: str | None = None) -> PloverMode:
        """The PLOVER table row for ``(event_type, mode)``; ``mode=None`` gives the type row.

        Raises ``KeyError`` for an unknown type or a mode the type does not allow.
        """
        self._require_type(event_type)
        row = self._rows.get((event_type, mode or None))
        if row is None:
            allowed = ", ".join(self._modes[event_type]) or "none"
            raise KeyError(f"{event_type} has no mode {mode!r}; allowed modes: {allowed}")
        return row

    def default_cameo(self, event_type: str, mode: str | None = None) -> str:
        """The CAMEO code used for a PLOVER event type (and mode) when nothing finer is known.

        >>> load_ontology().default_cameo("CONSULT", "visit")
        '042'
        """
        return self.plover(event_type, mode).default_cameo

    def is_valid(self, event_type: str, mode: str | None) -> bool:
        """Whether ``event_type`` is a PLOVER type and ``mode`` (or no mode) is allowed for it."""
        if event_type not in self._modes:
            return False
        return not mode or mode in self._modes[event_type]


def _default_dir() -> Traversable:
    # Package data, so the tables are found inside an installed wheel too.
    return files("watchfloor") / "data" / "ontology"


@functools.lru_cache(maxsize=8)
def load_ontology(path: Path | None = None) -> Ontology:
    """Load (once per ``path``) the CAMEO and PLOVER tables into an ``Ontology``.

    ``path`` is a directory holding ``cameo.tsv`` and ``plover.tsv``; by
    default the tables shipped in ``watchfloor/data/ontology`` are used.

    >>> load_ontology().quad_class("PROTEST")
    4
    """
    directory: Traversable = _default_dir() if path is None else Path(path)
    return Ontology(
        read_cameo_table(directory / CAMEO_FILE),
        read_plover_table(directory / PLOVER_FILE),
    )
