package engine_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// demoStores writes the same demo rows twice: as generated (each model with its versions) and
// with every version renamed "all", the answer a combined query must give.
func demoStores(t *testing.T) (versioned, pooled *sqlstore.Store) {
	t.Helper()
	o := demo.Options{Rows: 20_000, Span: 10 * 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed}
	open := func(name string, rename bool) *sqlstore.Store {
		db := filepath.Join(t.TempDir(), name)
		w, err := duckdb.OpenWriter(db, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error {
			return demo.Generate(o, func(row []driver.Value) error {
				if rename {
					row[3] = "all"
				}
				return emit(row)
			})
		}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return openStore(t, db)
	}
	return open("versioned.duckdb", false), open("pooled.duckdb", true)
}

// combinedValues flattens a result's numbers by field name, time and every label but version.
func combinedValues(t *testing.T, fs data.Frames) map[string]*float64 {
	t.Helper()
	out := map[string]*float64{}
	for _, f := range fs {
		var ts *data.Field
		var labelCols []*data.Field
		for _, fd := range f.Fields {
			switch fd.Type() {
			case data.FieldTypeTime:
				ts = fd
			case data.FieldTypeString:
				if fd.Name != "version" {
					labelCols = append(labelCols, fd)
				}
			}
		}
		for _, fd := range f.Fields {
			if fd.Type() != data.FieldTypeNullableFloat64 {
				continue
			}
			labels := data.Labels{}
			for k, v := range fd.Labels {
				if k != "version" {
					labels[k] = v
				}
			}
			for i := range fd.Len() {
				key := fd.Name + "{" + labels.String() + "}"
				for _, c := range labelCols {
					key += fmt.Sprintf(" %s=%v", c.Name, c.At(i))
				}
				if ts != nil {
					key += " @" + ts.At(i).(time.Time).Format(time.RFC3339)
				}
				v, _ := fd.ConcreteAt(i)
				if x, ok := v.(float64); ok {
					out[key] = &x
				} else {
					out[key] = nil
				}
			}
		}
	}
	return out
}

// A query with combineVersions answers for the model as a whole: every number equals the
// per-version answer on a store where all the model's rows carry one version, from raw rows
// and from the rollups, over whole hours and a ragged range, and the frames carry no version.
func TestCombineVersionsEqualsOneVersionOfAllTheRows(t *testing.T) {
	versioned, pooled := demoStores(t)
	whole := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	ragged := query.Window{From: whole.From.Add(-17 * time.Minute), To: whole.To.Add(-41 * time.Minute)}
	queries := []string{
		`{"schemaVersion":1,"queryType":"operations","model":"%s"%s,"metrics":["requests","throughput","error_rate","availability","latency_p50","latency_p95","latency_mean","latency_max","last_seen_seconds"],"format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"%s"%s,"metrics":["requests","error_rate","latency_p95","last_seen_seconds"],"interval":"6h"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"%s"%s,"metrics":["requests_change"],"compareTo":{"reference":{"type":"shift","shift":"1d"}},"interval":"6h"}`,
		`{"schemaVersion":1,"queryType":"coverage","model":"%s"%s,"metrics":["label_coverage","labeled_rows"],"format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"%s"%s,"metrics":["requests","latency_p95"],"groupBy":"plan","format":"numeric"}`,
	}
	outcomes := []string{
		`{"schemaVersion":1,"queryType":"outcome","model":"%s"%s,"outcome":"clicked","metrics":["rate","count","coverage","sum"],"format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"outcome","model":"%s"%s,"outcome":"clicked","metrics":["rate_change"],"compareTo":{"reference":{"type":"shift","shift":"1d"}},"interval":"12h"}`,
	}
	for _, model := range []string{demo.BasketModel, demo.ChurnModel, demo.RankerModel} {
		queries := queries
		if model == demo.RankerModel {
			queries = outcomes // its release r2 replaces r1 in the range
		}
		for _, q := range queries {
			for _, rollups := range []bool{false, true} {
				for _, w := range []query.Window{whole, ragged} {
					name := fmt.Sprintf("%s rollups=%v %s", model, rollups, w.From.Format(time.TimeOnly))
					got := runRollupQuery(t, &engine.Engine{Store: versioned, Rollups: rollups}, fmt.Sprintf(q, model, `,"combineVersions":true`), w)
					want := runRollupQuery(t, &engine.Engine{Store: pooled, Rollups: rollups}, fmt.Sprintf(q, model, ""), w)
					for _, f := range got {
						if version, _ := f.FieldByName("version"); version != nil {
							t.Fatalf("%s: %s: a combined frame has a version field", name, q)
						}
						for _, fd := range f.Fields {
							if _, has := fd.Labels["version"]; has {
								t.Fatalf("%s: %s: a combined series is labelled with a version: %v", name, q, fd.Labels)
							}
						}
					}
					g, wv := combinedValues(t, got), combinedValues(t, want)
					if len(g) == 0 || len(g) != len(wv) {
						t.Fatalf("%s: %s: %d values combined, %d on the one-version store", name, q, len(g), len(wv))
					}
					for k, x := range wv {
						y, ok := g[k]
						switch {
						case !ok:
							t.Errorf("%s: %s: no %s", name, q, k)
						case (x == nil) != (y == nil):
							t.Errorf("%s: %s: %s = %v, want %v", name, q, k, deref(y), deref(x))
						case x != nil && math.Abs(*x-*y) > 1e-9*math.Max(1, math.Abs(*x)):
							t.Errorf("%s: %s: %s = %v, want %v", name, q, k, *y, *x)
						}
					}
				}
			}
		}
	}
}

// combineVersions is refused where versions are compared or profiled one by one.
func TestCombineVersionsIsForOperationsCoverageAndOutcome(t *testing.T) {
	w := query.Window{From: demoEnd.Add(-time.Hour), To: demoEnd}
	for _, typ := range query.Types {
		raw := query.Raw{SchemaVersion: 1, QueryType: typ, Model: "m", Versions: []string{"a", "b"}, PositiveClass: "p", Outcome: "clicked", CombineVersions: true}
		_, err := query.Validate(raw, w)
		combinable := slices.Contains(query.CombinableTypes, typ)
		if combinable && err != nil {
			t.Errorf("%s: %v", typ, err)
		}
		if !combinable && (err == nil || !strings.Contains(err.Error(), "combineVersions is for")) {
			t.Errorf("%s with combineVersions: error %v, want it refused naming the families it is for", typ, err)
		}
	}
}
