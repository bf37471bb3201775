"""The public API is curated: everything in __all__ exists and nothing private leaks."""

from __future__ import annotations

import watchfloor


def test_exported_members_all_exist() -> None:
    missing = [name for name in watchfloor.__all__ if not hasattr(watchfloor, name)]
    assert missing == []


def test_exported_members_public_names_are_exported() -> None:
    public = {
        name
        for name, value in vars(watchfloor).items()
        if not name.startswith("_")
        and not isinstance(value, type(watchfloor))
        and name != "annotations"
    }
    assert public <= set(watchfloor.__all__)
