package plugin_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/frames/framestest"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// outcomeGolden is testdata/golden/outcome/cases.json (scripts/golden/outcomes.py).
type outcomeGolden struct {
	From, To       time.Time
	OutcomeColumns []string `json:"outcomeColumns"`
	Cases          []struct {
		Name   string          `json:"name"`
		Labels bool            `json:"labels"`
		Query  json.RawMessage `json:"query"`
		Series []struct {
			Labels map[string]string          `json:"labels"`
			Values map[string]json.RawMessage `json:"values"`
		} `json:"series"`
	} `json:"cases"`
}

// loadOutcomes loads the outcome golden predictions and its labels file (late clicks and
// feedback, late labels) through the CLI's loaders into a new store.
func loadOutcomes(t *testing.T) string {
	t.Helper()
	db := loadCSV(t, "../../testdata/golden/outcome/predictions.csv")
	w, err := duckdb.OpenWriter(db, settings.DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.LoadLabelsFile(context.Background(), w, "labels", "../../testdata/golden/outcome/labels.csv", time.Now()); err != nil {
		t.Fatal(err)
	}
	return db
}

// The outcome golden CSV and labels file loaded by the loaders and asked through QueryData:
// rate, mean, sum, count and coverage of boolean, integer, double and text outcomes equal
// pandas', per version and per 1h bucket (0 count and sum, null shares in empty buckets), with
// late outcomes read from the labels table when the data source joins it (and the logged ones
// otherwise), and compareTo on the rate.
func TestOutcomeThroughQueryData(t *testing.T) {
	db := loadOutcomes(t)
	var golden outcomeGolden
	readJSON(t, "../../testdata/golden/outcome/cases.json", &golden)
	checked := 0
	for _, labels := range []bool{true, false} {
		cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, OutcomeColumns: golden.OutcomeColumns}
		if labels {
			cfg.LabelsTable = "labels"
		}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		ds := plugin.New(cfg, plugin.OpenStore)
		for _, c := range golden.Cases {
			if c.Labels != labels {
				continue
			}
			fs := queryFrames(t, ds, frameCase{name: c.Name, query: string(c.Query), from: golden.From, to: golden.To})
			numeric := strings.Contains(string(c.Query), `"numeric"`)
			for _, s := range c.Series {
				for metric, raw := range s.Values {
					var got []*float64
					if numeric {
						var want *float64
						if err := json.Unmarshal(raw, &want); err != nil {
							t.Fatal(err)
						}
						got = []*float64{framestest.Numeric(t, fs[0], s.Labels, metric)}
						checkOutcome(t, c.Name+" "+s.Labels["version"]+" "+metric, got[0], want)
						checked++
						continue
					}
					var want []*float64
					if err := json.Unmarshal(raw, &want); err != nil {
						t.Fatal(err)
					}
					got = framestest.Series(t, fs, s.Labels, metric)
					if len(got) != len(want) {
						t.Fatalf("%s %v %s: %d buckets, want %d", c.Name, s.Labels, metric, len(got), len(want))
					}
					for i := range want {
						checkOutcome(t, c.Name+" "+s.Labels["version"]+" "+metric, got[i], want[i])
						checked++
					}
				}
			}
		}
		ds.Dispose()
	}
	if checked < 300 {
		t.Fatalf("checked %d values", checked)
	}
}

func checkOutcome(t *testing.T, name string, got, want *float64) {
	t.Helper()
	if (got == nil) != (want == nil) || (got != nil && math.Abs(*got-*want) > 1e-9*math.Max(1, math.Abs(*want))) {
		t.Errorf("%s: got %v, want %v", name, deref(got), deref(want))
	}
}

// Bad outcome queries are 400s naming what is wrong and what would be right.
func TestOutcomeErrors(t *testing.T) {
	db := loadOutcomes(t)
	var golden outcomeGolden
	readJSON(t, "../../testdata/golden/outcome/cases.json", &golden)
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, LabelsTable: "labels", OutcomeColumns: golden.OutcomeColumns}
	ds := plugin.New(cfg, plugin.OpenStore)
	defer ds.Dispose()
	for _, c := range []struct{ name, query, want string }{
		{"no outcome", `{"metrics":["rate"]}`, "outcome is required"},
		{"unknown column", `{"outcome":"nope"}`, `outcome "nope" is not a column of table predictions`},
		{"unknown column lists the outcomes first", `{"outcome":"nope"}`, "columns: clicked, purchases, feedback, revenue"},
		{"base column", `{"outcome":"actual_label"}`, `outcome "actual_label" is a base column`},
		{"mean of text", `{"outcome":"feedback","value":"up","metrics":["mean"]}`, `metric "mean" needs a boolean or number outcome; column "feedback" is text`},
		{"sum of text", `{"outcome":"feedback","value":"up","metrics":["sum"]}`, `column "feedback" is text`},
		{"rate of text without value", `{"outcome":"feedback"}`, `rate of text column "feedback" needs value`},
		{"value of a boolean", `{"outcome":"clicked","value":"true"}`, `column "clicked" is boolean`},
		{"long column", `{"outcome":"` + strings.Repeat("x", 2000) + `"}`, "outcome is 2000 bytes long"},
	} {
		js := `{"schemaVersion":1,"queryType":"outcome","model":"search-ranker","format":"numeric",` + strings.TrimPrefix(c.query, "{")
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "outcome", TimeRange: backend.TimeRange{From: golden.From, To: golden.To}, JSON: json.RawMessage(js),
		}}})
		if err != nil {
			t.Fatal(err)
		}
		r := resp.Responses["A"]
		if r.Status != http.StatusBadRequest || r.Error == nil || !strings.Contains(r.Error.Error(), c.want) || len(r.Error.Error()) > 700 {
			t.Errorf("%s: status %d, error %v", c.name, r.Status, r.Error)
		}
	}
}

// Declared outcome columns are not model inputs: a quality or drift query without features
// leaves them out, the features route does not offer them, the columns route marks them; an
// undeclared column (revenue) is still a feature. Without the setting clicked is a feature.
func TestOutcomeColumnsAreNotFeatures(t *testing.T) {
	db := loadOutcomes(t)
	var golden outcomeGolden
	readJSON(t, "../../testdata/golden/outcome/cases.json", &golden)
	for _, declared := range [][]string{nil, golden.OutcomeColumns} {
		cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, LabelsTable: "labels", OutcomeColumns: declared}
		ds := plugin.New(cfg, plugin.OpenStore)
		var drifted []string
		for _, js := range []string{
			`{"schemaVersion":1,"queryType":"drift","model":"search-ranker","versions":["A"],"format":"numeric","metrics":["score"]}`,
			`{"schemaVersion":1,"queryType":"quality","model":"search-ranker","versions":["A"],"format":"numeric","metrics":["rows"]}`,
		} {
			f := queryFrames(t, ds, frameCase{name: js, query: js, from: golden.From, to: golden.To})[0]
			field, _ := f.FieldByName("feature")
			if field == nil {
				t.Fatalf("%s: no feature field", js)
			}
			var features []string
			for i := range field.Len() {
				features = append(features, field.At(i).(string))
			}
			drifted = append(drifted, strings.Join(features, ","))
		}
		var routed []string
		if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: "features", URL: "features"},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { return json.Unmarshal(r.Body, &routed) })); err != nil {
			t.Fatal(err)
		}
		var columns []struct{ Name, Role string }
		if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: "columns", URL: "columns"},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { return json.Unmarshal(r.Body, &columns) })); err != nil {
			t.Fatal(err)
		}
		role := map[string]string{}
		for _, c := range columns {
			role[c.Name] = c.Role
		}
		want, wantRole := "revenue", "outcome"
		if declared == nil {
			want, wantRole = "clicked,purchases,revenue,feedback", "feature"
		}
		var inputs []string // the route lists the model outputs after the inputs
		for _, name := range routed {
			if !slices.Contains(query.ModelOutputs, name) {
				inputs = append(inputs, name)
			}
		}
		for i, got := range append(drifted, strings.Join(inputs, ",")) {
			if got != want {
				t.Errorf("declared %v: default features %d are %s, want %s", declared, i, got, want)
			}
		}
		if role["clicked"] != wantRole || role["revenue"] != "feature" {
			t.Errorf("declared %v: columns route roles %v", declared, role)
		}
		ds.Dispose()
	}
}
