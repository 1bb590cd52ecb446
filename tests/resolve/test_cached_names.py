"""Cached name structures stay out of the cycle collector's scans.

An API process caches tens of thousands of them; every object the collector tracks
is scanned at each full collection (see `api.serving`). Tuples and dicts holding
only strings, numbers and such tuples are untracked by the collector's first pass
over them; objects of a class, lists and named tuples are tracked for ever.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from api.serving import FULL_AFTER, YOUNG_THRESHOLD, settle_heap
from graph.resolve.align import match_names
from graph.resolve.profile import name_parts
from graph.resolve.tokens import _name


def test_a_cached_name_is_a_few_tracked_objects_however_long() -> None:
    # Generic words, pinyin runs ("hua xin"), letters and a long word: every table.
    key = "shenzhen hua xin da tong dian zi shang wu j smith trading llc"
    name = _name(key)
    assert name.spans_by_text and name.inexact_by_len and name.generic_by_group
    assert name.letters
    # A collection untracks a tuple whose items are untracked by then: nested ones
    # (a span in a tuple in a dict) take a collection per level.
    for _ in range(4):
        gc.collect()
    held = [
        name.parts.texts,
        name.parts.groups,
        name.spans,
        name.spans_by_text,
        name.inexact,
        name.inexact_by_len,
        name.generic_by_group,
        name.text_masks,
        name.positions,
        *name.spans,
        *name.spans_by_text.values(),
        *name.inexact_by_len.values(),
        *name.generic_by_group.values(),
    ]
    assert [x for x in held if gc.is_tracked(x)] == []


def test_names_still_match_and_read_as_texts_and_groups() -> None:
    assert match_names("hua xin trading", "huaxin trading").similarity == 1.0
    parts = name_parts("hua xin dian zi shang wu")
    assert list(zip(parts.texts, parts.groups, strict=True)) == [
        ("hua", ""),
        ("xin", ""),
        ("dian", "e-commerce"),
        ("zi", "e-commerce"),
        ("shang", "e-commerce"),
        ("wu", "e-commerce"),
    ]
    assert parts.identifying == ("hua", "xin")


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_serving_freezes_the_start_up_heap_and_collects_less_often(
    restored_collector: None,
) -> None:
    settle_heap()
    assert gc.get_freeze_count() > 10_000  # what pytest and the imports hold
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, FULL_AFTER)
    assert gc.isenabled()
