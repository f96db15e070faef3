package plugin_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// peerQuery is a drift query with a peer's definitions and the peer's results on the rows it
// selects: the score, and Evidently's threshold and verdict (NannyML's thresholds come from
// its reference chunks, so its cases have none).
type peerQuery struct {
	Name   string
	Query  map[string]any
	Series []struct {
		Version   string
		Method    string
		Score     *float64
		Drifted   *bool
		Threshold *float64
	}
}

// Drift with the peers' definitions, end to end: the families CSV through the loader, each query
// through QueryData, against Evidently 0.7.23's and NannyML 0.13.1's own methods on the rows the
// query selects (scripts/golden/evidently_drift.py, nannyml_drift.py). The data source's
// definitions apply to queries that name none, and a query's own definitions win over the data
// source's.
func TestPeerDefinitionsThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/families/predictions.csv")
	perQuery := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(perQuery.Dispose)
	for _, peer := range []struct {
		definitions string
		least       int
	}{{"evidently", 20}, {"nannyml", 4}} {
		var golden struct{ Queries []peerQuery }
		readJSON(t, "../../testdata/golden/"+peer.definitions+"/cases.json", &golden)
		if len(golden.Queries) < peer.least {
			t.Fatalf("%d golden %s queries, want the script's %d", len(golden.Queries), peer.definitions, peer.least)
		}
		perSource := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, Definitions: peer.definitions}, plugin.OpenStore)
		t.Cleanup(perSource.Dispose)
		for _, c := range golden.Queries {
			t.Run(peer.definitions+"/"+c.Name, func(t *testing.T) {
				checkPeerQuery(t, perQuery, peer.definitions, c, c.Query)
				withoutDefinitions := map[string]any{}
				for k, v := range c.Query {
					if k != "definitions" {
						withoutDefinitions[k] = v
					}
				}
				checkPeerQuery(t, perSource, peer.definitions, c, withoutDefinitions)
			})
		}
	}
	perSource := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, Definitions: "evidently"}, plugin.OpenStore)
	t.Cleanup(perSource.Dispose)
	var golden struct{ Queries []peerQuery }
	readJSON(t, "../../testdata/golden/evidently/cases.json", &golden)
	// A query's own definitions win: Evidently's chi-square of segment (a category the reference
	// never saw: p-value 0) is not this project's homogeneity test.
	found := false
	for _, c := range golden.Queries {
		if c.Name != "chisquare on segment" {
			continue
		}
		found = true
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
	if !found {
		t.Fatal("no golden query \"chisquare on segment\"")
	}
}

func runDrift(t *testing.T, ds *plugin.Datasource, q map[string]any) *data.Frame {
	t.Helper()
	fs := runDriftFrames(t, ds, q)
	if len(fs) != 1 {
		t.Fatalf("%v: %d frames, want 1", q, len(fs))
	}
	return fs[0]
}

// runDriftFrames runs a drift query through QueryData over the families CSV's range.
func runDriftFrames(t *testing.T, ds *plugin.Datasource, q map[string]any) data.Frames {
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
	if r.Error != nil || len(r.Frames) == 0 {
		t.Fatalf("%s: %v (%d frames)", raw, r.Error, len(r.Frames))
	}
	return r.Frames
}

func checkPeerQuery(t *testing.T, ds *plugin.Datasource, definitions string, c peerQuery, q map[string]any) {
	t.Helper()
	f := runDrift(t, ds, q)
	if f.Meta == nil || f.Meta.Custom.(map[string]any)["definitions"] != definitions {
		t.Errorf("meta.custom does not say definitions %s: %+v", definitions, f.Meta)
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
		// A permutation p-value (Evidently's TVD) agrees within the draws' error, its verdict
		// where the p-value is clear of the threshold.
		tolerance, clear := 1e-9, true
		if slack := metrics.PermutationSlack(want.Method, 0.5); slack > 0 && want.Score != nil && want.Threshold != nil {
			tolerance = metrics.PermutationSlack(want.Method, *want.Score)
			clear = math.Abs(*want.Score-*want.Threshold) > tolerance
		}
		switch {
		case (got == nil) != (want.Score == nil):
			t.Errorf("%s: score %v, %s's %v", want.Version, got, definitions, want.Score)
		case got != nil && math.Abs(*got-*want.Score) > tolerance*math.Max(1, math.Abs(*want.Score)):
			t.Errorf("%s: score %.15g, %s's %.15g", want.Version, *got, definitions, *want.Score)
		}
		if th := *threshold.At(i).(*float64); want.Threshold != nil && th != *want.Threshold {
			t.Errorf("%s: threshold %v, %s's %v", want.Version, th, definitions, *want.Threshold)
		}
		if d := *drifted.At(i).(*float64) == 1; want.Drifted != nil && clear && d != *want.Drifted {
			t.Errorf("%s: drifted %v, %s's %v", want.Version, d, definitions, *want.Drifted)
		}
	}
}
