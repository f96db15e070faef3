package engines_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// demoEnd is the end of the demo data the dashboards are opened on.
var demoEnd = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

// Every query of every provisioned dashboard, opened at the end of the demo data with its
// variables' current values, answers on PostgreSQL with the embedded store's frames: every
// family with the demo's stories (thresholds, score metrics, drift histograms of numbers and
// categories, outcomes, comparisons, last seen), read from the rows on both.
func TestProvisionedDashboardsEqualTheEmbeddedStore(t *testing.T) {
	srv, duckPath := demoOnBoth(t)
	duck, pg := openBoth(t, duckPath, srv)
	for _, st := range []*sqlstore.Store{duck, pg} {
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
	}
	targets := dashboardTargets(t)
	for _, dt := range targets {
		t.Run(dt.name, func(t *testing.T) {
			if sameFrames(t, runWindow(t, duck, dt.json, dt.window), runWindow(t, pg, dt.json, dt.window)) == 0 {
				t.Errorf("%s: no values to compare", dt.json)
			}
		})
	}
}

// demoOnBoth writes the demo into a DuckDB store (demoStore) and copies it into a private
// PostgreSQL server.
func demoOnBoth(t *testing.T) (*pgserver.Server, string) {
	t.Helper()
	srv := pgserver.Start(t)
	duckPath := demoStore(t)
	srv.CopyTable(t, duckPath, "predictions")
	return srv, duckPath
}

// demoStore writes the demo (60k predictions over the 30 days to demoEnd) into a DuckDB store
// through the loader.
func demoStore(t *testing.T) string {
	t.Helper()
	duckPath := filepath.Join(t.TempDir(), "demo.duckdb")
	if _, err := demostore.Write(duckPath, demo.Options{Rows: 60_000, Span: 30 * 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed}); err != nil {
		t.Fatal(err)
	}
	return duckPath
}

// dashboardTarget is one query of a provisioned dashboard's panel, its variables replaced by
// their current values, over the dashboard's range (or the panel's) ending at demoEnd.
type dashboardTarget struct {
	name, queryType string
	json            []byte
	window          query.Window
	interval        time.Duration
}

// dashboardTargets lists every query of the provisioned dashboards on a Modelwatch data source.
func dashboardTargets(t *testing.T) []dashboardTarget {
	t.Helper()
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	prov, errs := provfiles.Load(root)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	types := prov.DatasourceTypes()
	var out []dashboardTarget
	for _, rel := range provfiles.SortedKeys(prov.Dashboards) {
		db := prov.Dashboards[rel]
		from, err := provfiles.ParseDashboardTime(db.Time.From, demoEnd)
		if err != nil {
			t.Fatal(err)
		}
		for _, pan := range provfiles.FlattenPanels(db.Panels) {
			for i, target := range pan.Targets {
				ds := pan.Datasource
				if raw, ok := target["datasource"].(map[string]any); ok {
					ds = &provfiles.DatasourceRef{UID: fmt.Sprint(raw["uid"])}
				}
				if ds == nil || types[ds.UID] != provfiles.DatasourceID {
					continue
				}
				dt := dashboardTarget{name: fmt.Sprintf("%s/panel-%d/%d", db.UID, pan.ID, i), window: query.Window{From: from, To: demoEnd}, interval: time.Hour}
				if pan.TimeFrom != "" {
					d, err := provfiles.ParsePromDuration(pan.TimeFrom)
					if err != nil {
						t.Fatal(err)
					}
					dt.window.From = demoEnd.Add(-d)
				}
				if s, _ := target["interval"].(string); s != "" {
					if dt.interval, err = provfiles.ParsePromDuration(s); err != nil {
						t.Fatal(err)
					}
				}
				model, err := db.Interpolate(target)
				if err != nil {
					t.Fatal(err)
				}
				dt.queryType, _ = model["queryType"].(string)
				if dt.json, err = json.Marshal(model); err != nil {
					t.Fatal(err)
				}
				out = append(out, dt)
			}
		}
	}
	if len(out) < 30 {
		t.Fatalf("only %d dashboard queries", len(out))
	}
	return out
}

// runWindow runs a query's JSON over a window on a store, from its rows.
func runWindow(t *testing.T, st *sqlstore.Store, js []byte, w query.Window) data.Frames {
	t.Helper()
	return runOn(t, &engine.Engine{Store: st}, js, w)
}

// runOn runs a query's JSON over a window through an engine.
func runOn(t *testing.T, e *engine.Engine, js []byte, w query.Window) data.Frames {
	t.Helper()
	rq, err := query.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(rq, w)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Run(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return fs
}
