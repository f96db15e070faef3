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

// goldenCase is one case of testdata/golden/classification/cases.json, whose expected values
// scripts/golden/classification.py computed with scikit-learn.
type goldenCase struct {
	Name          string              `json:"name"`
	File          string              `json:"file"`
	Model         string              `json:"model"`
	Version       string              `json:"version"`
	PositiveClass string              `json:"positiveClass"`
	Threshold     *float64            `json:"threshold"`
	Rows          int64               `json:"rows"`
	LabeledRows   int64               `json:"labeledRows"`
	Metrics       map[string]*float64 `json:"metrics"`
	Confusion     struct {
		Labels []string  `json:"labels"`
		Matrix [][]int64 `json:"matrix"`
	} `json:"confusion"`
}

const goldenDir = "../../testdata/golden/classification"

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 8 {
		t.Fatalf("expected at least 8 golden cases, found %d", len(cases))
	}
	return cases
}

// openGolden loads one golden CSV through the CLI's loader and opens it read-only, as the data
// source does.
func openGolden(t *testing.T, file string) *engine.Engine {
	t.Helper()
	// Not t.TempDir(): case names hold "%", which DuckDB paths cannot.
	dir, err := os.MkdirTemp("", "modelwatch-golden")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	db := filepath.Join(dir, "golden.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, filepath.Join(goldenDir, file)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &engine.Engine{Store: st}
}

var goldenRange = query.Window{
	From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	To:   time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
}

func TestClassificationMatchesScikitLearn(t *testing.T) {
	for _, gc := range loadGolden(t) {
		t.Run(gc.Name, func(t *testing.T) {
			eng := openGolden(t, gc.File)
			var names []query.Metric
			for name := range gc.Metrics {
				names = append(names, query.Metric(name))
			}
			q, err := query.Validate(query.Raw{
				SchemaVersion: 1, QueryType: query.TypeClassification, Model: gc.Model,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass, Threshold: gc.Threshold,
				Format: query.FormatNumeric, Metrics: names,
			}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 1 || frames[0].Rows() != 1 {
				t.Fatalf("want one frame with one row, got %d frames", len(frames))
			}
			f := frames[0]
			custom := f.Meta.Custom.(map[string]any)
			for name, want := range gc.Metrics {
				field, _ := f.FieldByName(name)
				if field == nil {
					t.Fatalf("no field %q", name)
				}
				got := field.At(0).(*float64)
				// The grid-based metrics are exact where no cell holds two distinct scores, and
				// otherwise within the bound they report.
				if key, ok := gridBoundKeys[name]; ok {
					bound, _ := custom[key].(float64)
					assertWithin(t, name, got, want, bound)
					continue
				}
				assertClose(t, name, got, want)
			}
			if rows := custom["rows"].(int64); rows != gc.Rows {
				t.Errorf("rows: got %d, want %d", rows, gc.Rows)
			}
			if un := custom["unlabeledRows"].(int64); un != gc.Rows-gc.LabeledRows {
				t.Errorf("unlabeled rows: got %d, want %d", un, gc.Rows-gc.LabeledRows)
			}
		})
	}
}

func TestConfusionMatchesScikitLearn(t *testing.T) {
	for _, gc := range loadGolden(t) {
		t.Run(gc.Name, func(t *testing.T) {
			eng := openGolden(t, gc.File)
			q, err := query.Validate(query.Raw{
				SchemaVersion: 1, QueryType: query.TypeConfusion, Model: gc.Model,
				Versions: []string{gc.Version}, PositiveClass: gc.PositiveClass, Threshold: gc.Threshold,
			}, goldenRange)
			if err != nil {
				t.Fatal(err)
			}
			frames, err := eng.Run(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != 1 {
				t.Fatalf("want one frame, got %d", len(frames))
			}
			got := matrixOf(t, frames[0], gc.Confusion.Labels)
			sameMatrix(t, got, gc.Confusion.Labels, gc.Confusion.Matrix)
			labels := frames[0].Meta.Custom.(map[string]any)["labels"].([]string)
			if len(labels) != len(gc.Confusion.Labels) {
				t.Errorf("labels: got %v, want %v", labels, gc.Confusion.Labels)
			}
		})
	}
}

// sameMatrix reports every cell of a confusion matrix that differs from the expected one.
func sameMatrix(t *testing.T, got [][]int64, labels []string, want [][]int64) {
	t.Helper()
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("cell [%s][%s]: got %d, want %d", labels[i], labels[j], got[i][j], want[i][j])
			}
		}
	}
}

func matrixOf(t *testing.T, f *data.Frame, labels []string) [][]int64 {
	t.Helper()
	idx := map[string]int{}
	for i, l := range labels {
		idx[l] = i
	}
	m := make([][]int64, len(labels))
	for i := range m {
		m[i] = make([]int64, len(labels))
	}
	for r := range f.Rows() {
		if v := stringAt(t, f, "version", r); v != "A" {
			t.Fatalf("row %d: version %q, want only A", r, v)
		}
		a := stringAt(t, f, "actual", r)
		p := stringAt(t, f, "predicted", r)
		i, ok1 := idx[a]
		j, ok2 := idx[p]
		if !ok1 || !ok2 {
			t.Fatalf("unexpected label pair %q/%q", a, p)
		}
		count, _ := f.FieldByName("count")
		m[i][j] = count.At(r).(int64)
	}
	return m
}

// assertClose checks 1e-9 relative agreement; nil (undefined) must match scikit-learn's nan.
func assertClose(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil || got == nil:
		t.Errorf("%s: got %v, want %v", name, deref(got), deref(want))
	case math.Abs(*got-*want) > 1e-9*math.Max(1, math.Abs(*want)):
		t.Errorf("%s: got %.15g, want %.15g", name, *got, *want)
	}
}

// gridBoundKeys name the custom meta that reports each grid-based metric's error bound.
var gridBoundKeys = map[string]string{"roc_auc": "rocAucErrorBound", "average_precision": "averagePrecisionErrorBound"}

// assertWithin checks |got - want| <= bound (+1e-12 for rounding); nil must match nil.
func assertWithin(t *testing.T, name string, got, want *float64, bound float64) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil || got == nil:
		t.Errorf("%s: got %v, want %v", name, deref(got), deref(want))
	case math.Abs(*got-*want) > bound+1e-12:
		t.Errorf("%s: got %.15g, want %.15g within the reported bound %.3g", name, *got, *want, bound)
	default:
		t.Logf("%s: off by %.2g, bound %.2g", name, *got-*want, bound)
	}
}

func deref(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

func stringAt(t *testing.T, f *data.Frame, name string, row int) string {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Fatalf("no field %q", name)
	}
	return field.At(row).(string)
}
