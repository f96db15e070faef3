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
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/postgres"
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
	srv := pgserver.Start(t)
	duckPath := filepath.Join(t.TempDir(), "demo.duckdb")
	if _, err := demostore.Write(duckPath, demo.Options{Rows: 60_000, Span: 30 * 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed}); err != nil {
		t.Fatal(err)
	}
	copyTable(t, duckPath, srv.URL, "predictions")
	duck, err := duckdb.Open(duckPath, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = duck.Close() })
	pg, err := postgres.Open(srv.URL, "predictions", postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Close() })
	for _, st := range []*sqlstore.Store{duck, pg} {
		if err := st.WithOutcomes([]string{demo.OutcomeColumn}); err != nil {
			t.Fatal(err)
		}
	}
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	prov, errs := provfiles.Load(root)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	types := prov.DatasourceTypes()
	n := 0
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
				w := query.Window{From: from, To: demoEnd}
				if pan.TimeFrom != "" {
					d, err := provfiles.ParsePromDuration(pan.TimeFrom)
					if err != nil {
						t.Fatal(err)
					}
					w.From = demoEnd.Add(-d)
				}
				model, err := db.Interpolate(target)
				if err != nil {
					t.Fatal(err)
				}
				js, err := json.Marshal(model)
				if err != nil {
					t.Fatal(err)
				}
				n++
				t.Run(fmt.Sprintf("%s/panel-%d/%d", db.UID, pan.ID, i), func(t *testing.T) {
					if sameFrames(t, runWindow(t, duck, js, w), runWindow(t, pg, js, w)) == 0 {
						t.Errorf("%s: no values to compare", js)
					}
				})
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d dashboard queries", n)
	}
}

// runWindow runs a query's JSON over a window on a store, from its rows.
func runWindow(t *testing.T, st *sqlstore.Store, js []byte, w query.Window) data.Frames {
	t.Helper()
	rq, err := query.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	q, err := query.Validate(rq, w)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := (&engine.Engine{Store: st}).Run(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %s: %v", st.DB().Driver(), js, err)
	}
	return fs
}
