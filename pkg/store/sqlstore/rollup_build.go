package sqlstore

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// RollupFormat is the version of the rollup tables' layout; rollups of another format are not
// read (rebuild them with `modelwatch rollup`). Format 2 added the Score table; format 3 made
// the Score table's grid coarse and added ScoreRank, ScoreSums, Measures and Features; format 4
// added ErrorSketch and LabelDelaySketch and rolled up a number feature's hours above
// store.FeatureRollupCap values per cell instead of capping them; format 5 added Operations'
// last_ts; format 6 rolled up the model outputs (score, predicted_value, predicted_label) in
// Features beside the inputs; format 7 added FeatureMoments. The other tables of an older store are read as before, the tables (and columns) it
// lacks never (see RollupScores, RollupRanking, RollupMeasuresUsable, RollupFeatures,
// RollupSketchesUsable, OperationsRollup.LastTS).
const RollupFormat = 7

// The formats that added tables: rollups of an older format lack them (and are read without).
// A format-2 Score table holds the fine score grid, which answers thresholds as exactly.
const (
	rollupFormatWithoutScores = 1
	rollupFormatWithScores    = 2
	rollupFormatWithRanking   = 3
	rollupFormatWithMeasures  = 3
	rollupFormatWithFeatures  = 3
	rollupFormatWithCells     = 4

	rollupFormatWithErrorSketches = 4
	rollupFormatWithLastTS        = 5
	rollupFormatWithOutputs       = 6
	rollupFormatWithMoments       = 7
)

// RollupTables are the names of a prediction table's hourly rollups. Every table holds one
// row per hour (a TIMESTAMP at the hour's start, UTC), model and model_version, and more
// where it says:
//
//   - Operations: n_rows, n_errors (rows with an error), latency_n (rows with a latency),
//     latency_sum, latency_sumsq, latency_min, latency_max, and last_ts, the hour's latest ts
//     in seconds since the epoch, as the raw rows' MeasureLastTS computes it (what
//     last_seen_seconds reads).
//   - Latency: a DDSketch of latency_ms per hour: one row per non-empty bucket, sketch_sign
//     (-1, 0, 1) and sketch_key = ceil(ln|x| / ln gamma) with gamma = (1+a)/(1-a), a =
//     metrics.SketchAlpha (0 for zero, 2147483647 for an infinite value), and n.
//   - Confusion: one row per actual_label x predicted_label pair seen in the hour (either may
//     be NULL: no ground truth yet, no prediction), with n.
//   - Score: one row per actual_label (NULL kept) and cell of the threshold grid seen in the
//     hour (scoreThresholdCells decimal cells, see thresholdCell; NULL for rows without a
//     score), with score_min and score_max, the least and greatest score of the cell's rows,
//     and n.
//   - ScoreRank: for rows with a score and ground truth, one row per actual_label and cell of
//     the ranking grid seen in the hour (store.ScoreRollupCells cells, as metrics.GridCell),
//     with score_min, score_max and n.
//   - ScoreSums: for rows with a score and ground truth, one row per actual_label with n and
//     the sums of -ln(clip(score)), -ln(clip(1 - score)) (clip: scikit-learn's [eps, 1 - eps]),
//     (score - 1)^2 and score^2.
//   - Measures: the summable measures (store.MeasureSums) per hour, as measureSumsColumns:
//     n_rows, n_labeled, n_paired, n_nonzero_actual, the sums of error, |error|, error²,
//     actual_value and |error / actual_value| over the paired rows, and M2 (the sum of squared
//     deviations from the mean) of actual_value, error, |error| and error².
//   - Features: one row per feature column (and, from format 6, model output: score,
//     predicted_value, predicted_label) and value seen in the hour (feature names the
//     column; number holds a number column's value as DOUBLE, text any other column's value
//     as text, both NULL for the rows without a value), with n and capped false. An hour,
//     version and number feature with more than store.FeatureRollupCap distinct values has
//     one row per cell of the logarithmic grid instead (cell_sign, cell_key: see
//     store.FeatureCellAlpha), with n, number_min, number_max, number_sum and number_m2 (the
//     sum of squared deviations from the cell's mean), and a row for the rows without a
//     value; a text feature's hour above the cap, or one with more cells than the cap, has a
//     single row, capped true, n its rows, and no values.
//   - FeatureMoments: one row per feature column and model output (as Features) with n (the
//     hour's rows), n_values (those with a value), and for a number value_sum, value_m2 (the
//     sum of squared deviations from the hour's mean), value_min and value_max, computed from
//     the rows whatever their number of values: quality's counts, mean and spread over any
//     range of hours, never capped.
//   - ErrorSketch: a DDSketch of the signed error predicted_value - actual_value over the
//     paired rows: one row per non-empty bucket, sketch_sign and sketch_key as Latency's (both
//     NULL for the NaN errors, an infinite prediction minus the same infinite actual), n, and
//     value_sum, value_min and value_max, the sum, least and greatest error of the bucket's
//     rows (so that the hour's exact least and greatest error, which bound its quantiles, are
//     the least value_min and greatest value_max).
//   - LabelDelaySketch: the same of the label delay labeled_at - ts in seconds over the rows
//     whose label arrived, per hour of the prediction's ts (its count and value_sum give the
//     mean delay exactly); empty unless the rollups were built with a labels table that has
//     labeled_at.
//   - Meta: one row saying what the rollups were built from: source_table, labels_table (” for
//     none), grain_seconds, sketch_alpha, format, source_rows and labels_rows, the rows the
//     prediction and labels tables held when the rollups were last brought up to date, and
//     segments, the segment columns joined by commas (” or no such column: none).
//
// With segments (WithRollupSegments), every table but Meta also holds one text column per
// segment column (SegmentColumn: seg_<name>, the value cast to text, NULL kept) in its key.
//
// Rows are hours x versions (x classes² for Confusion, x sketch buckets for Latency, x (classes
// + 1) x at most 101 cells for Score, x classes x at most 1,024 cells for ScoreRank, x classes
// for ScoreSums, one row for Measures, x features x at most store.FeatureRollupCap+1 values
// for Features, x sketch buckets for ErrorSketch and LabelDelaySketch: about 2 x 2,300 for
// values between 1e-10 and 1e10 in magnitude, at most about 2 x 72,700 + 2 over every double)
// x the segment values seen together (at most store.RollupSegmentCap per segment column),
// whatever the number of predictions.
type RollupTables struct {
	Meta, Operations, Latency, Confusion, Score string
	ScoreRank, ScoreSums                        string
	Measures, Features, FeatureMoments          string
	ErrorSketch, LabelDelaySketch               string
}

// RollupColumns are the prediction table's columns the rollups read, in this order.
var RollupColumns = []string{store.ColTS, store.ColModel, store.ColModelVersion, store.ColLatencyMS, store.ColError,
	store.ColActualLabel, store.ColPredictedLabel}

// RollupTablesOf names the rollups of a prediction table (a validated identifier; the names
// are quoted where used).
func RollupTablesOf(table string) RollupTables {
	return RollupTables{
		Meta:       table + "_rollup_meta",
		Operations: table + "_rollup_1h_operations",
		Latency:    table + "_rollup_1h_latency",
		Confusion:  table + "_rollup_1h_confusion",
		Score:      table + "_rollup_1h_score",
		ScoreRank:  table + "_rollup_1h_score_rank",
		ScoreSums:  table + "_rollup_1h_score_sums",
		Measures:   table + "_rollup_1h_measures",
		Features:   table + "_rollup_1h_features",

		FeatureMoments: table + "_rollup_1h_feature_moments",

		ErrorSketch:      table + "_rollup_1h_error_sketch",
		LabelDelaySketch: table + "_rollup_1h_label_delay_sketch",
	}
}

// Statement is one generated statement and its bound values.
type Statement struct {
	SQL  string
	Args []any
}

// HoursTable is a table of (mw_model, mw_version, mw_hour) rows naming the hours to rebuild.
type HoursTable struct {
	Name string
	// From and To bound the hours' timestamps (To is the last hour's end); the engine reads
	// only the prediction rows between them.
	From, To any
}

// RollupCreate returns the statements creating the rollup tables if they are missing.
func (s *Store) RollupCreate() []Statement {
	t := RollupTablesOf(s.table)
	text := s.d.TextType()
	q := s.d.QuoteIdent
	key := "hour TIMESTAMP NOT NULL, model " + text + " NOT NULL, model_version " + text + " NOT NULL, " + s.segmentKey()
	out := []Statement{
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Meta) + " (source_table " + text + ", labels_table " + text +
			", grain_seconds BIGINT, sketch_alpha DOUBLE PRECISION, format INTEGER, source_rows BIGINT, labels_rows BIGINT, built_at TIMESTAMP, segments " + text + ")"},
		// A meta table of a store built before segments lacks the column (and means none).
		{SQL: "ALTER TABLE " + q(t.Meta) + " ADD COLUMN IF NOT EXISTS segments " + text},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Operations) + " (" + key +
			"n_rows BIGINT, n_errors BIGINT, latency_n BIGINT, latency_sum DOUBLE PRECISION, latency_sumsq DOUBLE PRECISION, latency_min DOUBLE PRECISION, latency_max DOUBLE PRECISION, last_ts DOUBLE PRECISION)"},
		// An Operations table of a store built before format 5 lacks last_ts.
		{SQL: "ALTER TABLE " + q(t.Operations) + " ADD COLUMN IF NOT EXISTS last_ts DOUBLE PRECISION"},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Latency) + " (" + key + "sketch_sign INTEGER, sketch_key INTEGER, n BIGINT)"},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Confusion) + " (" + key + "actual_label " + text + ", predicted_label " + text + ", n BIGINT)"},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Score) + " (" + key + "actual_label " + text + ", cell BIGINT, score_min DOUBLE PRECISION, score_max DOUBLE PRECISION, n BIGINT)"},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.ScoreRank) + " (" + key + "actual_label " + text + ", cell BIGINT, score_min DOUBLE PRECISION, score_max DOUBLE PRECISION, n BIGINT)"},
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.ScoreSums) + " (" + key + "actual_label " + text +
			", n BIGINT, neg_ln_score DOUBLE PRECISION, neg_ln_complement DOUBLE PRECISION, sq_error_positive DOUBLE PRECISION, sq_error_negative DOUBLE PRECISION)"},
		s.measuresRollupCreate(),
		{SQL: "CREATE TABLE IF NOT EXISTS " + q(t.Features) + " (" + key + "feature " + text + " NOT NULL, number DOUBLE PRECISION, text " + text + ", capped BOOLEAN, n BIGINT, " +
			strings.Join(featureCellColumns, ", ") + ")"},
	}
	out = append(out, s.featureMomentsCreate(key))
	// A Features table of a store built before the cells lacks their columns.
	for _, c := range featureCellColumns {
		out = append(out, Statement{SQL: "ALTER TABLE " + q(t.Features) + " ADD COLUMN IF NOT EXISTS " + c})
	}
	return append(out, s.sketchRollupCreate(key)...)
}

// featureCellColumns are the Features table's columns of a number feature's cells.
var featureCellColumns = []string{"cell_sign INTEGER", "cell_key INTEGER", "number_min DOUBLE PRECISION", "number_max DOUBLE PRECISION", "number_sum DOUBLE PRECISION", "number_m2 DOUBLE PRECISION"}

// RollupRebuild returns the statements that recompute the rollup rows of the hours listed in
// hours (nil: every hour) from the prediction table, with the labels table joined as the raw
// queries join it, so that both read the same ground truth. hourStart is the engine's
// expression for the start of the hour holding a timestamp column, as a TIMESTAMP. The
// statements delete the hours' rows and insert them again; run them in the transaction that
// changed the rows.
func (s *Store) RollupRebuild(ctx context.Context, hourStart func(ts string) string, hours *HoursTable) ([]Statement, error) {
	cols, err := s.columns(ctx, RollupColumns...)
	if err != nil {
		return nil, err
	}
	ts, model, version, latency, errCol, actual, predicted := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]
	t := RollupTablesOf(s.table)
	q := s.d.QuoteIdent
	hourAlias := s.freeName("mw_hour")
	var out []Statement

	// The rows of the rebuilt hours, and the rollup rows to delete first.
	where := func(b *builder) {
		b.write(" WHERE ", model, " IS NOT NULL AND ", version, " IS NOT NULL")
		if hours == nil {
			return
		}
		b.write(" AND ", ts, " >= ", b.bind(hours.From), " AND ", ts, " < ", b.bind(hours.To),
			" AND EXISTS (SELECT 1 FROM ", q(hours.Name), " h WHERE h.mw_model = ", model, " AND h.mw_version = ", version,
			" AND h.mw_hour = ", hourStart(ts), ")")
	}
	for _, table := range []string{t.Operations, t.Latency, t.Confusion, t.Score, t.ScoreRank, t.ScoreSums, t.Features, t.FeatureMoments} {
		b := &builder{d: s.d}
		b.write("DELETE FROM ", q(table))
		if hours != nil {
			b.write(" WHERE EXISTS (SELECT 1 FROM ", q(hours.Name), " h WHERE h.mw_model = ", q(table), ".model AND h.mw_version = ",
				q(table), ".model_version AND h.mw_hour = ", q(table), ".hour)")
		}
		out = append(out, Statement{SQL: b.String(), Args: b.args})
	}
	// Every table's rows are per hour, model, version and segment values (see segmentBuild).
	segColumns, segValues, segAliases := s.segmentBuild()
	head := func(b *builder, table, columns string) {
		b.write("INSERT INTO ", q(table), " (hour, model, model_version", segColumns, ", ", columns, ") SELECT ", hourStart(ts), " AS ", hourAlias, ", ", model, ", ", version, segValues)
	}
	group := " GROUP BY " + model + ", " + version + ", " + hourAlias + segAliases

	b := &builder{d: s.d}
	head(b, t.Operations, "n_rows, n_errors, latency_n, latency_sum, latency_sumsq, latency_min, latency_max, last_ts")
	b.write(", count(*), count(", errCol, "), count(", latency, "), sum(", latency, "), sum(", latency, " * ", latency, "), min(", latency, "), max(", latency, "), ", s.d.EpochSeconds("max("+ts+")"), s.from())
	where(b)
	b.write(group)
	out = append(out, Statement{SQL: b.String(), Args: b.args})

	b = &builder{d: s.d}
	head(b, t.Latency, "sketch_sign, sketch_key, n")
	sign := s.freeName("mw_sign")
	key := s.freeName("mw_key")
	signExpr, keyExpr := sketchBucket(b, latency)
	b.write(", ", signExpr, " AS ", sign, ", ", keyExpr, " AS ", key, ", count(*)", s.from())
	where(b)
	b.write(" AND ", sketched(s.d, latency), group, ", ", sign, ", ", key)
	out = append(out, Statement{SQL: b.String(), Args: b.args})

	b = &builder{d: s.d}
	head(b, t.Confusion, "actual_label, predicted_label, n")
	b.write(", ", actual, ", ", predicted, ", count(*)", s.from())
	where(b)
	b.write(group, ", ", actual, ", ", predicted)
	out = append(out, Statement{SQL: b.String(), Args: b.args})

	scores, err := s.scoreRollupInsert(ctx, head, where, group)
	if err != nil {
		return nil, err
	}
	out = append(out, scores...)
	measures, err := s.measuresRollupRebuild(ctx, hours, head, where, group)
	if err != nil {
		return nil, err
	}
	out = append(out, measures...)
	features, err := s.featureRollupInsert(ctx, hourStart, where, hours == nil)
	if err != nil {
		return nil, err
	}
	out = append(out, features...)
	moments, err := s.featureMomentsInsert(ctx, hourStart, where)
	if err != nil {
		return nil, err
	}
	out = append(out, moments...)
	sketches, err := s.sketchRollupRebuild(ctx, hours, head, where, group)
	if err != nil {
		return nil, err
	}
	out = append(out, sketches...)
	return append(out, s.RollupMeta()...), nil
}

// sketchBucket is the sign and key of a latency's sketch bucket (metrics.SketchKey).
func sketchBucket(b *builder, latency string) (sign, key string) {
	sign = "CASE WHEN " + latency + " > 0 THEN 1 WHEN " + latency + " < 0 THEN -1 ELSE 0 END"
	key = "CASE WHEN " + latency + " = 0 THEN 0 WHEN " + isInf(b.d, latency) + " THEN " + strconv.Itoa(metrics.SketchInfinity) +
		" ELSE CAST(ceil(ln(abs(" + latency + ")) / " + b.bind(math.Log(metrics.SketchGamma)) + ") AS INTEGER) END"
	return sign, key
}

// sketched is the condition of the rows the sketch counts: a latency, not NaN (which has no
// bucket; the loader stores it as NULL).
func sketched(d Dialect, latency string) string {
	return latency + " IS NOT NULL AND NOT " + isNaN(d, latency)
}

// RollupMeta returns the statements recording what the rollups now account for (the rows of
// the prediction and labels tables); RollupRebuild ends with them, and a write that touched
// no rolled-up hour (a label for a prediction not stored yet) runs them alone.
func (s *Store) RollupMeta() []Statement {
	t := RollupTablesOf(s.table)
	q := s.d.QuoteIdent
	labelsRows := "0"
	if s.labels != "" {
		labelsRows = "(SELECT count(*) FROM " + q(s.labels) + ")"
	}
	b := &builder{d: s.d}
	b.write("INSERT INTO ", q(t.Meta), " (source_table, labels_table, grain_seconds, sketch_alpha, format, source_rows, labels_rows, built_at, segments) SELECT ",
		b.bind(s.table), ", ", b.bind(s.labels), ", ",
		b.bind(int64(store.RollupGrain.Seconds())), ", ", b.bind(metrics.SketchAlpha), ", ", b.bind(int64(RollupFormat)),
		", (SELECT count(*) FROM ", q(s.table), "), ", labelsRows, ", current_timestamp, ", b.bind(strings.Join(s.segments, ",")))
	return []Statement{{SQL: "DELETE FROM " + q(t.Meta)}, {SQL: b.String(), Args: b.args}}
}
