"""Every table, registered on ``Base.metadata`` so migrations and tests see the whole schema.

Each feature keeps its tables in its own ``models.py``; importing this module imports every one
of them, found by that name. A new feature's tables join the schema by that file alone, and
this module, on the floor below the features, names none of them.
"""

from importlib import import_module
from pathlib import Path

FEATURE_MODELS = tuple(
    f"portal.{path.parent.name}.models"
    for path in sorted(Path(__file__).resolve().parent.glob("*/models.py"))
)

for _name in FEATURE_MODELS:
    import_module(_name)
