"""Compares two builds' modules section by section: `sections.py A.wasm [B.wasm]`.

Lists each section (name, offset, size, SHA-256 prefix); with two modules, marks the sections
that differ. Not part of the recipe (its hash does not cover this file): a tool for finding
what made two builds differ, alongside `cmp -l`.
"""
import hashlib
import sys

NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
         7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount", 13: "tag"}


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def sections(path):
    b = open(path, "rb").read()
    assert b[:4] == b"\0asm", path
    i, out = 8, []
    while i < len(b):
        sid = b[i]
        size, j = leb(b, i + 1)
        body = b[j:j + size]
        name = NAMES.get(sid, str(sid))
        if sid == 0:
            n, k = leb(body, 0)
            name = "custom:" + body[k:k + n].decode()
        out.append((name, j, size, hashlib.sha256(body).hexdigest()[:12]))
        i = j + size
    return out


a = sections(sys.argv[1])
if len(sys.argv) == 2:
    for s in a:
        print(*s)
else:
    b = sections(sys.argv[2])
    for x, y in zip(a, b):
        print("same" if x[2:] == y[2:] else "DIFF", *x, "|", *y)
    if len(a) != len(b):
        print(f"DIFF section count {len(a)} vs {len(b)}")
