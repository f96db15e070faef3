package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// ScoreCounts counts positives and negatives per cell of a fixed score grid per bucket,
// version and group, with each cell's least and greatest score (and, when asked, each side's
// sum of scores), in one scan: O(rows) in the engine, at most req.Cells rows per series and
// bucket handed to row, in bucket order, whatever the number of distinct scores.
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
	if req.Sums {
		dest = append(dest, &r.SumPositives, &r.SumNegatives)
	}
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
	split, err := s.scoreSplit(ctx, req)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	// Each condition binds its values where it is written: placeholders are numbered in the
	// order they appear.
	err = s.grouped(b, sc, req.Bucket, func() {
		b.write(", ", s.gridCell(b, split.score, req.Cells), " AS ", sc.alias.score,
			", min(", split.score, "), max(", split.score, ")")
		b.write(", CAST(", countIf(s.d, split.side(b, req, true)), " AS "+s.d.BigintType()+")")
		b.write(", CAST(", countIf(s.d, split.side(b, req, false)), " AS "+s.d.BigintType()+")")
		if req.Sums {
			for _, positive := range []bool{true, false} {
				b.write(", sum(CASE WHEN ", split.side(b, req, positive), " THEN ", split.clamped, " ELSE 0.0 END)")
			}
		}
	}, split.where(), []string{sc.alias.score}, 0)
	if err != nil {
		return nil, err
	}
	if req.Bucket > 0 {
		b.write(" ORDER BY ", sc.alias.bucket)
	}
	return b, nil
}

// scoreSides holds the quoted columns a score grid reads: the score cast to a double, and the
// column that splits a cell's rows (the actual label, or the predicted label when the
// prediction is read from it).
type scoreSides struct {
	score, clamped, scoreColumn, label string
}

func (s *Store) scoreSplit(ctx context.Context, req store.ScoreRequest) (scoreSides, error) {
	splitBy := store.ColActualLabel
	switch {
	case req.Split == store.SplitPredicted && req.Threshold != nil:
		splitBy = "" // the score itself decides
	case req.Split == store.SplitPredicted:
		splitBy = store.ColPredictedLabel
	case req.Split != store.SplitActual:
		return scoreSides{}, fmt.Errorf("%w: unknown score split %d", store.ErrSchema, req.Split)
	}
	names := []string{store.ColScore}
	if splitBy != "" {
		names = append(names, splitBy)
	}
	q, err := s.columns(ctx, names...)
	if err != nil {
		return scoreSides{}, err
	}
	score := "CAST(" + q[0] + " AS " + s.d.DoubleType() + ")"
	sides := scoreSides{score: score, clamped: s.clampedScore(score), scoreColumn: q[0]}
	if splitBy != "" {
		sides.label = q[1]
	}
	return sides, nil
}

// side is the SQL condition of a cell's positive or negative side, binding the class or
// threshold.
func (sides scoreSides) side(b *builder, req store.ScoreRequest, positive bool) string {
	if sides.label == "" { // predicted from the clamped score, as the cell is
		op := " < "
		if positive {
			op = " >= "
		}
		return sides.clamped + op + b.bind(*req.Threshold)
	}
	op := " <> "
	if positive {
		op = " = "
	}
	return sides.label + op + b.bind(req.PositiveClass)
}

// where is the condition of the rows the grid reads: a score, and a label on the splitting
// side when one is read.
func (sides scoreSides) where() string {
	if sides.label == "" {
		return sides.scoreColumn + " IS NOT NULL"
	}
	return sides.scoreColumn + " IS NOT NULL AND " + sides.label + " IS NOT NULL"
}

// clampedScore is a score clamped to [0, 1], NaN to 1 (as metrics.GridCell): said explicitly,
// since the engines disagree on NaN's order (DuckDB and PostgreSQL sort it above every number,
// so least(greatest(NaN, 0), 1) is 1 there, and 0 on ClickHouse).
func (s *Store) clampedScore(score string) string {
	return "CASE WHEN " + isNaN(s.d, score) + " THEN 1.0 ELSE least(greatest(" + score + ", 0.0), 1.0) END"
}

// gridCell is the cell of a score on a grid of cells over [0, 1], binding the cell count: the
// score is clamped to [0, 1] first (NaN to 1), then floor(score * cells), and 1 itself goes to
// the last cell. As metrics.GridCell.
func (s *Store) gridCell(b *builder, score string, cells int) string {
	clamped := s.clampedScore(score)
	return "least(CAST(floor(" + clamped + " * " + b.bind(float64(cells)) + ") AS " + s.d.BigintType() + "), " + b.bind(int64(cells-1)) + ")"
}
