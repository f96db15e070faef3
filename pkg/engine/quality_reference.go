package engine

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// reference reads the reference window's range (numbers) or categories (text, booleans) of
// each feature, pooled over the query's versions, in one statement: a distribution of every
// feature, by value for the categories (up to maxReferenceCategories) and as one range per
// version for the numbers. With moments (std_ratio, mean_shift) the numbers' means and standard
// deviations too (referenceNumbers). The answer is cached, since a past window does not change.
func (e *Engine) reference(ctx context.Context, q query.Query, versions []string, cols []store.Column, moments bool) ([]featureInfo, error) {
	sc, cache := e.referenceScope(q, versions)
	if p, _, err := e.featureRollups(ctx, sc, 0); err != nil {
		return nil, err
	} else if p != nil {
		return e.referenceFromRollups(ctx, sc, cache, cols, moments)
	}
	infos := make([]featureInfo, len(cols))
	features := make([]store.DistributionFeature, len(cols))
	for i, c := range cols {
		infos[i] = featureInfo{Column: c, numeric: c.Kind == store.KindDouble || c.Kind == store.KindInteger}
		features[i] = store.DistributionFeature{Column: c.Name, MaxValues: maxReferenceCategories}
		if infos[i].numeric {
			features[i] = store.DistributionFeature{Column: c.Name, Binned: true} // no edges: one row per version
		}
	}
	rows, err := cachedWindow(cache, sc, cacheKey("quality-reference", sc, featuresKey(features)), func() ([]store.DistributionCount, error) {
		return e.Store.Distribution(ctx, store.DistributionRequest{Scope: sc, Features: features, Ranges: true})
	})
	if err != nil {
		return nil, err
	}
	categories := make([]map[string]bool, len(cols))
	freeText := make([]bool, len(cols))
	for _, r := range rows {
		f := &infos[r.Feature]
		switch {
		case r.Null || r.Count == 0:
		case f.numeric:
			// Pool the versions: the overall min and max.
			f.refMin = minPtr(f.refMin, &r.Min)
			f.refMax = maxPtr(f.refMax, &r.Max)
		case !r.Exact:
			freeText[r.Feature] = true // a version with more values than are remembered
		default:
			if categories[r.Feature] == nil {
				categories[r.Feature] = map[string]bool{}
			}
			categories[r.Feature][r.Text] = true
		}
	}
	for i := range infos {
		if infos[i].numeric || freeText[i] || len(categories[i]) > maxReferenceCategories {
			continue
		}
		cats := make([]string, 0, len(categories[i])) // non-nil: a known (maybe empty) set
		for c := range categories[i] {
			cats = append(cats, c)
		}
		slices.Sort(cats)
		infos[i].categories = cats
	}
	if moments {
		// The ranges came with the distribution; the moments are one aggregate of the numbers.
		if err := e.referenceNumbers(ctx, sc, cache, infos, false, true); err != nil {
			return nil, err
		}
	}
	return infos, nil
}

// referenceFromRollups is reference when the feature rollup may answer the window: each
// category set and the numbers' ranges (and moments) from the rollup (a feature it cannot
// answer from the rows), cached as the raw path's answer is.
func (e *Engine) referenceFromRollups(ctx context.Context, sc store.Scope, cache *Cache, cols []store.Column, moments bool) ([]featureInfo, error) {
	infos := make([]featureInfo, len(cols))
	for i, c := range cols {
		infos[i] = featureInfo{Column: c, numeric: c.Kind == store.KindDouble || c.Kind == store.KindInteger}
		if infos[i].numeric {
			continue
		}
		cats, err := cachedWindow(cache, sc, cacheKey("categories", sc, c.Name), func() ([]string, error) {
			if cats, ok, err := e.featureDistinct(ctx, sc, c, maxReferenceCategories+1); err != nil || ok {
				return cats, err
			}
			return e.Store.Distinct(ctx, sc, c.Name, maxReferenceCategories+1)
		})
		if err != nil {
			return nil, err
		}
		if len(cats) <= maxReferenceCategories {
			infos[i].categories = append([]string{}, cats...) // non-nil: a known (maybe empty) set
		}
	}
	if err := e.referenceNumbers(ctx, sc, cache, infos, true, moments); err != nil {
		return nil, err
	}
	return infos, nil
}

// referenceNumbers reads the number features' reference range (withRange) and mean and sample
// standard deviation (moments) in one aggregate, from the feature rollup where it answers, and
// pools them over the versions: the overall min and max; the mean of all values and their
// sample standard deviation (pooledSpread), as one sample of both versions' values would give.
func (e *Engine) referenceNumbers(ctx context.Context, sc store.Scope, cache *Cache, infos []featureInfo, withRange, moments bool) error {
	var kinds []store.MeasureKind
	if withRange {
		kinds = append(kinds, store.MeasureMin, store.MeasureMax)
	}
	if moments {
		kinds = append(kinds, store.MeasureNonNull, store.MeasureMean, store.MeasureStd)
	}
	var measures []store.Measure
	for _, f := range infos {
		if f.numeric {
			for _, k := range kinds {
				measures = append(measures, store.Measure{Kind: k, Column: f.Name})
			}
		}
	}
	if len(measures) == 0 {
		return nil
	}
	rows, err := cachedWindow(cache, sc, cacheKey("range", sc, measureKey(measures)), func() ([]store.AggregateRow, error) {
		return e.aggregates(ctx, store.AggregateRequest{Scope: sc, Measures: measures})
	})
	if err != nil {
		return err
	}
	j := 0
	for i := range infos {
		f := &infos[i]
		if !f.numeric {
			continue
		}
		var parts []spread
		for _, r := range rows {
			v := r.Values[j : j+len(kinds)]
			if withRange {
				f.refMin = minPtr(f.refMin, v[0])
				f.refMax = maxPtr(f.refMax, v[1])
				v = v[2:]
			}
			if moments && orZero(v[0]) > 0 && v[1] != nil {
				parts = append(parts, spread{n: *v[0], mean: *v[1], sampleStd: orZero(v[2])})
			}
		}
		if moments {
			n, mean, ss := pooledSpread(parts)
			f.refN = n
			if n > 0 {
				f.refMean = &mean
			}
			if n > 1 {
				std := math.Sqrt(math.Max(ss, 0) / (n - 1))
				f.refStd = &std
			}
		}
		j += len(kinds)
	}
	return nil
}

// referenceScope selects the reference window's rows, pooled over the query's versions, and
// the cache for its statistics: none while the window is still open (its rows can change).
func (e *Engine) referenceScope(q query.Query, versions []string) (store.Scope, *Cache) {
	sc := scope(q, versions)
	sc.From, sc.To, sc.GroupBy = q.RefFrom, q.RefTo, ""
	if !q.RefTo.Before(time.Now()) {
		return sc, nil
	}
	return sc, e.Cache
}
