import pytest

from layercfg import ParseError
from layercfg.parser import dump_ini, parse_ini


def test_sections_and_top_level_keys():
    text = """
# application defaults
name = shop

[server]
host = 0.0.0.0
port = 8080

[server.tls]
enabled = no
"""
    assert parse_ini(text) == {
        "name": "shop",
        "server": {"host": "0.0.0.0", "port": "8080", "tls": {"enabled": "no"}},
    }


def test_dotted_section_header_nests():
    assert parse_ini("[a.b.c]\nd = 1\n") == {"a": {"b": {"c": {"d": "1"}}}}


def test_comments():
    text = "; full line\n[s]\nurl = http://x/#anchor\nlevel = info  # why\nother = a ; b\n"
    assert parse_ini(text) == {"s": {"url": "http://x/#anchor", "level": "info", "other": "a"}}


def test_quoted_values():
    text = '[s]\nbanner = "  hi # there\\n"\npath = "C:\\\\tmp"  # comment\nempty = ""\n'
    assert parse_ini(text)["s"] == {"banner": "  hi # there\n", "path": "C:\\tmp", "empty": ""}


def test_continuation_lines():
    text = "[tls]\nciphers = A,\n    B,  # second\n\tC\nnext = 1\n"
    assert parse_ini(text)["tls"] == {"ciphers": "A,\nB,\nC", "next": "1"}


def test_last_assignment_wins():
    assert parse_ini("[s]\na = 1\na = 2\n") == {"s": {"a": "2"}}


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("[s\na = 1\n", 1, "missing ']'"),
        ("[s] x\n", 1, "unexpected text"),
        ("[bad name]\n", 1, "invalid section"),
        ("[s]\njust words\n", 2, "expected 'key = value'"),
        ("[s]\nbad key = 1\n", 2, "invalid key"),
        ('[s]\na = "open\n', 2, "unterminated"),
        ('[s]\na = "x" y\n', 2, "unexpected text"),
        ('[s]\na = "\\q"\n', 2, "invalid escape"),
        ("[s]\na = 1\n[s.a]\nb = 2\n", 4, "is a value"),
        ("[s.a]\nb = 2\n[s]\na = 1\n", 4, "is a section"),
    ],
)
def test_errors_carry_source_and_line(text, line, message):
    with pytest.raises(ParseError) as info:
        parse_ini(text, source="site.ini")
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value).startswith(f"site.ini:{line}:")


def test_dump_round_trip():
    flat = {
        "name": "shop",
        "server.port": "8080",
        "server.banner": "  padded # text\n",
        "server.tls.enabled": "no",
        "quote": 'say "hi"',
    }
    text = dump_ini(flat)
    assert text.splitlines()[0] == "name = shop"
    assert "[server.tls]" in text
    reparsed = parse_ini(text)
    assert reparsed["server"]["banner"] == "  padded # text\n"
    assert reparsed["quote"] == 'say "hi"'
    assert reparsed["server"]["tls"]["enabled"] == "no"


def test_dump_empty():
    assert dump_ini({}) == ""
