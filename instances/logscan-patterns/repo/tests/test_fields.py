import datetime
import re

import pytest

from logscan import get_field_type, register_field_type
from logscan.fields import field_type_names

UTC = datetime.timezone.utc


def convert(type_name, text):
    field_type = get_field_type(type_name)
    assert re.fullmatch(field_type.pattern, text), f"{text!r} should match {type_name}"
    return field_type.convert(text)


def test_builtin_types_are_registered():
    names = field_type_names()
    for name in ["word", "int", "float", "hex", "ip", "level", "path", "quoted", "ident",
                 "duration", "iso", "clf", "syslog", "kv", "rest"]:
        assert name in names


def test_numbers():
    assert convert("int", "-42") == -42
    assert convert("float", "3.25") == 3.25
    assert convert("hex", "0x1f") == 31
    assert convert("hex", "00ff") == 255


def test_text_types():
    assert convert("level", "warning") == "WARNING"
    assert convert("quoted", r'"say \"hi\""') == 'say "hi"'
    assert convert("path", "/search?q=lamp&page=2") == "/search?q=lamp&page=2"
    assert convert("ident", "shop.worker-2.email") == "shop.worker-2.email"
    assert convert("kv", "cpu=12 mem=40 note=") == {"cpu": "12", "mem": "40", "note": ""}


def test_ip_is_validated():
    assert convert("ip", "10.0.0.1") == "10.0.0.1"
    with pytest.raises(ValueError):
        convert("ip", "10.0.0.300")


@pytest.mark.parametrize("text, ms", [("12ms", 12.0), ("1.5s", 1500.0), ("250us", 0.25)])
def test_duration(text, ms):
    assert convert("duration", text) == pytest.approx(ms)


def test_timestamps():
    assert convert("iso", "2024-03-01T12:00:00.250Z") == datetime.datetime(2024, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
    assert convert("iso", "2024-03-01 12:00:00") == datetime.datetime(2024, 3, 1, 12, tzinfo=UTC)
    offset = convert("iso", "2024-03-01T12:00:00+02:00")
    assert offset.utcoffset() == datetime.timedelta(hours=2)
    clf = convert("clf", "10/Oct/2023:13:55:36 -0700")
    assert clf == datetime.datetime(2023, 10, 10, 20, 55, 36, tzinfo=UTC)
    assert convert("syslog", "Mar  1 09:05:00") == datetime.datetime(1900, 3, 1, 9, 5)


def test_bad_month_raises_key_error():
    with pytest.raises(KeyError):
        get_field_type("clf").convert("10/Foo/2023:13:55:36 -0700")


def test_register_custom_type():
    register_field_type("uuid", r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", str.upper, "a UUID")
    assert convert("uuid", "123e4567-e89b-12d3-a456-426614174000") == "123E4567-E89B-12D3-A456-426614174000"
    with pytest.raises(ValueError):
        register_field_type("not valid", r"x")
    with pytest.raises(KeyError, match="unknown field type"):
        get_field_type("nope")
