package engine_test

import (
	"context"
	"encoding/json"
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

// familyCases is testdata/golden/families/cases.json, written by scripts/golden/families.py
// with scikit-learn and numpy over the rows each query selects.
type familyCases struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Cases []struct {
		Name   string          `json:"name"`
		Query  json.RawMessage `json:"query"`
		Series []struct {
			Labels map[string]string   `json:"labels"`
			Values map[string]*float64 `json:"values"`
		} `json:"series"`
	} `json:"cases"`
}

// tolerance per metric: exact sums 1e-9 relative; quantiles computed by the engine's own
// interpolation 1e-9 as well (DuckDB's quantile_cont and numpy's linear method agree).
func tolerance(metric string) float64 {
	return 1e-9
}

func openFamilies(t *testing.T) (*engine.Engine, familyCases) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "families.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, "../../testdata/golden/families/predictions.csv"); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	raw, err := os.ReadFile("../../testdata/golden/families/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var fc familyCases
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	return &engine.Engine{Store: st}, fc
}

func TestFamiliesMatchNumpyAndScikitLearn(t *testing.T) {
	eng, fc := openFamilies(t)
	if len(fc.Cases) < 6 {
		t.Fatalf("expected the golden family cases, found %d", len(fc.Cases))
	}
	for _, c := range fc.Cases {
		t.Run(c.Name, func(t *testing.T) {
			q := validQuery(t, c.Query, query.Window{From: fc.From, To: fc.To})
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			f := frames[0]
			if f.Rows() != len(c.Series) {
				t.Fatalf("got %d rows, want %d series", f.Rows(), len(c.Series))
			}
			for i, s := range c.Series {
				for name, want := range s.Labels {
					field, _ := f.FieldByName(name)
					if field == nil || field.At(i).(string) != want {
						t.Fatalf("row %d label %s: want %q", i, name, want)
					}
				}
				for metric, want := range s.Values {
					field, _ := f.FieldByName(metric)
					if field == nil {
						t.Fatalf("no field %s", metric)
					}
					got := field.At(i).(*float64)
					checkValue(t, labelsOf(s.Labels)+" "+metric, got, want, tolerance(metric))
				}
			}
		})
	}
}

func labelsOf(l map[string]string) string {
	return data.Labels(l).String()
}

func checkValue(t *testing.T, name string, got, want *float64, tol float64) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil || got == nil:
		t.Errorf("%s: got %v, want %v", name, deref(got), deref(want))
	case math.Abs(*got-*want) > tol*math.Max(1, math.Abs(*want)):
		t.Errorf("%s: got %.15g, want %.15g", name, *got, *want)
	}
}
