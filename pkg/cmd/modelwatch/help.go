package main

import (
	"flag"
	"fmt"
	"strings"
)

// commandHelp is what `modelwatch COMMAND --help` prints around the flags.
type commandHelp struct {
	synopsis string   // the usage line, after "modelwatch "
	summary  string   // one sentence
	examples []string // complete invocations
}

var helps = map[string]commandHelp{
	"demo": {
		synopsis: "demo --db PATH [--rows N] [--days D] [--end RFC3339] [--seed S] [--table NAME]",
		summary: "Write the deterministic demo data set, then tell what it holds with numbers from its own queries. " +
			"More than 5,000,000 rows are written in batches of that many, one transaction each, with a progress line per batch; " +
			"an interrupted run leaves whole batches, and running it again completes the data set.",
		examples: []string{
			"modelwatch demo --db data/demo.duckdb",
			"modelwatch demo --db /tmp/small.duckdb --rows 20000 --days 30 --end 2026-03-31T00:00:00Z",
		},
	},
	"load": {
		synopsis: "load --db PATH|URL [--file FILE ...] [--labels FILE ...] [--table NAME] [--labels-table NAME]",
		summary: "Load CSV, JSON lines (.jsonl, .ndjson; one object per line), either gzipped, or Parquet files of\n" +
			"predictions in the default schema, and CSV or JSON lines files of late labels (prediction_id, actual_label\n" +
			"and/or actual_value, labeled_at: when the label arrived, RFC 3339;\n" +
			"absent: the time of the load) into the labels table; a bad file loads nothing. Queries read the labels\n" +
			"when the data source's labelsTable names that table; rollups built with it (rollup --labels-table)\n" +
			"are brought up to date for the hours of the predictions the labels belong to. A labels file may also (or only)\n" +
			"hold late outcomes: any other column (clicked, purchased), typed as the labels table or the prediction\n" +
			"table already has it, else from its values; outcome queries read them for the data source's outcomeColumns.\n" +
			"A store that a data source accepting writes (Ingest) holds is written through it: modelwatch push.\n" +
			"--db may be a server URL: PostgreSQL (postgres://user@host:port/database?sslmode=require, the password from the\n" +
			"URL or $PGPASSWORD) or ClickHouse (clickhouse://user@host:port/database?sslmode=verify-full, the native\n" +
			"protocol, the password from the URL or $CLICKHOUSE_PASSWORD): prediction files load into its table (created if\n" +
			"missing) with the same checks, rows already stored by prediction_id skipped; one transaction per file on\n" +
			"PostgreSQL; on ClickHouse, through a temporary table, into a Distributed table synchronously. --labels is for\n" +
			"DuckDB stores only.",
		examples: []string{
			"modelwatch load --db preds.duckdb --file preds.csv",
			"PGPASSWORD=... modelwatch load --db 'postgres://modelwatch_loader@db.internal/ml?sslmode=require' --file preds.csv.gz",
			"CLICKHOUSE_PASSWORD=... modelwatch load --db 'clickhouse://loader@clickhouse.internal/ml?sslmode=verify-full' --file preds.csv.gz",
			"modelwatch load --db preds.duckdb --file events.jsonl.gz",
			"modelwatch load --db preds.duckdb --file march.csv.gz --file april.parquet",
			"modelwatch load --db preds.duckdb --labels labels-2026-03-31.csv",
			"modelwatch load --db preds.duckdb --labels clicks-2026-03-31.csv   # prediction_id,clicked,labeled_at",
		},
	},
	"push": {
		synopsis: "push --grafana URL --datasource UID --file FILE [--file FILE ...] [--labels] [--batch-rows N] [--retries N] [--timeout D]",
		summary: "Send prediction files (or, with --labels, late label and outcome files) to a running Modelwatch data source\n" +
			"through Grafana's HTTP API, for a store that Grafana's plugin holds (load writes only a store no server holds).\n" +
			"Files are CSV with a header line (the columns of load's files) or JSON lines (.jsonl, .ndjson, one object per\n" +
			"line), either gzipped; Parquet files are refused (convert them, or load them into a store no server holds).\n" +
			"The token is a service account token with the Editor role, read from " + tokenEnv + " (--token\n" +
			"ends up in the shell's history). Batches are sent gzipped, one at a time: 429 waits its Retry-After (at most 60 s),\n" +
			"5xx and network errors are retried with backoff (0.5 s doubling to 30 s), a batch over the data source's limit\n" +
			"(413) is halved. A refused batch (400) stops the push with its reasons at the file's lines; batches before it\n" +
			"stay stored, and pushing the file again skips the predictions already stored (by prediction_id).\n" +
			"Progress goes to stderr, a summary to stdout; exit status 2 when a batch was refused or could not be sent.",
		examples: []string{
			"export " + tokenEnv + "=glsa_...",
			"modelwatch push --grafana https://grafana.example.com --datasource modelwatch --file preds-2026-03-31.csv.gz",
			"modelwatch push --grafana http://localhost:3000 --datasource modelwatch --file a.jsonl --file b.ndjson.gz",
			"modelwatch push --grafana http://localhost:3000 --datasource modelwatch --labels --file labels-2026-03-31.csv",
		},
	},
	"rollup": {
		synopsis: "rollup --db PATH|URL [--table NAME] [--labels-table NAME] [--segments COL,COL]",
		summary: "Rebuild every hourly rollup of a store in one transaction. Rollups are derived data per hour, model and\n" +
			"version (counts, latency sums and sketches, confusion counts, score cells and log-loss/Brier sums, error\n" +
			"and actual-value sums, each feature's, model output's and outcome column's rows per value or cell, and their\n" +
			"moments) that load and demo keep up to date; rebuild them after writing the store by other means, or to read\n" +
			"a labels table (the data source's labelsTable).\n" +
			"--segments keeps them per value of up to 3 low-cardinality feature columns (at most 100 values each), so that\n" +
			"queries filtering with = or in on those columns, or grouped by one, read them too; later loads keep the list,\n" +
			"--segments \"\" removes it. Changing it rebuilds every table.\n" +
			"--db takes a server URL too. PostgreSQL (postgres://user@host:port/database?sslmode=require, the password from\n" +
			"the URL or $PGPASSWORD): the rollups are built there by this command and kept by load; rows written by other\n" +
			"means make them unusable (queries read the rows) until it runs again. ClickHouse (clickhouse://..., the password\n" +
			"from the URL or $CLICKHOUSE_PASSWORD): materialized views set up by this command keep them through every insert\n" +
			"(all but the feature rollup; on every shard of a Distributed table).",
		examples: []string{
			"modelwatch rollup --db data/demo.duckdb",
			"modelwatch rollup --db preds.duckdb --labels-table labels",
			"modelwatch rollup --db data/demo.duckdb --segments plan,country",
			"PGPASSWORD=... modelwatch rollup --db 'postgres://modelwatch_loader@db.internal:5432/ml?sslmode=verify-full'",
			"CLICKHOUSE_PASSWORD=... modelwatch rollup --db 'clickhouse://admin@clickhouse.internal:9440/ml?sslmode=verify-full'",
		},
	},
	"query": {
		synopsis: "query --db PATH|URL --query JSON [--from T] [--to T] [--interval D] [--output table|json|csv] [--table NAME] [--labels-table NAME] [--outcome-columns COL,COL]",
		summary: "Run one query as the Grafana data source does. T is RFC 3339, now or now-<duration>. --db is a DuckDB\n" +
			"file or a server URL: postgres://user@host:port/database?sslmode=require (the password from the URL or\n" +
			"$PGPASSWORD; the session only reads) or clickhouse://user@host:port/database?sslmode=verify-full (the\n" +
			"password from the URL or $CLICKHOUSE_PASSWORD; every query runs with readonly=1).\n" +
			"Prints tables on a terminal and the plugin SDK's JSON ({\"frames\": [...]}) otherwise; a table\n" +
			fmt.Sprintf("shows at most %d rows of a frame and counts the rest.", maxTableRows),
		examples: []string{
			`modelwatch query --db data/demo.duckdb --from now-24h --query '{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","metrics":["precision","recall"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}'`,
			`modelwatch query --db data/demo.duckdb --from now-7d --output csv --query '{"schemaVersion":1,"queryType":"regression","model":"basket-forecaster","metrics":["mae"],"interval":"1d"}' > mae.csv`,
			`modelwatch query --db preds.duckdb --labels-table labels --outcome-columns clicked --from now-7d --query '{"schemaVersion":1,"queryType":"outcome","model":"search-ranker","outcome":"clicked","metrics":["rate","coverage"],"format":"numeric"}'`,
			`modelwatch query --db data/demo.duckdb --from now-7d --output json --query '{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","versions":["A"],"positiveClass":"churn","threshold":0.5}' | jq .`,
		},
	},
	"health": {
		synopsis: "health --db PATH|URL [--table NAME]",
		summary:  "Run the data source's health check on a store: a DuckDB file or a server URL (as for query).",
		examples: []string{
			"modelwatch health --db data/demo.duckdb",
			"modelwatch health --db preds.duckdb --table predictions_v2",
			"PGPASSWORD=... modelwatch health --db 'postgres://modelwatch_reader@db.internal:5432/ml?sslmode=verify-full'",
			"CLICKHOUSE_PASSWORD=... modelwatch health --db 'clickhouse://grafana@clickhouse.internal/ml?sslmode=verify-full'",
		},
	},
	"check": {
		synopsis: "check --db PATH|URL --rules DIR|FILE [--at T] [--for-version V] [--rule UID ...] [--datasource UID ...] [--output table|json] [--table NAME] [--labels-table NAME]",
		summary: "Evaluate Grafana alert rule files (provisioning format; a folder: every .yaml/.yml file) against a store at\n" +
			"instant T (RFC 3339, now or now-<duration>), as Grafana would: each query over its relative time range, then\n" +
			"reduce, math, threshold and classic conditions, noDataState, execErrState and for (the rule is also\n" +
			"evaluated back over its for, at its group interval: Pending until the condition has held that long).\n" +
			"Rules whose queries read another data source are listed as skipped. --for-version keeps the instances\n" +
			"whose version label is V and names the rules without one. Exit status: 0 when no rule fires, 1 when one\n" +
			"does (Alerting, or NoData/Error left as such, which Grafana notifies too), 2 on a bad file or flags.\n" +
			"--db is a DuckDB file or a server URL, as for query.",
		examples: []string{
			"modelwatch check --db data/demo.duckdb --rules provisioning/alerting",
			"CLICKHOUSE_PASSWORD=... modelwatch check --db 'clickhouse://grafana@clickhouse.internal/ml?sslmode=verify-full' --rules provisioning/alerting",
			"modelwatch check --db data/demo.duckdb --rules provisioning/alerting --for-version B --at now-1h",
			"modelwatch check --db data/demo.duckdb --rules provisioning/alerting --rule modelwatch-challenger-better --output json | jq .firing",
		},
	},
}

// setUsage makes fs print the command's usage line, summary, flags and examples.
func setUsage(fs *flag.FlagSet, name string) {
	h := helps[name]
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  modelwatch %s\n\n%s\n\nFlags:\n", h.synopsis, h.summary)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nExamples:\n  %s\n", strings.Join(h.examples, "\n  "))
	}
}
