"""infowork: the helper package of the union information-work course kit.

Notebooks import what they need from here (``from infowork import data, style``) so that no
loader, path or chart setting is copied between notebooks. The package never solves an exercise.
"""
from pathlib import Path

__all__ = ["ROOT", "__version__"]
__version__ = "0.1.0"

#: The kit's top folder (where course.yml lives).
ROOT = Path(__file__).resolve().parent.parent
