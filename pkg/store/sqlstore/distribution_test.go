package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// distributionTable writes a predictions table whose rows each hold one value of x (a double),
// n (an integer) and t (text), with prediction_id naming the row, and opens it for queries.
func distributionTable(t *testing.T, xs []float64) *sqlstore.Store {
	t.Helper()
	db := filepath.Join(t.TempDir(), "distribution.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
		predicted_value DOUBLE, actual_value DOUBLE, x DOUBLE, n INTEGER, t VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		var v any = x
		if math.IsNaN(x) {
			v = nil // NaN marks a null row
		}
		if _, err := c.Exec(`INSERT INTO predictions VALUES ($1, TIMESTAMP '2026-03-01 00:00:00', 'm', 'A', 1, 1, $2, $3, $4)`,
			fmt.Sprintf("row%03d", i), v, i%3, fmt.Sprintf("c%d", i%4)); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

var distributionScope = store.Scope{Model: "m", From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}

// The bins and grid cells the SQL computes are metrics.BinIndex's and metrics.Grid.Cell's,
// on the edges themselves and on the doubles next to them, where a rounding difference
// between the store and Go would show.
func TestDistributionBinsAsMetrics(t *testing.T) {
	edges, err := metrics.EqualWidthEdges(0.1, 1.3, 7)
	if err != nil {
		t.Fatal(err)
	}
	grid := metrics.Grid{Lo: 0.1, Hi: 1.3, Cells: 13}
	var xs []float64
	for _, e := range append(edges, -5, 9) {
		xs = append(xs, e, math.Nextafter(e, math.Inf(-1)), math.Nextafter(e, math.Inf(1)))
	}
	for i := range grid.Cells + 1 {
		e := grid.Lo + float64(i)*grid.Width()
		xs = append(xs, e, math.Nextafter(e, math.Inf(-1)), math.Nextafter(e, math.Inf(1)))
	}
	st := distributionTable(t, xs)
	sc := distributionScope
	sc.GroupBy = "prediction_id" // one value per series
	rows, err := st.Distribution(context.Background(), store.DistributionRequest{Scope: sc, Features: []store.DistributionFeature{
		{Column: "x", MaxValues: 0, Edges: edges, Grid: &store.DistributionGrid{Lo: grid.Lo, Hi: grid.Hi, Cells: grid.Cells}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(xs) {
		t.Fatalf("%d rows, want one per value (%d)", len(rows), len(xs))
	}
	for _, r := range rows {
		var i int
		if _, err := fmt.Sscanf(r.Group, "row%03d", &i); err != nil {
			t.Fatal(err)
		}
		x := xs[i]
		if r.Exact || r.Count != 1 || r.Distinct != 1 {
			t.Errorf("%v: exact %v, count %d, distinct %d; want a binned row of 1 with 1 distinct value", x, r.Exact, r.Count, r.Distinct)
		}
		if want := metrics.BinIndex(edges, x); r.Bin != want {
			t.Errorf("%v: bin %d, metrics.BinIndex says %d", x, r.Bin, want)
		}
		if want := grid.Cell(x); r.Cell != want {
			t.Errorf("%v: cell %d, metrics.Grid.Cell says %d", x, r.Cell, want)
		}
		if r.Sum != x {
			t.Errorf("%v: sum %v", x, r.Sum)
		}
	}
}

// Several features of mixed kinds come from one statement: per value within each feature's
// limit (text, integers), per bin above it, nulls apart.
func TestDistributionSeveralFeatures(t *testing.T) {
	xs := []float64{1, 2, 2, 3, 4, 5, 6, math.NaN()}
	st := distributionTable(t, xs)
	rows, err := st.Distribution(context.Background(), store.DistributionRequest{Scope: distributionScope, Features: []store.DistributionFeature{
		{Column: "x", MaxValues: 5, Edges: []float64{1, 3.5, 6}},
		{Column: "n", MaxValues: 5},
		{Column: "t", MaxValues: 5},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		key := fmt.Sprintf("%d/exact=%v/null=%v/bin=%d/%v/%s", r.Feature, r.Exact, r.Null, r.Bin, r.Number, r.Text)
		got[key] += r.Count
		if r.Feature == 0 && !r.Null && r.Distinct != 6 {
			t.Errorf("x: %d distinct values, want 6", r.Distinct)
		}
	}
	want := map[string]int64{
		// x has 6 distinct values, more than 5: per bin ([1, 3.5) and [3.5, 6]), nulls apart.
		"0/exact=false/null=false/bin=1/0/": 4, "0/exact=false/null=false/bin=2/0/": 3, "0/exact=false/null=true/bin=-1/0/": 1,
		// n (i % 3) and t ("c" + i % 4) have 3 and 4: per value.
		"1/exact=true/null=false/bin=-1/0/": 3, "1/exact=true/null=false/bin=-1/1/": 3, "1/exact=true/null=false/bin=-1/2/": 2,
		"2/exact=true/null=false/bin=-1/0/c0": 2, "2/exact=true/null=false/bin=-1/0/c1": 2, "2/exact=true/null=false/bin=-1/0/c2": 2,
		"2/exact=true/null=false/bin=-1/0/c3": 2,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts\n%v\nwant\n%v", got, want)
	}
}

// The statement reads the table once for all its features: its plan has a single table scan
// (a UNION ALL of per-feature statements, or a common table expression read per feature, would
// have one per feature).
func TestDistributionScansOnce(t *testing.T) {
	st := distributionTable(t, []float64{1, 2, 3})
	stmt, args, err := sqlstore.DistributionSQL(context.Background(), st, store.DistributionRequest{Scope: distributionScope, Bucket: time.Hour,
		Features: []store.DistributionFeature{
			{Column: "x", MaxValues: 2, Edges: []float64{1, 2, 3}, Grid: &store.DistributionGrid{Lo: 1, Hi: 3, Cells: 4096}},
			{Column: "n", MaxValues: 20}, {Column: "t", MaxValues: 200000},
		}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB().Query("EXPLAIN "+stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var kind, text string
		if err := rows.Scan(&kind, &text); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(text)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	p := plan.String()
	if n := strings.Count(p, "SEQ_SCAN") + strings.Count(p, "TABLE_SCAN"); n != 1 {
		t.Errorf("%d table scans, want 1:\n%s", n, p)
	}
}

// Feature columns named like the statement's own names (its derived tables, columns and
// the feature index) are counted as themselves.
func TestDistributionFeaturesNamedLikeItsAliases(t *testing.T) {
	db := filepath.Join(t.TempDir(), "aliases.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_value DOUBLE, actual_value DOUBLE, mw_x1 DOUBLE, mw_f VARCHAR, mw_number DOUBLE, mw_features INTEGER)`,
		`INSERT INTO predictions SELECT 'p' || i, TIMESTAMP '2026-03-01', 'm', 'A', 1, 1, i, 'c' || (i % 2), 100 + i, i % 3
			FROM range(6) AS t(i)`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	features := []store.DistributionFeature{{Column: "mw_x1", MaxValues: 10}, {Column: "mw_f", MaxValues: 10},
		{Column: "mw_number", MaxValues: 10}, {Column: "mw_features", MaxValues: 10}}
	rows, err := st.Distribution(context.Background(), store.DistributionRequest{Scope: distributionScope, Features: features})
	if err != nil {
		t.Fatal(err)
	}
	sums := make([]float64, len(features))
	texts := map[string]int64{}
	for _, r := range rows {
		sums[r.Feature] += r.Number * float64(r.Count)
		if r.Text != "" {
			texts[r.Text] += r.Count
		}
	}
	if fmt.Sprint(sums) != "[15 0 615 6]" || fmt.Sprint(texts) != "map[c0:3 c1:3]" {
		t.Errorf("sums %v and texts %v, want [15 0 615 6] and map[c0:3 c1:3]", sums, texts)
	}
}

// A Binned feature is counted per bin and grid cell whatever its MaxValues, with the bins,
// cells and sums of metrics.BinIndex and metrics.Grid.Cell, nulls apart, and its values are
// never listed: the rows returned are O(bins + cells), not O(values).
func TestDistributionBinnedFeature(t *testing.T) {
	var xs []float64
	for i := range 300 {
		xs = append(xs, float64(i)/7)
	}
	xs = append(xs, math.NaN(), -1, 100)
	st := distributionTable(t, xs)
	edges, err := metrics.EqualWidthEdges(0, 40, 4)
	if err != nil {
		t.Fatal(err)
	}
	grid := metrics.Grid{Lo: 0, Hi: 40, Cells: 8}
	rows, err := st.Distribution(context.Background(), store.DistributionRequest{Scope: distributionScope, Features: []store.DistributionFeature{
		{Column: "x", Binned: true, MaxValues: 200000, Edges: edges, Grid: &store.DistributionGrid{Lo: grid.Lo, Hi: grid.Hi, Cells: grid.Cells}},
		{Column: "t", MaxValues: 10},
	}})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ bin, cell int }
	want, got := map[key]int64{}, map[key]int64{}
	wantSums, gotSums := map[key]float64{}, map[key]float64{}
	for _, x := range xs {
		if !math.IsNaN(x) {
			k := key{metrics.BinIndex(edges, x), grid.Cell(x)}
			want[k]++
			wantSums[k] += x
		}
	}
	var nulls, texts int64
	for _, r := range rows {
		switch {
		case r.Feature == 1:
			texts += r.Count
		case r.Null:
			nulls += r.Count
		case r.Exact:
			t.Errorf("x: a row per value (%v), want bins and cells only", r.Number)
		default:
			k := key{r.Bin, r.Cell}
			got[k] += r.Count
			gotSums[k] += r.Sum
		}
	}
	if nulls != 1 || texts != int64(len(xs)) {
		t.Errorf("x: %d nulls, want 1; t: %d rows, want %d", nulls, texts, len(xs))
	}
	if len(got) != len(want) {
		t.Errorf("x: %d bin and cell pairs, want %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n || math.Abs(gotSums[k]-wantSums[k]) > 1e-9*math.Abs(wantSums[k]) {
			t.Errorf("x: bin %d cell %d: %d rows summing to %v, want %d and %v", k.bin, k.cell, got[k], gotSums[k], n, wantSums[k])
		}
	}
}

// Only a number column can be counted per bin; a text one marked Binned is refused by name.
func TestDistributionRefusesBinnedText(t *testing.T) {
	st := distributionTable(t, []float64{1})
	_, err := st.Distribution(context.Background(), store.DistributionRequest{Scope: distributionScope,
		Features: []store.DistributionFeature{{Column: "t", Binned: true, MaxValues: 10}}})
	if err == nil || !strings.Contains(err.Error(), `"t"`) {
		t.Errorf("error %v, want one naming the text feature t", err)
	}
}

// Regression: the statement paired every row with every feature (a cross join with the list
// of feature indexes) and evaluated a CASE over the features on each pair, so its operators
// handled rows x features rows (14 million for 20 features over 700,000 rows). With one
// grouping set per feature no operator handles more rows than the scan reads.
func TestDistributionNeverMultipliesTheRows(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(i % 5)
	}
	st := distributionTable(t, xs)
	stmt, args, err := sqlstore.DistributionSQL(context.Background(), st, store.DistributionRequest{Scope: distributionScope,
		Features: []store.DistributionFeature{
			{Column: "x", MaxValues: 20, Edges: []float64{0, 2, 4}},
			{Column: "n", MaxValues: 20}, {Column: "t", MaxValues: 200000},
			{Column: "x", Binned: true, Edges: []float64{0, 2, 4}, Grid: &store.DistributionGrid{Lo: 0, Hi: 4, Cells: 16}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB().Query("EXPLAIN ANALYZE "+stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var kind, text string
		if err := rows.Scan(&kind, &text); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(text)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	counts := regexp.MustCompile(`[^~\d,]([\d,]+) rows`).FindAllStringSubmatch(plan.String(), -1)
	if len(counts) == 0 {
		t.Fatalf("no row counts in the plan:\n%s", plan.String())
	}
	for _, c := range counts {
		n, err := strconv.Atoi(strings.ReplaceAll(c[1], ",", ""))
		if err != nil {
			t.Fatal(err)
		}
		if n > len(xs) {
			t.Fatalf("an operator handled %d rows, more than the %d the scan reads:\n%s", n, len(xs), plan.String())
		}
	}
}

// Regression: every grouping set carried the bucket and the group even when they were
// constants (no time series, no groupBy), so each row hashed two more keys per feature. The
// sets now hold only the keys that vary.
func TestDistributionGroupsByConstantKeysNever(t *testing.T) {
	st := distributionTable(t, []float64{1, 2, 3})
	features := []store.DistributionFeature{{Column: "x", MaxValues: 20}, {Column: "t", MaxValues: 20}}
	for _, c := range []struct {
		name      string
		req       store.DistributionRequest
		want, not []string
	}{
		{"whole range", store.DistributionRequest{Scope: distributionScope, Features: features}, nil, []string{"mw_bucket", "mw_group"}},
		{"time series", store.DistributionRequest{Scope: distributionScope, Bucket: time.Hour, Features: features}, []string{"mw_bucket"}, []string{"mw_group"}},
	} {
		stmt, _, err := sqlstore.DistributionSQL(context.Background(), st, c.req)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(stmt, "GROUPING SETS")
		if i < 0 {
			t.Fatalf("%s: no grouping sets in %s", c.name, stmt)
		}
		sets := stmt[i : i+strings.Index(stmt[i:], "))")]
		for _, key := range c.want {
			if !strings.Contains(sets, key) {
				t.Errorf("%s: the sets %s lack %s", c.name, sets, key)
			}
		}
		for _, key := range c.not {
			if strings.Contains(sets, key) {
				t.Errorf("%s: the sets %s group by the constant %s", c.name, sets, key)
			}
		}
	}
}
