import random

import pytest

from depgraph import FifoQueue, StableQueue


def test_fifo_order():
    q = FifoQueue(["a", "b"])
    q.push("c")
    q.extend(["d", "e"])
    assert len(q) == 5
    assert q.peek() == "a"
    assert [q.pop() for _ in range(5)] == ["a", "b", "c", "d", "e"]
    assert not q


def test_fifo_interleaved_push_pop():
    q = FifoQueue()
    out = []
    for i in range(10):
        q.push(i)
        q.push(i + 100)
        out.append(q.pop())
    while q:
        out.append(q.pop())
    assert sorted(out) == sorted(list(range(10)) + list(range(100, 110)))
    assert out[:4] == [0, 100, 1, 101]


def test_fifo_iteration_does_not_consume():
    q = FifoQueue([1, 2, 3])
    assert list(q) == [1, 2, 3]
    assert len(q) == 3


def test_fifo_empty_errors():
    q = FifoQueue()
    with pytest.raises(IndexError):
        q.pop()
    with pytest.raises(IndexError):
        q.peek()


def test_stable_queue_orders_by_rank():
    q = StableQueue(key=len)
    for word in ["ccc", "a", "bb", "d"]:
        q.push(word)
    assert q.peek() == "a"
    assert [q.pop() for _ in range(len(q))] == ["a", "d", "bb", "ccc"]


def test_stable_queue_initial_items_and_bool():
    q = StableQueue(key=lambda x: -x, items=[3, 9, 1])
    assert bool(q) and len(q) == 3
    assert q.pop() == 9
    assert q.pop() == 3
    assert q.pop() == 1
    assert not q
    with pytest.raises(IndexError):
        q.pop()
    with pytest.raises(IndexError):
        q.peek()


def test_stable_queue_matches_sorted_with_interleaving():
    rng = random.Random(11)
    q = StableQueue(key=lambda pair: pair[0])
    pending = []
    out, expected = [], []
    for step in range(400):
        if pending and rng.random() < 0.4:
            out.append(q.pop())
            best = min(pending, key=lambda pair: pair[0])  # first minimum = earliest pushed
            pending.remove(best)
            expected.append(best)
        else:
            item = (rng.randint(0, 20), step)
            q.push(item)
            pending.append(item)
    assert out == expected
