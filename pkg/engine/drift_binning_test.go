package engine_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// wideValues is more distinct values than ks and wasserstein count one by one (the grid's
// 4096 cells), far fewer than the 200,000 above which the store used to give up on values.
const wideValues = 10_000

// binningStore holds, in the reference day (2026-03-01) and the current day (2026-03-02),
// wideValues distinct floats of feature size and 20 distinct values of feature steps; it
// returns the raw values of size per window.
func binningStore(t *testing.T) (st store.Store, ref, cur []float64) {
	t.Helper()
	return twoDayStore(t, "binning.duckdb",
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_value DOUBLE, actual_value DOUBLE, size DOUBLE, steps DOUBLE)`,
		`INSERT INTO predictions SELECT 'r' || i, TIMESTAMP '2026-03-01' + to_microseconds(i * 8000), 'reg', 'A', 1, 1,
			100 * ((i * 0.6180339887498949) % 1), i % 20 FROM range(10000) AS t(i)`,
		`INSERT INTO predictions SELECT 'c' || i, TIMESTAMP '2026-03-02' + to_microseconds(i * 8000), 'reg', 'A', 1, 1,
			0.1 + 100.2 * ((i * 0.7548776662466927) % 1), (i * 7) % 20 + (i % 3 = 0)::INTEGER FROM range(10000) AS t(i)`)
}

// distributionRows records, per feature column, the most rows one distribution read returned.
type distributionRows struct {
	store.Store
	mu   sync.Mutex
	most map[string]int
}

func (d *distributionRows) Distribution(ctx context.Context, r store.DistributionRequest) ([]store.DistributionCount, error) {
	out, err := d.Store.Distribution(ctx, r)
	n := map[string]int{}
	for _, c := range out {
		n[r.Features[c.Feature].Column]++
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for col, k := range n {
		d.most[col] = max(d.most[col], k)
	}
	return out, err
}

// Regression: a numeric feature with fewer than 200,000 distinct values came back from the
// store one row per value for ks, wasserstein and auto (10,000 rows here; millions of groups
// on a real table, 57 s for 4 continuous features over 10M rows). Its reference has more
// distinct values than the grid has cells, so it is now counted per bin and grid cell:
// O(bins + cells) rows per window, and the answer keeps to the grid's stated bound.
func TestDriftCountsContinuousFeatureOnTheGrid(t *testing.T) {
	base, ref, cur := binningStore(t)
	exact := exactValues(ref, cur)
	if len(exact.Values) != 2*wideValues {
		t.Fatalf("%d distinct values, want %d", len(exact.Values), 2*wideValues)
	}
	const most = 22 + metrics.GridCells + 2 + 1 // bins, cells, a null row
	for _, method := range []string{metrics.MethodKS, metrics.MethodWasserstein, metrics.MethodAuto, metrics.MethodPSI} {
		rec := &distributionRows{Store: base, most: map[string]int{}}
		frames, err := runSmall(t, &engine.Engine{Store: rec}, driftQuery(method))
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if n := rec.most["size"]; n == 0 || n > most {
			t.Errorf("%s: a distribution read returned %d rows for size, want at most %d (bins and grid cells, not values)", method, n, most)
		}
		if method == metrics.MethodPSI {
			continue
		}
		var want metrics.DriftResult
		if method == metrics.MethodKS {
			want, err = metrics.KS(exact, 0.05)
		} else {
			want, err = metrics.Wasserstein(exact, 0.1)
		}
		if err != nil {
			t.Fatal(err)
		}
		f := frames[0]
		list := approximationsOf(t, f)
		if len(list) != 1 {
			t.Fatalf("%s: meta.custom.approximations %+v, want one for size", method, list)
		}
		stat, score := numberField(t, f, "statistic"), numberField(t, f, "score")
		if d := math.Abs(stat - *want.Statistic); d > list[0].StatisticBound {
			t.Errorf("%s: statistic %v is %v from the exact %v, beyond the stated bound %v", method, stat, d, *want.Statistic, list[0].StatisticBound)
		}
		if d := math.Abs(score - *want.Score); d > list[0].ScoreBound {
			t.Errorf("%s: score %v is %v from the exact %v, beyond the stated bound %v", method, score, d, *want.Score, list[0].ScoreBound)
		}
	}
}

// distributionRequests records the features of every distribution read.
type distributionRequests struct {
	store.Store
	mu       sync.Mutex
	features []store.DistributionFeature
}

func (d *distributionRequests) Distribution(ctx context.Context, r store.DistributionRequest) ([]store.DistributionCount, error) {
	d.mu.Lock()
	d.features = append(d.features, r.Features...)
	d.mu.Unlock()
	return d.Store.Distribution(ctx, r)
}

// The reference's distinct values decide how a feature is counted: steps has 20 in the
// reference, so a binned method still reads its values (Evidently's rule compares up to 20
// values as buckets); size has 10,000, which the estimate puts certainly above psi's 20
// (Binned) but not certainly above ks's 4,096 (a factor of 4 is trusted), so for ks the store
// counts it and finds each series above the limit. ks keeps steps exact (no approximation)
// and counts size on the grid either way.
func TestDriftDecidesCountingFromTheReference(t *testing.T) {
	base, _, _ := binningStore(t)
	for _, c := range []struct {
		method               string
		stepsMax, sizeMax    int
		sizeBinned           bool
		approximatedFeatures int
	}{
		{metrics.MethodPSI, metrics.MaxValueBuckets, metrics.MaxValueBuckets, true, 0},
		{metrics.MethodKS, metrics.GridCells, metrics.GridCells, false, 1},
	} {
		rec := &distributionRequests{Store: base}
		q := `{"schemaVersion":1,"queryType":"drift","model":"reg","versions":["A"],"features":["size","steps"],"method":"` + c.method + `",
		"metrics":["statistic","score"],"format":"numeric","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`
		frames, err := runSmall(t, &engine.Engine{Store: rec}, q)
		if err != nil {
			t.Fatalf("%s: %v", c.method, err)
		}
		if len(rec.features) != 4 {
			t.Fatalf("%s: %d features read, want 2 per window", c.method, len(rec.features))
		}
		for _, f := range rec.features {
			wantBinned, wantMax := f.Column == "size" && c.sizeBinned, c.stepsMax
			if f.Column == "size" {
				wantMax = c.sizeMax
			}
			if f.Binned != wantBinned || f.MaxValues != wantMax {
				t.Errorf("%s: %s read with Binned %v and MaxValues %d, want %v and %d", c.method, f.Column, f.Binned, f.MaxValues, wantBinned, wantMax)
			}
		}
		list := approximationsOf(t, frames[0])
		if len(list) != c.approximatedFeatures || (len(list) == 1 && list[0].Feature != "size") {
			t.Errorf("%s: approximations %+v, want %d (size's)", c.method, list, c.approximatedFeatures)
		}
	}
}

// Regression: the reference's statistics counted each numeric feature's distinct values
// exactly (count(DISTINCT), a hash of every value: 0.25-0.45 s per feature per 5M rows, more
// than the rest of a cold drift query's reference statistics together). They are estimated
// now, and the decisions stay exact (TestDriftDecidesCountingFromTheReference).
func TestDriftReferenceCountsNoDistinctValuesExactly(t *testing.T) {
	base, _, _ := binningStore(t)
	for _, method := range []string{metrics.MethodPSI, metrics.MethodKS, metrics.MethodAuto} {
		rec := &recordingStore{Store: base}
		q := `{"schemaVersion":1,"queryType":"drift","model":"reg","versions":["A"],"features":["size","steps"],"method":"` + method + `",
		"metrics":["score"],"format":"numeric","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`
		if _, err := runSmall(t, &engine.Engine{Store: rec}, q); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		for _, kinds := range rec.aggregates {
			if slices.Contains(kinds, string(store.MeasureDistinct)) {
				t.Errorf("%s: the reference's statistics %v count distinct values exactly", method, kinds)
			}
		}
	}
}
