package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// multivariate answers multivariate drift: per series and bucket, the mean distance of its
// rows from their reconstruction by the reference window's principal components, with its
// sampling error and band and the thresholds of the reference's own buckets. One scan of the
// window (the errors computed in the store), after the reference's fit.
func (e *Engine) multivariate(ctx context.Context, q query.Query) (data.Frames, error) {
	versions, cols, err := e.versionsAndFeatures(ctx, q)
	if err != nil {
		return nil, err
	}
	switch {
	case len(cols) < 2:
		return nil, fmt.Errorf("%w: multivariate drift reads at least two features together, got %d: list more in features, or use drift for one", query.ErrInvalidQuery, len(cols))
	case len(cols) > query.MaxMultivariateFeatures:
		return nil, fmt.Errorf("%w: the table has %d features and multivariate drift reads at most %d together: list the ones to watch in features", query.ErrInvalidQuery, len(cols), query.MaxMultivariateFeatures)
	}
	refScope, cache := e.referenceScope(q, versions)
	ref, err := e.reconstructionReference(ctx, q, cols, refScope, cache)
	if err != nil {
		return nil, err
	}
	bucketTimes, width, err := timeBuckets(q)
	if err != nil {
		return nil, err
	}
	var rows []store.ResidualRow
	if ref.fitted() {
		rows, err = e.Store.Residuals(ctx, store.ResidualRequest{Scope: scope(q, versions), Bucket: width, Columns: ref.columns(), Basis: ref.fit.Components})
		if err != nil {
			return nil, err
		}
	}
	n := max(len(bucketTimes), 1)
	errs := map[seriesKey][]metrics.ReconstructionErrors{}
	seen := map[seriesKey]bool{}
	for _, r := range rows {
		k := keyOf(q, r.Version, r.Group)
		seen[k] = true
		i := bucketIndex(bucketTimes, width, r.Bucket)
		if i < 0 {
			continue
		}
		if errs[k] == nil {
			errs[k] = make([]metrics.ReconstructionErrors, n)
		}
		errs[k][i] = metrics.ReconstructionErrors{Rows: r.Rows, Sum: r.Sum, SumSquares: r.SumSquares}
	}
	var keys []seriesKey
	for _, k := range seriesKeys(q, versions, seen) {
		if len(q.Versions) > 0 || versionSeen(seen, k.Version) { // as drift: named versions keep their null rows
			keys = append(keys, k)
		}
	}
	value := func(k seriesKey, o query.Metric, b int) *float64 {
		var x metrics.ReconstructionErrors
		if errs[k] != nil {
			x = errs[k][b]
		}
		lower, upper := x.Band()
		switch o {
		case query.ReconstructionError:
			return x.Mean()
		case query.SamplingError:
			return x.SamplingError()
		case query.EstimateLower:
			return lower
		case query.EstimateUpper:
			return upper
		case query.ThresholdLower:
			return ref.lower
		case query.ThresholdUpper:
			return ref.upper
		}
		return metrics.Outside(x.Mean(), ref.lower, ref.upper)
	}
	out := shape(ctx, q, keys, bucketTimes, value)
	annotateMultivariate(out, q, ref)
	return out, nil
}

// annotateMultivariate says what the errors were measured against: the features, the kept
// components and the variance they explain, the reference window and its buckets.
func annotateMultivariate(out data.Frames, q query.Query, ref *reconstruction) {
	var explained float64
	for _, v := range ref.fit.Explained {
		explained += v
	}
	features, categorical := ref.features() // lists, also when empty
	custom := map[string]any{
		"kind": "multivariate", "features": features, "categoricalFeatures": categorical,
		"components": len(ref.fit.Components), "componentsAsked": q.Components, "explainedVariance": explained,
		"referenceRange": map[string]any{"from": q.RefFrom, "to": q.RefTo}, "referenceRows": ref.rows,
		"referenceBuckets": ref.buckets, "samplingBand": metrics.SamplingBand, "thresholdStds": metrics.ThresholdStds,
	}
	var notices []data.Notice
	if !ref.fitted() {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
			"the reference window (%s to %s) has no rows to fit multivariate drift on: every value is null; choose a reference window with predictions",
			q.RefFrom.Format(time.RFC3339), q.RefTo.Format(time.RFC3339))})
	}
	for _, why := range ref.skipped {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: "left out: " + why})
	}
	if ref.buckets < 2 && ref.fitted() {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
			"the reference window has %d bucket(s) of %s with rows: its thresholds need at least two (their spread); widen the reference or narrow the interval", ref.buckets, q.Bucket)})
	}
	for _, f := range out {
		fc := frames.Custom(f)
		for k, v := range custom {
			fc[k] = v
		}
		f.AppendNotices(notices...)
	}
}
