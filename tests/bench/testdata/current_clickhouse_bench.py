"""Times the operations statement the plugin sends to ClickHouse (as traced from the engine, in
its 18.16 form and with quantileExactInclusive) beside hand-written SQL, on the current release
chDB embeds, over the demo rows exported to Parquet:

    duckdb modelwatch-bench-10000000.duckdb "COPY predictions TO 'p10m.parquet' (FORMAT parquet)"
    python3 tests/bench/testdata/current_clickhouse_bench.py p10m.parquet
"""
import sys
import tempfile
import time
from chdb import session
s = session.Session(tempfile.mkdtemp())
s.query("DROP TABLE IF EXISTS predictions")
s.query("""CREATE TABLE predictions (prediction_id String, ts DateTime64(3, 'UTC'), model String, model_version String,
 predicted_label Nullable(String), predicted_value Nullable(Float64), score Nullable(Float64), actual_label Nullable(String),
 actual_value Nullable(Float64), latency_ms Nullable(Float64), error Nullable(String)) ENGINE = MergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (model, model_version, ts)""")
s.query("INSERT INTO predictions SELECT prediction_id, ts, model, model_version, predicted_label, predicted_value, score, actual_label, actual_value, latency_ms, error FROM file('" + sys.argv[1] + "', Parquet)")
s.query("OPTIMIZE TABLE predictions FINAL")
W = "FROM predictions WHERE model = 'churn-classifier' AND ts >= toDateTime('2026-03-01 00:00:00', 'UTC') AND ts < toDateTime('2026-03-31 00:00:00', 'UTC')"
def q(x, l): return f"if(count({x}) = 0, NULL, quantileExactInclusive({l})({x}))"
def old(x, l): return f"arrayElement(arrayMap(s -> if(length(s) = 0, NULL, s[toUInt64(floor({l} * (length(s) - 1))) + 1] + ({l} * (length(s) - 1) - floor({l} * (length(s) - 1))) * (s[least(toUInt64(floor({l} * (length(s) - 1))) + 2, length(s))] - s[toUInt64(floor({l} * (length(s) - 1))) + 1])), [arraySort(groupArray({x}))]), 1)"
err = '"predicted_value" - "actual_value"'
variants = {
 "operations engine (>=20.1)": f"""SELECT 0 AS mw_bucket, "model_version", '' AS mw_group, CAST(count(*) AS Nullable(Float64)), CAST(countIf("error" IS NOT NULL) AS Nullable(Float64)), {q('"latency_ms"',0.5)}, {q('"latency_ms"',0.95)}, {q('"latency_ms"',0.99)} {W} AND "model_version" IN ('A', 'B') GROUP BY "model_version", mw_group""",
 "operations engine (18.16 form)": f"""SELECT 0 AS mw_bucket, "model_version", '' AS mw_group, CAST(count(*) AS Nullable(Float64)), CAST(countIf("error" IS NOT NULL) AS Nullable(Float64)), {old('"latency_ms"',0.5)}, {old('"latency_ms"',0.95)}, {old('"latency_ms"',0.99)} {W} AND "model_version" IN ('A', 'B') GROUP BY "model_version", mw_group""",
 "operations hand": f"SELECT model_version, count(), count(error), count(latency_ms), avg(latency_ms), min(latency_ms), max(latency_ms), quantilesExactInclusive(0.5, 0.95, 0.99)(latency_ms) {W} GROUP BY model_version",
}
for name, sql in variants.items():
    s.query(sql + " SETTINGS max_threads = 2")
    t = time.time()
    for _ in range(5):
        r = s.query(sql + " SETTINGS max_threads = 2", "TabSeparated")
    print(f"{name}: {(time.time() - t) / 5 * 1000:.0f} ms  {str(r).splitlines()[0][:120]}")
