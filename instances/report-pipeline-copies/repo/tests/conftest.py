"""Fixtures: a tiny hand-written export and a realistic synthetic one."""

from __future__ import annotations

import json
import random

import pytest

from salesreport import CurrencyTable, ReportConfig, load_orders

COUNTRIES = {
    # country: (currency, weight)
    "DE": ("EUR", 30), "FR": ("EUR", 12), "NL": ("EUR", 8), "AT": ("EUR", 6), "IT": ("EUR", 6),
    "ES": ("EUR", 5), "CH": ("CHF", 5), "GB": ("GBP", 10), "SE": ("SEK", 4), "PL": ("PLN", 4),
    "US": ("USD", 8), "JP": ("JPY", 2),
}
REGIONS = {"DE": "DACH", "AT": "DACH", "CH": "DACH", "FR": "Western Europe", "NL": "Western Europe",
           "GB": "Western Europe", "IT": "Southern Europe", "ES": "Southern Europe",
           "SE": "Nordics", "PL": "Central Europe", "US": "North America"}
RATES = {"USD": "0.9213", "GBP": "1.1682", "CHF": "1.0437", "SEK": "0.0874", "PLN": "0.2311",
         "JPY": "0.006189"}
CATEGORIES = {"garden": (8, 240), "books": (6, 60), "electronics": (25, 900), "toys": (5, 120),
              "apparel": (9, 180), "home": (7, 400), "food": (2, 45)}
FIRST = ["Nord", "Süd", "Alpen", "Rhein", "Blue", "Green", "Atlas", "Polar", "Sonnen", "Tiger",
         "Oak", "River", "Granite", "Lumen", "Vista", "Falcon"]
SECOND = ["handel", "markt", "trading", "supplies", "retail", "store", "werk", "house", "goods"]
SUFFIX = ["GmbH", "Ltd", "AG", "SARL", "B.V.", "Inc.", "AB", "Sp. z o.o.", "KG", ""]


def synthetic_export(seed: int = 2024, orders: int = 3000, customers: int = 450,
                     year: int = 2024) -> str:
    """JSON-lines export of a year of orders from a mid-sized web shop."""
    rng = random.Random(seed)
    countries = list(COUNTRIES)
    weights = [COUNTRIES[c][1] for c in countries]
    custs = []
    for i in range(customers):
        country = rng.choices(countries, weights)[0]
        name = f"{rng.choice(FIRST)}{rng.choice(SECOND)} {rng.choice(SUFFIX)}".strip()
        if rng.random() < 0.05:
            name = "  " + name.replace(" ", "   ") + " "  # sloppy data entry
        custs.append({"id": f"C{i:05d}", "name": name,
                      "segment": rng.choice(["retail", "retail", "wholesale", "public"]),
                      "country": country.lower() if rng.random() < 0.03 else country})
    skus = {cat: [f"{cat[:2].upper()}-{rng.randint(1000, 9999)}" for _ in range(30)] for cat in CATEGORIES}
    lines_out = []
    for n in range(orders):
        cust = rng.choice(custs)
        currency = COUNTRIES[cust["country"].upper()][0]
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        lines = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6))):
            cat = rng.choice(list(CATEGORIES))
            lo, hi = CATEGORIES[cat]
            price = rng.uniform(lo, hi)
            if currency == "JPY":
                price_text = str(round(price / float(RATES["JPY"])))
            else:
                price_text = f"{price:.2f}"
            lines.append({"sku": rng.choice(skus[cat]), "category": cat,
                          "qty": rng.choice((1, 1, 1, 2, 3, 5, 10, 24)),
                          "unit_price": price_text,
                          "discount": rng.choice(("0", "0", "0", "0.05", "0.10", "0.15"))})
        status = rng.choices(["paid", "shipped", "delivered", "cancelled", "returned", "pending"],
                             [10, 25, 50, 6, 4, 5])[0]
        tags = rng.sample(["repeat", "b2b", "promo", "gift", "express"], rng.randint(0, 2))
        lines_out.append(json.dumps({
            "order_id": f"SO-{100000 + n}", "date": f"{year}-{month:02d}-{day:02d}", "status": status,
            "channel": rng.choice(["web", "web", "web", "marketplace", "phone", "store"]),
            "currency": currency, "customer": cust, "lines": lines, "tags": tags,
        }, ensure_ascii=False))
    return "\n".join(lines_out) + "\n"


def make_config(start: str = "2024-01-01", end: str = "2024-12-31", **kwargs) -> ReportConfig:
    return ReportConfig(start=start, end=end, currencies=CurrencyTable("EUR", RATES), regions=REGIONS, **kwargs)


SMALL = [
    {"order_id": "SO-1", "date": "2024-03-02", "status": "delivered", "channel": "web", "currency": "EUR",
     "customer": {"id": "C1", "name": "Nordwind  Handel GmbH", "segment": "wholesale", "country": "de"},
     "lines": [{"sku": "GA-1", "category": "garden", "qty": 2, "unit_price": "100.00", "discount": "0.10"},
               {"sku": "BO-7", "category": "books", "qty": 1, "unit_price": "20.00"}],
     "tags": ["b2b"]},
    {"order_id": "SO-2", "date": "2024-03-15", "status": "shipped", "channel": "phone", "currency": "USD",
     "customer": {"id": "C2", "name": "Atlas Supplies Inc.", "segment": "retail", "country": "US"},
     "lines": [{"sku": "EL-3", "category": "electronics", "qty": 10, "unit_price": "650.00"}],
     "tags": []},
    {"order_id": "SO-3", "date": "2024-04-01", "status": "cancelled", "channel": "web", "currency": "EUR",
     "customer": {"id": "C1", "name": "Nordwind Handel GmbH", "segment": "wholesale", "country": "DE"},
     "lines": [{"sku": "GA-1", "category": "garden", "qty": 1, "unit_price": "100.00"}],
     "tags": []},
    {"order_id": "SO-4", "date": "2024-04-20", "status": "paid", "channel": "store", "currency": "GBP",
     "customer": {"id": "C3", "name": "River House Ltd", "segment": "retail", "country": "GB"},
     "lines": [{"sku": "AP-9", "category": "apparel", "qty": 3, "unit_price": "33.33", "discount": "0.05"}],
     "tags": ["gift"]},
    {"order_id": "SO-5", "date": "2025-01-03", "status": "delivered", "channel": "web", "currency": "JPY",
     "customer": {"id": "C4", "name": "Tiger Goods", "segment": "public", "country": "JP"},
     "lines": [{"sku": "TO-2", "category": "toys", "qty": 4, "unit_price": "2500"}],
     "tags": []},
]


@pytest.fixture
def small_text() -> str:
    return "".join(json.dumps(o) + "\n" for o in SMALL)


@pytest.fixture
def small_orders(small_text) -> list:
    return load_orders(small_text)


@pytest.fixture
def config() -> ReportConfig:
    return make_config()


@pytest.fixture(scope="session")
def year_orders() -> list:
    return load_orders(synthetic_export())
