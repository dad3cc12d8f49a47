"""Shared fixtures: one engine with the shipped rulebook for the whole session."""

from __future__ import annotations

import pytest

from compliance_engine.assess import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()
