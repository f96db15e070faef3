package engine_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// A table that does not use the default names works through a column mapping: queries,
// filters and group-by use the table's own names, the rest of the code the default ones.
func TestColumnMapping(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mapped.duckdb")
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE preds (id VARCHAR, event_time TIMESTAMP, model_name VARCHAR, version VARCHAR,
			label VARCHAR, truth VARCHAR, region VARCHAR)`,
		`INSERT INTO preds VALUES
			('1', '2026-03-01 00:00:00', 'm', 'A', 'yes', 'yes', 'north'),
			('2', '2026-03-01 01:00:00', 'm', 'A', 'yes', 'no', 'north'),
			('3', '2026-03-01 02:00:00', 'm', 'A', 'no', 'no', 'south'),
			('4', '2026-03-01 03:00:00', 'm', 'A', 'no', 'yes', 'south')`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	st, err := duckdb.Open(db, "preds")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.WithColumns(map[string]string{
		"prediction_id": "id", "ts": "event_time", "model": "model_name", "model_version": "version",
		"predicted_label": "label", "actual_label": "truth",
	}); err != nil {
		t.Fatal(err)
	}
	eng := &engine.Engine{Store: st}
	raw, _ := query.Parse([]byte(`{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes",
		"metrics":["accuracy","precision"],"format":"numeric","groupBy":"region",
		"filters":[{"column":"region","op":"in","values":["north","south"]}]}`))
	q, err := query.Validate(raw, query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	acc, _ := f.FieldByName("accuracy")
	region, _ := f.FieldByName("region")
	got := map[string]float64{}
	for i := range f.Rows() {
		got[region.At(i).(string)] = *acc.At(i).(*float64)
	}
	if got["north"] != 0.5 || got["south"] != 0.5 {
		t.Fatalf("accuracy per region: %v", got)
	}
	sch, _ := st.Schema(context.Background())
	if _, ok := sch.Column("event_time"); ok {
		t.Fatal("a mapped column must appear under its default name only")
	}
	if err := st.WithColumns(map[string]string{"age": "x"}); err == nil || !strings.Contains(err.Error(), "not a base column") {
		t.Fatalf("mapping a feature: %v", err)
	}
}
