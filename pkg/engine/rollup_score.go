package engine

import (
	"context"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// thresholdConfusion reads a threshold query's confusion counts from the score rollup (and the
// range's partial hours from raw rows) when the planner allows, the store keeps a usable score
// rollup and no cell of any hour straddles the threshold, so that the counts are exactly the
// raw rows'. A nil plan means the raw rows must answer.
func (e *Engine) thresholdConfusion(ctx context.Context, q query.Query, req store.ConfusionRequest) ([]store.ConfusionCount, *rollupPlan, error) {
	p, err := e.rollupFor(ctx, q)
	if err != nil || p == nil {
		return nil, nil, err
	}
	ss, ok := p.rs.(store.ScoreRollupStore)
	if !ok {
		return nil, nil, nil
	}
	if usable, _, err := ss.RollupScores(ctx); err != nil || !usable {
		return nil, nil, err
	}
	rows, exact, err := ss.RollupScoreConfusion(ctx, store.RollupRequest{Model: q.Model, Versions: req.Versions, From: p.from, To: p.to, Bucket: req.Bucket},
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
