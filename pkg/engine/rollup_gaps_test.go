package engine_test

import (
	"database/sql"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// A quiet hour (a traffic drop: too few scores to be kept by value or per cell, so capped) no
// longer sends the score to the raw rows for the whole range: quality's counts, means and
// spreads come from the hours' moments (FeatureMoments, never capped) without a raw read, and
// drift of the score from its cells with the capped hour's rows read alone (one read per run
// of hours); quality with the rows' numbers.
func TestACappedHourIsReadFromTheRowsAlone(t *testing.T) {
	db, start := outputHours(t)
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	// Version A's third hour keeps 1 row in 14: about 300 distinct scores, capped once rebuilt.
	quiet := start.Add(2 * time.Hour)
	if _, err := c.Exec(`DELETE FROM predictions WHERE model_version = 'A' AND ts >= ? AND ts < ? AND hash(prediction_id) % 14 <> 0`, quiet, quiet.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	rebuildRollups(t, db)
	st := openStore(t, db)
	w := query.Window{From: start.Add(time.Hour), To: start.Add(4 * time.Hour)}
	queries := outputQueries(start)
	for _, js := range []string{queries[0], queries[1]} {
		fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
		if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has {
			t.Errorf("%s: meta.custom.rawFeatures %v: a capped hour sent the outputs to the rows", js, raw)
		}
	}
	for js, gaps := range map[string]bool{queries[0]: false, queries[2]: true, queries[3]: true} {
		cs := &pathCounter{Store: st}
		fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
		if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has || sourceOf(t, fs) != engine.SourceRollup {
			t.Errorf("%s: source %s, rawFeatures %v", js, sourceOf(t, fs), raw)
		}
		if wantReads := map[bool]int64{false: 0, true: 1}[gaps]; (cs.gaps.Load() > 0) != gaps || cs.raw.Load() != wantReads {
			t.Errorf("%s: %d capped hours, %d raw reads: want gaps %v, %d raw reads", js, cs.gaps.Load(), cs.raw.Load(), gaps, wantReads)
		}
	}
}

// More than store.FeatureGapCap capped hours in a range send the feature's drift to the raw
// rows, named in meta.custom.rawFeatures, with the same numbers; its quality still comes from
// the hours' moments without a raw read.
func TestManyCappedHoursReadTheRows(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	hours := store.FeatureGapCap/2 + 2 // both versions capped in each: more gaps than the cap
	xs := make([]float64, hours*600)
	for i := range xs {
		xs[i] = math.Exp(float64(i%600)/60) * (1 + float64(i)/1e6) // 300 distinct values per hour and version
	}
	st, err := duckdb.Open(writeFeatures(t, start, time.Duration(hours)*time.Hour, xs), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := query.Window{From: start.Add(time.Hour), To: start.Add(time.Duration(hours) * time.Hour)}
	ref := `"reference":{"type":"range","from":"` + start.Format(time.RFC3339) + `","to":"` + start.Add(time.Hour).Format(time.RFC3339) + `"}`
	drift := `{"schemaVersion":1,"queryType":"drift","model":"m","features":["x","c"],"method":"auto","format":"numeric",` + ref + `}`
	fs := compareFeatureSources(t, st, drift, w, engine.SourceRollup)
	if raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string); !slices.Equal(raw, []string{"x"}) {
		t.Errorf("drift: meta.custom.rawFeatures %v, want [x]", raw)
	}
	quality := `{"schemaVersion":1,"queryType":"quality","model":"m","features":["x","c"],"metrics":["rows","missing_share","mean","std","std_ratio"],"format":"numeric",` + ref + `}`
	fs = compareFeatureSources(t, st, quality, w, engine.SourceRollup)
	if raw, has := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; has {
		t.Errorf("quality: meta.custom.rawFeatures %v, want none (moments)", raw)
	}
}

// With rollups kept per segment a capped hour of one segment is not its hour's only row, so it
// is no gap: reading the hour's rows would count the other segments twice. The feature reads
// the rows for the whole range, named in meta.custom.rawFeatures, with the rows' numbers (with
// gaps the PSI was 0.487 against the rows' 0.602).
func TestCappedHoursOfASegmentReadTheRows(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	perHour := 3000
	xs := make([]float64, 3*perHour)
	for i := range xs {
		xs[i] = float64(i % 40)
		// Hour 1, version A (even rows), segment red (c = red: i%3 == 0): over 400 distinct
		// values over nine orders of magnitude, kept neither by value nor per cell.
		if i/perHour == 1 && i%2 == 0 && i%3 == 0 {
			xs[i] = math.Pow(10, float64(i%997)/997*9-3)
		}
	}
	db := writeFeatures(t, start, 3*time.Hour, xs)
	setSegments(t, db, "c")
	st := openStore(t, db)
	ref := `"reference":{"type":"range","from":"` + start.Format(time.RFC3339) + `","to":"` + start.Add(time.Hour).Format(time.RFC3339) + `"}`
	js := `{"schemaVersion":1,"queryType":"drift","model":"m","features":["x"],"method":"psi","format":"numeric",` + ref + `}`
	cs := &pathCounter{Store: st}
	fs := compareFeatureSources(t, st, js, query.Window{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)}, engine.SourceRaw)
	if raw, _ := fs[0].Meta.Custom.(map[string]any)["rawFeatures"].([]string); !slices.Equal(raw, []string{"x"}) {
		t.Errorf("meta.custom.rawFeatures %v, want [x]", raw)
	}
	runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, query.Window{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)})
	if cs.gaps.Load() != 0 {
		t.Errorf("%d gaps with rollups per segment", cs.gaps.Load())
	}
}
