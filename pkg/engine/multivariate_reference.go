package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// reconstruction is what the reference window gives multivariate drift: the features'
// encodings and principal components, and the thresholds its buckets' errors draw.
type reconstruction struct {
	// fit has no encodings when the reference window has no rows: nothing is fitted.
	fit metrics.Standardized
	// skipped says why features of an all-features query were left out (no value to impute).
	skipped []string
	rows    int64
	buckets int // reference buckets with rows
	lower   *float64
	upper   *float64
}

// fitted says the reference window had rows to fit on.
func (r *reconstruction) fitted() bool { return len(r.fit.Encodings) > 0 }

// features are the names of the features read, in order, and of those encoded by category.
func (r *reconstruction) features() (all, categorical []string) {
	all, categorical = []string{}, []string{}
	for _, e := range r.fit.Encodings {
		all = append(all, e.Name)
		if len(e.Categories) > 0 {
			categorical = append(categorical, e.Name)
		}
	}
	return all, categorical
}

// columns are the store's encodings of the features, in order.
func (r *reconstruction) columns() []store.EncodedColumn {
	out := make([]store.EncodedColumn, len(r.fit.Encodings))
	for i, e := range r.fit.Encodings {
		out[i] = store.EncodedColumn{Column: e.Name, Categories: e.Categories, Codes: e.Codes, Fill: e.Fill, Center: e.Center, Scale: e.Scale}
	}
	return out
}

// size estimates the bytes the reference holds, for the cache's bound: the categories and the
// components dominate.
func (r *reconstruction) size() int {
	const float = 8
	n := 512 + len(r.fit.Components)*len(r.fit.Encodings)*float
	for _, e := range r.fit.Encodings {
		n += 64 + len(e.Name) + len(e.Codes)*float
		for _, c := range e.Categories {
			n += 16 + len(c)
		}
	}
	return n
}

// reconstructionReference fits multivariate drift on the reference window, pooled over the
// query's versions (as drift's reference): the features' counts (one scan), the moments of
// their encodings (one scan), then the reconstruction error of each reference bucket of the
// query's width (one scan), whose spread gives the thresholds. Once the window has ended the
// fit is cached (a write into it forgets it), so a refreshing dashboard or an alert rule reads
// only the current window.
func (e *Engine) reconstructionReference(ctx context.Context, q query.Query, cols []store.Column, sc store.Scope, cache *Cache) (*reconstruction, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = strconv.Quote(c.Name)
	}
	key := cacheKey("reconstruction", sc, fmt.Sprintf("%s|%v|%d", strings.Join(names, ","), q.Components, q.Bucket))
	return cachedWindow(cache, sc, key, func() (*reconstruction, error) {
		return e.readReconstructionReference(ctx, q, cols, sc)
	})
}

func (e *Engine) readReconstructionReference(ctx context.Context, q query.Query, cols []store.Column, sc store.Scope) (*reconstruction, error) {
	counts, problems, err := e.featureCounts(ctx, cols, sc)
	if err != nil {
		return nil, err
	}
	if counts[0].Rows == 0 {
		// Nothing to fit on (a reference before the model served): every output is null, as an
		// estimation without a calibration, so that an alert rule sees no data, not an error.
		return &reconstruction{}, nil
	}
	r := &reconstruction{}
	var enc []metrics.Encoding
	for i, c := range cols {
		x, err := metrics.Encode(c.Name, counts[i])
		if problems[i] != nil {
			err = problems[i]
		}
		switch {
		case err != nil && len(q.Features) > 0:
			return nil, fmt.Errorf("%w: %v", query.ErrInvalidQuery, err)
		case err != nil: // every feature was asked for: one that cannot be fitted is left out, and said
			r.skipped = append(r.skipped, err.Error())
			continue
		}
		enc = append(enc, x)
	}
	if len(enc) < 2 {
		return nil, fmt.Errorf("%w: multivariate drift reads at least two features together, and the reference window has values of %d (%s)",
			query.ErrInvalidQuery, len(enc), strings.Join(r.skipped, "; "))
	}
	r.fit.Encodings = enc
	m, err := e.Store.Moments(ctx, store.MomentsRequest{Scope: sc, Columns: r.columns()})
	if err != nil {
		return nil, err
	}
	d := len(enc)
	product := func(i, j int) float64 { return m.Products[store.Pair(i, j, d)] }
	if r.fit, err = metrics.Standardize(enc, m.Rows, m.Sums, product, q.Components); err != nil {
		return nil, fmt.Errorf("%w: %v", query.ErrInvalidQuery, err)
	}
	r.rows = m.Rows
	pooled := sc
	pooled.CombineVersions = true
	rows, err := e.Store.Residuals(ctx, store.ResidualRequest{Scope: pooled, Bucket: q.Bucket, Columns: r.columns(), Basis: r.fit.Components})
	if err != nil {
		return nil, err
	}
	var values []float64
	for _, row := range rows {
		if v := (metrics.ReconstructionErrors{Rows: row.Rows, Sum: row.Sum, SumSquares: row.SumSquares}).Mean(); v != nil {
			values = append(values, *v)
		}
	}
	r.buckets = len(values)
	r.lower, r.upper = metrics.ErrorThresholds(values)
	return r, nil
}

// featureCounts reads what imputing and encoding the features needs from one scan of the
// reference: each number feature's count and sum, each other feature's rows per category (at
// most store.MaxEncodedCategories: a feature with more has a problem instead).
func (e *Engine) featureCounts(ctx context.Context, cols []store.Column, sc store.Scope) ([]metrics.FeatureCounts, []error, error) {
	features := make([]store.DistributionFeature, len(cols))
	out := make([]metrics.FeatureCounts, len(cols))
	problems := make([]error, len(cols))
	for i, c := range cols {
		if isNumeric(c) {
			features[i] = store.DistributionFeature{Column: c.Name, Binned: true}
			continue
		}
		if c.Kind != store.KindText && c.Kind != store.KindBoolean {
			return nil, nil, fmt.Errorf("%w: feature %q is %s: multivariate drift reads numbers, text and booleans", query.ErrInvalidQuery, c.Name, c.Kind)
		}
		features[i] = store.DistributionFeature{Column: c.Name, MaxValues: store.MaxEncodedCategories}
		out[i] = metrics.FeatureCounts{Categorical: true, Categories: map[string]int64{}}
	}
	rows, err := e.Store.Distribution(ctx, store.DistributionRequest{Scope: sc, Features: features})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		c := &out[r.Feature]
		c.Rows += r.Count
		switch {
		case r.Null:
		case !c.Categorical:
			c.Values += r.Count
			c.Sum += r.Sum
		case !r.Exact:
			problems[r.Feature] = fmt.Errorf("feature %q has %d categories in the reference window, more than the %d multivariate drift encodes: leave it out of features",
				cols[r.Feature].Name, r.Distinct, store.MaxEncodedCategories)
		default:
			c.Categories[r.Text] += r.Count
		}
	}
	return out, problems, nil
}
