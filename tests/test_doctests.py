"""The docstring examples of the infowork package run (as data-8/datascience does)."""
import doctest
import importlib
import pkgutil

import matplotlib
import pytest

matplotlib.use("Agg")

import infowork

#: Every module of the package, so a new module's examples run without a list to keep up.
MODULES = sorted(m.name for m in pkgutil.walk_packages(infowork.__path__, "infowork."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
