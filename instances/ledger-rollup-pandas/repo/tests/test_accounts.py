import pytest

from ledgerroll import Account, AccountType, ChartError, ChartOfAccounts


def test_lookup_and_hierarchy(chart):
    assert len(chart) == 32
    assert chart["6510"].name == "Travel"
    assert chart.ancestors("6510") == ["6510", "6500", "6000"]
    assert chart.level("6510") == 2
    assert chart.level("4000") == 0
    assert chart.roots() == ["1000", "2000", "3000", "4000", "5000", "6000"]
    assert chart.children("1100") == ["1110", "1120"]
    assert chart.descendants("4100") == ["4100", "4110", "4120"]
    assert chart.is_leaf("1110") and not chart.is_leaf("1100")
    assert "9999" not in chart
    with pytest.raises(KeyError):
        chart["9999"]


def test_normal_signs(chart):
    assert chart.normal_sign("1200") == 1
    assert chart.normal_sign("6200") == 1
    assert chart.normal_sign("2100") == -1
    assert chart.normal_sign("3100") == -1
    assert chart.normal_sign("4110") == -1
    assert AccountType.EQUITY.is_balance_sheet
    assert not AccountType.REVENUE.is_balance_sheet


def test_to_frame_round_trip(chart):
    frame = chart.to_frame()
    assert frame["code"].tolist() == chart.codes()
    assert frame.loc[frame["code"] == "6520", "level"].item() == 2
    again = ChartOfAccounts.from_frame(frame.drop(columns="level"))
    assert [a for a in again] == [a for a in chart]


def test_validation_errors():
    with pytest.raises(ChartError, match="duplicate"):
        ChartOfAccounts([Account("1", "a", AccountType.ASSET), Account("1", "b", AccountType.ASSET)])
    with pytest.raises(ChartError, match="unknown parent"):
        ChartOfAccounts([Account("2", "b", AccountType.ASSET, parent="1")])
    with pytest.raises(ChartError, match="parent"):
        ChartOfAccounts(
            [Account("1", "a", AccountType.ASSET), Account("2", "b", AccountType.EXPENSE, "1")]
        )
    with pytest.raises(ChartError, match="cycle"):
        ChartOfAccounts(
            [Account("1", "a", AccountType.ASSET, "2"), Account("2", "b", AccountType.ASSET, "1")]
        )
    with pytest.raises(ValueError):
        ChartOfAccounts.from_records([dict(code="1", name="x", type="gadget")])
