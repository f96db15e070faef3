package plugin_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// The operations golden CSV (scripts/golden/operations.py) loaded by the loader and asked through
// QueryData as Grafana asks: availability, the column statistics and last_seen_seconds equal
// numpy's, with rollups on and off; a column that is not numeric is a 400 naming the numeric
// columns.
func TestOperationsThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/operations/predictions.csv")
	var golden struct {
		From, To time.Time
		Cases    []struct {
			Name   string          `json:"name"`
			Query  json.RawMessage `json:"query"`
			Series []struct {
				Labels map[string]string          `json:"labels"`
				Values map[string]json.RawMessage `json:"values"`
			} `json:"series"`
		} `json:"cases"`
	}
	readJSON(t, "../../testdata/golden/operations/cases.json", &golden)
	off := false
	for _, rollups := range []*bool{nil, &off} {
		cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, Rollups: rollups}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		ds := plugin.New(cfg, plugin.OpenStore)
		checked := 0
		for _, c := range golden.Cases {
			if !strings.Contains(string(c.Query), `"numeric"`) {
				continue // the engine's golden test checks the buckets
			}
			f := queryFrames(t, ds, frameCase{name: c.Name, query: string(c.Query), from: golden.From, to: golden.To})[0]
			for i, s := range c.Series {
				for metric, raw := range s.Values {
					var want *float64
					if err := json.Unmarshal(raw, &want); err != nil {
						t.Fatal(err)
					}
					field, _ := f.FieldByName(metric)
					if field == nil {
						t.Fatalf("%s: no field %s", c.Name, metric)
					}
					if v, _ := f.FieldByName("version"); v == nil || v.At(i).(string) != s.Labels["version"] {
						t.Fatalf("%s: row %d is not version %s", c.Name, i, s.Labels["version"])
					}
					got := field.At(i).(*float64)
					tol := 1e-9
					if strings.HasPrefix(metric, "latency_p") {
						tol = 0.01 // the rollups' sketch
					}
					if (got == nil) != (want == nil) || (got != nil && math.Abs(*got-*want) > tol*math.Max(1, math.Abs(*want))) {
						t.Errorf("%s %s %s: got %v, want %v", c.Name, s.Labels["version"], metric, deref(got), deref(want))
					}
					checked++
				}
			}
		}
		if checked < 20 {
			t.Fatalf("checked %d values", checked)
		}
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "operations", TimeRange: backend.TimeRange{From: golden.From, To: golden.To},
			JSON: json.RawMessage(`{"schemaVersion":1,"queryType":"operations","model":"svc","format":"numeric","metrics":["column_p95"],"column":"region"}`),
		}}})
		if err != nil {
			t.Fatal(err)
		}
		if r := resp.Responses["A"]; r.Status != http.StatusBadRequest || r.Error == nil ||
			!strings.Contains(r.Error.Error(), `"region"`) || !strings.Contains(r.Error.Error(), "cpu_ms, memory_mb") {
			t.Errorf("text column: status %d, error %v", r.Status, r.Error)
		}
		ds.Dispose()
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// loadCSV loads a golden CSV through the CLI's loader into a new store and returns its path.
func loadCSV(t *testing.T, csv string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "golden.duckdb")
	w, err := duckdb.OpenWriter(db, settings.DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, csv); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}
