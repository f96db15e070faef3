package engine

import (
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// additiveKinds are the feature measures whose value over several versions' rows is the sum of
// their values per version: counts and sums.
var additiveKinds = []store.MeasureKind{store.MeasureRows, store.MeasureNonNull, store.MeasureOutside, store.MeasureNotIn,
	store.MeasurePositive, store.MeasureSum}

// additive reports whether every measure is one of additiveKinds, so that the feature rollup's
// rows per version can be pooled (pooledVersions) into what the rows of every version
// together give.
func additive(measures []store.Measure) bool {
	return !slices.ContainsFunc(measures, func(m store.Measure) bool { return !slices.Contains(additiveKinds, m.Kind) })
}

// pooledVersions merges rows of several versions into one row per bucket, of version "" (as
// the store answers a scope with CombineVersions), adding each measure's values: null only where
// every version's is null.
func pooledVersions(rows []store.AggregateRow) []store.AggregateRow {
	at := map[time.Time]int{}
	var out []store.AggregateRow
	for _, r := range rows {
		i, ok := at[r.Bucket]
		if !ok {
			at[r.Bucket] = len(out)
			out = append(out, store.AggregateRow{Bucket: r.Bucket, Group: r.Group, Values: slices.Clone(r.Values)})
			continue
		}
		for j, v := range r.Values {
			switch cur := out[i].Values[j]; {
			case v == nil:
			case cur == nil:
				out[i].Values[j] = v
			default:
				out[i].Values[j] = number(*cur + *v)
			}
		}
	}
	return out
}
