package engine_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
)

// versionSeries reads a time series answer as metric -> version -> values per bucket.
func versionSeries(t *testing.T, fs data.Frames) map[string]map[string][]*float64 {
	t.Helper()
	out := map[string]map[string][]*float64{}
	for _, f := range fs {
		for _, field := range f.Fields {
			if field.Type() != data.FieldTypeNullableFloat64 {
				continue
			}
			if out[field.Name] == nil {
				out[field.Name] = map[string][]*float64{}
			}
			vs := make([]*float64, field.Len())
			for i := range vs {
				vs[i] = field.At(i).(*float64)
			}
			out[field.Name][field.Labels["version"]] = vs
		}
	}
	return out
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) <= 1e-12*math.Max(1, math.Abs(*b))
}

// A compareTo shift compares each bucket with the bucket as long before: <metric>_reference is
// the family's own answer over the shifted range, bucket by bucket, and <metric>_change its
// pct_change, ratio or delta; a range reference is one value over its window that every bucket
// is compared with. Both on the raw path and from the rollups.
func TestCompareToMatchesTheFamilyOverTheReferenceWindow(t *testing.T) {
	st, _ := openDemo(t)
	w := query.Window{From: demoEnd.Add(-5 * 24 * time.Hour), To: demoEnd}
	shifted := query.Window{From: w.From.Add(-2 * 24 * time.Hour), To: w.To.Add(-2 * 24 * time.Hour)}
	churn := `"model":"` + demo.ChurnModel + `","positiveClass":"churn","threshold":0.5`
	for _, rollups := range []bool{false, true} {
		eng := &engine.Engine{Store: st, Rollups: rollups, Cache: engine.NewCache()}
		for _, tc := range []struct {
			family, base, metric, as string
			change                   func(c, r float64) float64
		}{
			{"classification", churn, "precision", "pct_change", func(c, r float64) float64 { return 100 * (c - r) / math.Abs(r) }},
			{"regression", `"model":"` + demo.BasketModel + `"`, "mae", "ratio", func(c, r float64) float64 { return c / r }},
			{"operations", `"model":"` + demo.ChurnModel + `"`, "latency_p95", "delta", func(c, r float64) float64 { return c - r }},
		} {
			plain := `{"schemaVersion":1,"queryType":"` + tc.family + `",` + tc.base + `,"metrics":["` + tc.metric + `"],"interval":"1d"}`
			cmp := `{"schemaVersion":1,"queryType":"` + tc.family + `",` + tc.base + `,"metrics":["` + tc.metric + `","` + tc.metric + `_reference","` +
				tc.metric + `_change"],"interval":"1d","compareTo":{"reference":{"type":"shift","shift":"2d"},"as":"` + tc.as + `"}}`
			got := versionSeries(t, runRollupQuery(t, eng, cmp, w))
			cur := versionSeries(t, runRollupQuery(t, eng, plain, w))[tc.metric]
			ref := versionSeries(t, runRollupQuery(t, eng, plain, shifted))[tc.metric]
			if len(cur) == 0 {
				t.Fatalf("%s: no series", plain)
			}
			compared := 0
			for version, vs := range cur {
				for b := range vs {
					c, r := vs[b], ref[version][b]
					if !sameValue(got[tc.metric][version][b], c) || !sameValue(got[tc.metric+"_reference"][version][b], r) {
						t.Fatalf("%s %s bucket %d: %v and %v, want %v and %v", tc.family, version, b, got[tc.metric][version][b], got[tc.metric+"_reference"][version][b], c, r)
					}
					var want *float64
					if c != nil && r != nil {
						v := tc.change(*c, *r)
						want = &v
					}
					if !sameValue(got[tc.metric+"_change"][version][b], want) {
						t.Errorf("%s %s bucket %d: change %v, want %v", tc.family, version, b, got[tc.metric+"_change"][version][b], want)
					}
					if want != nil {
						compared++
					}
				}
			}
			if compared < 3 {
				t.Fatalf("%s: only %d buckets with both values: the test compares nothing", tc.family, compared)
			}
		}
		// A range reference: one value, the family's numeric answer over the window.
		ranged := `{"schemaVersion":1,"queryType":"classification",` + churn + `,"metrics":["recall_reference","recall_change"],"interval":"1d",` +
			`"compareTo":{"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-08T00:00:00Z"}}}`
		got := versionSeries(t, runRollupQuery(t, eng, ranged, w))
		whole := runRollupQuery(t, eng, `{"schemaVersion":1,"queryType":"classification",`+churn+`,"metrics":["recall"],"format":"numeric"}`,
			query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)})
		version, _ := whole[0].FieldByName("version")
		recall, _ := whole[0].FieldByName("recall")
		for i := range version.Len() {
			v := version.At(i).(string)
			for b, r := range got["recall_reference"][v] {
				if !sameValue(r, recall.At(i).(*float64)) {
					t.Fatalf("version %s bucket %d: reference %v, want %v", v, b, r, recall.At(i))
				}
			}
		}
		if _, ok := got["recall"]; ok {
			t.Errorf("the answer has recall, which the query did not ask for")
		}
	}
}

// compareTo's frames say which window they were compared with, and keep the current run's
// meta (where the answer came from).
func TestCompareToFramesSayTheReferenceWindow(t *testing.T) {
	st, _ := openDemo(t)
	eng := &engine.Engine{Store: st, Rollups: true}
	w := query.Window{From: demoEnd.Add(-24 * time.Hour), To: demoEnd}
	fs := runRollupQuery(t, eng, `{"schemaVersion":1,"queryType":"quality","model":"`+demo.BasketModel+`","features":["age"],"metrics":["mean_change"],"format":"numeric",`+
		`"compareTo":{"reference":{"type":"previous"},"as":"delta"}}`, w)
	custom := fs[0].Meta.Custom.(map[string]any)
	c, ok := custom["compareTo"].(map[string]any)
	if !ok || c["as"] != query.ChangeDelta || !c["referenceTo"].(time.Time).Equal(w.From) || c["perBucket"] != false {
		t.Fatalf("meta.custom.compareTo %v", custom["compareTo"])
	}
	if custom["source"] != engine.SourceRollup {
		t.Errorf("meta.custom.source %v", custom["source"])
	}
	if _, has := fs[0].FieldByName("mean_change"); has < 0 {
		t.Errorf("no mean_change field")
	}
}

// A reference window that has ended is computed once: the next refresh reads only the current
// window.
func TestCompareToCachesAnEndedReference(t *testing.T) {
	st, _ := openDemo(t)
	counter := &statisticsCounter{Store: st}
	eng := &engine.Engine{Store: counter, Cache: engine.NewCache()}
	w := query.Window{From: demoEnd.Add(-2 * 24 * time.Hour), To: demoEnd}
	js := `{"schemaVersion":1,"queryType":"regression","model":"` + demo.BasketModel + `","metrics":["mae_change"],"format":"numeric","compareTo":{"reference":{"type":"shift","shift":"7d"}}}`
	runRollupQuery(t, eng, js, w)
	first := counter.reads.Load()
	runRollupQuery(t, eng, js, w)
	if second := counter.reads.Load() - first; second >= first || second == 0 {
		t.Fatalf("reads: %d for the first answer, %d for the second (want fewer: the reference cached)", first, second)
	}
}

// Suffixed metrics need compareTo; compareTo needs a family with metrics, a reference and a
// known comparison; each error says what would be right.
func TestCompareToErrors(t *testing.T) {
	w := query.Window{From: demoEnd.Add(-24 * time.Hour), To: demoEnd}
	for _, tc := range []struct{ js, want string }{
		{`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["mae_change"]}`, "add compareTo"},
		{`{"schemaVersion":1,"queryType":"drift","model":"m","compareTo":{"reference":{"type":"previous"}}}`, "not available for drift"},
		{`{"schemaVersion":1,"queryType":"regression","model":"m","compareTo":{"reference":{"type":"previous"},"as":"percent"}}`, "use one of pct_change, ratio, delta"},
		{`{"schemaVersion":1,"queryType":"regression","model":"m","compareTo":{"as":"ratio"}}`, "needs a reference window"},
		{`{"schemaVersion":1,"queryType":"regression","model":"m","compareTo":{"reference":{"type":"shift","shift":"-1d"}}}`, "compareTo reference shift"},
		{`{"schemaVersion":1,"queryType":"regression","model":"m","metrics":["mae_trend"],"compareTo":{"reference":{"type":"previous"}}}`, `unknown metric "mae_trend"`},
		// Hostile sizes: a shift past the representable times, a reference range of years.
		{`{"schemaVersion":1,"queryType":"regression","model":"m","compareTo":{"reference":{"type":"shift","shift":"99999999d"}}}`, "compareTo"},
		{`{"schemaVersion":1,"queryType":"regression","model":"m","compareTo":{"reference":{"type":"range","from":"1900-01-01T00:00:00Z","to":"2026-01-01T00:00:00Z"}}}`, "compareTo"},
	} {
		raw, err := query.Parse([]byte(tc.js))
		if err == nil {
			_, err = query.Validate(raw, w)
		}
		if err == nil || !errors.Is(err, query.ErrInvalidQuery) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.js, err, tc.want)
		}
	}
	q, err := query.Validate(query.Raw{SchemaVersion: 1, QueryType: query.TypeRegression, Model: "m", CompareTo: &query.CompareTo{Reference: &query.Reference{Type: query.ReferencePrevious}}}, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Metrics) != 3*len(query.RegressionDefaults) || q.Metrics[1] != "mae_reference" || q.Metrics[2] != "mae_change" || q.Change.As != query.ChangePct {
		t.Errorf("defaults with compareTo: %v, %+v", q.Metrics, q.Change)
	}
	_ = context.Background
}
