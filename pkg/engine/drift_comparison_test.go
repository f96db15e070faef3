package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// smallStore is a store of a few rows: a classifier with champion A and challenger B (one row
// of each without ground truth, one of A without a prediction) and a regression model whose
// version old served only on the first day, with a numeric and a text feature.
func smallStore(t *testing.T) *engine.Engine {
	t.Helper()
	db := filepath.Join(t.TempDir(), "small.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_label VARCHAR, predicted_value DOUBLE, score DOUBLE, actual_label VARCHAR, actual_value DOUBLE,
			latency_ms DOUBLE, error VARCHAR, size DOUBLE, colour VARCHAR)`,
		`INSERT INTO predictions VALUES
			('c1', '2026-03-02 00:00:00', 'cls', 'A', 'yes', NULL, NULL, 'yes', NULL, 1, NULL, NULL, NULL),
			('c2', '2026-03-02 01:00:00', 'cls', 'A', 'yes', NULL, NULL, 'no',  NULL, 1, NULL, NULL, NULL),
			('c3', '2026-03-02 02:00:00', 'cls', 'A', 'yes', NULL, NULL, NULL,  NULL, 1, NULL, NULL, NULL),
			('c4', '2026-03-02 03:00:00', 'cls', 'A', NULL,  NULL, NULL, 'no',  NULL, 1, 'timeout', NULL, NULL),
			('c5', '2026-03-02 00:00:00', 'cls', 'B', 'yes', NULL, NULL, 'yes', NULL, 1, NULL, NULL, NULL),
			('c6', '2026-03-02 01:00:00', 'cls', 'B', 'no',  NULL, NULL, 'no',  NULL, 1, NULL, NULL, NULL),
			('c7', '2026-03-02 02:00:00', 'cls', 'B', 'yes', NULL, NULL, NULL,  NULL, 1, NULL, NULL, NULL),
			('r1', '2026-03-01 00:00:00', 'reg', 'old', NULL, 1.0, NULL, NULL, 1.5, 1, NULL, 1.0, 'red'),
			('r2', '2026-03-01 01:00:00', 'reg', 'old', NULL, 2.0, NULL, NULL, 2.5, 1, NULL, 2.0, 'red'),
			('r3', '2026-03-01 02:00:00', 'reg', 'old', NULL, 3.0, NULL, NULL, 2.5, 1, NULL, 3.0, 'blue'),
			('r4', '2026-03-02 00:00:00', 'reg', 'new', NULL, 1.0, NULL, NULL, 1.0, 1, NULL, 4.0, 'red'),
			('r5', '2026-03-02 01:00:00', 'reg', 'new', NULL, 2.0, NULL, NULL, NULL, 1, NULL, 5.0, 'blue'),
			('r6', '2026-03-02 02:00:00', 'reg', 'new', NULL, NULL, NULL, NULL, 3.0, 1, 'timeout', 6.0, 'blue')`,
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
	return &engine.Engine{Store: st}
}

// day2 is the second day of the small store: the current window of these tests.
var day2 = query.Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
	Interval: time.Hour, MaxDataPoints: 1000}

func runSmall(t *testing.T, eng *engine.Engine, js string) (data.Frames, error) {
	t.Helper()
	raw, err := query.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(raw, day2)
	if err != nil {
		t.Fatal(err)
	}
	return eng.Run(context.Background(), q)
}

func customOf(t *testing.T, f *data.Frame) map[string]any {
	t.Helper()
	if f.Meta == nil {
		t.Fatal("frame has no meta")
	}
	m, ok := f.Meta.Custom.(map[string]any)
	if !ok {
		t.Fatalf("meta.custom is %T, want an object", f.Meta.Custom)
	}
	return m
}

// Comparison frames say, as the classification family's do, how many rows the comparison
// covered and which it left out for lack of ground truth or of a prediction.
func TestComparisonCoverage(t *testing.T) {
	eng := smallStore(t)
	cases := []struct {
		name, query                  string
		rows, unlabeled, unpredicted int64
		noticeWords                  []string
	}{
		{"proportions", `{"schemaVersion":1,"queryType":"comparison","model":"cls","versions":["A","B"],"compare":"precision",
			"positiveClass":"yes","metrics":["delta"],"format":"numeric"}`, 7, 2, 1, []string{"2 of 7 rows", "ground truth", "1 of 7 rows", "no prediction"}},
		{"proportions over time", `{"schemaVersion":1,"queryType":"comparison","model":"cls","versions":["A","B"],"compare":"precision",
			"positiveClass":"yes","metrics":["delta"],"format":"timeseries"}`, 7, 2, 1, []string{"2 of 7 rows"}},
		// reg/new on day 2: r4 paired, r5 without an actual value, r6 without a prediction.
		{"mean errors", `{"schemaVersion":1,"queryType":"comparison","model":"reg","versions":["old","new"],"compare":"mae",
			"metrics":["delta"],"format":"numeric"}`, 3, 1, 1, []string{"1 of 3 rows", "ground truth", "no prediction"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frames, err := runSmall(t, eng, c.query)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range frames {
				custom := customOf(t, f)
				for key, want := range map[string]int64{"rows": c.rows, "unlabeledRows": c.unlabeled, "unpredictedRows": c.unpredicted} {
					if got, _ := custom[key].(int64); got != want {
						t.Errorf("frame %d: meta.custom.%s = %v, want %d", i, key, custom[key], want)
					}
				}
				var notices []string
				for _, n := range f.Meta.Notices {
					notices = append(notices, n.Text)
				}
				all := strings.Join(notices, " / ")
				for _, w := range c.noticeWords {
					if !strings.Contains(all, w) {
						t.Errorf("frame %d: notices %q do not say %q", i, all, w)
					}
				}
			}
		})
	}
}

// driftRows reads a numeric-long drift frame as version/feature -> score.
func driftRows(t *testing.T, f *data.Frame) map[string]*float64 {
	t.Helper()
	version, _ := f.FieldByName("version")
	feature, _ := f.FieldByName("feature")
	score, _ := f.FieldByName("score")
	if version == nil || feature == nil || score == nil {
		t.Fatalf("frame lacks version, feature or score: %v", f.Fields)
	}
	out := map[string]*float64{}
	for i := range f.Rows() {
		out[version.At(i).(string)+"/"+feature.At(i).(string)] = score.At(i).(*float64)
	}
	return out
}

// A version without rows in the current window has no drift to report: when the query asks for
// every version it is left out, not shown as an undefined row; a version the query names keeps
// its row, and a notice says why it is undefined.
func TestDriftLeavesOutVersionsWithoutRows(t *testing.T) {
	eng := smallStore(t)
	ref := `"reference":{"type":"shift","shift":"1d"}`
	frames, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","features":["size"],"method":"psi",
		"metrics":["score"],"format":"numeric",`+ref+`}`)
	if err != nil {
		t.Fatal(err)
	}
	rows := driftRows(t, frames[0])
	if _, ok := rows["old/size"]; ok {
		t.Errorf("version old has no rows on day 2 but has a drift row: %v", rows)
	}
	if rows["new/size"] == nil {
		t.Errorf("version new: no score (rows %v)", rows)
	}

	for _, format := range []string{"numeric", "timeseries", "histogram"} {
		t.Run("named version, "+format, func(t *testing.T) {
			frames, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","versions":["old","new"],"features":["size"],
				"method":"psi","metrics":["score"],"format":"`+format+`",`+ref+`}`)
			if err != nil {
				t.Fatal(err)
			}
			if format == "numeric" {
				rows := driftRows(t, frames[0])
				if v, ok := rows["old/size"]; !ok || v != nil {
					t.Errorf("named version old: row %v (present %v), want an undefined row", v, ok)
				}
			}
			for i, f := range frames {
				found := false
				for _, n := range f.Meta.Notices {
					found = found || (strings.Contains(n.Text, `"old"`) && strings.Contains(n.Text, "no rows"))
				}
				if !found {
					t.Errorf("frame %d: no notice names version old as without rows: %v", i, f.Meta.Notices)
				}
			}
		})
	}
}

// A method that needs numbers, asked of every feature, leaves a text feature undefined with
// the reason instead of failing the whole query; named explicitly on a text feature it is a
// bad query whose error names the methods that fit.
func TestDriftMethodThatDoesNotFitAFeature(t *testing.T) {
	eng := smallStore(t)
	ref := `"reference":{"type":"shift","shift":"1d"}`
	for _, method := range []string{"ks", "wasserstein"} {
		t.Run(method+" on every feature", func(t *testing.T) {
			frames, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","method":"`+method+`",
				"metrics":["score"],"format":"numeric",`+ref+`}`)
			if err != nil {
				t.Fatalf("query over every feature failed: %v", err)
			}
			rows := driftRows(t, frames[0])
			if rows["new/size"] == nil {
				t.Errorf("numeric feature size: no score (rows %v)", rows)
			}
			if v, ok := rows["new/colour"]; !ok || v != nil {
				t.Errorf("text feature colour: score %v (present %v), want an undefined row", v, ok)
			}
			hist, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","method":"`+method+`",
				"format":"histogram",`+ref+`}`)
			if err != nil {
				t.Fatal(err)
			}
			seen := false
			for _, f := range hist {
				custom := customOf(t, f)
				if custom["feature"] != "colour" {
					continue
				}
				seen = true
				reason, _ := custom["reason"].(string)
				if !strings.Contains(reason, method) || !strings.Contains(reason, "chisquare") {
					t.Errorf("colour: reason %q does not name %s and the methods that fit", reason, method)
				}
			}
			if !seen {
				t.Error("no histogram for the text feature colour")
			}
		})
		t.Run(method+" on a named text feature", func(t *testing.T) {
			_, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"drift","model":"reg","features":["colour"],"method":"`+method+`",
				"metrics":["score"],"format":"numeric",`+ref+`}`)
			if !errors.Is(err, query.ErrInvalidQuery) {
				t.Fatalf("error %v, want an invalid query", err)
			}
			for _, w := range []string{"colour", method, "chisquare", "jensenshannon"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}
