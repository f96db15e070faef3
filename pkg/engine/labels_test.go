package engine_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Late labels live in their own table joined on prediction_id: coverage counts them, the label
// delay is labeled_at − ts, and classification reads the late label where the prediction row
// has none.
func TestLabelsTable(t *testing.T) {
	db := filepath.Join(t.TempDir(), "labels.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_label VARCHAR, actual_label VARCHAR)`,
		`INSERT INTO predictions VALUES
			('p1', '2026-03-01 00:00:00', 'm', 'A', 'yes', 'yes'),
			('p2', '2026-03-01 01:00:00', 'm', 'A', 'yes', NULL),
			('p3', '2026-03-01 02:00:00', 'm', 'A', 'no', NULL),
			('p4', '2026-03-01 03:00:00', 'm', 'A', 'no', NULL)`,
		`CREATE TABLE labels (prediction_id VARCHAR, actual_label VARCHAR, labeled_at TIMESTAMP)`,
		`INSERT INTO labels VALUES
			('p2', 'no', '2026-03-01 03:00:00'),
			('p3', 'no', '2026-03-01 08:00:00')`,
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
	defer st.Close()
	if err := st.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	eng := &engine.Engine{Store: st}
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	run := func(js string) map[string]*float64 {
		t.Helper()
		raw, err := query.Parse([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		q, err := query.Validate(raw, w)
		if err != nil {
			t.Fatal(err)
		}
		frames, err := eng.Run(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*float64{}
		for _, f := range frames[0].Fields {
			if v, ok := f.At(0).(*float64); ok {
				out[f.Name] = v
			}
		}
		return out
	}
	cov := run(`{"schemaVersion":1,"queryType":"coverage","model":"m","format":"numeric",
		"metrics":["label_coverage","labeled_rows","label_delay_mean","label_delay_p50"]}`)
	// p1 labelled inline, p2 and p3 late (2 h and 6 h), p4 not yet.
	want := map[string]float64{"label_coverage": 0.75, "labeled_rows": 3, "label_delay_mean": 4 * 3600, "label_delay_p50": 4 * 3600}
	for name, v := range want {
		if cov[name] == nil || *cov[name] != v {
			t.Errorf("%s: got %v, want %v", name, cov[name], v)
		}
	}
	cls := run(`{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","format":"numeric",
		"metrics":["accuracy","precision"]}`)
	// Labelled rows: p1 yes/yes, p2 yes/no (late), p3 no/no (late): accuracy 2/3, precision 1/2.
	if *cls["accuracy"] != 2.0/3 || *cls["precision"] != 0.5 {
		t.Errorf("classification with late labels: accuracy %v precision %v", *cls["accuracy"], *cls["precision"])
	}
}
