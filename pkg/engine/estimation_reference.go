package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// calibrated is what the reference window gives one series for estimation: the calibration of
// its scores and the sampling components of its metrics. ok is false without a labelled,
// scored reference row.
type calibrated struct {
	calibration metrics.Calibration
	sampling    map[string]metrics.SamplingComponent
	rows        int64 // labelled, scored reference rows
	ok          bool
}

// calibrations are the reference's calibration of every series.
type calibrations map[seriesKey]*calibrated

// size estimates the bytes the calibrations hold, for the cache's bound: the fitted points
// dominate (up to two floats per grid cell and series).
func (c calibrations) size() int {
	const perSeries, float = 512, 8
	n := 0
	for k, cal := range c {
		n += perSeries + len(k.Version) + len(k.Group) + 2*cal.calibration.Points()*float
	}
	return n
}

// estimationReference reads the reference window of every series (the same version and group
// as the series, over the query's reference window): the score grid split by the ground truth,
// which calibrates the scores and gives ROC AUC's sampling component, and the confusion counts
// at the query's decision rule, which give the other sampling components. Two grouped scans of
// the reference rows; at most a grid's cells per series in memory. Once the window has ended
// its calibrations are cached (a write into it forgets them), so a refreshing dashboard or an
// alert rule reads only the current window.
func (e *Engine) estimationReference(ctx context.Context, q query.Query, versions []string, negative string) (calibrations, error) {
	sc := scope(q, versions)
	sc.From, sc.To = q.RefFrom, q.RefTo
	var cache *Cache
	if q.RefTo.Before(time.Now()) {
		cache = e.Cache
	}
	threshold := "label"
	if q.Threshold != nil {
		threshold = strconv.FormatFloat(*q.Threshold, 'g', -1, 64)
	}
	key := cacheKey("estimation-reference", sc, fmt.Sprintf("%q|%q|%s|%s", q.PositiveClass, negative, threshold, q.Calibration))
	return cachedWindow(cache, sc, key, func() (calibrations, error) {
		return e.readEstimationReference(ctx, q, sc, negative)
	})
}

func (e *Engine) readEstimationReference(ctx context.Context, q query.Query, sc store.Scope, negative string) (calibrations, error) {
	cells := map[seriesKey][]metrics.CalibrationCell{}
	bars := map[seriesKey][]metrics.ScoreCount{}
	req := store.ScoreRequest{Scope: sc, PositiveClass: q.PositiveClass, Cells: metrics.ScoreGridCells, Sums: true}
	err := e.Store.ScoreCounts(ctx, req, func(r store.ScoreCountRow) {
		k := keyOf(q, r.Version, r.Group)
		cells[k] = append(cells[k], metrics.CalibrationCell{Rows: r.Positives + r.Negatives, Positives: r.Positives, SumScores: r.SumPositives + r.SumNegatives})
		bars[k] = append(bars[k], metrics.GridBar(r.Cell, req.Cells, r.Min, r.Max, float64(r.Positives), float64(r.Negatives)))
	})
	if err != nil {
		return nil, err
	}
	counts, err := e.Store.ConfusionCounts(ctx, store.ConfusionRequest{
		Scope: sc, Threshold: q.Threshold, PositiveClass: q.PositiveClass, NegativeClass: negative,
	})
	if err != nil {
		return nil, err
	}
	confusion := map[seriesKey]*metrics.BinaryCounts{}
	for _, r := range counts {
		if r.Actual == nil || r.Predicted == nil {
			continue
		}
		k := keyOf(q, r.Version, r.Group)
		if confusion[k] == nil {
			confusion[k] = &metrics.BinaryCounts{}
		}
		c := confusion[k]
		switch actual, predicted := *r.Actual == q.PositiveClass, *r.Predicted == q.PositiveClass; {
		case actual && predicted:
			c.TP += r.Count
		case predicted:
			c.FP += r.Count
		case actual:
			c.FN += r.Count
		default:
			c.TN += r.Count
		}
	}
	out := calibrations{}
	for k, cs := range cells {
		cal := &calibrated{}
		for _, c := range cs {
			cal.rows += c.Rows
		}
		if q.Calibration == query.CalibrationIsotonic {
			cal.calibration, cal.ok = metrics.FitIsotonic(cs)
		} else {
			cal.ok = cal.rows > 0
		}
		var bc metrics.BinaryCounts
		if c := confusion[k]; c != nil {
			bc = *c
		}
		cal.sampling = metrics.SamplingComponents(bc, bars[k])
		out[k] = cal
	}
	return out, nil
}
