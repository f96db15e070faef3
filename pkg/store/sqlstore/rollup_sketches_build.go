package sqlstore

import (
	"context"

	"github.com/mlops/modelwatch/pkg/store"
)

// sketchRollupColumns are the sketch rollups' columns after the key: one row per sketch bucket
// (sketch_sign and sketch_key as the Latency table's; both NULL for the NaN values), its count
// and the sum, least and greatest of its values.
const sketchRollupColumns = "sketch_sign INTEGER, sketch_key INTEGER, n BIGINT, value_sum DOUBLE PRECISION, value_min DOUBLE PRECISION, value_max DOUBLE PRECISION"

// sketchRollupCreate returns the statements creating the ErrorSketch and LabelDelaySketch
// rollups if they are missing; key is RollupCreate's.
func (s *Store) sketchRollupCreate(key string) []Statement {
	t := RollupTablesOf(s.table)
	var out []Statement
	for _, table := range []string{t.ErrorSketch, t.LabelDelaySketch} {
		out = append(out, Statement{SQL: "CREATE TABLE IF NOT EXISTS " + s.d.QuoteIdent(table) + " (" + key + sketchRollupColumns + ")"})
	}
	return out
}

// sketchRollupRebuild returns the statements recomputing the sketch rollups of the rebuilt hours
// (nil: every hour). A rebuild of every hour creates the tables again, so that their key follows
// the segment columns the rollups are now built with; a rebuild of some hours deletes their rows.
// A value the rows cannot give (no predicted_value or actual_value; no labels table with
// labeled_at) has no rows. head, where and group are RollupRebuild's, so that the rows and
// labels read are the other rollups'.
func (s *Store) sketchRollupRebuild(ctx context.Context, hours *HoursTable, head func(b *builder, table, columns string), where func(b *builder), group string) ([]Statement, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	q := s.d.QuoteIdent
	t := RollupTablesOf(s.table)
	var out []Statement
	for _, sketch := range []struct {
		table string
		of    store.SketchedValue
		kept  bool
	}{
		{t.ErrorSketch, store.SketchedError, sch.HasAll(store.ColPredictedValue, store.ColActualValue)},
		{t.LabelDelaySketch, store.SketchedLabelDelay, s.labels != "" && sch.HasAll(store.ColLabeledAt)},
	} {
		del := "DELETE FROM " + q(sketch.table)
		if hours != nil {
			del += " WHERE EXISTS (SELECT 1 FROM " + q(hours.Name) + " h WHERE h.mw_model = " + q(sketch.table) + ".model AND h.mw_version = " +
				q(sketch.table) + ".model_version AND h.mw_hour = " + q(sketch.table) + ".hour)"
		}
		out = append(out, Statement{SQL: del})
		if !sketch.kept {
			continue
		}
		value, has, err := s.sketchedValue(ctx, sketch.of)
		if err != nil {
			return nil, err
		}
		signAlias, keyAlias := s.freeName("mw_sign"), s.freeName("mw_key")
		b := &builder{d: s.d}
		head(b, sketch.table, "sketch_sign, sketch_key, n, value_sum, value_min, value_max")
		signExpr, keyExpr := sketchBucketOf(b, value)
		b.write(", ", signExpr, " AS ", signAlias, ", ", keyExpr, " AS ", keyAlias, sketchStatistics(value), s.from())
		where(b)
		b.write(" AND ", has, group, ", ", signAlias, ", ", keyAlias)
		out = append(out, Statement{SQL: b.String(), Args: b.args})
	}
	return out, nil
}
