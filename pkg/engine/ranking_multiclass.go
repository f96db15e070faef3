package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// classScores holds a multiclass model's ranking of one series in one bucket: per class, the
// one-vs-rest histogram's ranking of its probability column, and per ordered pair (a, b) the
// ranking of a's column over the rows of class a against those of class b; and how many rows
// of each class each column counted.
type classScores struct {
	ovr  map[string]metrics.GridRanking
	ovo  map[[2]string]metrics.GridRanking
	rows map[string]float64 // rows of the class with its own probability (their weight, weighted)
	pair map[[2]string]float64
}

// classColumns names each class's probability column, refusing a model whose classes are not
// all there (scikit-learn needs a probability per class) or are too many to read.
func (e *Engine) classColumns(ctx context.Context, q query.Query, classes []string) ([]string, error) {
	if len(classes) < 2 {
		return nil, fmt.Errorf("%w: multiclass %s needs a model with at least 2 classes; %q has %s", store.ErrNotFound, scoreMetricList(q), q.Model, list(classes))
	}
	if len(classes) > store.MaxScoreClasses {
		return nil, fmt.Errorf("%w: multiclass %s reads one probability column per class, at most %d; model %q has %d classes: filter the rows or use the confusion-based metrics",
			query.ErrInvalidQuery, scoreMetricList(q), store.MaxScoreClasses, q.Model, len(classes))
	}
	sch, err := e.Store.Schema(ctx)
	if err != nil {
		return nil, err
	}
	var columns, missing, have []string
	for _, c := range sch.Columns {
		if strings.HasPrefix(c.Name, store.ClassScorePrefix) {
			have = append(have, c.Name)
		}
	}
	for _, class := range classes {
		name, err := store.ClassScoreColumn(class)
		if err != nil {
			return nil, err
		}
		if _, ok := sch.Column(name); !ok {
			missing = append(missing, fmt.Sprintf("%s (class %q)", name, class))
		}
		columns = append(columns, name)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: multiclass %s reads each class's probability from a column %s<class>: table %q has no %s; it has %s",
			store.ErrSchema, scoreMetricList(q), store.ClassScorePrefix, sch.Table, strings.Join(missing, ", "), list(have))
	}
	return columns, nil
}

// scoreMetricList names the query's score metrics, for messages.
func scoreMetricList(q query.Query) string {
	var names []string
	for _, m := range q.BaseMetrics() {
		if slices.Contains(query.ScoreMetrics, m) {
			names = append(names, string(m))
		}
	}
	return strings.Join(names, ", ")
}

// classProbabilityNeeds declares the sums multiclass log loss and Brier read, over rows with
// ground truth and every class's probability.
func classProbabilityNeeds(classes []string) map[query.Metric][]store.Measure {
	n := store.Measure{Kind: store.MeasureClassScoredLabeled, Values: classes}
	return map[query.Metric][]store.Measure{
		query.LogLoss: {n, {Kind: store.MeasureClassLogLossSum, Values: classes}},
		query.Brier:   {n, {Kind: store.MeasureClassBrierSum, Values: classes}},
	}
}

// classGrids reads each class's probability column once (one scan per class, a row per cell
// and actual class) and ranks, per series and bucket, the column one-vs-rest and, for one vs
// one, against each other class. A bucket's cells are let go when the next bucket begins.
func (e *Engine) classGrids(ctx context.Context, q query.Query, classes, columns, versions []string, bucketTimes []time.Time, s *scored) error {
	n := max(len(bucketTimes), 1)
	for k := range s.ranked {
		s.classes[k] = make([]classScores, n)
		for b := range n {
			s.classes[k][b] = classScores{ovr: map[string]metrics.GridRanking{}, ovo: map[[2]string]metrics.GridRanking{},
				rows: map[string]float64{}, pair: map[[2]string]float64{}}
		}
	}
	for i, class := range classes {
		req := store.ScoreRequest{Scope: scope(q, versions), Cells: metrics.ScoreGridCells, ScoreColumn: columns[i], ByActual: true}
		if len(bucketTimes) > 0 {
			req.Bucket = q.Bucket
		}
		cells := map[seriesKey][]store.ScoreCountRow{}
		f := newBucketFolder(bucketTimes, q.Bucket, "score cells", func(bucket int) {
			for k, rows := range cells {
				rankClass(s.classes[k][bucket], class, classes, rows, req.Cells, q.MultiClass == query.MultiClassOvO, q.Weight != "")
				cells[k] = rows[:0]
			}
		})
		err := e.Store.ScoreCounts(ctx, req, func(r store.ScoreCountRow) {
			k := keyOf(q, r.Version, r.Group)
			if _, ok := s.classes[k]; !ok || f.at(r.Bucket) < 0 {
				return
			}
			cells[k] = append(cells[k], r)
		})
		if err := f.done(err); err != nil {
			return err
		}
	}
	return nil
}

// rankClass ranks one class's probability column in one bucket from its cells (a row per cell
// and actual class): one-vs-rest, and with ovo against each other class present.
func rankClass(into classScores, class string, classes []string, rows []store.ScoreCountRow, cells int, ovo, weighted bool) {
	into.ovr[class] = rankGrid(classBars(rows, cells, class, weighted, func(string) bool { return true }), weighted)
	for _, r := range rows {
		if r.Actual == class {
			n, _ := r.Sides(weighted)
			into.rows[class] += n
		}
	}
	if !ovo {
		return
	}
	for _, other := range classes {
		if other == class {
			continue
		}
		h := classBars(rows, cells, class, weighted, func(actual string) bool { return actual == class || actual == other })
		into.ovo[[2]string{class, other}] = rankGrid(h, weighted)
		for _, b := range h {
			into.pair[[2]string{class, other}] += b.Positives + b.Negatives
		}
	}
}

// classBars folds the rows of a column's cells whose actual class is kept into histogram bars:
// the class's rows positive, the others negative, each cell's least and greatest score over
// the kept rows, in the order the cells first appear.
func classBars(rows []store.ScoreCountRow, cells int, class string, weighted bool, keep func(actual string) bool) []metrics.ScoreCount {
	type acc struct {
		min, max float64
		pos, neg float64
	}
	byCell := map[int]*acc{}
	var order []int
	for _, r := range rows {
		if !keep(r.Actual) {
			continue
		}
		a := byCell[r.Cell]
		if a == nil {
			a = &acc{min: r.Min, max: r.Max}
			byCell[r.Cell] = a
			order = append(order, r.Cell)
		}
		a.min, a.max = min(a.min, r.Min), max(a.max, r.Max)
		n, _ := r.Sides(weighted) // a row per actual class: its rows (or weight) are on the positive side
		if r.Actual == class {
			a.pos += n
		} else {
			a.neg += n
		}
	}
	bars := make([]metrics.ScoreCount, 0, len(order))
	for _, c := range order {
		a := byCell[c]
		bars = append(bars, metrics.GridBar(c, cells, a.min, a.max, a.pos, a.neg))
	}
	return bars
}

// classRanking averages a bucket's per-class rankings for one metric: per class (one-vs-rest),
// macro or weighted over the classes one-vs-rest (weights: each class's rows), or over the
// pairs of classes present one-vs-one (Hand and Till; weights: the pair's rows), as
// scikit-learn's roc_auc_score and average_precision_score. Undefined when any class's or
// pair's value is. The error bound averages the parts' bounds alike.
func classRanking(cs classScores, classes []string, q query.Query, class string, m query.Metric) (value, bound *float64) {
	pick := func(r metrics.GridRanking) (*float64, *float64) {
		if m == query.AveragePrecision {
			return r.AveragePrecision, r.AveragePrecisionErrorBound
		}
		return r.ROCAUC, r.ROCAUCErrorBound
	}
	if q.Average == query.PerClass {
		return pick(cs.ovr[class])
	}
	var parts []weighted
	if q.MultiClass == query.MultiClassOvO && m == query.ROCAUC {
		var present []string
		for _, c := range classes {
			if cs.rows[c] > 0 {
				present = append(present, c)
			}
		}
		for i, a := range present {
			for _, b := range present[i+1:] {
				va, ba := pick(cs.ovo[[2]string{a, b}])
				vb, bb := pick(cs.ovo[[2]string{b, a}])
				if va == nil || vb == nil {
					return nil, nil
				}
				parts = append(parts, weighted{value: (*va + *vb) / 2, bound: (orZero(ba) + orZero(bb)) / 2,
					weight: (cs.pair[[2]string{a, b}] + cs.pair[[2]string{b, a}]) / 2})
			}
		}
	} else {
		for _, c := range classes {
			v, b := pick(cs.ovr[c])
			if v == nil {
				return nil, nil
			}
			parts = append(parts, weighted{value: *v, bound: orZero(b), weight: cs.rows[c]})
		}
	}
	return average(parts, q.Average == "weighted")
}

// weighted is one class's or pair's value, its error bound and its weight in an average.
type weighted struct{ value, bound, weight float64 }

// average is the mean of the parts' values and bounds, weighted by their weights when asked;
// nil for no parts or no weight.
func average(parts []weighted, byWeight bool) (value, bound *float64) {
	var sum, sumBound, total float64
	for _, p := range parts {
		w := 1.0
		if byWeight {
			w = p.weight
		}
		sum += w * p.value
		sumBound += w * p.bound
		total += w
	}
	if len(parts) == 0 || total == 0 {
		return nil, nil
	}
	v, b := sum/total, sumBound/total
	return &v, &b
}
