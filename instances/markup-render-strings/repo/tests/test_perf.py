"""Rendering large documents.

The documents are generated from a fixed seed: a long handbook made of
many short sections, and a reference page dominated by one big table.
They are parsed once per module; the tests measure rendering.
"""

import random

import pytest

from minimark import HtmlRenderer, parse

WORDS = (
    "the renderer parser block inline table list item code quote heading link image "
    "document section option value default setting cache build deploy server client "
    "request response error warning version release change update install configure"
).split()


def _sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 16))]
    roll = rng.random()
    if roll < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    elif roll < 0.5:
        i = rng.randrange(len(words))
        words[i] = f"`{words[i]}()`"
    elif roll < 0.6:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://docs.example.com/{words[i]}.html)"
    elif roll < 0.7:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def _handbook(rng, sections):
    out = ["# Operations handbook", ""]
    for n in range(sections):
        out += [f"## {rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}", ""]
        for _ in range(rng.randrange(1, 4)):
            out += [" ".join(_sentence(rng) for _ in range(rng.randrange(1, 4))), ""]
        roll = rng.random()
        if roll < 0.35:
            out += [f"- {_sentence(rng)}" for _ in range(rng.randrange(2, 6))] + [""]
        elif roll < 0.5:
            out += ["```sh", f"deploy --{rng.choice(WORDS)} {n}", f"check --{rng.choice(WORDS)}", "```", ""]
        elif roll < 0.6:
            out += [f"> **Note:** {_sentence(rng)}", ""]
        elif roll < 0.65:
            out += ["---", ""]
    return "\n".join(out)


def _reference(rng, rows):
    out = ["# Configuration reference", "", "All options, sorted by name.", "",
           "| Option | Type | Default | Description |", "|:-------|:----:|--------:|-------------|"]
    for n in range(rows):
        name = f"{rng.choice(WORDS)}.{rng.choice(WORDS)}_{n}"
        kind = rng.choice(["int", "bool", "str", "duration", "size"])
        default = rng.choice(["`0`", "`true`", "`false`", '`""`', "`30s`", "`64MiB`", "-"])
        out.append(f"| `{name}` | {kind} | {default} | {_sentence(rng)} |")
    return "\n".join(out)


@pytest.fixture(scope="module")
def handbook():
    return parse(_handbook(random.Random(42), 800))


@pytest.fixture(scope="module")
def reference():
    return parse(_reference(random.Random(7), 2000))


def test_render_long_document(handbook):
    html = HtmlRenderer(toc=True).render(handbook)
    assert html.startswith('<nav class="toc">')
    assert html.count("<h2 ") == 800
    assert '<h2 id="' in html and "</ul>\n" in html
    assert html.count("<p>") > 1300


def test_render_large_table(reference):
    html = HtmlRenderer().render(reference)
    assert html.count("<tr>") == 2001
    assert html.count('<td style="text-align: center">') == 2000
    assert "<code>" in html and html.endswith("</table>\n")
