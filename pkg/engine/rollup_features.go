package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// featureKey is one series of a window's feature values: feature (an index of the columns
// read), bucket (epoch microseconds; 0 for the whole range) and version.
type featureKey struct {
	feature int
	bucket  int64
	version string
}

// featureValues is a series' rows per value (numbers or texts, by the feature's kind) and its
// rows without a value; a number series some hours of which the rollup kept per cell has those
// hours' rows per cell instead (cells, one entry per cell read).
type featureValues struct {
	numbers map[float64]int64
	texts   map[string]int64
	nulls   int64
	cells   []featureCell
}

// featureCell is the rows of one cell of the feature rollup's grid (store.FeatureCell).
type featureCell struct {
	store.FeatureCell
	n int64
}

// windowValues are a window's feature values per series, read from the rollups (whole hours)
// and raw rows (the partial hours at the ends), merged; raw lists the columns (by index) the
// rollups could not answer, which have no values here.
type windowValues struct {
	series map[featureKey]*featureValues
	keys   []featureKey // in the order first seen
	raw    []int
	plan   *rollupPlan
	// gaps are the hours of some features that the feature rollup kept no values for (capped):
	// addEdgeValues counts them from raw rows, as it counts the partial hours.
	gaps []store.FeatureGap
}

func (w *windowValues) add(k featureKey, null bool, number float64, text string, numeric bool, n int64) {
	v := w.get(k)
	switch {
	case null:
		v.nulls += n
	case numeric:
		v.numbers[number] += n
	default:
		v.texts[text] += n
	}
}

// addCell adds the rows of one rollup cell to a series.
func (w *windowValues) addCell(k featureKey, c store.FeatureCell, n int64) {
	v := w.get(k)
	v.cells = append(v.cells, featureCell{FeatureCell: c, n: n})
}

func (w *windowValues) get(k featureKey) *featureValues {
	v := w.series[k]
	if v == nil {
		v = &featureValues{numbers: map[float64]int64{}, texts: map[string]int64{}}
		w.series[k] = v
		w.keys = append(w.keys, k)
	}
	return v
}

// readingRaw returns the window with the columns of more (by index) read from raw rows: listed
// in raw, without series.
func (w *windowValues) readingRaw(more []int) *windowValues {
	if len(more) == 0 {
		return w
	}
	out := &windowValues{series: map[featureKey]*featureValues{}, raw: slices.Clone(w.raw), plan: w.plan}
	for _, i := range more {
		if !slices.Contains(out.raw, i) {
			out.raw = append(out.raw, i)
		}
	}
	slices.Sort(out.raw)
	for _, k := range w.keys {
		if !slices.Contains(out.raw, k.feature) {
			out.series[k] = w.series[k]
			out.keys = append(out.keys, k)
		}
	}
	return out
}

// celled lists the columns (by index) some series of which holds rollup cells.
func (w *windowValues) celled() []int {
	var out []int
	for _, k := range w.keys {
		if len(w.series[k].cells) > 0 && !slices.Contains(out, k.feature) {
			out = append(out, k.feature)
		}
	}
	slices.Sort(out)
	return out
}

// featureRollups is the planner for a feature window (the current one or the reference): a
// plan when the rollups may answer the scope (rollupFor's conditions, filters on segment
// columns included, over the scope's range and filters, per bucket of width bucket or over
// the whole range) and the store keeps a
// usable feature rollup; nil otherwise.
func (e *Engine) featureRollups(ctx context.Context, sc store.Scope, bucket time.Duration) (*rollupPlan, store.FeatureRollupStore, error) {
	pq := query.Query{Model: sc.Model, From: sc.From, To: sc.To, Filters: sc.Filters, GroupBy: sc.GroupBy, Format: query.FormatNumeric}
	if bucket > 0 {
		pq.Format, pq.Bucket = query.FormatTimeSeries, bucket
	}
	p, err := e.rollupFor(ctx, pq, segmentFilters)
	if err != nil || p == nil {
		return nil, nil, err
	}
	fs, ok := p.rs.(store.FeatureRollupStore)
	if !ok {
		return nil, nil, nil
	}
	usable, err := catalogued(ctx, e, "rollups-features-usable", func() (bool, error) {
		usable, _, err := fs.RollupFeatures(ctx)
		return usable, err
	})
	if err != nil || !usable {
		return nil, nil, err
	}
	return p, fs, nil
}

// featureMemo keeps the feature values a quality or drift query read from the rollups, per
// window, for the query's other statistics of the same window: the reference's range, its
// categories and its distribution are then one read of the rollup, not one each.
type featureMemo struct {
	cols    []store.Column // the query's features, read together
	mu      sync.Mutex
	windows map[string]*windowValues
}

type featureMemoKey struct{}

// withFeatureMemo returns a context whose feature values reads (readFeatureValues) of any of
// cols are shared for the query it carries.
func withFeatureMemo(ctx context.Context, cols []store.Column) context.Context {
	return context.WithValue(ctx, featureMemoKey{}, &featureMemo{cols: cols, windows: map[string]*windowValues{}})
}

// featureMemoHolds reports whether the context's featureMemo already holds a window's values (a
// query's reference categories read them): its other statistics then come from them, not from
// another read.
func featureMemoHolds(ctx context.Context, sc store.Scope, bucket time.Duration) bool {
	m, _ := ctx.Value(featureMemoKey{}).(*featureMemo)
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.windows[cacheKey("feature-values", sc, bucket.String())] != nil
}

// readFeatureValues reads the values of columns over a scope per bucket and version (through
// the context's featureMemo when it holds them).
func (e *Engine) readFeatureValues(ctx context.Context, p *rollupPlan, fs store.FeatureRollupStore, sc store.Scope, bucket time.Duration, cols []store.Column) (*windowValues, error) {
	m, _ := ctx.Value(featureMemoKey{}).(*featureMemo)
	at := make([]int, len(cols)) // each column's index in the memo's columns
	for i, c := range cols {
		if at[i] = -1; m != nil {
			at[i] = slices.IndexFunc(m.cols, func(mc store.Column) bool { return mc.Name == c.Name })
		}
		if at[i] < 0 {
			return e.readWindowValues(ctx, p, fs, sc, bucket, cols)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := cacheKey("feature-values", sc, bucket.String())
	all := m.windows[key]
	if all == nil {
		var err error
		if all, err = e.readWindowValues(ctx, p, fs, sc, bucket, m.cols); err != nil {
			return nil, err
		}
		m.windows[key] = all
	}
	w := &windowValues{series: map[featureKey]*featureValues{}, plan: all.plan}
	for i, j := range at {
		if slices.Contains(all.raw, j) {
			w.raw = append(w.raw, i)
		}
	}
	for _, k := range all.keys {
		if i := slices.Index(at, k.feature); i >= 0 {
			nk := k
			nk.feature = i
			w.series[nk] = all.series[k]
			w.keys = append(w.keys, nk)
		}
	}
	return w, nil
}

// readWindowValues reads the values of columns over a scope per bucket and version: the whole
// hours from the feature rollup, the partial hours at the range's ends from raw rows (counted
// by value: the rollups answer a column only when no hour has more than
// store.FeatureRollupCap values, so neither has a part of one).
func (e *Engine) readWindowValues(ctx context.Context, p *rollupPlan, fs store.FeatureRollupStore, sc store.Scope, bucket time.Duration, cols []store.Column) (*windowValues, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rows, raw, gaps, err := fs.RollupFeatureValues(ctx, p.request(sc.Model, sc.Versions, bucket), names)
	if err != nil {
		return nil, err
	}
	w := &windowValues{series: map[featureKey]*featureValues{}, plan: p, raw: raw, gaps: gaps}
	for _, r := range rows {
		k := featureKey{feature: r.Feature, bucket: micros(bucket, r.Bucket), version: r.Version}
		if r.Cell != nil {
			w.addCell(k, *r.Cell, r.Count)
			continue
		}
		w.add(k, r.Null, r.Number, r.Text, isNumeric(cols[r.Feature]), r.Count)
	}
	return w, e.addEdgeValues(ctx, w, sc, bucket, cols)
}

// addEdgeValues adds to w the values of the partial hours at the ends of its plan's range, of
// the columns w does not read raw, and of its gaps (capped hours of some columns), read from raw
// rows and counted by value: one read per edge, and per version and run of consecutive hours
// with the same gapped columns.
func (e *Engine) addEdgeValues(ctx context.Context, w *windowValues, sc store.Scope, bucket time.Duration, cols []store.Column) error {
	if len(w.raw) < len(cols) {
		var rolled []int
		for i := range cols {
			if !slices.Contains(w.raw, i) {
				rolled = append(rolled, i)
			}
		}
		for _, edge := range w.plan.edges {
			es := sc
			es.From, es.To = edge[0], edge[1]
			if err := e.addRawValues(ctx, w, es, bucket, cols, rolled); err != nil {
				return err
			}
		}
	}
	for _, run := range gapRuns(w.gaps) {
		gs := sc
		gs.From, gs.To, gs.Versions = run.from, run.to, []string{run.version}
		if err := e.addRawValues(ctx, w, gs, bucket, cols, run.features); err != nil {
			return err
		}
	}
	return nil
}

// addRawValues adds to w the values of the columns at indexes features over a scope, read from
// raw rows and counted by value.
func (e *Engine) addRawValues(ctx context.Context, w *windowValues, sc store.Scope, bucket time.Duration, cols []store.Column, features []int) error {
	asked := make([]store.DistributionFeature, len(features))
	for j, i := range features {
		asked[j] = store.DistributionFeature{Column: cols[i].Name, MaxValues: math.MaxInt32}
	}
	more, err := e.Store.Distribution(ctx, store.DistributionRequest{Scope: sc, Bucket: bucket, Features: asked})
	if err != nil {
		return err
	}
	for _, r := range more {
		if !r.Exact && !r.Null {
			return fmt.Errorf("feature %q: raw rows of %s to %s were not counted by value", asked[r.Feature].Column, sc.From, sc.To)
		}
		i := features[r.Feature]
		w.add(featureKey{feature: i, bucket: micros(bucket, r.Bucket), version: r.Version}, r.Null, r.Number, r.Text, isNumeric(cols[i]), r.Count)
	}
	return nil
}

// gapRun is a run of consecutive capped hours of one version with the same capped columns.
type gapRun struct {
	version  string
	from, to time.Time
	features []int
}

// gapRuns groups gaps into runs of consecutive hours per version with the same features.
func gapRuns(gaps []store.FeatureGap) []gapRun {
	type hourKey struct {
		version string
		hour    int64
	}
	features := map[hourKey][]int{}
	var hours []hourKey
	for _, g := range gaps {
		k := hourKey{g.Version, g.Hour.Unix()}
		if _, seen := features[k]; !seen {
			hours = append(hours, k)
		}
		if !slices.Contains(features[k], g.Feature) {
			features[k] = append(features[k], g.Feature)
		}
	}
	slices.SortFunc(hours, func(a, b hourKey) int {
		if c := strings.Compare(a.version, b.version); c != 0 {
			return c
		}
		return cmp.Compare(a.hour, b.hour)
	})
	var runs []gapRun
	for _, k := range hours {
		fs := features[k]
		slices.Sort(fs)
		from := time.Unix(k.hour, 0).UTC()
		if n := len(runs); n > 0 && runs[n-1].version == k.version && runs[n-1].to.Equal(from) && slices.Equal(runs[n-1].features, fs) {
			runs[n-1].to = from.Add(time.Hour)
			continue
		}
		runs = append(runs, gapRun{version: k.version, from: from, to: from.Add(time.Hour), features: fs})
	}
	return runs
}

// micros is a bucket's start as a map key (0 for the whole range).
func micros(bucket time.Duration, t time.Time) int64 {
	if bucket <= 0 {
		return 0
	}
	return t.UnixMicro()
}
