package engine_test

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// valueOf returns a numeric-long frame's metric of its first row (nil: null).
func valueOf(t *testing.T, fs data.Frames, metric string) *float64 {
	t.Helper()
	for _, f := range fs {
		for _, fd := range f.Fields {
			if fd.Name != metric || fd.Len() == 0 {
				continue
			}
			v, ok := fd.ConcreteAt(0)
			if !ok {
				return nil
			}
			x := v.(float64)
			return &x
		}
	}
	t.Fatalf("no field %q in the frames", metric)
	return nil
}

// loadCSVText loads predictions given as CSV text into a new store through the loader (which
// builds the rollups) and returns its path.
func loadCSVText(t *testing.T, csv string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "rows.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "rows.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, file); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// Regression: values whose squares overflow a double (a logged 1e200) made the store's variance
// fail ("VARPOP is out of range"), so a Viewer's regression or quality query over them was an
// internal error. Their spread is undefined instead: null on both paths, the rest answered.
func TestValuesOutOfScaleMakeASpreadNullNotAnError(t *testing.T) {
	csv := "prediction_id,ts,model,model_version,predicted_value,actual_value,feat\n" +
		"p1,2026-03-01T00:00:00Z,m,v1,1,2,1e200\n" +
		"p2,2026-03-01T00:10:00Z,m,v1,1e200,3,-1e200\n" +
		"p3,2026-03-01T00:20:00Z,m,v1,2,-1e200,3\n" +
		"p4,2026-03-01T00:30:00Z,m,v1,2,2,4\n"
	st := openStore(t, loadCSVText(t, csv))
	win := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)}
	for _, rollups := range []bool{false, true} {
		eng := &engine.Engine{Store: st, Rollups: rollups}
		for _, c := range []struct{ query, metric string }{
			{`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["r2","mae"],"format":"numeric"}`, "r2"},
			{`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["r2","error_p50"],"format":"numeric"}`, "r2"},
			{`{"schemaVersion":1,"queryType":"quality","model":"m","metrics":["std","rows"],"format":"numeric","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-01T01:00:00Z"}}`, "std"},
		} {
			fs, err := eng.Run(context.Background(), validQuery(t, []byte(c.query), win))
			if err != nil {
				t.Fatalf("rollups %v: %s: %v", rollups, c.query, err)
			}
			if v := valueOf(t, fs, c.metric); v != nil {
				t.Errorf("rollups %v: %s: %s = %v, want null (undefined over values out of scale)", rollups, c.query, c.metric, *v)
			}
		}
		fs, err := eng.Run(context.Background(), validQuery(t, []byte(`{"schemaVersion":1,"queryType":"quality","model":"m","metrics":["rows","max"],"format":"numeric","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-01T01:00:00Z"}}`), win))
		if err != nil {
			t.Fatal(err)
		}
		if v := valueOf(t, fs, "max"); v == nil || *v != 1e200 || math.IsNaN(*v) {
			t.Errorf("rollups %v: max %v, want 1e200 (only the spread is undefined)", rollups, v)
		}
	}
}

// NaN is above every number in the store's order, so the rows count a NaN value outside the
// reference's range; the rollup path counts the partial hours' values in Go and must agree.
// Regression: a NaN in a ragged range's partial hour was counted inside it from the rollups.
// (The loader stores a NaN as NULL; a table written by other means may hold one.)
func TestNaNIsOutOfRangeOnBothPaths(t *testing.T) {
	csv := "prediction_id,ts,model,model_version,feat\n" +
		"r1,2026-03-01T00:10:00Z,m,v1,1.5\n" + "r2,2026-03-01T00:20:00Z,m,v1,4.5\n" +
		"c1,2026-03-01T01:10:00Z,m,v1,2.5\n" + "c2,2026-03-01T01:20:00Z,m,v1,5.5\n" +
		"c3,2026-03-01T02:10:00Z,m,v1,0.5\n" + "c4,2026-03-01T02:20:00Z,m,v1,3.5\n"
	db := loadCSVText(t, csv)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`UPDATE predictions SET feat = 'NaN'::DOUBLE WHERE prediction_id = 'c3'`); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	rebuildRollups(t, db)
	st := openStore(t, db)
	win := query.Window{From: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC)}
	js := `{"schemaVersion":1,"queryType":"quality","model":"m","features":["feat"],"metrics":["out_of_range_share"],"format":"numeric",` +
		`"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-01T01:00:00Z"}}`
	for _, rollups := range []bool{false, true} {
		fs, err := (&engine.Engine{Store: st, Rollups: rollups}).Run(context.Background(), validQuery(t, []byte(js), win))
		if err != nil {
			t.Fatalf("rollups %v: %v", rollups, err)
		}
		if v := valueOf(t, fs, "out_of_range_share"); v == nil || *v != 0.5 {
			t.Errorf("rollups %v (source %s): out_of_range_share %v, want 0.5 (5.5 and NaN outside [1.5, 4.5])", rollups, sourceOf(t, fs), deref(v))
		}
	}
}
