package plugin_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// The panel's jest tests render these files, so a change of frame shape here breaks a test on
// both sides: update them with -update (or MODELWATCH_UPDATE_GOLDEN=1), then fix the panel.
var updateFrames = flag.Bool("update", false, "rewrite testdata/frames/*.json from fresh frames")

const framesDir = "../../testdata/frames"

// goldenEnd anchors the demo; with a fixed seed the store, and so every frame, is the same on
// every run.
var goldenEnd = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// frameCase is one query the panel draws and the golden file that holds its frames.
type frameCase struct {
	name     string
	query    string
	from, to time.Time
	interval time.Duration
}

func frameCases() []frameCase {
	week := goldenEnd.Add(-7 * 24 * time.Hour)
	return []frameCase{
		{
			name:  "confusion",
			query: `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","versions":["A","B"],"positiveClass":"churn","threshold":0.5}`,
			from:  week, to: goldenEnd,
		},
		{
			name:  "drift_histogram",
			query: `{"schemaVersion":1,"queryType":"drift","model":"basket-forecaster","versions":["v1"],"features":["age","plan"],"method":"auto","format":"histogram","reference":{"type":"shift","shift":"7d"}}`,
			from:  week, to: goldenEnd,
		},
		{
			name:  "comparison_timeseries",
			query: `{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"compare":"precision","positiveClass":"churn","threshold":0.5,"interval":"1d","format":"timeseries"}`,
			from:  week, to: goldenEnd, interval: 24 * time.Hour,
		},
		{
			name:  "estimation_timeseries",
			query: `{"schemaVersion":1,"queryType":"estimation","model":"churn-classifier","versions":["A"],"positiveClass":"churn","estimate":["f1","roc_auc"],"interval":"1d","reference":{"type":"range","from":"2026-02-01T00:00:00Z","to":"2026-02-15T00:00:00Z"}}`,
			from:  week, to: goldenEnd, interval: 24 * time.Hour,
		},
		{
			name:  "multivariate_timeseries",
			query: `{"schemaVersion":1,"queryType":"multivariate","model":"churn-classifier","interval":"1d","metrics":["reconstruction_error","lower","upper","threshold_lower","threshold_upper","drifted"],"reference":{"type":"range","from":"2026-02-01T00:00:00Z","to":"2026-02-15T00:00:00Z"}}`,
			from:  goldenEnd.Add(-14 * 24 * time.Hour), to: goldenEnd, interval: 24 * time.Hour,
		},
		{
			name:  "comparison_numeric",
			query: `{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"compare":"precision","positiveClass":"churn","threshold":0.5,"format":"numeric"}`,
			from:  week, to: goldenEnd,
		},
	}
}

// TestFramesMatchGoldenFiles runs the panel's queries through QueryData on the demo store and
// compares each response's frames, as `modelwatch query --output json` prints them, with
// testdata/frames/<name>.json.
func TestFramesMatchGoldenFiles(t *testing.T) {
	update := *updateFrames || os.Getenv("MODELWATCH_UPDATE_GOLDEN") == "1"
	ds := plugin.New(goldenDemoSettings(t), plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	for _, c := range frameCases() {
		t.Run(c.name, func(t *testing.T) {
			frames := queryFrames(t, ds, c)
			got := framesJSON(t, frames)
			path := filepath.Join(framesDir, c.name+".json")
			if update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v: write it with `go test ./pkg/plugin -run TestFramesMatchGoldenFiles -update`", err)
			}
			if diff := jsonDiff(t, want, got); diff != "" {
				t.Errorf("frames of %s differ from %s: %s\nIf the change is intended, rewrite the file with "+
					"`go test ./pkg/plugin -run TestFramesMatchGoldenFiles -update` (or MODELWATCH_UPDATE_GOLDEN=1) "+
					"and update the panel's tests in src/panel/goldenFrames.test.tsx", c.name, path, diff)
			}
		})
	}
}

// framesJSON encodes frames as `modelwatch query --output json` prints them, {"frames": [...]},
// with one frame a line so that a diff of a golden file points at the frame that changed.
func framesJSON(t *testing.T, frames data.Frames) []byte {
	t.Helper()
	out := []byte(`{"frames": [`)
	for i, f := range frames {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(out, "\n  "...), b...)
	}
	return append(out, "\n]}\n"...)
}

// goldenDemoSettings writes a small deterministic demo store and returns settings that open it.
func goldenDemoSettings(t *testing.T) settings.Settings {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.duckdb")
	w, err := duckdb.OpenWriter(db, settings.DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 50_000, Span: 30 * 24 * time.Hour, End: goldenEnd, Seed: demo.DefaultSeed}
	if _, err := w.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error {
		return demo.Generate(o, emit)
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// As the provisioned data source: the demo's clicked is an outcome, not a model input.
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, OutcomeColumns: []string{demo.OutcomeColumn}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func queryFrames(t *testing.T, ds *plugin.Datasource, c frameCase) data.Frames {
	t.Helper()
	var probe struct {
		QueryType string `json:"queryType"`
	}
	if err := json.Unmarshal([]byte(c.query), &probe); err != nil {
		t.Fatal(err)
	}
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: probe.QueryType, JSON: json.RawMessage(c.query),
		TimeRange: backend.TimeRange{From: c.from, To: c.to}, Interval: c.interval, MaxDataPoints: 1000,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	if r.Error != nil {
		t.Fatalf("query %s: %v", c.name, r.Error)
	}
	if len(r.Frames) == 0 {
		t.Fatalf("query %s returned no frames", c.name)
	}
	return r.Frames
}

// jsonDiff compares two JSON documents value by value, numbers within a relative 1e-9 (the
// store's floating-point sums may differ in the last bits between runs), and describes the
// first difference, or returns "".
func jsonDiff(t *testing.T, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Sprintf("the golden file is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	return valueDiff("$", w, g)
}

func valueDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %s", path, short(got))
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s: missing from the fresh frames", path, k)
			}
		}
		for k, gv := range g {
			wv, ok := w[k]
			if !ok {
				return fmt.Sprintf("%s.%s: new in the fresh frames (%s)", path, k, short(gv))
			}
			if d := valueDiff(path+"."+k, wv, gv); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want %d items, got %s", path, len(w), short(got))
		}
		for i := range w {
			if d := valueDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(w-g) > 1e-9*math.Max(1, math.Max(math.Abs(w), math.Abs(g))) {
			return fmt.Sprintf("%s: want %v, got %s", path, w, short(got))
		}
	default:
		if want != got {
			return fmt.Sprintf("%s: want %s, got %s", path, short(want), short(got))
		}
	}
	return ""
}

// short renders a value for a message, cut at 200 characters.
func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
