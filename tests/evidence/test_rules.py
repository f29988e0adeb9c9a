"""The pure rules of the entry and exit checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence import rules


def post_for(levels):
    return {f"sa_{key}": [str(value)] for key, value in levels.items()}


def test_self_assessment_has_three_items_with_a_can_do_top_level():
    assert len(rules.SELF_ASSESSMENT) == 3
    assert all(len(item.levels) == 4 for item in rules.SELF_ASSESSMENT)
    assert "tự" in str(rules.SELF_ASSESSMENT[0].can_do_label)


def test_parse_self_assessment_accepts_one_level_per_item():
    levels = {key: 1 + i for i, key in enumerate(rules.ITEM_KEYS)}
    assert rules.parse_self_assessment(post_for(levels)) == levels


@pytest.mark.parametrize("bad", [[], [""], ["0"], ["5"], ["x"], ["1", "2"], ["١"]])
def test_parse_self_assessment_refuses_a_missing_or_bad_level(bad):
    post = post_for({key: 2 for key in rules.ITEM_KEYS})
    post["sa_vneid"] = bad
    with pytest.raises(rules.InvalidCheck) as error:
        rules.parse_self_assessment(post)
    assert "VNeID" in error.value.message


@pytest.mark.parametrize("levels, ok", [
    ({"online": 1, "vneid": 4, "portal": 2}, True),
    ({"online": 1, "vneid": 4}, False),
    ({"online": 1, "vneid": 4, "portal": 2, "extra": 1}, False),
    ({"online": 0, "vneid": 4, "portal": 2}, False),
    ({"online": True, "vneid": 4, "portal": 2}, False),
    ({"online": "4", "vneid": 4, "portal": 2}, False),
])
def test_valid_self_assessment(levels, ok):
    assert rules.valid_self_assessment(levels) is ok


def test_draw_form_takes_lessons_in_turn_and_keeps_lesson_order():
    items = [(1, 1), (2, 1), (3, 1), (4, 2), (5, 3), (6, 3)]
    assert rules.draw_form(items, size=4) == [1, 2, 4, 5]
    assert rules.draw_form(items, size=3) == [1, 4, 5]
    assert rules.draw_form(items, size=10) == [1, 2, 3, 4, 5, 6]
    assert rules.draw_form([], size=10) == []


@given(st.lists(st.tuples(st.integers(1, 60), st.integers(1, 8)), unique_by=lambda t: t[0]), st.integers(1, 12))
def test_draw_form_size_and_balance(items, size):
    chosen = rules.draw_form(items, size=size)
    assert len(chosen) == min(size, len(items))
    assert len(set(chosen)) == len(chosen)
    available, taken = {}, {}
    for item_id, lesson in items:
        available[lesson] = available.get(lesson, 0) + 1
        taken[lesson] = taken.get(lesson, 0) + (item_id in chosen)
    # Lessons take turns: one lesson has two items more than another only when that other one ran out.
    for a in available:
        for b in available:
            if taken[a] > taken[b] + 1:
                assert taken[b] == available[b]


STATE = {"done": False, "trained": False, "started_learning": False, "items": 10}


@pytest.mark.parametrize("kind, changes, refused", [
    ("entry", {}, False),
    ("entry", {"done": True}, True),
    ("entry", {"trained": True}, True),
    ("entry", {"started_learning": True}, True),
    ("entry", {"items": 0}, True),
    ("entry", {"items": 1}, False),
    ("exit", {}, True),
    ("exit", {"trained": True}, False),
    ("exit", {"trained": True, "started_learning": True}, False),
    ("exit", {"trained": True, "done": True}, True),
    ("exit", {"trained": True, "items": 0}, True),
])
def test_refusal(kind, changes, refused):
    reason = rules.refusal(kind, **{**STATE, **changes})
    assert (reason is not None) is refused
    if refused:
        assert reason.strip()


def test_refusal_of_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown"):
        rules.refusal("middle", **STATE)


@given(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 3), st.integers(0, 3))
def test_offer_is_a_check_that_may_be_taken(entry_done, exit_done, trained, started, entry_items, exit_items):
    kind = rules.offer(entry_done=entry_done, exit_done=exit_done, trained=trained, started_learning=started,
                       entry_items=entry_items, exit_items=exit_items)
    done = {"entry": entry_done, "exit": exit_done}
    items = {"entry": entry_items, "exit": exit_items}
    open_kinds = [k for k in rules.KINDS
                  if rules.refusal(k, done=done[k], trained=trained, started_learning=started, items=items[k]) is None]
    assert kind == (open_kinds[0] if open_kinds else None)
    assert not (kind == "entry" and trained)
    assert not (kind == "exit" and not trained)


@pytest.mark.parametrize("count, minimum, shown", [(0, 10, False), (9, 10, False), (10, 10, True), (1, 0, True),
                                                   (0, 0, False), (3, 1, True)])
def test_enough(count, minimum, shown):
    assert rules.enough(count, minimum) is shown
