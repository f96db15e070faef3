package engines_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// buildPostgresRollups builds the hourly rollups of the predictions table on srv as
// `modelwatch rollup --db postgres://...` does.
func buildPostgresRollups(t *testing.T, srv *pgserver.Server) {
	t.Helper()
	ctx := context.Background()
	w, err := postgres.OpenWriter(ctx, srv.URL, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RebuildRollups(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

// requireRollups fails unless the stores' rollups can answer.
func requireRollups(t *testing.T, stores ...*sqlstore.Store) {
	t.Helper()
	for _, st := range stores {
		usable, reason, err := st.Rollups(context.Background())
		if err != nil || !usable {
			t.Fatalf("%s: rollups not usable: %s %v", st.DB().Driver(), reason, err)
		}
	}
}

// scoreRollupQueries read the score rollups the golden family cases leave alone: the ranking
// and per-row sum metrics of the classifier, over the range and per hour.
var scoreRollupQueries = []string{
	`{"schemaVersion":1,"queryType":"classification","model":"cls","positiveClass":"yes","metrics":["roc_auc","average_precision","log_loss","brier"],"format":"numeric"}`,
	`{"schemaVersion":1,"queryType":"classification","model":"cls","positiveClass":"yes","metrics":["roc_auc","log_loss","brier","precision"],"threshold":0.4,"format":"timeseries","interval":"1h"}`,
}

// Every golden family query answers through PostgreSQL's rollups with the embedded store's
// frames through its own rollups (values within 1e-9 relative).
func TestGoldenFamiliesThroughPostgresRollups(t *testing.T) {
	srv := pgserver.Start(t)
	duckPath := loadGolden(t, srv)
	buildPostgresRollups(t, srv)
	duck, pg := openBoth(t, duckPath, srv)
	requireRollups(t, duck, pg)
	before := rollupScans(t, srv)
	gc := goldenQueries(t)
	w := query.Window{From: gc.From, To: gc.To}
	values := 0
	for _, c := range gc.Cases {
		t.Run(c.Name, func(t *testing.T) {
			want := runOn(t, &engine.Engine{Store: duck, Rollups: true}, c.Query, w)
			got := runOn(t, &engine.Engine{Store: pg, Rollups: true}, c.Query, w)
			values += sameFrames(t, want, got)
		})
	}
	for i, js := range scoreRollupQueries {
		t.Run(fmt.Sprintf("score rollups %d", i), func(t *testing.T) {
			want := runOn(t, &engine.Engine{Store: duck, Rollups: true}, []byte(js), w)
			got := runOn(t, &engine.Engine{Store: pg, Rollups: true}, []byte(js), w)
			values += sameFrames(t, want, got)
		})
	}
	if values < 1000 {
		t.Errorf("only %d values compared over %d cases", values, len(gc.Cases))
	}
	requireRollupTablesRead(t, srv, pg, before, postgresRollupTables)
}

// Every query of every provisioned dashboard answers through PostgreSQL's rollups with the
// embedded store's frames through its rollups.
func TestProvisionedDashboardsThroughPostgresRollups(t *testing.T) {
	srv, duckPath := demoOnBoth(t)
	buildPostgresRollups(t, srv)
	duck, pg := openBoth(t, duckPath, srv)
	requireRollups(t, duck, pg)
	before := rollupScans(t, srv)
	for _, st := range []*sqlstore.Store{duck, pg} {
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
	}
	for _, dt := range dashboardTargets(t) {
		t.Run(dt.name, func(t *testing.T) {
			want := runOn(t, &engine.Engine{Store: duck, Rollups: true}, dt.json, dt.window)
			got := runOn(t, &engine.Engine{Store: pg, Rollups: true}, dt.json, dt.window)
			if sameFrames(t, want, got) == 0 {
				t.Errorf("%s: no values to compare", dt.json)
			}
		})
	}
	requireRollupTablesRead(t, srv, pg, before, dashboardRollupTables)
}

// rollupScans reads how many times each rollup table was scanned, as the server's statistics
// say.
func rollupScans(t *testing.T, srv *pgserver.Server) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[string]int64{}
	for _, table := range postgresRollupTables {
		var scans int64
		if err := conn.QueryRow(ctx, "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&scans); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = scans
	}
	return out
}

// postgresRollupTables are the rollup tables of the predictions table that the golden queries
// read: every one but the label delay sketch, which stays empty without a labels table.
var postgresRollupTables = func() []string {
	r := sqlstore.RollupTablesOf("predictions")
	return []string{r.Operations, r.Latency, r.Confusion, r.Score, r.ScoreRank, r.ScoreSums, r.Measures, r.Features, r.FeatureMoments, r.ErrorSketch}
}()

// dashboardRollupTables are those the provisioned dashboards read (no log loss, Brier or error
// quantile panel).
var dashboardRollupTables = func() []string {
	r := sqlstore.RollupTablesOf("predictions")
	return []string{r.Operations, r.Latency, r.Confusion, r.Score, r.ScoreRank, r.Measures, r.Features, r.FeatureMoments}
}()

// requireRollupTablesRead closes the PostgreSQL store (its sessions then publish their
// statistics) and fails unless every rollup table was scanned since before (rollupScans): the
// queries answered from the rollups, not only as the rollups would.
func requireRollupTablesRead(t *testing.T, srv *pgserver.Server, pg *sqlstore.Store, before map[string]int64, tables []string) {
	t.Helper()
	_ = pg.Close()
	var unread []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		unread = unread[:0]
		now := rollupScans(t, srv)
		for _, table := range tables {
			if now[table] <= before[table] {
				unread = append(unread, table)
			}
		}
		if len(unread) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(unread) > 0 {
		t.Errorf("rollup tables never read: %s", strings.Join(unread, ", "))
	}
}

// The PostgreSQL writer keeps the rollups as the embedded one does: a load that creates the
// table builds them, a later load rebuilds the hours it touched (every hour here: the golden
// rows are split alternately between two files), so that every golden query answers through
// them as the DuckDB store loaded at once; rows written by other means make them unusable
// (queries read the rows) until `modelwatch rollup` rebuilds them, with --segments too.
func TestPostgresRollupsKeptByLoadAndRollup(t *testing.T) {
	srv := pgserver.Start(t)
	cli := buildCLI(t)
	const golden = "../../testdata/golden/families/predictions.csv"
	first, second := splitAlternately(t, golden)
	for _, f := range []string{first, second} {
		if out, err := cli(nil, "load", "--db", srv.URL, "--file", f); err != nil {
			t.Fatalf("load %s: %v\n%s", f, err, out)
		}
	}
	duck, pg := openBoth(t, goldenStore(t), srv)
	requireRollups(t, duck, pg)
	gc := goldenQueries(t)
	w := query.Window{From: gc.From, To: gc.To}
	sameThroughRollups := func() {
		t.Helper()
		values := 0
		for _, c := range gc.Cases {
			values += sameFrames(t, runOn(t, &engine.Engine{Store: duck, Rollups: true}, c.Query, w), runOn(t, &engine.Engine{Store: pg, Rollups: true}, c.Query, w))
		}
		if values < 1000 {
			t.Errorf("only %d values compared", values)
		}
	}
	sameThroughRollups()

	srv.Exec(t, `INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('written-by-hand', '2026-03-01 05:30:00', 'reg', 'A')`)
	pg2, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg2.Close()
	if usable, reason, err := pg2.Rollups(context.Background()); err != nil || usable || !strings.Contains(reason, "modelwatch rollup") {
		t.Errorf("after a row written by other means: usable %v, %q, %v", usable, reason, err)
	}
	srv.Exec(t, `DELETE FROM predictions WHERE prediction_id = 'written-by-hand'`)
	out, err := cli(nil, "rollup", "--db", srv.URL, "--segments", "segment")
	if err != nil || !strings.Contains(out, "rebuilt the hourly rollups of predictions in postgres://") || strings.Contains(out, pgserver.Password) {
		t.Fatalf("rollup: %v\n%s", err, out)
	}
	pg3, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg3.Close()
	requireRollups(t, pg3)
	if segs, err := pg3.RollupSegments(context.Background()); err != nil || strings.Join(segs, ",") != "segment" {
		t.Errorf("segments %v, %v", segs, err)
	}
	duck = openDuck(t, segmentedGoldenStore(t))
	pg = pg3
	sameThroughRollups()
}

// segmentedGoldenStore is goldenStore with its rollups kept per segment.
func segmentedGoldenStore(t *testing.T) string {
	t.Helper()
	path := goldenStore(t)
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.SetRollupSegments(context.Background(), "", []string{"segment"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// splitAlternately writes a CSV's rows into two files, alternately, each with the header.
func splitAlternately(t *testing.T, path string) (string, string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	halves := [2][]string{{lines[0]}, {lines[0]}}
	for i, l := range lines[1:] {
		halves[i%2] = append(halves[i%2], l)
	}
	write := testFiles(t)
	return write("first.csv", strings.Join(halves[0], "\n")+"\n"), write("second.csv", strings.Join(halves[1], "\n")+"\n")
}
