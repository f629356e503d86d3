"""The edition worker's heap is left to the operating system at exit, behind one switch."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from build_tools.publish import frozen_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_settle_freezes_the_heap(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(frozen_heap.SWITCH, raising=False)
    frozen_heap.settle()
    assert gc.get_freeze_count() > 0  # no later collection walks these objects


def test_switch_turns_it_off(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(frozen_heap.SWITCH, "0")
    frozen_heap.settle()
    assert gc.get_freeze_count() == 0
