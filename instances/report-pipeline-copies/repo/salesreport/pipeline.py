"""The record processing pipeline.

A pipeline is an ordered list of *stages*.  A stage is any callable that
takes a list of records and returns a list of records; it may filter,
reorder, enrich or rewrite them.  The pipeline guarantees that running it
never changes the records the caller passed in, and it keeps simple
per-stage statistics for the report footer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable, Iterable

from .records import Record

StageFn = Callable[[list[Record]], list[Record]]


@dataclass
class StageStats:
    """How many records went into and came out of one stage."""

    name: str
    records_in: int = 0
    records_out: int = 0

    @property
    def dropped(self) -> int:
        return self.records_in - self.records_out


def stage_name(stage: StageFn) -> str:
    """A readable name for a stage callable."""
    return getattr(stage, "stage_name", None) or getattr(stage, "__name__", None) or type(stage).__name__


class Pipeline:
    """Run records through a sequence of stages.

    >>> from salesreport.stages import drop_statuses
    >>> p = Pipeline([drop_statuses("cancelled")])
    >>> [r["status"] for r in p.run([{"status": "paid"}, {"status": "cancelled"}])]
    ['paid']

    The records passed to :meth:`run` are never modified: the pipeline
    works on its own deep copy of them, so stages are free to update the
    records they receive in place.
    """

    def __init__(self, stages: Iterable[StageFn] = ()) -> None:
        self.stages: list[StageFn] = list(stages)
        self.stats: list[StageStats] = []

    def add(self, stage: StageFn) -> "Pipeline":
        """Append ``stage``; returns the pipeline for chaining."""
        self.stages.append(stage)
        return self

    def run(self, records: Iterable[Record]) -> list[Record]:
        """Run every stage in order and return the final records."""
        current = copy.deepcopy(list(records))
        self.stats = []
        for stage in self.stages:
            stats = StageStats(stage_name(stage), records_in=len(current))
            result = stage(current)
            if not isinstance(result, list):
                raise TypeError(f"stage {stats.name!r} returned {type(result).__name__}, expected list")
            current = result
            stats.records_out = len(current)
            self.stats.append(stats)
        return current

    def describe(self) -> str:
        """One line per stage with the counts of the last run."""
        if not self.stats:
            return "\n".join(f"{i:>2}. {stage_name(s)}" for i, s in enumerate(self.stages, start=1))
        width = max(len(st.name) for st in self.stats)
        return "\n".join(
            f"{i:>2}. {st.name:<{width}}  in {st.records_in:>7}  out {st.records_out:>7}  dropped {st.dropped:>6}"
            for i, st in enumerate(self.stats, start=1)
        )

    def __len__(self) -> int:
        return len(self.stages)
