package plugin_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

type evidentlyQuery struct {
	Name   string
	Query  map[string]any
	Series []struct {
		Version   string
		Method    string
		Score     *float64
		Drifted   bool
		Threshold float64
	}
}

// Drift with definitions "evidently", end to end: the families CSV through the loader, each
// query through QueryData, against Evidently 0.7.23's own tests on the rows the query selects
// (scripts/golden/evidently_drift.py). The data source's definitions apply to queries that name
// none, and a query's own definitions win over the data source's.
func TestEvidentlyDefinitionsThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/families/predictions.csv")
	var golden struct{ Queries []evidentlyQuery }
	readJSON(t, "../../testdata/golden/evidently/cases.json", &golden)
	if len(golden.Queries) < 20 {
		t.Fatalf("%d golden queries, want the script's 20", len(golden.Queries))
	}
	perQuery := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(perQuery.Dispose)
	perSource := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, Definitions: "evidently"}, plugin.OpenStore)
	t.Cleanup(perSource.Dispose)
	for _, c := range golden.Queries {
		t.Run(c.Name, func(t *testing.T) {
			checkEvidentlyQuery(t, perQuery, c, c.Query)
			withoutDefinitions := map[string]any{}
			for k, v := range c.Query {
				if k != "definitions" {
					withoutDefinitions[k] = v
				}
			}
			checkEvidentlyQuery(t, perSource, c, withoutDefinitions)
		})
	}
	// A query's own definitions win: Evidently's chi-square of segment (a category the reference
	// never saw: p-value 0) is not this project's homogeneity test.
	for _, c := range golden.Queries {
		if c.Name != "chisquare on segment" {
			continue
		}
		q := map[string]any{}
		for k, v := range c.Query {
			q[k] = v
		}
		q["definitions"] = "modelwatch"
		f := runDrift(t, perSource, q)
		if _, has := f.Meta.Custom.(map[string]any)["definitions"]; has {
			t.Errorf("modelwatch definitions annotated: %v", f.Meta.Custom)
		}
		score, _ := f.FieldByName("score")
		if got := score.At(0).(*float64); got == nil || *got == 0 {
			t.Errorf("definitions modelwatch over an evidently data source: score %v, want the homogeneity test's p-value", got)
		}
	}
}

func runDrift(t *testing.T, ds *plugin.Datasource, q map[string]any) *data.Frame {
	t.Helper()
	raw, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: "drift", JSON: raw, TimeRange: backend.TimeRange{From: from, To: to}, Interval: time.Hour,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	if r.Error != nil || len(r.Frames) != 1 {
		t.Fatalf("%s: %v (%d frames)", raw, r.Error, len(r.Frames))
	}
	return r.Frames[0]
}

func checkEvidentlyQuery(t *testing.T, ds *plugin.Datasource, c evidentlyQuery, q map[string]any) {
	t.Helper()
	f := runDrift(t, ds, q)
	if f.Meta == nil || f.Meta.Custom.(map[string]any)["definitions"] != "evidently" {
		t.Errorf("meta.custom does not say definitions evidently: %+v", f.Meta)
	}
	if f.Rows() != len(c.Series) {
		t.Fatalf("%d rows, want %d", f.Rows(), len(c.Series))
	}
	version, _ := f.FieldByName("version")
	method, _ := f.FieldByName("method")
	score, _ := f.FieldByName("score")
	threshold, _ := f.FieldByName("threshold")
	drifted, _ := f.FieldByName("drifted")
	for i, want := range c.Series {
		if version.At(i).(string) != want.Version || method.At(i).(string) != want.Method {
			t.Fatalf("row %d: %s %s, want %s %s", i, version.At(i), method.At(i), want.Version, want.Method)
		}
		got := score.At(i).(*float64)
		switch {
		case (got == nil) != (want.Score == nil):
			t.Errorf("%s: score %v, Evidently %v", want.Version, got, want.Score)
		case got != nil && math.Abs(*got-*want.Score) > 1e-9*math.Max(1, math.Abs(*want.Score)):
			t.Errorf("%s: score %.15g, Evidently %.15g", want.Version, *got, *want.Score)
		}
		if th := *threshold.At(i).(*float64); th != want.Threshold {
			t.Errorf("%s: threshold %v, Evidently %v", want.Version, th, want.Threshold)
		}
		if d := *drifted.At(i).(*float64) == 1; d != want.Drifted {
			t.Errorf("%s: drifted %v, Evidently %v", want.Version, d, want.Drifted)
		}
	}
}
