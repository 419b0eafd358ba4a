from salesreport import Column, Table, format_count

ROWS = [("apples", 1200), ("pears|green", 35), ("a very long fruit name", 7)]


def table(title=""):
    return Table([
        Column("Fruit", lambda r: r[0], max_width=12),
        Column("Count", lambda r: r[1], format_count, ">"),
    ], ROWS, title=title)


def test_text():
    assert table("Stock").to_text() == (
        "Stock\n"
        "=====\n"
        "Fruit         Count\n"
        "------------  -----\n"
        "apples        1,200\n"
        "pears|green      35\n"
        "a very long…      7\n"
    )


def test_markdown():
    assert table().to_markdown().splitlines() == [
        "| Fruit | Count |",
        "|:---|---:|",
        "| apples | 1,200 |",
        "| pears\\|green | 35 |",
        "| a very long fruit name | 7 |",
    ]


def test_csv():
    assert table().to_csv() == "Fruit,Count\napples,\"1,200\"\npears|green,35\na very long fruit name,7\n"
    assert len(table()) == 3


def test_empty_table():
    assert Table([Column("A", lambda r: r)]).to_text() == "A\n-\n"
