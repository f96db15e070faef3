package sqlstore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/store"
)

// scoreThresholdCells is the resolution of the Score rollup's threshold grid: 100 decimal
// cells, cell k = [k/100, (k+1)/100). A threshold of two decimals (0.5, 0.35) is a cell
// boundary, so no cell can straddle it and it always answers from the rollup; any other
// threshold answers from it when no hour's cell holds scores on both sides. Coarse, so that
// an hour and version hold at most (classes + 1) x 101 rows whatever their predictions.
const scoreThresholdCells = 100

// scoreRollupInsert returns the statements filling the score rollups of the rebuilt hours: the
// Score table's rows per hour, model, version, actual label and threshold cell (NULL for rows
// without a score, so that a threshold's confusion counts them as the raw rows do), with the
// cell's least and greatest score; the ScoreRank table's, per actual label and ranking cell,
// for rows with a score and ground truth; and the ScoreSums table's, per actual label. head,
// where and group are RollupRebuild's, so that the rows and labels read are the other
// rollups'. A table without a score column gets none: its score tables stay empty, and the
// threshold and score queries fail as the raw queries do.
func (s *Store) scoreRollupInsert(ctx context.Context, head func(b *builder, table, columns string), where func(b *builder), group string) ([]Statement, error) {
	actual, raw, err := s.scoreColumns(ctx)
	if err != nil || raw == "" {
		return nil, err
	}
	score := "CAST(" + raw + " AS DOUBLE PRECISION)"
	cell := s.freeName("mw_cell")
	// Rows are written in hour order so that a range's hours lie in few of the engine's row
	// groups, which its min/max indexes let a read skip (DuckDB's zonemaps).
	byHour := " ORDER BY " + s.freeName("mw_hour")
	t := RollupTablesOf(s.table)
	var out []Statement

	b := &builder{d: s.d}
	head(b, t.Score, "actual_label, cell, score_min, score_max, n")
	b.write(", ", actual, ", CASE WHEN ", score, " IS NULL THEN NULL ELSE ", s.thresholdCell(b, score), " END AS ", cell,
		", min(", score, "), max(", score, "), count(*)", s.from())
	where(b)
	b.write(group, ", ", actual, ", ", cell, byHour)
	out = append(out, Statement{SQL: b.String(), Args: b.args})

	scored := " AND " + raw + " IS NOT NULL AND " + actual + " IS NOT NULL"
	b = &builder{d: s.d}
	head(b, t.ScoreRank, "actual_label, cell, score_min, score_max, n")
	b.write(", ", actual, ", ", s.gridCell(b, score, store.ScoreRollupCells), " AS ", cell, ", min(", score, "), max(", score, "), count(*)", s.from())
	where(b)
	b.write(scored, group, ", ", actual, ", ", cell, byHour)
	out = append(out, Statement{SQL: b.String(), Args: b.args})

	// The per-row terms are the raw query's (probabilityMeasure), so the sums differ from its
	// only by the order of summation.
	clip := func(p string) string { return "least(greatest(" + p + ", " + logLossEps + "), 1 - " + logLossEps + ")" }
	b = &builder{d: s.d}
	head(b, t.ScoreSums, "actual_label, n, neg_ln_score, neg_ln_complement, sq_error_positive, sq_error_negative")
	b.write(", ", actual, ", count(*), sum(-ln(", clip(raw), ")), sum(-ln(", clip("1 - "+raw), ")), sum((", raw, " - (1.0)) * (", raw, " - (1.0))), sum((",
		raw, " - (0.0)) * (", raw, " - (0.0)))", s.from())
	where(b)
	b.write(scored, group, ", ", actual, byHour)
	out = append(out, Statement{SQL: b.String(), Args: b.args})
	return out, nil
}

// scoreColumns are the quoted actual_label and score columns the score rollups read; both ""
// for a table without a score column, whose score rollups stay empty.
func (s *Store) scoreColumns(ctx context.Context) (actual, score string, err error) {
	sch, err := s.Schema(ctx)
	if err != nil || !sch.HasAll(store.ColScore) {
		return "", "", err
	}
	cols, err := s.columns(ctx, store.ColActualLabel, store.ColScore)
	if err != nil {
		return "", "", err
	}
	return cols[0], cols[1], nil
}

// thresholdCell is the decimal cell of a score, k with k/100 <= score < (k+1)/100 where k/100
// is the double nearest to it (the value a threshold written k/100 parses to), so that a
// threshold of two decimals never falls inside a cell: floor(score * 100) can be one off
// (0.29 * 100 = 28.999999999999996) and is corrected against the cell's bounds. Scores are
// clamped to [0, 1] as in gridCell (NaN to 1), and 1 goes to the last cell.
func (s *Store) thresholdCell(b *builder, score string) string {
	c := s.clampedScore(score)
	n := b.bind(float64(scoreThresholdCells))
	last := b.bind(int64(scoreThresholdCells - 1))
	k := "least(CAST(floor(" + c + " * " + n + ") AS " + s.d.BigintType() + "), " + last + ")"
	return "CASE WHEN " + k + " < " + last + " AND " + c + " >= CAST(" + k + " + 1 AS " + s.d.DoubleType() + ") / " + n + " THEN " + k + " + 1" +
		" WHEN " + c + " < CAST(" + k + " AS " + s.d.DoubleType() + ") / " + n + " THEN " + k + " - 1 ELSE " + k + " END"
}
