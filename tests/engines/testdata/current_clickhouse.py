"""Replays statements a ClickHouse 18.16 server answered on the current ClickHouse release that
chDB embeds, over the same rows, and compares the answers.

Usage: current_clickhouse.py HTTP_PORT TABLE QUERIES_FILE [SETUP_FILE [OLD=NEW ...]]
QUERIES_FILE holds the statements, separated by lines of "-- next". The table's definition and
rows are read from the old server over HTTP. SETUP_FILE, in the same form, holds statements run
on the current release after the table is created and before its rows are inserted (the
rollups' states tables and materialized views, which then see the rows arrive). Each OLD=NEW
replaces OLD by NEW in the statements the current release runs (a function the current
release's states are kept by). Prints a JSON report: the current release's version, the
statements compared, and every statement that failed or answered differently.
"""

import json
import math
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from chdb import session


def old(port, sql):
    url = "http://127.0.0.1:%d/?%s" % (port, urllib.parse.urlencode({"query": sql}))
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read().decode()


def rows(tsv):
    return sorted(line.split("\t") for line in tsv.splitlines())


def same_cell(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    # Relative to the larger, with a floor: a sum of centered values (multivariate drift's
    # moments) cancels to rounding noise near 0, whose digits depend on the summation order.
    return abs(x - y) <= max(1e-9 * max(abs(x), abs(y)), 1e-9)


def split(text):
    return [s.strip() for s in text.split("\n-- next\n") if s.strip()]


def main():
    port, table, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    statements = split(open(path).read())
    setup = split(open(sys.argv[4]).read()) if len(sys.argv) > 4 else []
    replacements = [r.split("=", 1) for r in sys.argv[5:]]

    def current(sql):
        for a, b in replacements:
            sql = sql.replace(a, b)
        return sql

    create = old(port, "SHOW CREATE TABLE %s" % table).strip().replace("\\n", "\n").replace("\\'", "'")
    create = create.replace("CREATE TABLE default.", "CREATE TABLE ")
    with tempfile.TemporaryDirectory() as d:
        data = d + "/rows.tsv"
        with open(data, "w") as f:
            f.write(old(port, "SELECT * FROM %s FORMAT TabSeparated" % table))
        s = session.Session(d + "/chdb")
        s.query(create)
        for sql in setup:
            s.query(sql)
        s.query("INSERT INTO %s SELECT * FROM file('%s', 'TabSeparated')" % (table, data))
        report = {"version": str(s.query("SELECT version()", "TabSeparated")).strip(), "compared": 0, "failures": []}
        for sql in statements:
            try:
                want = rows(old(port, sql + " FORMAT TabSeparated"))
            except urllib.error.HTTPError as e:
                report["failures"].append({"sql": sql, "error on the old server": e.read().decode()[:2000]})
                continue
            try:
                got = rows(str(s.query(current(sql), "TabSeparated")))
            except Exception as e:  # noqa: BLE001 - every refusal is reported
                report["failures"].append({"sql": sql, "error": str(e)[:2000]})
                continue
            report["compared"] += 1
            if len(want) != len(got):
                report["failures"].append({"sql": sql, "old rows": len(want), "current rows": len(got), "old": want[:5], "current": got[:5]})
                continue
            for i, (w, g) in enumerate(zip(want, got)):
                if len(w) != len(g) or not all(same_cell(a, b) for a, b in zip(w, g)):
                    report["failures"].append({"sql": sql, "row": i, "old": w, "current": g})
                    break
        s.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
