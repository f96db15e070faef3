package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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
		micros, cell     int64
		ver, grp, actual sql.NullString
		r                store.ScoreCountRow
	)
	// The scan targets live outside the callback: one allocation for the query, not one a row.
	dest := []any{&micros, &ver, &grp, &cell, &r.Min, &r.Max, &r.Positives, &r.Negatives}
	if req.Sums {
		dest = append(dest, &r.SumPositives, &r.SumNegatives)
	}
	if req.ByActual {
		dest = append(dest, &actual)
	}
	if req.Weight != "" {
		dest = append(dest, &r.WeightPositives, &r.WeightNegatives)
	}
	return s.each(ctx, "counting scores", b, func(scan func(...any) error) (bool, error) {
		if err := scan(dest...); err != nil {
			return false, err
		}
		r.Version, r.Group, r.Cell, r.Actual = ver.String, grp.String, int(cell), actual.String
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
	if req.ByActual && (req.Split != store.SplitActual || req.Sums) {
		return nil, fmt.Errorf("%w: a score grid by actual class splits by the ground truth and has no sums", store.ErrSchema)
	}
	b := &builder{d: s.d}
	keys := []string{sc.alias.score}
	if req.ByActual {
		keys = append(keys, split.label)
	}
	// Each condition binds its values where it is written: placeholders are numbered in the
	// order they appear.
	err = s.grouped(b, sc, req.Bucket, func() {
		b.write(", ", s.gridCell(b, split.score, req.Cells), " AS ", sc.alias.score,
			", min(", split.score, "), max(", split.score, ")")
		if req.ByActual {
			b.write(", CAST(count(*) AS "+s.d.BigintType()+"), CAST(0 AS "+s.d.BigintType()+"), ", split.label)
			if sc.weight != "" {
				b.write(", ", sc.count(), ", 0.0")
			}
			return
		}
		b.write(", CAST(", countIf(s.d, split.side(b, req, true)), " AS "+s.d.BigintType()+")")
		b.write(", CAST(", countIf(s.d, split.side(b, req, false)), " AS "+s.d.BigintType()+")")
		if req.Sums {
			for _, positive := range []bool{true, false} {
				b.write(", sum(CASE WHEN ", split.side(b, req, positive), " THEN ", split.clamped, " ELSE 0.0 END)")
			}
		}
		if sc.weight != "" {
			for _, positive := range []bool{true, false} {
				b.write(", sum(CASE WHEN ", split.side(b, req, positive), " THEN ", sc.weight, " ELSE 0.0 END)")
			}
		}
	}, split.where(), keys, 0)
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
	scoreColumn := store.ColScore
	if req.ScoreColumn != "" {
		if err := s.classScoreColumn(ctx, req.ScoreColumn); err != nil {
			return scoreSides{}, err
		}
		scoreColumn = req.ScoreColumn
	}
	names := []string{scoreColumn}
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

// classScoreColumn checks that a column named as a class's probabilities is one: a number
// column named score_<class>, not one of the table's base columns.
func (s *Store) classScoreColumn(ctx context.Context, name string) error {
	sch, err := s.Schema(ctx)
	if err != nil {
		return err
	}
	c, ok := sch.Column(name)
	switch {
	case !strings.HasPrefix(name, store.ClassScorePrefix) || store.RoleOf(name) != store.RoleFeature:
		return fmt.Errorf("%w: %q is not a class's probability column: those are named %s<class>", store.ErrSchema, name, store.ClassScorePrefix)
	case !ok:
		return sch.Require(name)
	case c.Kind != store.KindDouble && c.Kind != store.KindInteger:
		return fmt.Errorf("%w: column %q holds %s, not probabilities: a class's probability column holds numbers", store.ErrSchema, name, c.Kind)
	}
	return nil
}
