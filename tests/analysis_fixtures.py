"""The invented analysis fixtures (``tests/fixtures/analysis/fixture_loader.py``) as one module.

Test files import it as ``import analysis_fixtures``; the loader stays beside its data so the
bench script can load it too.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_NAME = "analysis_fixture_loader"


def load() -> ModuleType:
    if _NAME not in sys.modules:
        path = Path(__file__).parent / "fixtures" / "analysis" / "fixture_loader.py"
        spec = importlib.util.spec_from_file_location(_NAME, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]
