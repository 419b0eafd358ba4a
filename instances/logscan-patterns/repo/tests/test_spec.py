import pytest

from logscan import SpecError, compile_spec, translate
from logscan.spec import tokenize

ACCESS = '{client:ip} - {user} [{time:clf}] "{method} {path:path} {proto}" {status:int} {size:int?}'


def test_tokenize():
    assert list(tokenize("a{{b}} {x:int}")) == [
        ("literal", "a"),
        ("literal", "{"),
        ("literal", "b"),
        ("literal", "}"),
        ("blank", " "),
        ("field", "x:int"),
    ]


def test_translate_lists_fields_in_order():
    pattern, fields = translate(ACCESS)
    assert [(name, field_type.name, optional) for name, field_type, optional in fields] == [
        ("client", "ip", False),
        ("user", "word", False),
        ("time", "clf", False),
        ("method", "word", False),
        ("path", "path", False),
        ("proto", "word", False),
        ("status", "int", False),
        ("size", "int", True),
    ]
    assert pattern.endswith(r"[ \t]*$")


def test_parse_access_line():
    spec = compile_spec(ACCESS)
    line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326'
    fields = spec.parse(line)
    assert fields["client"] == "127.0.0.1"
    assert fields["user"] == "frank"
    assert fields["time"].year == 2000
    assert (fields["method"], fields["path"], fields["proto"]) == ("GET", "/apache_pb.gif", "HTTP/1.0")
    assert (fields["status"], fields["size"]) == (200, 2326)
    assert spec.names == ["client", "user", "time", "method", "path", "proto", "status", "size"]


def test_optional_field_dash_is_none():
    spec = compile_spec("{status:int} {size:int?}")
    assert spec.parse("304 -") == {"status": 304, "size": None}
    assert spec.parse("200 12") == {"status": 200, "size": 12}
    assert spec.parse("200 x") is None


def test_blanks_and_trailing_whitespace():
    spec = compile_spec("{a:int} {b:int}")
    assert spec.parse("1 \t  2   ") == {"a": 1, "b": 2}
    assert spec.parse("12") is None
    assert spec.parse("1 2 3") is None


def test_literals_are_escaped():
    spec = compile_spec("x+y=({n:int}) [*] {{ok}}")
    assert spec.parse("x+y=(3) [*] {ok}") == {"n": 3}
    assert spec.parse("xxy=(3) [*] {ok}") is None


def test_anonymous_fields_are_not_captured():
    spec = compile_spec("{_:iso} {_:level} {msg:rest}")
    assert spec.parse("2024-01-01T00:00:00Z INFO hello world") == {"msg": "hello world"}


def test_failed_conversion_means_no_match():
    spec = compile_spec("{client:ip} {t:clf}")
    assert spec.parse("10.0.0.1 10/Oct/2000:13:55:36 -0700") is not None
    assert spec.parse("10.0.0.999 10/Oct/2000:13:55:36 -0700") is None
    assert spec.parse("10.0.0.1 10/Foo/2000:13:55:36 -0700") is None


def test_flags():
    assert compile_spec("{n:int} items").parse("3 ITEMS") is None
    import re

    assert compile_spec("{n:int} items", re.IGNORECASE).parse("3 ITEMS") == {"n": 3}


@pytest.mark.parametrize(
    "spec, message",
    [
        ("{a} {a}", "appears twice"),
        ("{1a}", "invalid field name"),
        ("{a:nope}", "unknown field type"),
        ("a } b", "unbalanced"),
        ("{a", "unbalanced"),
        ("", "empty spec"),
    ],
)
def test_spec_errors(spec, message):
    with pytest.raises(SpecError, match=message) as info:
        translate(spec)
    assert info.value.spec == spec


def test_repr():
    assert repr(compile_spec("{a}")) == "CompiledSpec('{a}')"
