package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("modelwatch "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, name)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

func required(fs *flag.FlagSet, values map[string]string) error {
	for name, v := range values {
		if v == "" {
			fmt.Fprintf(fs.Output(), "--%s is required\n", name)
			fs.Usage()
			return errUsage
		}
	}
	return nil
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	db := fs.String("db", "", "DuckDB file to write (created if missing)")
	rows := fs.Int("rows", demo.DefaultRows, "number of predictions")
	days := fs.Int("days", int(demo.DefaultSpan/(24*time.Hour)), "days covered, ending at --end")
	end := fs.String("end", "now", "end of the data set, RFC 3339 or now")
	seed := fs.Uint64("seed", demo.DefaultSeed, "random seed (same seed, same data)")
	table := fs.String("table", settings.DefaultTable, "table name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, map[string]string{"db": *db}); err != nil {
		return err
	}
	endT, err := parseTime(*end, time.Now())
	if err != nil {
		return err
	}
	o := demo.Options{Rows: *rows, Span: time.Duration(*days) * 24 * time.Hour, End: endT.Truncate(time.Minute), Seed: *seed}
	var progress func(done, total int)
	if o.Rows > demo.BatchRows {
		progress = func(done, total int) { fmt.Fprintf(stderr, "wrote %d of %d demo predictions\n", done, total) }
	}
	res, err := writeDemo(ctx, *db, *table, o, progress)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d demo predictions to %s (%d already present)\n", res.Inserted, *db, res.Skipped)
	return tellStory(ctx, stdout, *db, *table, o.Landmarks())
}

// writeDemo writes the demo data set, in batches of demo.BatchRows rows (progress is told after
// each), and closes the store, so that queries can open it.
func writeDemo(ctx context.Context, db, table string, o demo.Options, progress func(done, total int)) (_ duckdb.LoadResult, err error) {
	w, err := duckdb.OpenWriter(db, table)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	// Closing checkpoints the file: its failure is the load's.
	defer func() { err = errors.Join(err, w.Close()) }()
	return demo.Write(ctx, w, o, 0, progress)
}

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(s string) error { *f = append(*f, s); return nil }

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("load", stderr)
	db := fs.String("db", "", "DuckDB file to load into (created if missing), or a PostgreSQL URL: postgres://user@host:port/database?sslmode=require (password from the URL or $PGPASSWORD; the table is created if missing)")
	table := fs.String("table", settings.DefaultTable, "table name")
	var files, labelFiles fileList
	fs.Var(&files, "file", "CSV, JSON lines (.jsonl, .ndjson), either gzipped, or Parquet file of predictions (repeatable)")
	fs.Var(&labelFiles, "labels", "CSV or JSON lines file (either gzipped) of late labels and outcomes: prediction_id, actual_label, actual_value, labeled_at and outcome columns such as clicked (repeatable)")
	labelsTable := fs.String("labels-table", defaultLabelsTable, "table the --labels files load into (the data source's labelsTable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, map[string]string{"db": *db, "file (or --labels)": files.String() + labelFiles.String()}); err != nil {
		return err
	}
	if serverEngine(*db) != "" {
		if len(labelFiles) > 0 {
			return errors.New("--labels loads into the embedded DuckDB store only: load late labels into a server's table with your own pipeline (PostgreSQL: the table the data source's labelsTable names)")
		}
		return loadServer(ctx, *db, *table, files, stdout)
	}
	w, err := duckdb.OpenWriter(*db, *table)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }() // closing checkpoints the file
	for _, f := range files {
		res, err := ingest.LoadFile(ctx, w, f)
		if err != nil {
			return fmt.Errorf("%w (nothing from this file was loaded)", err)
		}
		fmt.Fprintf(stdout, "%s: %d rows read, %d loaded, %d already present\n", f, res.Read, res.Inserted, res.Skipped)
	}
	for _, f := range labelFiles {
		res, err := ingest.LoadLabelsFile(ctx, w, *labelsTable, f, time.Now())
		if err != nil {
			return fmt.Errorf("%w (nothing from this file was loaded)", err)
		}
		fmt.Fprintf(stdout, "%s: %d labels loaded into table %s, %d skipped as already stored (queries read them when the data source's labelsTable is %s)\n",
			f, res.Stored, *labelsTable, res.Skipped, *labelsTable)
	}
	return nil
}

// columnList splits a comma-separated list of column names, dropping spaces and empty names.
func columnList(s string) []string {
	var out []string
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// defaultLabelsTable is the table `load --labels` writes when --labels-table is not given.
const defaultLabelsTable = "labels"

func runRollup(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("rollup", stderr)
	db := fs.String("db", "", "DuckDB file, or PostgreSQL URL (postgres://...), whose rollups to rebuild")
	table := fs.String("table", settings.DefaultTable, "table name")
	labels := fs.String("labels-table", "", "table of late labels the rollups read, as the data source's labelsTable (optional)")
	segments := fs.String("segments", "", "comma-separated low-cardinality columns the rollups are kept per (at most 3; \"\" removes them; omitted: keep)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, map[string]string{"db": *db}); err != nil {
		return err
	}
	setSegments := false
	fs.Visit(func(f *flag.Flag) { setSegments = setSegments || f.Name == "segments" })
	w, err := openRollupWriter(ctx, *db, *table)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }() // closing checkpoints a DuckDB file
	if setSegments {
		var list []string
		for _, s := range strings.Split(*segments, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		if err := w.SetRollupSegments(ctx, *labels, list); err != nil {
			return err
		}
	} else if err := w.RebuildRollups(ctx, *labels); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt the hourly rollups of %s in %s\n", *table, displayDB(*db))
	return nil
}

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("query", stderr)
	db := fs.String("db", "", "DuckDB file to query, or a PostgreSQL URL: postgres://user@host:port/database?sslmode=require (password from the URL or $PGPASSWORD)")
	table := fs.String("table", settings.DefaultTable, "table name")
	from := fs.String("from", "now-24h", "start of the range, RFC 3339 or now-<duration>")
	to := fs.String("to", "now", "end of the range, RFC 3339 or now")
	interval := fs.String("interval", "", "Grafana's interval (bucket width), e.g. 1h; the query's own interval wins")
	labels := fs.String("labels-table", "", "table of late labels joined on prediction_id (optional)")
	outcomes := fs.String("outcome-columns", "", "comma-separated columns logged after the prediction, e.g. clicked,purchased (the data source's outcomeColumns): not model inputs, late values read from the labels table")
	q := fs.String("query", "", `query JSON, e.g. {"queryType":"classification","model":"churn-classifier","positiveClass":"churn"}`)
	output := fs.String("output", outputAuto, "table, json or csv; auto: table on a terminal, json otherwise")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, map[string]string{"db": *db, "query": *q}); err != nil {
		return err
	}
	format, err := resolveOutput(*output, stdout)
	if err != nil {
		return err
	}
	now := time.Now()
	fromT, err := parseTime(*from, now)
	if err != nil {
		return err
	}
	toT, err := parseTime(*to, now)
	if err != nil {
		return err
	}
	var step time.Duration
	if *interval != "" {
		if step, err = query.ParseDuration(*interval); err != nil {
			return err
		}
	}
	cfg, open, err := storeSettings(*db, os.Getenv)
	if err != nil {
		return err
	}
	cfg.Table, cfg.LabelsTable, cfg.OutcomeColumns = *table, *labels, columnList(*outcomes)
	if err := cfg.Validate(); err != nil {
		return err
	}
	ds := plugin.New(cfg, open)
	defer ds.Dispose()
	frames, err := queryFrames(ctx, ds, *q, fromT, toT, step)
	if err != nil {
		return err
	}
	return writeFrames(stdout, format, frames)
}

// queryFrames runs one query through the data source's QueryData, as Grafana does.
func queryFrames(ctx context.Context, ds *plugin.Datasource, q string, from, to time.Time, step time.Duration) (data.Frames, error) {
	var probe struct {
		QueryType string `json:"queryType"`
	}
	_ = json.Unmarshal([]byte(q), &probe)
	resp, err := ds.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: probe.QueryType, JSON: json.RawMessage(q),
		TimeRange: backend.TimeRange{From: from, To: to}, Interval: step, MaxDataPoints: 1000,
	}}})
	if err != nil {
		return nil, err
	}
	r := resp.Responses["A"]
	if r.Error != nil {
		return nil, r.Error
	}
	return r.Frames, nil
}

func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("health", stderr)
	db := fs.String("db", "", "DuckDB file, or a PostgreSQL URL: postgres://user@host:port/database?sslmode=require (password from the URL or $PGPASSWORD)")
	table := fs.String("table", settings.DefaultTable, "table name")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, open, err := storeSettings(*db, os.Getenv)
	if err != nil {
		return err
	}
	cfg.Table = *table
	if err := cfg.Validate(); err != nil {
		return err
	}
	ds := plugin.New(cfg, open)
	defer ds.Dispose()
	// The operator running the CLI sees everything an Admin does.
	res, err := ds.CheckHealth(ctx, &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: &backend.User{Role: "Admin"}}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", res.Status, res.Message)
	if res.Status != backend.HealthStatusOk {
		return errors.New("health check failed")
	}
	return nil
}

// parseTime reads RFC 3339 or Grafana-style relative times: now, now-24h, now-7d. Times the
// plugin's nanosecond conversions cannot hold (before 1677-09-21 or after 2262-04-11) are
// refused, as are durations that do not fit Go's.
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := parseTimeUnchecked(s, now)
	if err != nil {
		return time.Time{}, err
	}
	if err := query.CheckTime(fmt.Sprintf("time %q:", clipped(s)), t); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

func parseTimeUnchecked(s string, now time.Time) (time.Time, error) {
	if s == "now" {
		return now, nil
	}
	if rest, ok := strings.CutPrefix(s, "now-"); ok {
		d, err := query.ParseDuration(rest)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", clipped(s), err)
		}
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is neither RFC 3339 (2026-03-01T00:00:00Z) nor now-<duration> (now-24h)", clipped(s))
	}
	return t, nil
}

// clipped cuts a flag value quoted in an error to 200 bytes.
func clipped(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
