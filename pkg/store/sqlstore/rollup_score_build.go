package sqlstore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// scoreRollupInsert returns the statement filling the Score rollup of the rebuilt hours: rows
// per hour, model, version, actual label and grid cell (NULL for rows without a score, so that
// a threshold's confusion counts them as the raw rows do), with the cell's least and greatest
// score. head, where and group are RollupRebuild's, so that the rows and labels read are the
// other rollups'. A table without a score column gets none: its Score table stays empty, and
// RollupScoreConfusion fails as the raw threshold query does.
func (s *Store) scoreRollupInsert(ctx context.Context, head func(b *builder, table, columns string), where func(b *builder), group string) ([]Statement, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if !sch.HasAll(store.ColScore) {
		return nil, nil
	}
	cols, err := s.columns(ctx, store.ColActualLabel, store.ColScore)
	if err != nil {
		return nil, err
	}
	actual := cols[0]
	score := "CAST(" + cols[1] + " AS DOUBLE PRECISION)"
	cell := s.freeName("mw_cell")
	b := &builder{d: s.d}
	head(b, RollupTablesOf(s.table).Score, "actual_label, cell, score_min, score_max, n")
	b.write(", ", actual, ", CASE WHEN ", score, " IS NULL THEN NULL ELSE ", s.gridCell(b, score, metrics.ScoreGridCells), " END AS ", cell,
		", min(", score, "), max(", score, "), count(*)", s.from())
	where(b)
	b.write(group, ", ", actual, ", ", cell)
	return []Statement{{SQL: b.String(), Args: b.args}}, nil
}
