"""The runnable examples in the public API's docstrings (Go-style examples) run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["sealpost.context", "sealpost.envelope", "sealpost.signing", "sealpost.suites", "sealpost.stream"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example"
