package plugin_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// goldenSeriesCase is one case of a golden file of classification or regression queries: the
// query and the peer's value per series (its labels) and metric, per bucket.
type goldenSeriesCase struct {
	Name   string
	Query  map[string]any
	Series []goldenSeries
}

type goldenSeries struct {
	Labels map[string]string
	Values map[string][]*float64
}

// multiclassScoreTolerance: the scores have 4 decimals, so no two distinct scores share a cell
// of the grid and the ranking metrics are exact; log loss and Brier are sums in the store.
const multiclassScoreTolerance = 1e-12

// Multiclass ROC AUC (one-vs-rest and one-vs-one, macro and weighted, per class), average
// precision, log loss and Brier from each class's probability column, end to end: the golden
// CSV through the loader, each case through QueryData, every series and bucket against
// scikit-learn 1.9.1 (scripts/golden/multiclass_scores.py), including a bucket where a class
// has no rows (one-vs-rest undefined, one-vs-one over the classes present) and a two-class
// model (Brier halved).
func TestMulticlassScoresEqualScikitLearnThroughQueryData(t *testing.T) {
	runGoldenSeries(t, "multiclass", 7, func(want float64) float64 { return multiclassScoreTolerance })
}

// runGoldenSeries runs the cases of testdata/golden/<dir> (at least least of them) from the
// CSV through the loader and QueryData and compares every series and bucket with the peer's
// values within tolerance(want).
func runGoldenSeries(t *testing.T, dir string, least int, tolerance func(want float64) float64) {
	t.Helper()
	db := loadCSV(t, "../../testdata/golden/"+dir+"/predictions.csv")
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	var golden struct {
		From, To time.Time
		Cases    []goldenSeriesCase
	}
	readJSON(t, "../../testdata/golden/"+dir+"/cases.json", &golden)
	if len(golden.Cases) < least {
		t.Fatalf("%d golden cases, want the script's %d", len(golden.Cases), least)
	}
	for _, c := range golden.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got := seriesValues(t, runRange(t, ds, c.Query, golden.From, golden.To, 24*time.Hour))
			compared, nulls := 0, 0
			for _, s := range c.Series {
				for metric, want := range s.Values {
					key := seriesID(metric, s.Labels)
					values, ok := got[key]
					if !ok {
						t.Fatalf("no series %s; have %v", key, keysOf(got))
					}
					if len(values) != len(want) {
						t.Fatalf("%s: %d buckets, want %d", key, len(values), len(want))
					}
					for i, w := range want {
						g := values[i]
						if w == nil || g == nil {
							if (w == nil) != (g == nil) {
								t.Errorf("%s bucket %d: %v, the peer's %v", key, i, deref(g), deref(w))
							}
							nulls++
							continue
						}
						if d := math.Abs(*g - *w); d > tolerance(*w) {
							t.Errorf("%s bucket %d: %.15g, the peer's %.15g (off by %.2g)", key, i, *g, *w, d)
						}
						compared++
					}
				}
			}
			if compared == 0 {
				t.Fatal("compared no values")
			}
			t.Logf("%d values equal, %d undefined on both sides", compared, nulls)
		})
	}
}

// seriesValues reads a classification query's frames into values per metric and labels:
// timeseries-multi frames (one series each) or a numeric-long frame (a row per series).
func seriesValues(t *testing.T, fs data.Frames) map[string][]*float64 {
	t.Helper()
	out := map[string][]*float64{}
	for _, f := range fs {
		if len(f.Fields) == 2 && f.Fields[0].Type() == data.FieldTypeTime {
			v := f.Fields[1]
			out[seriesID(v.Name, v.Labels)] = floats(v)
			continue
		}
		for row := range f.Rows() {
			labels := map[string]string{}
			for _, field := range f.Fields {
				if field.Type() == data.FieldTypeString {
					labels[field.Name] = field.At(row).(string)
				}
			}
			for _, field := range f.Fields {
				if field.Type() == data.FieldTypeNullableFloat64 {
					out[seriesID(field.Name, labels)] = append(out[seriesID(field.Name, labels)], field.At(row).(*float64))
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no series in %d frames", len(fs))
	}
	return out
}

func seriesID(metric string, labels map[string]string) string {
	parts := []string{metric}
	for k, v := range labels {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts[1:])
	return strings.Join(parts, " ")
}

func keysOf(m map[string][]*float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A multiclass model whose probability columns cannot be read is refused before any scan, with
// what is missing and what to do: a class without its score_<class> column (the columns there
// named), a class that cannot name a column (a space, a quote: never written into SQL), and
// more classes than one query reads.
func TestMulticlassScoresRefuseUnreadableClasses(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("prediction_id,ts,model,model_version,predicted_label,actual_label,score_x,score_y\n")
	row := func(id, model, class string) {
		csv.WriteString(id + ",2026-05-01T01:00:00Z," + model + ",A," + class + "," + class + ",0.5,0.5\n")
	}
	for i, class := range []string{"x", "y", "z"} {
		row("m"+string(rune('0'+i)), "missing", class)
	}
	row("q1", "quoted", "x")
	row("q2", "quoted", `"a""b; DROP TABLE predictions"`) // CSV-quoted: the class is a"b; DROP TABLE predictions
	for i := range 101 {
		row(fmt.Sprintf("c%03d", i), "crowded", fmt.Sprintf("k%03d", i))
	}
	path := filepath.Join(t.TempDir(), "classes.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: loadCSV(t, path), Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	from, to := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)
	for model, want := range map[string][]string{
		"missing": {"has no score_z (class \"z\")", "it has score_x, score_y"},
		"quoted":  {`class "a\"b; DROP TABLE predictions" has no probability column`},
		"crowded": {"at most 100", "has 101 classes"},
	} {
		for _, metric := range []string{"roc_auc", "log_loss"} {
			r := respond(t, ds, map[string]any{"queryType": "classification", "model": model, "average": "macro", "metrics": []string{metric}}, from, to, time.Hour)
			if r.Error == nil || r.Status != backend.StatusBadRequest {
				t.Fatalf("%s %s: status %d, error %v", model, metric, r.Status, r.Error)
			}
			for _, w := range want {
				if !strings.Contains(r.Error.Error(), w) {
					t.Errorf("%s %s: %v, want %q", model, metric, r.Error, w)
				}
			}
		}
	}
}
