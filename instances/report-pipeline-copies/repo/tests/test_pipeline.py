import copy

import pytest

from conftest import RATES, REGIONS
from salesreport import CurrencyTable, Pipeline, drop_statuses, stage_name, standard_stages


def test_stats_and_describe(small_orders):
    p = Pipeline([drop_statuses("cancelled")]).add(lambda records: records[:2])
    out = p.run(small_orders)
    assert len(out) == 2
    assert [(s.records_in, s.records_out, s.dropped) for s in p.stats] == [(5, 4, 1), (4, 2, 2)]
    assert p.describe().splitlines() == [
        " 1. drop_statuses(cancelled)  in       5  out       4  dropped      1",
        " 2. <lambda>                  in       4  out       2  dropped      2",
    ]
    assert len(p) == 2


def test_describe_before_running():
    p = Pipeline([drop_statuses("cancelled"), sorted])
    assert p.describe() == " 1. drop_statuses(cancelled)\n 2. sorted"


def test_stage_must_return_a_list(small_orders):
    p = Pipeline([lambda records: iter(records)])
    with pytest.raises(TypeError, match="expected list"):
        p.run(small_orders)


def test_stage_name():
    class Dedupe:
        def __call__(self, records):
            return records

    assert stage_name(Dedupe()) == "Dedupe"
    assert stage_name(drop_statuses("returned")) == "drop_statuses(returned)"


def test_empty_pipeline_returns_equal_records(small_orders):
    assert Pipeline().run(small_orders) == small_orders


def test_standard_pipeline_leaves_input_untouched(small_orders):
    before = copy.deepcopy(small_orders)
    stages = standard_stages(CurrencyTable("EUR", RATES), {}, REGIONS, "2024-01-01", "2024-12-31", "100")
    out = Pipeline(stages).run(small_orders)
    assert small_orders == before
    assert out[0]["customer"]["country"] == "DE" and before[0]["customer"]["country"] == "de"
    assert all("gross" in r for r in out)


def test_custom_in_place_stage_does_not_leak_to_caller(small_orders):
    before = copy.deepcopy(small_orders)

    def shout(records):
        for r in records:
            r["customer"]["name"] = r["customer"]["name"].upper()
            r["lines"][0]["qty"] += 1
            r["tags"].append("seen")
        return records

    out = Pipeline([shout]).run(small_orders)
    assert out[1]["customer"]["name"] == "ATLAS SUPPLIES INC."
    assert out[1]["lines"][0]["qty"] == 11
    assert small_orders == before


def test_runs_are_independent(small_orders):
    stages = standard_stages(CurrencyTable("EUR", RATES), {}, REGIONS, "2024-01-01", "2024-12-31", "100")
    p = Pipeline(stages)
    first = copy.deepcopy(p.run(small_orders))
    second = p.run(small_orders)
    assert first == second
