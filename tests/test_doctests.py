"""The docstring examples of the infowork package run (as data-8/datascience does)."""
import doctest
import importlib

import matplotlib
import pytest

matplotlib.use("Agg")

MODULES = ["infowork.course", "infowork.style", "infowork.checks", "infowork.data"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
