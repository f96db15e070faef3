package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// maxReferenceCategories bounds the categories remembered from the reference window; a column
// with more distinct values is treated as free text (no new-category share).
const maxReferenceCategories = 10000

// featureInfo is a feature column and what the reference window says about it.
type featureInfo struct {
	store.Column
	numeric    bool
	refMin     *float64
	refMax     *float64
	categories []string
	// refMean and refStd are the reference's mean and sample standard deviation (ddof 1) of a
	// number, pooled over the query's versions from refN values; read only for std_ratio and
	// mean_shift (nil otherwise, or without values).
	refN    float64
	refMean *float64
	refStd  *float64
	// at indexes the current request's measures of the feature by kind: those the query's
	// metrics need (qualityMeasures), always its non-null rows.
	at map[store.MeasureKind]int
}

// qualityMeasures lists the measures of a feature that the metrics need, beside its non-null
// rows (every share's denominator). Only those are asked: a statistic no panel shows is not
// computed, and it cannot send a feature rolled up per cell to the raw rows (a range count
// that a cell straddles does, TestModelOutputsAnswerFromTheFeatureRollup).
func qualityMeasures(metrics []query.Metric, numeric bool) []store.MeasureKind {
	needs := func(ms ...query.Metric) bool {
		return slices.ContainsFunc(ms, func(m query.Metric) bool { return slices.Contains(metrics, m) })
	}
	var kinds []store.MeasureKind
	add := func(k store.MeasureKind, ms ...query.Metric) {
		if needs(ms...) {
			kinds = append(kinds, k)
		}
	}
	if !numeric {
		add(store.MeasureNotIn, query.NewCategoryShare)
		return kinds
	}
	add(store.MeasureMean, query.Mean, query.MeanShift)
	add(store.MeasureStd, query.Std, query.StdRatio)
	add(store.MeasureMin, query.Min)
	add(store.MeasureMax, query.Max)
	add(store.MeasureOutside, query.OutOfRangeShare)
	return kinds
}

// versionsAndFeatures resolves what a per-feature family compares: the query's versions and
// feature columns.
func (e *Engine) versionsAndFeatures(ctx context.Context, q query.Query) ([]string, []store.Column, error) {
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	cols, err := e.features(ctx, q)
	return versions, cols, err
}

// features resolves the query's features against the schema: the listed ones, or every
// feature column. A listed model output (query.ModelOutputs) is taken as the table has it: a
// number is profiled and drifted as a number feature, the label as a category.
func (e *Engine) features(ctx context.Context, q query.Query) ([]store.Column, error) {
	sch, err := e.Store.Schema(ctx)
	if err != nil {
		return nil, err
	}
	var all []store.Column
	var names []string
	for _, c := range sch.Columns {
		if c.Role == store.RoleFeature {
			all = append(all, c)
			names = append(names, c.Name)
		}
	}
	if len(q.Features) == 0 {
		if len(all) == 0 {
			return nil, fmt.Errorf("%w: table %s has no feature columns (columns other than the base ones)", store.ErrSchema, sch.Table)
		}
		return all, nil
	}
	out := make([]store.Column, 0, len(q.Features))
	for _, f := range q.Features {
		if i := slices.Index(names, f); i >= 0 {
			out = append(out, all[i])
			continue
		}
		if !slices.Contains(query.ModelOutputs, f) {
			return nil, fmt.Errorf("%w: %q is not a feature column or a model output; features: %s; model outputs: %s",
				store.ErrNotFound, f, orNone(names), orNone(outputsOf(sch)))
		}
		c, ok := sch.Column(f)
		if !ok {
			return nil, fmt.Errorf("%w: table %s has no %s column, so the model output %q cannot be profiled; its model outputs: %s; its features: %s",
				store.ErrSchema, sch.Table, f, f, orNone(outputsOf(sch)), orNone(names))
		}
		out = append(out, c)
	}
	return out, nil
}

// outputsOf lists the model outputs (query.ModelOutputs) the table has, in that order.
func outputsOf(sch store.Schema) []string {
	var out []string
	for _, name := range query.ModelOutputs {
		if _, ok := sch.Column(name); ok {
			out = append(out, name)
		}
	}
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// quality answers volume, completeness, ranges and unseen categories per feature.
func (e *Engine) quality(ctx context.Context, q query.Query) (data.Frames, error) {
	versions, cols, err := e.versionsAndFeatures(ctx, q)
	if err != nil {
		return nil, err
	}
	ctx = withFeatureMemo(ctx, cols)
	moments := slices.Contains(q.Metrics, query.StdRatio) || slices.Contains(q.Metrics, query.MeanShift)
	infos, err := e.reference(ctx, q, versions, cols, moments)
	if err != nil {
		return nil, err
	}
	measures := []store.Measure{{Kind: store.MeasureRows}}
	for i := range infos {
		f := &infos[i]
		f.at = map[store.MeasureKind]int{store.MeasureNonNull: len(measures)}
		measures = append(measures, store.Measure{Kind: store.MeasureNonNull, Column: f.Name})
		for _, k := range qualityMeasures(q.Metrics, f.numeric) {
			m := store.Measure{Kind: k, Column: f.Name}
			switch k {
			case store.MeasureOutside:
				m.Lo, m.Hi = 0, -1 // no reference values: the share is undefined (below), whatever this counts
				if f.refMin != nil && f.refMax != nil {
					m.Lo, m.Hi = *f.refMin, *f.refMax
				}
			case store.MeasureNotIn:
				m.Values = f.categories
			}
			f.at[k] = len(measures)
			measures = append(measures, m)
		}
	}
	a, plan, rawColumns, err := e.featureAggregate(ctx, q, measures)
	if err != nil {
		return nil, err
	}
	byName := map[string]*featureInfo{}
	var keys []seriesKey
	for _, k := range a.keys {
		for i := range infos {
			fk := k
			fk.Feature = infos[i].Name
			byName[fk.Feature] = &infos[i]
			keys = append(keys, fk)
		}
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		f := byName[k.Feature]
		base := seriesKey{Version: k.Version, Group: k.Group}
		get := func(k store.MeasureKind) *float64 { return a.measure(base, b, f.at[k]) }
		rows := orZero(a.measure(base, b, 0))
		nonNull := orZero(get(store.MeasureNonNull))
		switch m {
		case query.Rows:
			return &rows
		case query.MissingShare:
			return ratioOf(rows-nonNull, rows)
		}
		if f.numeric {
			switch m {
			case query.Mean:
				return get(store.MeasureMean)
			case query.Std:
				return get(store.MeasureStd)
			case query.Min:
				return get(store.MeasureMin)
			case query.Max:
				return get(store.MeasureMax)
			case query.OutOfRangeShare:
				if f.refMin == nil || f.refMax == nil {
					return nil // no reference values: no range to be outside of
				}
				return ratioOf(orZero(get(store.MeasureOutside)), nonNull)
			case query.StdRatio:
				return stdRatio(f, nonNull, get(store.MeasureStd))
			case query.MeanShift:
				return meanShift(f, nonNull, get(store.MeasureMean))
			}
			return nil
		}
		if m == query.NewCategoryShare && len(f.categories) > 0 {
			return ratioOf(orZero(get(store.MeasureNotIn)), nonNull)
		}
		return nil
	}
	out := shape(ctx, q, keys, a.buckets, value)
	notices := emptyReferenceNotices(q, infos)
	for _, f := range out {
		f.Meta.Custom = map[string]any{"referenceFrom": q.RefFrom, "referenceTo": q.RefTo}
		f.Meta.Notices = append(f.Meta.Notices, notices...)
	}
	annotateFeatureSource(out, plan, rawColumns)
	return out, nil
}

// stdRatio is the current sample standard deviation over the reference's: null unless both
// windows have at least 2 values and the reference's spread is not 0.
func stdRatio(f *featureInfo, nonNull float64, std *float64) *float64 {
	if !shiftDefined(f, nonNull) || std == nil {
		return nil
	}
	r := *std / *f.refStd
	return &r
}

// meanShift is the current mean less the reference's, in reference standard deviations: null
// where stdRatio is (one value has a mean but no spread to compare it with; the same rule for
// both keeps an alert on either from firing on a window the other calls undefined).
func meanShift(f *featureInfo, nonNull float64, mean *float64) *float64 {
	if !shiftDefined(f, nonNull) || mean == nil {
		return nil
	}
	d := (*mean - *f.refMean) / *f.refStd
	return &d
}

// shiftDefined: both windows have at least 2 values of the number and the reference's standard
// deviation is positive.
func shiftDefined(f *featureInfo, nonNull float64) bool {
	return nonNull >= 2 && f.refN >= 2 && f.refMean != nil && f.refStd != nil && *f.refStd > 0
}

// emptyReferenceNotices say which features had no values in the reference window: their
// out_of_range_share or new_category_share is null (an alert reads no data), not 1, which would
// fire every rule while a store holds less history than the reference needs.
func emptyReferenceNotices(q query.Query, infos []featureInfo) []data.Notice {
	var empty []string
	for _, f := range infos {
		if (f.numeric && (f.refMin == nil || f.refMax == nil)) || (!f.numeric && f.categories != nil && len(f.categories) == 0) {
			empty = append(empty, f.Name)
		}
	}
	if len(empty) == 0 {
		return nil
	}
	return []data.Notice{{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
		"the reference window %s to %s has no values of %s: out_of_range_share and new_category_share are undefined (null) for them",
		q.RefFrom.Format(time.RFC3339), q.RefTo.Format(time.RFC3339), strings.Join(empty, ", "))}}
}

func minPtr(a, b *float64) *float64 {
	if a == nil || (b != nil && *b < *a) {
		return b
	}
	return a
}

func maxPtr(a, b *float64) *float64 {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}
