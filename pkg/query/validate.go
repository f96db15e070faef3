package query

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/gtime"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// Window is the time range, Grafana's suggested bucket width and its point budget.
type Window struct {
	From, To      time.Time
	Interval      time.Duration
	MaxDataPoints int64
}

// MinBucket is the smallest bucket accepted; finer buckets cost more than they show.
const MinBucket = time.Second

// MaxBuckets bounds the buckets of one series.
const MaxBuckets = 20000

// Validate checks a parsed query against the query model and resolves defaults. Text values
// (model, versions, positiveClass, filter values) are kept exactly as given, since they are
// matched exactly against the store; identifiers (groupBy, features, filter columns) are column
// names, which never have surrounding spaces, so those are trimmed.
func Validate(raw Raw, w Window) (Query, error) {
	if err := checkLengths(raw); err != nil {
		return Query{}, err
	}
	q := Query{
		RefID:           raw.RefID,
		Type:            raw.QueryType,
		Model:           raw.Model,
		Versions:        unique(raw.Versions, nil),
		PositiveClass:   raw.PositiveClass,
		Threshold:       raw.Threshold,
		Format:          raw.Format,
		From:            w.From.UTC(),
		To:              w.To.UTC(),
		Filters:         cleanFilters(raw.Filters),
		GroupBy:         trimmed(raw.GroupBy),
		Column:          trimmed(raw.Column),
		CombineVersions: raw.CombineVersions,
	}
	if !slices.Contains(Types, q.Type) {
		return Query{}, invalid("unknown queryType %q: use one of %s", clip(raw.QueryType), join(Types))
	}
	if q.Weight = trimmed(raw.Weight); q.Weight != "" && !slices.Contains(WeightedTypes, q.Type) {
		return Query{}, invalid("weight applies to classification and regression metrics (scikit-learn's sample_weight), not to %s: remove it", q.Type)
	}
	if q.CombineVersions && !slices.Contains(CombinableTypes, q.Type) {
		return Query{}, invalid("combineVersions is for %s queries, not %s: %s compares or profiles versions one by one", join(CombinableTypes), q.Type, q.Type)
	}
	if q.Model == "" {
		return Query{}, invalid("model is required: pick a model (the data source's models route lists them)")
	}
	if err := checkRange("time range", q.From, q.To); err != nil {
		return Query{}, err
	}
	if err := checkGroupBy(q.Type, q.GroupBy); err != nil {
		return Query{}, err
	}
	if q.Threshold != nil {
		t := *q.Threshold
		if math.IsNaN(t) || t < 0 || t > 1 {
			return Query{}, invalid("threshold %g is outside [0, 1]: it is compared with score, a probability", t)
		}
		if q.PositiveClass == "" {
			return Query{}, invalid("positiveClass is required with a threshold: it names the class predicted when score >= threshold")
		}
	}
	for _, f := range q.Filters {
		if err := f.Check(); err != nil {
			return Query{}, err
		}
	}
	bucket, err := bucketWidth(raw.Interval, w)
	if err != nil {
		return Query{}, err
	}
	q.Bucket = bucket
	if q.Type == TypeComparison {
		if len(q.Versions) != 2 {
			return Query{}, invalid("comparison needs versions [champion, challenger], got %d versions", len(q.Versions))
		}
		q.Compare = raw.Compare
		if !slices.Contains(Compared, q.Compare) {
			return Query{}, invalid("compare %q: use one of %s", clip(raw.Compare), join(Compared))
		}
		if slices.Contains([]Metric{Precision, Recall, Specificity}, q.Compare) && q.PositiveClass == "" {
			return Query{}, invalid("compare %q needs positiveClass", q.Compare)
		}
	}
	if q.Type == TypeDrift {
		if err := validateDrift(&q, raw); err != nil {
			return Query{}, err
		}
	} else if strings.TrimSpace(raw.Nulls) != "" {
		return Query{}, invalid("nulls applies to drift, not to %s (quality's missing_share counts the rows without a value): remove it", q.Type)
	}
	if q.Type == TypeEstimation {
		if err := validateEstimation(&q, raw); err != nil {
			return Query{}, err
		}
	} else if err := checkNotEstimation(q.Type, raw); err != nil {
		return Query{}, err
	}
	if q.Type == TypeMultivariate {
		if err := validateMultivariate(&q, raw); err != nil {
			return Query{}, err
		}
	} else if err := checkNotMultivariate(q.Type, raw); err != nil {
		return Query{}, err
	}
	if q.Type == TypeQuality || q.Type == TypeDrift || q.Type == TypeEstimation || q.Type == TypeMultivariate {
		if q.Type != TypeEstimation {
			q.Features = unique(raw.Features, trimmed)
		}
		if q.RefFrom, q.RefTo, err = referenceWindow(raw.Reference, q.From, q.To); err != nil {
			return Query{}, err
		}
	}
	if q.Type == TypeOutcome {
		if err := validateOutcome(&q, raw); err != nil {
			return Query{}, err
		}
	}
	if q.Type == TypeConfusion && q.GroupBy != "" {
		return Query{}, invalid("groupBy is not available for confusion matrices: filter on the column instead")
	}
	q.Average = strings.TrimSpace(raw.Average)
	if q.Average != "" && !slices.Contains(Averages, q.Average) {
		return Query{}, invalid("unknown average %q: use one of %s", clip(raw.Average), strings.Join(Averages, ", "))
	}
	if strings.TrimSpace(raw.Definitions) != "" {
		if q.Definitions, err = metrics.ParseDefinitions(raw.Definitions); err != nil {
			return Query{}, invalid("%v", err)
		}
	}
	if q.ZeroDivision, err = zeroDivision(raw.ZeroDivision); err != nil {
		return Query{}, err
	}
	if err := validateScoring(&q, raw); err != nil {
		return Query{}, err
	}
	if err := validateRegressionOptions(&q, raw); err != nil {
		return Query{}, err
	}
	if q.ZeroDivision != nil && q.Type != TypeClassification {
		return Query{}, invalid("zeroDivision applies to classification's precision, recall and F1, not to %s: remove it", q.Type)
	}
	if q.Type == TypeClassification && q.PositiveClass == "" && q.Average == "" {
		return Query{}, invalid("positiveClass is required for classification metrics: name the class that counts as positive, or set average (macro, micro, weighted) for multiclass precision, recall and F1")
	}
	known, hasMetrics := metricsOf[q.Type]
	if !hasMetrics {
		return q, nil
	}
	if q.Format == "" {
		q.Format = FormatTimeSeries
	}
	formats := Formats
	if q.Type == TypeDrift {
		formats = append(slices.Clone(Formats), FormatHistogram)
	}
	if !slices.Contains(formats, q.Format) {
		return Query{}, invalid("unknown format %q: use one of %s", clip(raw.Format), join(formats))
	}
	q.Metrics = known
	if q.Type == TypeClassification {
		q.Metrics = classificationDefaults(q)
	}
	if q.Type == TypeCoverage {
		q.Metrics = []Metric{LabelCoverage, LabeledRows} // the delays need a labels table
	}
	if q.Type == TypeOperations {
		q.Metrics = OperationsDefaults
	}
	if q.Type == TypeQuality {
		q.Metrics = QualityDefaults
	}
	if q.Type == TypeRegression {
		q.Metrics = RegressionDefaults
	}
	if q.Type == TypeOutcome {
		q.Metrics = OutcomeDefaults
	}
	if q.Type == TypeEstimation {
		q.Metrics = EstimationDefaults
	}
	if q.Type == TypeMultivariate {
		q.Metrics = MultivariateDefaults
	}
	if q.Type == TypeDrift && q.Format == FormatTimeSeries {
		q.Metrics = []Metric{DriftScore} // a time series of the score unless asked otherwise
	}
	// The defaults above are the package's own lists: the query gets its own copy, so that a
	// caller changing its metrics in place cannot change another query's defaults.
	q.Metrics = slices.Clone(q.Metrics)
	if len(raw.Metrics) > 0 {
		q.Metrics = unique(raw.Metrics, nil)
	}
	if err := validateChange(&q, raw, known, len(raw.Metrics) == 0); err != nil {
		return Query{}, err
	}
	for _, m := range q.Metrics {
		if base, _ := SplitMetric(m); !slices.Contains(known, m) && (q.Change == nil || !slices.Contains(known, base)) {
			return Query{}, invalid("unknown metric %q for %s: use one of %s", clip(m), q.Type, join(known))
		}
	}
	if err := checkColumn(q); err != nil {
		return Query{}, err
	}
	if q.Type == TypeClassification && q.Average != "" {
		if err := validateMulticlass(&q, raw); err != nil {
			return Query{}, err
		}
	} else if strings.TrimSpace(raw.MultiClass) != "" {
		return Query{}, invalid("multiClass applies to classification's multiclass roc_auc, with an average: set average (macro or weighted), or remove multiClass")
	}
	if q.Type == TypeClassification && q.PositiveClass == "" && q.Average == "" {
		for _, m := range q.BaseMetrics() {
			if slices.Contains(ScoreMetrics, m) {
				return Query{}, invalid("metric %q needs positiveClass (the class whose probability score is)", m)
			}
		}
	}
	if err := validateWeight(&q, len(raw.Metrics) == 0); err != nil {
		return Query{}, err
	}
	return q, nil
}

// WeightedTypes are the query types whose metrics take sample weights.
var WeightedTypes = []Type{TypeClassification, TypeRegression}

// Unweighted are the regression metrics without sample weights: quantiles of the errors (the
// store's quantiles count rows) and the largest error (scikit-learn's max_error has none).
var Unweighted = []Metric{ErrorP50, ErrorP90, ErrorP99, MedianAbsoluteError, MaxError}

// validateWeight checks the metrics of a query with sample weights (classification and
// regression only, checked first): not one-vs-one ROC AUC (scikit-learn refuses it) nor the
// metrics in Unweighted; a regression query that names no metrics answers the weighted ones of
// its defaults.
func validateWeight(q *Query, defaults bool) error {
	if q.Weight == "" {
		return nil
	}
	if q.MultiClass == MultiClassOvO {
		return invalid("one-vs-one roc_auc takes no sample weights (scikit-learn refuses them): use multiClass ovr, or remove weight")
	}
	if q.Type != TypeRegression {
		return nil
	}
	if defaults {
		q.Metrics = slices.DeleteFunc(q.Metrics, func(m Metric) bool { return slices.Contains(Unweighted, m) })
	}
	for _, m := range q.BaseMetrics() {
		if slices.Contains(Unweighted, m) {
			return invalid("metric %q takes no sample weights (quantiles and the largest error count rows): remove it or weight", m)
		}
	}
	return nil
}

// CombinableTypes are the query types whose versions may be combined into one series
// (combineVersions): counts, shares and statistics of requests and their outcomes, which pool
// across versions.
var CombinableTypes = []Type{TypeOperations, TypeCoverage, TypeOutcome}

// checkColumn requires a column for the operations column metrics (whether it is a numeric
// column of the table is the store's to say).
func checkColumn(q Query) error {
	if q.Type != TypeOperations || q.Column != "" {
		return nil
	}
	for _, m := range q.Metrics {
		if slices.Contains(ColumnMetrics, m) {
			return invalid("metric %q needs column: name the numeric column logged per request whose statistics it is, e.g. \"column\": \"cpu_ms\"", m)
		}
	}
	return nil
}

// zeroDivision reads scikit-learn's zero_division: absent, null, "null" or "nan" leave a zero
// division undefined; 0 and 1 (numbers or strings) are its value.
func zeroDivision(raw json.RawMessage) (*float64, error) {
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, invalid("zeroDivision is not JSON: use null, 0 or 1")
		}
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case float64:
		if v == 0 || v == 1 {
			return &v, nil
		}
	case string:
		switch strings.TrimSpace(v) {
		case "", "null", "nan":
			return nil, nil
		case "0":
			return new(float64), nil
		case "1":
			one := 1.0
			return &one, nil
		}
	}
	return nil, invalid("zeroDivision is %s: use null (undefined, the default), 0 or 1, as scikit-learn's zero_division", clip(string(raw)))
}

// averagedMetrics are the metrics a multiclass average applies to (accuracy and MCC are of the
// whole matrix; the score metrics read the classes' probability columns).
var averagedMetrics = []Metric{Accuracy, Precision, Recall, F1, FBeta, MCC, ROCAUC, AveragePrecision, LogLoss, Brier}

// validateMulticlass checks the metrics a multiclass average runs over and reads multiClass:
// ROC AUC and average precision per class and averaged macro or weighted (scikit-learn's
// micro pools every class's probabilities, which the per-column histograms do not hold), one
// vs one for ROC AUC alone and never per class; log loss and Brier are of all classes together
// (the average does not change them), so not per class.
func validateMulticlass(q *Query, raw Raw) error {
	scored := false
	for _, m := range q.BaseMetrics() {
		switch {
		case !slices.Contains(averagedMetrics, m):
			return invalid("metric %q needs a positive class; with average %q use %s", m, q.Average, join(averagedMetrics))
		case (m == ROCAUC || m == AveragePrecision) && q.Average == "micro":
			return invalid("multiclass %s is averaged macro or weighted (or per class with none), not micro: change average", m)
		case (m == LogLoss || m == Brier) && q.Average == PerClass:
			return invalid("multiclass %s is one number over every class, not per class: use average macro, micro or weighted (it does not change %s), or remove it", m, m)
		}
		scored = scored || slices.Contains(ScoreMetrics, m)
	}
	if scored && len(q.Labels) > 0 {
		return invalid("labels chooses the classes of the confusion-based averages; roc_auc, average_precision, log_loss and brier read every class's probability column: remove labels or those metrics")
	}
	scheme := strings.TrimSpace(raw.MultiClass)
	if scheme == "" {
		if slices.Contains(q.BaseMetrics(), ROCAUC) {
			q.MultiClass = MultiClassOvR
		}
		return nil
	}
	if !slices.Contains(MultiClassSchemes, scheme) {
		return invalid("unknown multiClass %q: use ovr (one-vs-rest) or ovo (one-vs-one), as scikit-learn's multi_class", clip(raw.MultiClass))
	}
	if !slices.Contains(q.BaseMetrics(), ROCAUC) {
		return invalid("multiClass is multiclass roc_auc's scheme: add roc_auc to metrics, or remove multiClass")
	}
	if scheme == MultiClassOvO && q.Average == PerClass {
		return invalid("one-vs-one roc_auc is averaged over pairs of classes, not per class: use average macro or weighted, or multiClass ovr")
	}
	q.MultiClass = scheme
	return nil
}

// classificationDefaults is the metric list of a query that names none: the confusion-based
// metrics, or for multiclass the averaged ones it answered before F-beta and MCC.
func classificationDefaults(q Query) []Metric {
	if q.Average != "" {
		return averagedMetrics[:4:4]
	}
	return ClassificationDefaults
}

// validateRegressionOptions reads quantile (the pinball loss's alpha, default 0.5) and
// forceFinite (default true), the regression family's options.
func validateRegressionOptions(q *Query, raw Raw) error {
	q.Quantile = 0.5
	if raw.Quantile == nil && raw.ForceFinite == nil {
		return nil
	}
	if q.Type != TypeRegression {
		return invalid("quantile and forceFinite apply to regression's pinball, r2 and explained_variance, not to %s: remove them", q.Type)
	}
	if raw.Quantile != nil {
		if a := *raw.Quantile; !(a > 0 && a < 1) {
			return invalid("quantile is %v: use a number between 0 and 1, exclusive (the pinball loss's alpha; 0.5 is half the MAE)", a)
		}
		q.Quantile = *raw.Quantile
	}
	q.KeepNonFinite = raw.ForceFinite != nil && !*raw.ForceFinite
	return nil
}

// MaxBeta is the largest F-beta beta a query may ask for (recall alone, for any purpose).
const MaxBeta = 1e6

// validateScoring reads beta and labels, the classification options of the F-scores and the
// averages.
func validateScoring(q *Query, raw Raw) error {
	q.Beta = 1
	if raw.Beta != nil {
		if q.Type != TypeClassification {
			return invalid("beta applies to classification's fbeta, not to %s: remove it", q.Type)
		}
		if b := *raw.Beta; !(b > 0 && b <= MaxBeta) {
			return invalid("beta is %v: use a number above 0 and at most %g (1 is F1; scikit-learn's fbeta_score)", b, float64(MaxBeta))
		}
		q.Beta = *raw.Beta
	}
	if len(raw.Labels) == 0 {
		return nil
	}
	if q.Type != TypeClassification || q.Average == "" || q.Average == PerClass {
		return invalid("labels chooses the classes of the macro, micro and weighted averages: set average to one of them, or filter the rows for average none")
	}
	if err := checkLength("labels", len(raw.Labels), MaxLabels); err != nil {
		return err
	}
	// Classes are matched exactly, as positiveClass: no trimming.
	q.Labels = unique(raw.Labels, nil)
	for _, l := range q.Labels {
		if err := checkText("a class of labels", l); err != nil {
			return err
		}
	}
	return nil
}

// bucketWidth picks the query's own interval when set (refusing one that makes more than
// MaxBuckets buckets), else Grafana's interval widened to fit the point budget (alert
// evaluation asks for 1s buckets and 43200 points whatever the range), else about 100 buckets.
func bucketWidth(interval string, w Window) (time.Duration, error) {
	span := w.To.Sub(w.From)
	if interval != "" {
		d, err := ParseDuration(interval)
		if err != nil {
			return 0, err
		}
		if d < MinBucket {
			return 0, invalid("interval %q is below the minimum of %s", clip(interval), MinBucket)
		}
		if d > span {
			return 0, invalid("interval %q is longer than the time range (%s): it would make one bucket starting before the range; use an interval up to the range, or widen the range",
				clip(interval), span)
		}
		if n := span / d; n >= MaxBuckets {
			return 0, invalid("interval %q over this range makes %d buckets (at most %d): widen the interval", clip(interval), n+1, MaxBuckets)
		}
		return d, nil
	}
	d := min(w.Interval, span) // a longer bucket would start long before the range
	if d < MinBucket {
		d = span / 100
	}
	// One bucket of slack: epoch alignment can add a partial bucket at the start.
	limit := int64(MaxBuckets - 1)
	if w.MaxDataPoints > 1 && w.MaxDataPoints-1 < limit {
		limit = w.MaxDataPoints - 1
	}
	if int64(span/max(d, 1)) > limit {
		d = time.Duration((int64(span) + limit - 1) / limit)
	}
	if r := d % time.Second; r != 0 {
		d += time.Second - r // whole seconds, rounded up to stay within the budget
	}
	return max(d, MinBucket), nil
}

// ParseDuration reads Grafana-style durations with the plugin SDK's parser: Go's units plus d
// (day) and w (week), surrounding spaces ignored. Months (M) and years (y), which the SDK takes
// as averages (30.44 and 365.25 days), are refused: buckets have a fixed width, so a "month"
// would not follow the calendar. A duration that does not fit Go's (about 292 years) is
// refused, never wrapped: the SDK multiplies days and weeks without an overflow check.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if err := checkDaysFit(s); err != nil {
		return 0, err
	}
	d, err := gtime.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, invalid("interval %q is not a duration: write it like 30s, 15m, 1h, 1d or 1w (at most about 292 years)", clip(s))
	}
	if strings.HasSuffix(s, "M") || strings.HasSuffix(s, "y") {
		return 0, invalid("interval %q is in months (M) or years (y), which have no fixed length: write days or weeks, e.g. 30d or 52w (m is minutes)", clip(s))
	}
	return d, nil
}

// checkDaysFit refuses a count of days or weeks whose duration does not fit Go's, before the
// SDK's parser would wrap it.
func checkDaysFit(s string) error {
	for unit, size := range dayUnits {
		n, ok := strings.CutSuffix(s, unit)
		if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			continue
		}
		if k, err := strconv.ParseInt(n, 10, 64); err != nil || k > math.MaxInt64/int64(size) {
			return invalid("interval %q is too long: at most %d%s (a Go duration holds about 292 years)",
				clip(s), math.MaxInt64/int64(size), unit)
		}
	}
	return nil
}

// dayUnits are the units ParseDuration adds to Go's, by length.
var dayUnits = map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour}

// checkLengths refuses lists longer than their limits before anything walks them.
func checkLengths(raw Raw) error {
	for _, l := range []struct {
		field    string
		n, limit int
	}{
		{"versions", len(raw.Versions), MaxVersions},
		{"features", len(raw.Features), MaxFeatures},
		{"metrics", len(raw.Metrics), MaxMetrics},
		{"estimate", len(raw.Estimate), MaxMetrics},
		{"filters", len(raw.Filters), MaxFilters},
	} {
		if err := checkLength(l.field, l.n, l.limit); err != nil {
			return err
		}
	}
	return checkTexts(raw)
}

// cleanFilters copies the filters with their column names trimmed and their empty string
// values dropped (an empty string means "not set"); the other values stay exactly as given.
func cleanFilters(filters []Filter) []Filter {
	if filters == nil {
		return nil
	}
	out := make([]Filter, len(filters))
	for i, f := range filters {
		f.Column = trimmed(f.Column)
		values := make([]any, 0, len(f.Values))
		for _, v := range f.Values {
			if v != "" {
				values = append(values, v)
			}
		}
		f.Values = values
		out[i] = f
	}
	return out
}

func join[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidQuery, fmt.Sprintf(format, args...))
}

// referenceSteps are the alignments of a derived reference window, finest first.
var referenceSteps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// ReferenceStep is the alignment of a reference window derived from the query's range
// (previous, shift): the largest of 1m, 5m, 15m and 1h that is at most 1/24 of the window (none,
// zero, for a window under 24 minutes: short windows are cheap to read again). Both
// ends are moved back to a multiple of it (UTC), so the window keeps its length, lags the exact
// one by less than a step (under about 4% of its length), and stays the same while a relative
// dashboard range (now-24h) moves within the step: its statistics are computed once and then
// served from the cache.
func ReferenceStep(window time.Duration) time.Duration {
	var step time.Duration
	for _, s := range referenceSteps {
		if s*24 <= window {
			step = s
		}
	}
	return step
}

// referenceWindow resolves a saved reference to absolute times; absent means the previous
// period of the same length. A derived window (previous, shift) is aligned to ReferenceStep; an
// explicit range is kept as given. The window obeys the query's own bounds (representable
// times, at most MaxRange long).
func referenceWindow(ref *Reference, from, to time.Time) (time.Time, time.Time, error) {
	if ref == nil {
		ref = &Reference{Type: ReferencePrevious}
	}
	var rf, rt time.Time
	what := "reference window"
	switch ref.Type {
	case ReferencePrevious, "":
		rf, rt = from.Add(-to.Sub(from)), from
	case ReferenceShift:
		d, err := ParseDuration(ref.Shift)
		if err != nil {
			return time.Time{}, time.Time{}, invalid("reference shift: %s", strings.TrimPrefix(err.Error(), ErrInvalidQuery.Error()+": "))
		}
		rf, rt = from.Add(-d), to.Add(-d)
	case ReferenceRange:
		var err1, err2 error
		rf, err1 = time.Parse(time.RFC3339Nano, ref.From)
		rt, err2 = time.Parse(time.RFC3339Nano, ref.To)
		if err1 != nil || err2 != nil {
			return time.Time{}, time.Time{}, invalid("reference range needs from and to as RFC 3339 times, e.g. 2026-03-01T00:00:00Z; got %q and %q", clip(ref.From), clip(ref.To))
		}
		what = "reference range"
	default:
		return time.Time{}, time.Time{}, invalid("unknown reference type %q: use range, previous or shift", clip(ref.Type))
	}
	rf, rt = rf.UTC(), rt.UTC()
	if step := ReferenceStep(rt.Sub(rf)); step > 0 && ref.Type != ReferenceRange {
		rf, rt = rf.Truncate(step), rt.Truncate(step)
	}
	if err := checkRange(what, rf, rt); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return rf, rt, nil
}

func validateDrift(q *Query, raw Raw) error {
	q.Method = strings.TrimSpace(raw.Method)
	if q.Method == "" {
		q.Method = "auto"
	}
	if !slices.Contains(metrics.DriftMethods, q.Method) {
		return invalid("unknown drift method %q: use one of %s", clip(raw.Method), strings.Join(metrics.DriftMethods, ", "))
	}
	q.Bins, q.BinRule = raw.Bins.Count, raw.Bins.Rule
	if q.BinRule != "" {
		if !slices.Contains(metrics.BinRules, q.BinRule) {
			return invalid("unknown bins rule %q: use a number of bins from 2 to %d, or one of %s", clip(q.BinRule), MaxBins, strings.Join(metrics.BinRules, ", "))
		}
		q.Bins = 0
		return validateDriftThreshold(q, raw)
	}
	if q.Bins == 0 {
		q.Bins = DefaultBins
	}
	if q.Bins < 2 || q.Bins > MaxBins {
		return invalid("bins %d is outside [2, %d]: use a number in it, or a rule (%s)", raw.Bins.Count, MaxBins, strings.Join(metrics.BinRules, ", "))
	}
	return validateDriftThreshold(q, raw)
}

// MaxBins bounds the reference bins of a numeric feature, given or picked by a rule.
const MaxBins = metrics.MaxBins

func validateDriftThreshold(q *Query, raw Raw) error {
	q.Nulls = strings.TrimSpace(raw.Nulls)
	switch q.Nulls {
	case "":
		q.Nulls = NullsDrop
	case NullsDrop, NullsCategory:
	default:
		return invalid("nulls is %q: use %q (rows without a value are left out, the default) or %q (they are one more category of the binned methods)", clip(raw.Nulls), NullsDrop, NullsCategory)
	}
	if t := raw.DriftThreshold; t != nil && (math.IsNaN(*t) || *t < 0) {
		return invalid("driftThreshold %g must be a non-negative number", *t)
	}
	q.DriftThreshold = raw.DriftThreshold
	return nil
}
