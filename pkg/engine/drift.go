package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// driftSeries is one drift result's identity: series, feature and bucket.
type driftSeries struct {
	key    seriesKey
	bucket int
}

// drift compares each feature's distribution in the current window (per series, and per
// bucket for a time series) with the reference window's.
func (e *Engine) drift(ctx context.Context, q query.Query) (data.Frames, error) {
	versions, cols, err := e.versionsAndFeatures(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(q.Features) > 0 {
		for _, col := range cols {
			if reason := unfitReason(q.Method, col); reason != "" {
				return nil, fmt.Errorf("%w: %s", query.ErrInvalidQuery, reason)
			}
		}
	}
	ctx = withFeatureMemo(ctx, cols)
	refScope, cache := e.referenceScope(q, versions)
	ranges, err := e.referenceRanges(ctx, refScope, cache, cols)
	if err != nil {
		return nil, err
	}
	if metrics.BinRuleReadsShape(q.BinRule) {
		if err := e.referenceShapes(ctx, refScope, cache, cols, ranges); err != nil {
			return nil, err
		}
	}
	defs := e.definitions(q)
	features, err := distributionFeatures(q, defs, cols, ranges)
	if err != nil {
		return nil, err
	}
	bucketTimes, width, err := timeBuckets(q)
	if err != nil {
		return nil, err
	}
	cellForm, err := e.cellFeatures(ctx, q, refScope, scope(q, versions), width, cols)
	if err != nil {
		return nil, err
	}
	// One scan per window for every feature; the reference's is cached.
	refRows, err := cachedWindow(cache, refScope, cacheKey("distribution", refScope, featuresKey(features)+fmt.Sprint(cellForm)), func() ([]store.DistributionCount, error) {
		rows, _, _, err := e.distribution(ctx, cols, store.DistributionRequest{Scope: refScope, Features: features}, cellForm)
		return rows, err
	})
	if err != nil {
		return nil, err
	}
	curRows, plan, rawColumns, err := e.distribution(ctx, cols, store.DistributionRequest{Scope: scope(q, versions), Bucket: width, Features: features}, cellForm)
	if err != nil {
		return nil, err
	}
	refs := make([]*counts, len(cols))
	for i := range refs {
		refs[i] = newCounts()
	}
	for _, r := range refRows {
		refs[r.Feature].add(r, isNumeric(cols[r.Feature]), features[r.Feature])
	}
	type featureSeries struct {
		feature int
		driftSeries
	}
	current := map[featureSeries]*counts{}
	seen := map[seriesKey]bool{}
	for _, r := range curRows {
		k := keyOf(q, r.Version, r.Group)
		seen[k] = true
		i := bucketIndex(bucketTimes, width, r.Bucket)
		if i < 0 {
			continue
		}
		fs := featureSeries{feature: r.Feature, driftSeries: driftSeries{key: k, bucket: i}}
		if current[fs] == nil {
			current[fs] = newCounts()
		}
		current[fs].add(r, isNumeric(cols[r.Feature]), features[r.Feature])
	}
	if err := checkKernelTests(q, len(cols)*len(seriesKeys(q, versions, seen))*max(len(bucketTimes), 1)); err != nil {
		return nil, err
	}
	results := map[driftSeries]metrics.DriftResult{}
	inputs := map[driftSeries]metrics.DriftInput{}
	var keys []seriesKey
	var absent []string // named versions without rows in the current window
	for fi, col := range cols {
		for _, k := range seriesKeys(q, versions, seen) {
			if !versionSeen(seen, k.Version) {
				// A version without rows in the window has no drift to report. Asked for every
				// version, it is left out; named in the query, it keeps its undefined row (an
				// explicit series) and a notice says why.
				if len(q.Versions) == 0 {
					continue
				}
				if !slices.Contains(absent, k.Version) {
					absent = append(absent, k.Version)
				}
			}
			fk := k
			fk.Feature = col.Name
			keys = append(keys, fk)
			for b := range max(len(bucketTimes), 1) {
				cur := current[featureSeries{feature: fi, driftSeries: driftSeries{key: k, bucket: b}}]
				if cur == nil {
					cur = newCounts()
				}
				in, err := driftInput(isNumeric(col), refs[fi], cur, features[fi], ranges[col.Name])
				if err != nil {
					return nil, err
				}
				in.NullsAsCategory = q.Nulls == query.NullsCategory
				res, err := driftResult(q, defs, col, in)
				if err != nil {
					return nil, err
				}
				ds := driftSeries{key: fk, bucket: b}
				results[ds], inputs[ds] = res, in
			}
		}
	}
	out := driftFrames(ctx, q, keys, bucketTimes, results, inputs)
	if q.Format != query.FormatHistogram {
		annotateApproximations(out, keys, bucketTimes, results)
	}
	annotateFeatureSource(out, plan, rawColumns)
	if defs != metrics.DefinitionsModelwatch {
		annotateDefinitions(out, defs)
	}
	if capped := cappedBinRule(q, cols, ranges); len(capped) > 0 {
		notice := data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
			"bins %q would draw more than %d reference bins for %s: %d were drawn", q.BinRule, metrics.MaxBins, strings.Join(capped, ", "), metrics.MaxBins)}
		for _, f := range out {
			f.AppendNotices(notice)
		}
	}
	for _, v := range absent {
		notice := data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
			"version %q has no rows between %s and %s: its drift is undefined", v, q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))}
		for _, f := range out {
			if f.Meta == nil {
				f.Meta = &data.FrameMeta{}
			}
			f.Meta.Notices = append(f.Meta.Notices, notice)
		}
	}
	return out, nil
}

// driftFrames shapes drift results in the query's format.
func driftFrames(ctx context.Context, q query.Query, keys []seriesKey, bucketTimes []time.Time, results map[driftSeries]metrics.DriftResult, inputs map[driftSeries]metrics.DriftInput) data.Frames {
	switch q.Format {
	case query.FormatHistogram:
		return driftHistograms(q, keys, results, inputs)
	case query.FormatTimeSeries:
		value := func(k seriesKey, m query.Metric, b int) *float64 {
			return driftOutput(results[driftSeries{key: k, bucket: b}], m)
		}
		return shape(ctx, q, keys, bucketTimes, value)
	}
	names := make([]string, len(q.Metrics))
	for i, m := range q.Metrics {
		names[i] = string(m)
	}
	rows := make([]frames.Row, 0, len(keys))
	for _, k := range keys {
		res := results[driftSeries{key: k}]
		row := frames.Row{Labels: append(labelValues(q, k), res.Method), Values: map[string]*float64{}}
		for _, m := range q.Metrics {
			row.Values[string(m)] = driftOutput(res, m)
		}
		rows = append(rows, row)
	}
	return data.Frames{frames.NumericLong(q.RefID, append(labelNames(q), "method"), names, rows)}
}

// versionSeen reports whether a version had rows (in any group) in the current window.
func versionSeen(seen map[seriesKey]bool, version string) bool {
	for k := range seen {
		if k.Version == version {
			return true
		}
	}
	return false
}

// unfitReason says why a method cannot compare a feature of this kind; empty when it can.
func unfitReason(method string, col store.Column) string {
	numeric := col.Kind == store.KindDouble || col.Kind == store.KindInteger
	if numeric || !metrics.ComparesValues(method) {
		return ""
	}
	var fit []string
	for _, m := range metrics.DriftMethods {
		if !metrics.ComparesValues(m) {
			fit = append(fit, m)
		}
	}
	return fmt.Sprintf("drift method %q compares numbers, but feature %q is %s: use one of %s",
		method, col.Name, col.Kind, strings.Join(fit, ", "))
}

// driftResult runs the query's method on one feature. A method that does not fit the feature's
// kind (possible only when the query asks for every feature) gives the feature an undefined
// result with the reason, so that the other features still get theirs.
func driftResult(q query.Query, defs metrics.Definitions, col store.Column, in metrics.DriftInput) (metrics.DriftResult, error) {
	reason := unfitReason(q.Method, col)
	if reason == "" {
		return metrics.DriftWith(q.Method, in, q.DriftThreshold, defs)
	}
	th := metrics.DefaultThresholdOf(q.Method, defs)
	if q.DriftThreshold != nil {
		th = *q.DriftThreshold
	}
	res := metrics.DriftResult{Method: q.Method, ScoreKind: metrics.ScoreKindOf(q.Method), Threshold: th, Reason: reason}
	if in.Categories != nil {
		for _, n := range in.Categories.Reference {
			res.ReferenceCount += n
		}
		for _, n := range in.Categories.Current {
			res.CurrentCount += n
		}
	}
	return res, nil
}

// cappedBinRule names the features for which the query's bin rule asked for more than
// metrics.MaxBins bins.
func cappedBinRule(q query.Query, cols []store.Column, ranges map[string]referenceRange) []string {
	if q.BinRule == "" {
		return nil
	}
	var out []string
	for _, c := range cols {
		if r := ranges[c.Name]; isNumeric(c) && r.min != nil && r.max != nil {
			if _, capped := metrics.BinsByRule(q.BinRule, r.binStats(c)); capped {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// annotateDefinitions names the peer definitions the results follow in every frame's
// meta.custom ("definitions").
func annotateDefinitions(out data.Frames, defs metrics.Definitions) {
	for _, f := range out {
		frames.Custom(f)["definitions"] = string(defs)
	}
}

// driftOutput reads one output of a drift result.
func driftOutput(r metrics.DriftResult, m query.Metric) *float64 {
	switch m {
	case query.DriftStatistic:
		return r.Statistic
	case query.DriftPValue:
		return r.PValue
	case query.DriftScore:
		return r.Score
	case query.DriftThreshold:
		t := r.Threshold
		return &t
	case query.Drifted:
		return flag(r.Drifted)
	}
	return nil
}

// driftHistograms returns one histogram frame per series and feature, sorted by score so that
// the most drifted features come first for p-values (ascending) and distances (descending).
func driftHistograms(q query.Query, keys []seriesKey, results map[driftSeries]metrics.DriftResult, inputs map[driftSeries]metrics.DriftInput) data.Frames {
	out := make(data.Frames, 0, len(keys))
	for _, k := range keys {
		ds := driftSeries{key: k}
		res, in := results[ds], inputs[ds]
		var bins []frames.HistogramBin
		if in.Bins != nil {
			bins = numericBins(*in.Bins)
		} else if in.Categories != nil {
			bins = categoryBins(*in.Categories)
		}
		info := map[string]any{
			"model": q.Model, "version": k.Version, "feature": k.Feature, "method": res.Method,
			"statistic": res.Statistic, "pValue": res.PValue, "score": res.Score, "scoreKind": res.ScoreKind,
			"threshold": res.Threshold, "drifted": res.Drifted, "reason": res.Reason,
			"referenceFrom": q.RefFrom, "referenceTo": q.RefTo,
		}
		if res.Approximation != nil {
			info["approximation"] = res.Approximation
		}
		out = append(out, frames.DriftHistogram(q.RefID, labels(q, k), bins, info))
	}
	return out
}

func numericBins(h metrics.Histogram) []frames.HistogramBin {
	refShares, curShares := h.Shares()
	k := len(h.Edges) - 1
	bins := make([]frames.HistogramBin, 0, k+2)
	for i := range k + 2 {
		b := frames.HistogramBin{Kind: frames.BinRange, ReferenceShare: refShares[i], CurrentShare: curShares[i],
			ReferenceCount: h.Reference[i], CurrentCount: h.Current[i]}
		switch {
		case i == 0:
			b.Kind, b.Upper, b.Label = frames.BinUnderflow, &h.Edges[0], "< "+format(h.Edges[0])
		case i == k+1:
			b.Kind, b.Lower, b.Label = frames.BinOverflow, &h.Edges[k], "> "+format(h.Edges[k])
		default:
			b.Lower, b.Upper = &h.Edges[i-1], &h.Edges[i]
			b.Label = "[" + format(h.Edges[i-1]) + ", " + format(h.Edges[i])
			if i == k {
				b.Label += "]"
			} else {
				b.Label += ")"
			}
		}
		bins = append(bins, b)
	}
	return bins
}

func categoryBins(c metrics.Categories) []frames.HistogramBin {
	refShares, curShares := metrics.Shares(c.Reference), metrics.Shares(c.Current)
	bins := make([]frames.HistogramBin, len(c.Labels))
	for i, l := range c.Labels {
		kind := frames.BinCategory
		if c.Reference[i] == 0 {
			kind = frames.BinUnseen
		}
		bins[i] = frames.HistogramBin{Label: l, Kind: kind, ReferenceShare: refShares[i], CurrentShare: curShares[i],
			ReferenceCount: c.Reference[i], CurrentCount: c.Current[i]}
	}
	return bins
}

func format(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}
