"""Small work-queue helpers shared by the traversal and ordering algorithms.

Two flavours are provided:

* :class:`FifoQueue` -- plain first-in first-out scheduling, used by the
  breadth-first traversals;
* :class:`StableQueue` -- hands out the *lowest ranked* pending item first,
  where the rank is given by a key function.  Topological ordering uses it
  with the declaration index of each target so that, among the targets that
  are ready to build, the one declared first always comes out first.
"""

from __future__ import annotations

from typing import Callable, Generic, Hashable, Iterable, Iterator, TypeVar

T = TypeVar("T")


class FifoQueue(Generic[T]):
    """A first-in first-out queue."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: list[T] = list(items)

    def push(self, item: T) -> None:
        """Append ``item`` at the back of the queue."""
        self._items.append(item)

    def extend(self, items: Iterable[T]) -> None:
        """Append every element of ``items`` in order."""
        for item in items:
            self.push(item)

    def pop(self) -> T:
        """Remove and return the item at the front of the queue."""
        if not self._items:
            raise IndexError("pop from an empty FifoQueue")
        return self._items.pop(0)

    def peek(self) -> T:
        """Return the front item without removing it."""
        if not self._items:
            raise IndexError("peek into an empty FifoQueue")
        return self._items[0]

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __repr__(self) -> str:
        return f"FifoQueue({self._items!r})"


class StableQueue(Generic[T]):
    """A queue that always hands out the pending item with the smallest rank.

    ``key`` maps an item to its rank (any orderable value).  Items with equal
    ranks come out in the order they were pushed.

    >>> q = StableQueue(key=len)
    >>> for word in ["ccc", "a", "bb", "d"]:
    ...     q.push(word)
    >>> [q.pop() for _ in range(len(q))]
    ['a', 'd', 'bb', 'ccc']
    """

    def __init__(self, key: Callable[[T], Hashable], items: Iterable[T] = ()) -> None:
        self._key = key
        self._items: list[T] = []
        for item in items:
            self.push(item)

    def push(self, item: T) -> None:
        """Add ``item``; the queue stays ordered by rank."""
        self._items.append(item)
        # list.sort is stable, so equal ranks keep their push order.
        self._items.sort(key=self._key)

    def pop(self) -> T:
        """Remove and return the lowest ranked item."""
        if not self._items:
            raise IndexError("pop from an empty StableQueue")
        return self._items.pop(0)

    def peek(self) -> T:
        """Return the lowest ranked item without removing it."""
        if not self._items:
            raise IndexError("peek into an empty StableQueue")
        return self._items[0]

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"StableQueue({self._items!r})"
