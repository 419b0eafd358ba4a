import time
def sieve(n):
    flags = bytearray([1]) * (n + 1)
    flags[0:2] = b"\0\0"
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            flags[i * i :: i] = bytes(len(range(i * i, n + 1, i)))
    return sum(flags)
def loop(n):
    s = 0
    for i in range(n):
        s += i * i % 7
    return s
def dicts(n):
    d = {}
    for i in range(n):
        d[str(i)] = i
    return sum(d[str(i)] for i in range(0, n, 3))
def strings(n):
    parts = []
    for i in range(n):
        parts.append(f"{i:05d}-{i % 13}")
    return len(",".join(parts).split(","))
t = time.perf_counter()
print(sieve(2_000_000), loop(1_000_000), dicts(200_000), strings(200_000))
