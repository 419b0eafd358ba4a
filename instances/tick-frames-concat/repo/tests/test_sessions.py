import pandas as pd
import pytest

from tickbars import Session


def ts(*values):
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"))


def test_contains_half_open():
    s = Session()
    mask = s.contains(ts("2024-03-04 09:29:59", "2024-03-04 09:30", "2024-03-04 15:59:59.9", "2024-03-04 16:00"))
    assert mask.tolist() == [False, True, True, False]


def test_bar_starts_anchor_at_open():
    s = Session("09:30", "16:00")
    starts = s.bar_starts(ts("2024-03-04 09:30", "2024-03-04 09:59:59", "2024-03-04 10:00", "2024-03-05 10:44"), "30min")
    assert starts.tolist() == list(
        pd.to_datetime(["2024-03-04 09:30", "2024-03-04 09:30", "2024-03-04 10:00", "2024-03-05 10:30"])
    )
    odd = s.bar_starts(ts("2024-03-04 09:37", "2024-03-04 09:38"), "7min")
    assert odd.tolist() == list(pd.to_datetime(["2024-03-04 09:37", "2024-03-04 09:37"]))


def test_session_lengths():
    s = Session("09:30", "16:00")
    assert s.length == pd.Timedelta(hours=6, minutes=30)
    assert s.bars_per_session("5min") == 78
    assert s.bars_per_session("1h") == 7
    assert Session("08:00", "08:30").bars_per_session("1min") == 30


def test_session_dates():
    dates = Session().session_dates(ts("2024-03-04 09:45", "2024-03-05 15:00"))
    assert dates.tolist() == list(pd.to_datetime(["2024-03-04", "2024-03-05"]))


@pytest.mark.parametrize("open_,close", [("16:00", "09:30"), ("9:3x", "10:00"), ("25:00", "26:00")])
def test_invalid_sessions(open_, close):
    with pytest.raises(ValueError):
        Session(open_, close)


def test_invalid_bar_width():
    with pytest.raises(ValueError):
        Session().bar_starts(ts("2024-03-04 10:00"), "0min")
