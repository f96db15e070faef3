package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// ScoreCounts counts positives and negatives per cell of a fixed score grid per bucket,
// version and group, with each cell's least and greatest score, in one scan: O(rows) in the
// engine, at most req.Cells rows per series and bucket handed to row, in bucket order, whatever
// the number of distinct scores.
func (s *Store) ScoreCounts(ctx context.Context, req store.ScoreRequest, row func(store.ScoreCountRow)) error {
	b, err := s.scoreStatement(ctx, req)
	if err != nil {
		return err
	}
	var (
		micros, cell int64
		ver, grp     sql.NullString
		r            store.ScoreCountRow
	)
	// The scan targets live outside the callback: one allocation for the query, not one a row.
	dest := []any{&micros, &ver, &grp, &cell, &r.Min, &r.Max, &r.Positives, &r.Negatives}
	return s.each(ctx, "counting scores", b, func(scan func(...any) error) (bool, error) {
		if err := scan(dest...); err != nil {
			return false, err
		}
		r.Version, r.Group, r.Cell = ver.String, grp.String, int(cell)
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		row(r)
		return true, nil
	})
}

func (s *Store) scoreStatement(ctx context.Context, req store.ScoreRequest) (*builder, error) {
	if req.Cells < 1 || req.Cells > store.MaxScoreCells {
		return nil, fmt.Errorf("%w: a score grid needs 1 to %d cells, not %d", store.ErrSchema, store.MaxScoreCells, req.Cells)
	}
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	q, err := s.columns(ctx, store.ColScore, store.ColActualLabel)
	if err != nil {
		return nil, err
	}
	score := "CAST(" + q[0] + " AS " + s.d.DoubleType() + ")"
	actual := q[1]
	b := &builder{d: s.d}
	err = s.grouped(b, sc, req.Bucket, func() {
		b.write(", ", s.gridCell(b, score, req.Cells), " AS ", sc.alias.score,
			", min(", score, "), max(", score, ")",
			", CAST(", countIf(s.d, actual+" = "+b.bind(req.PositiveClass)), " AS "+s.d.BigintType()+")",
			", CAST(", countIf(s.d, actual+" <> "+b.bind(req.PositiveClass)), " AS "+s.d.BigintType()+")")
	}, q[0]+" IS NOT NULL AND "+actual+" IS NOT NULL", []string{sc.alias.score}, 0)
	if err != nil {
		return nil, err
	}
	if req.Bucket > 0 {
		b.write(" ORDER BY ", sc.alias.bucket)
	}
	return b, nil
}

// gridCell is the cell of a score on a grid of cells over [0, 1], binding the cell count: the
// score is clamped to [0, 1] first (NaN sorts above every number in the engines, so it clamps to
// 1), then floor(score * cells), and 1 itself goes to the last cell. As metrics.GridCell.
func (s *Store) gridCell(b *builder, score string, cells int) string {
	clamped := "least(greatest(" + score + ", 0.0), 1.0)"
	return "least(CAST(floor(" + clamped + " * " + b.bind(float64(cells)) + ") AS " + s.d.BigintType() + "), " + b.bind(int64(cells-1)) + ")"
}
