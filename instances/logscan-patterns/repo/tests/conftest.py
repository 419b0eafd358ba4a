"""Shared fixtures: a realistic rule set and a deterministic log generator."""

import random

import pytest

from logscan import load_rules

RULES = r"""
# --- nginx access log (combined format + request time) -----------------
[rule http_5xx]
format   = {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?} {referrer:quoted} {agent:quoted} rt={rt:float}
requires = HTTP/
category = http.server_error
severity = error
when.status = >=500
count    = path, status
measure  = rt

[rule http_denied]
format   = {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?} {referrer:quoted} {agent:quoted} rt={rt:float}
requires = HTTP/
category = http.denied
severity = warning
when.status = in:401,403
count    = client

[rule http_4xx]
format   = {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?} {referrer:quoted} {agent:quoted} rt={rt:float}
requires = HTTP/
category = http.client_error
severity = notice
when.status = >=400
count    = status

[rule http_slow]
format   = {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?} {referrer:quoted} {agent:quoted} rt={rt:float}
requires = HTTP/
category = http.slow
severity = warning
when.rt  = >=1.0
count    = path
measure  = rt

[rule http_ok]
format   = {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?} {referrer:quoted} {agent:quoted} rt={rt:float}
requires = HTTP/
category = http.ok
count    = method
measure  = size, rt

# --- application log -----------------------------------------------------
[rule app_slow_query]
format   = {time:iso} {level:level} [{logger:ident}] query took {elapsed:duration}: {sql:rest}
requires = query took
category = app.db.slow
severity = warning
measure  = elapsed

[rule app_login_failed]
format   = {time:iso} {level:level} [{logger:ident}] login failed for user={user:word} from={client:ip} reason={reason:rest}
requires = login failed
category = app.auth.failure
severity = warning
count    = user, reason

[rule app_request]
format   = {time:iso} {level:level} [{logger:ident}] request id={rid:hex} {method:word} {path:path} -> {status:int} in {elapsed:duration}
requires = request id=
category = app.request
count    = status
measure  = elapsed

[rule app_error]
format   = {time:iso} {level:level} [{logger:ident}] {message:rest}
category = app.error
severity = error
when.level = in:ERROR,CRITICAL
count    = logger

[rule app_warning]
format   = {time:iso} {level:level} [{logger:ident}] {message:rest}
category = app.warning
severity = warning
when.level = WARN*

[rule app_other]
format   = {time:iso} {level:level} [{logger:ident}] {message:rest}
category = app.other
severity = debug

# --- syslog ----------------------------------------------------------------
[rule sys_oom]
format   = {time:syslog} {host:word} kernel: Out of memory: Killed process {pid:int} ({proc:word}) {details:kv}
requires = Out of memory
category = system.oom
severity = critical
count    = proc

[rule sys_ssh_failed]
format   = {time:syslog} {host:word} sshd[{pid:int}]: Failed password for {user:word} from {client:ip} port {port:int} ssh2
requires = Failed password
category = system.ssh.failure
severity = warning
count    = client

[rule sys_cron]
format   = {time:syslog} {host:word} CRON[{pid:int}]: ({user:word}) CMD ({command:rest})
requires = CRON[
category = system.cron

[rule sys_other]
format   = {time:syslog} {host:word} {process:word} {message:rest}
category = system.other
severity = debug
count    = host

# --- metrics ---------------------------------------------------------------
[rule metrics]
format   = {time:iso} METRICS {values:kv}
ignore_case = yes
category = metrics
severity = debug
"""

_PATHS = ["/", "/api/v2/products", "/api/v2/products/8812", "/api/v2/cart", "/api/v2/checkout",
          "/static/app.9f3c.js", "/static/site.css", "/login", "/account/orders?page=2", "/search?q=lamp"]
_AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1)",
           "python-requests/2.31", "Googlebot/2.1 (+http://www.google.com/bot.html)"]
_LOGGERS = ["shop.api", "shop.db", "shop.auth", "shop.payments", "shop.worker.email", "urllib3.connectionpool"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_HOSTS = ["web-01", "web-02", "db-01"]


def _nginx(rng, second):
    status = rng.choices([200, 200, 200, 304, 301, 404, 401, 403, 500, 502, 503], weights=[60, 10, 5, 6, 3, 6, 2, 2, 2, 1, 1])[0]
    size = "-" if status in (304, 301) else str(rng.randrange(200, 90000))
    rt = rng.expovariate(8.0) if rng.random() < 0.97 else rng.uniform(1.0, 6.0)
    return (
        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)} - "
        f"{rng.choice(['-', '-', '-', 'alice', 'bob'])} "
        f"[{1 + second // 86400 % 28:02d}/Mar/2024:{second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d} +0100] "
        f"\"{rng.choice(['GET', 'GET', 'GET', 'POST', 'PUT'])} {rng.choice(_PATHS)} HTTP/1.1\" {status} {size} "
        f"\"{rng.choice(['-', 'https://shop.example/', 'https://www.google.com/'])}\" \"{rng.choice(_AGENTS)}\" "
        f"rt={rt:.3f}"
    )


def _iso(second, rng):
    return (f"2024-03-{1 + second // 86400 % 28:02d}T{second // 3600 % 24:02d}:{second // 60 % 60:02d}:"
            f"{second % 60:02d}.{rng.randrange(1000):03d}Z")


def _app(rng, second):
    stamp = _iso(second, rng)
    logger = rng.choice(_LOGGERS)
    kind = rng.random()
    if kind < 0.35:
        return (f"{stamp} INFO [{logger}] request id={rng.getrandbits(48):012x} "
                f"{rng.choice(['GET', 'POST'])} {rng.choice(_PATHS)} -> {rng.choice([200, 200, 201, 404, 500])} "
                f"in {rng.uniform(0.5, 900):.1f}ms")
    if kind < 0.45:
        return (f"{stamp} WARNING [shop.db] query took {rng.uniform(0.5, 9):.2f}s: "
                f"SELECT * FROM orders WHERE customer_id = {rng.randrange(10**6)}")
    if kind < 0.52:
        return (f"{stamp} WARNING [shop.auth] login failed for user={rng.choice(['alice', 'bob', 'admin', 'root'])} "
                f"from=192.168.{rng.randrange(256)}.{rng.randrange(1, 255)} reason={rng.choice(['bad password', 'locked', 'unknown user'])}")
    if kind < 0.60:
        return f"{stamp} ERROR [{logger}] unhandled exception in worker: TimeoutError('upstream did not answer')"
    if kind < 0.70:
        return f"{stamp} WARNING [{logger}] retrying in {rng.randrange(1, 30)}s (attempt {rng.randrange(1, 5)})"
    return f"{stamp} {rng.choice(['INFO', 'DEBUG'])} [{logger}] cache {rng.choice(['hit', 'miss'])} for key=product:{rng.randrange(10**5)}"


def _syslog(rng, second):
    stamp = f"Mar {1 + second // 86400 % 28:2d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    host = rng.choice(_HOSTS)
    kind = rng.random()
    if kind < 0.03:
        return (f"{stamp} {host} kernel: Out of memory: Killed process {rng.randrange(100, 99999)} (python3) "
                f"total-vm={rng.randrange(10**6)}kB anon-rss={rng.randrange(10**6)}kB")
    if kind < 0.30:
        return (f"{stamp} {host} sshd[{rng.randrange(100, 99999)}]: Failed password for "
                f"{rng.choice(['root', 'admin', 'ubuntu'])} from 203.0.113.{rng.randrange(1, 255)} port {rng.randrange(1024, 65535)} ssh2")
    if kind < 0.55:
        return f"{stamp} {host} CRON[{rng.randrange(100, 99999)}]: (root) CMD (/usr/local/bin/backup --incremental)"
    return f"{stamp} {host} systemd[1]: Started Session {rng.randrange(10**4)} of user deploy."


def generate_log(count, seed=7):
    """Return ``count`` interleaved log lines from web, app and system sources."""
    rng = random.Random(seed)
    lines = []
    second = 0
    for _ in range(count):
        second += rng.randrange(0, 3)
        source = rng.random()
        if source < 0.5:
            lines.append(_nginx(rng, second))
        elif source < 0.8:
            lines.append(_app(rng, second))
        elif source < 0.95:
            lines.append(_syslog(rng, second))
        elif source < 0.99:
            lines.append(f"{_iso(second, rng)} metrics cpu={rng.randrange(100)} mem={rng.randrange(100)} rps={rng.randrange(5000)}")
        else:
            lines.append(rng.choice(["", "   ", "Traceback (most recent call last):", "-- MARK --", "\tat java.lang.Thread.run"]))
    return lines


@pytest.fixture(scope="session")
def rules_text():
    return RULES


@pytest.fixture
def classifier():
    return load_rules(RULES, source="rules.ini")


@pytest.fixture(scope="session")
def make_log():
    return generate_log
