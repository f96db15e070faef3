package engine

import (
	"context"
	"math"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// thresholdConfusion reads a threshold query's confusion counts from the score rollup (and the
// range's partial hours from raw rows) when the planner allows, the store keeps a usable score
// rollup and no cell of any hour straddles the threshold, so that the counts are exactly the
// raw rows'. A nil plan means the raw rows must answer.
func (e *Engine) thresholdConfusion(ctx context.Context, q query.Query, req store.ConfusionRequest) ([]store.ConfusionCount, *rollupPlan, error) {
	p, err := e.rollupFor(ctx, q, segmentGroups)
	if err != nil || p == nil {
		return nil, nil, err
	}
	ss, ok := p.rs.(store.ScoreRollupStore)
	if !ok {
		return nil, nil, nil
	}
	usable, err := catalogued(ctx, e, "rollups-scores", func() (bool, error) {
		usable, _, err := ss.RollupScores(ctx)
		return usable, err
	})
	if err != nil || !usable {
		return nil, nil, err
	}
	rows, exact, err := ss.RollupScoreConfusion(ctx, p.request(q.Model, req.Versions, req.Bucket),
		*req.Threshold, req.PositiveClass, req.NegativeClass)
	if err != nil || !exact {
		return nil, nil, err
	}
	for _, edge := range p.edges {
		er := req
		er.From, er.To = edge[0], edge[1]
		more, err := e.Store.ConfusionCounts(ctx, er)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, more...) // counts of one key add up when folded
	}
	return rows, p, nil
}

// rankingRollups returns the plan and store answering a query's score metrics (ROC AUC, average
// precision, log loss, Brier) from the rollups: the ranking grid and probability sums for the
// whole hours, raw rows for the range's partial hours. Nil when the planner does not allow
// rollups or the store keeps no usable ranking rollups (built before them).
func (e *Engine) rankingRollups(ctx context.Context, q query.Query) (*rollupPlan, store.ScoreRollupStore, error) {
	p, err := e.rollupFor(ctx, q, segmentFilters)
	if err != nil || p == nil {
		return nil, nil, err
	}
	ss, ok := p.rs.(store.ScoreRollupStore)
	if !ok {
		return nil, nil, nil
	}
	usable, err := catalogued(ctx, e, "rollups-ranking", func() (bool, error) {
		usable, _, err := ss.RollupRanking(ctx)
		return usable, err
	})
	if err != nil || !usable {
		return nil, nil, err
	}
	return p, ss, nil
}

// scoresFromRollups reports whether the rollups can answer the query's score metrics, if it
// has any: a query whose score metrics read raw rows reads its confusion counts there too, so
// that one source answers it.
func (e *Engine) scoresFromRollups(ctx context.Context, q query.Query) (bool, error) {
	if !needsScores(q) {
		return true, nil
	}
	p, _, err := e.rankingRollups(ctx, q)
	return p != nil, err
}

// rollupRankGrid reads the ranking grid into s.ranked: the whole hours from the rollup, in
// bucket order, and the range's partial hours from raw rows on the same grid, merged cell by
// cell into their buckets before ranking. Memory holds one bucket's cells and the partial
// hours' (two buckets at most), not the range's.
func (e *Engine) rollupRankGrid(ctx context.Context, q query.Query, p *rollupPlan, ss store.ScoreRollupStore, versions []string, bucketTimes []time.Time, s *scored) error {
	var width time.Duration
	if len(bucketTimes) > 0 {
		width = q.Bucket
	}
	cells := newGridCells()
	edges := map[int]*gridCells{}
	for _, edge := range p.edges {
		req := store.ScoreRequest{Scope: store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters},
			Bucket: width, PositiveClass: q.PositiveClass, Cells: store.ScoreRollupCells}
		err := e.Store.ScoreCounts(ctx, req, func(r store.ScoreCountRow) {
			i := bucketIndex(bucketTimes, q.Bucket, r.Bucket)
			if i < 0 {
				return
			}
			if edges[i] == nil {
				edges[i] = newGridCells()
			}
			edges[i].add(r)
		})
		if err != nil {
			return err
		}
	}
	rank := func(i int, g *gridCells) {
		if more, ok := edges[i]; ok {
			g.merge(more)
			delete(edges, i)
		}
		for k, h := range g.bars(store.ScoreRollupCells) {
			if _, ok := s.ranked[k]; ok {
				s.ranked[k][i] = metrics.RankGrid(h)
			}
		}
	}
	f := newBucketFolder(bucketTimes, q.Bucket, "ranking rollup cells", func(bucket int) {
		rank(bucket, cells)
		cells = newGridCells()
	})
	err := ss.RollupScoreCounts(ctx, p.request(q.Model, versions, width), q.PositiveClass,
		func(r store.ScoreCountRow) {
			if f.at(r.Bucket) >= 0 {
				cells.add(r)
			}
		})
	if err := f.done(err); err != nil {
		return err
	}
	for i, g := range edges {
		rank(i, g)
	}
	return nil
}

// gridCells merges score grid rows of one bucket per series and cell.
type gridCells struct {
	rows map[seriesKey]map[int]*store.ScoreCountRow
}

func newGridCells() *gridCells {
	return &gridCells{rows: map[seriesKey]map[int]*store.ScoreCountRow{}}
}

func (g *gridCells) add(r store.ScoreCountRow) {
	k := seriesKey{Version: r.Version, Group: r.Group}
	cells := g.rows[k]
	if cells == nil {
		cells = map[int]*store.ScoreCountRow{}
		g.rows[k] = cells
	}
	c, ok := cells[r.Cell]
	if !ok {
		cells[r.Cell] = &r
		return
	}
	c.Min, c.Max = leastOf(c.Min, r.Min), greatestOf(c.Max, r.Max)
	c.Positives += r.Positives
	c.Negatives += r.Negatives
}

// leastOf and greatestOf order NaN above every number, as the engines' min and max do, so that
// cells merged here agree with cells merged in SQL.
func leastOf(a, b float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return math.Min(a, b)
}

func greatestOf(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

func (g *gridCells) merge(o *gridCells) {
	for _, cells := range o.rows {
		for _, r := range cells {
			g.add(*r)
		}
	}
}

// bars turns each series' cells into histogram bars (metrics.GridBar).
func (g *gridCells) bars(n int) map[seriesKey][]metrics.ScoreCount {
	out := make(map[seriesKey][]metrics.ScoreCount, len(g.rows))
	for k, cells := range g.rows {
		h := make([]metrics.ScoreCount, 0, len(cells))
		for _, r := range cells {
			h = append(h, metrics.GridBar(r.Cell, n, r.Min, r.Max, float64(r.Positives), float64(r.Negatives)))
		}
		out[k] = h
	}
	return out
}

// rollupProbabilities reads the log-loss and Brier sums per series and bucket from the rollup
// and the range's partial hours from raw rows, added together.
func (e *Engine) rollupProbabilities(ctx context.Context, q query.Query, p *rollupPlan, ss store.ScoreRollupStore, versions []string, bucketTimes []time.Time, s *scored) error {
	var width time.Duration
	if len(bucketTimes) > 0 {
		width = q.Bucket
	}
	rows, err := ss.RollupProbabilitySums(ctx, p.request(q.Model, versions, width), q.PositiveClass)
	if err != nil {
		return err
	}
	for _, edge := range p.edges {
		more, err := ss.ProbabilitySums(ctx, store.Scope{Model: q.Model, Versions: versions, From: edge[0], To: edge[1], Filters: p.filters}, width, q.PositiveClass)
		if err != nil {
			return err
		}
		rows = append(rows, more...)
	}
	for _, r := range rows {
		ps, ok := s.probabilities[seriesKey{Version: r.Version}]
		i := bucketIndex(bucketTimes, q.Bucket, r.Bucket)
		if !ok || i < 0 {
			continue
		}
		ps[i].N += float64(r.N)
		ps[i].SumLogLoss += r.SumLogLoss
		ps[i].SumSquaredError += r.SumSquaredError
	}
	return nil
}
