package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// StateDialect is a Dialect whose engine keeps the rollups itself (ClickHouse): per rollup table,
// a materialized view turns every block of predictions inserted into partial aggregate states per
// key, held in a table the engine merges in the background, and every read merges the states
// left (see RollupStates). Its rollups keep the tables RollupStates lists; queries needing the
// others read the rows.
type StateDialect interface {
	Dialect
	// State is the aggregate giving the partial state of fn over expr: fn is count (expr ""
	// for every row), sum, min, max or var_pop (population variance).
	State(fn, expr string) string
	// Merge is the aggregate merging the states of fn in column into their value.
	Merge(fn, column string) string
	// StatesTable names the table holding a rollup table's states.
	StatesTable(rollupTable string) string
}

// RollupState is one rollup table kept as partial aggregate states: the key columns its rows
// are per (the rollup table's, the first three hour, model and model_version, then the segment
// columns), and the statistics. Key and statistic columns of the states table are named as the
// rollup table's, the table's own keys and the statistics prefixed "mw_" so that no alias of
// the view's query meets a column of the prediction table.
type RollupState struct {
	Table string
	Keys  []StateColumn
	Stats []StateStat
	// Where is the condition on the prediction rows the table reads (beyond a model and
	// version), or "".
	Where string
}

// StateColumn is a key column and the expression giving it.
type StateColumn struct {
	Column, Expr string
	// Shared columns (hour, model, model_version, segments) keep their names in the states
	// table: reads select by them.
	Shared bool
}

// StateStat is a statistic: an aggregate fn over Expr (see StateDialect.State).
type StateStat struct {
	Column, Fn, Expr string
	// NullWhen is a condition on the merged row's columns under which the statistic is NULL, as
	// the SQL aggregate over no values is (a state of no values merges to 0).
	NullWhen string
	// Hidden statistics are kept for another's NullWhen only.
	Hidden bool
	// Times names a statistic the merged value is multiplied by (var_pop times its count: the
	// sum of squared deviations).
	Times string
}

// stateColumn is the name of a rollup column in the states table.
func stateColumn(c StateColumn) string {
	if c.Shared {
		return c.Column
	}
	return "mw_" + c.Column
}

// StateKeyColumns are the states table's key columns, in order.
func (r RollupState) StateKeyColumns() []string {
	out := make([]string, len(r.Keys))
	for i, k := range r.Keys {
		out[i] = stateColumn(k)
	}
	return out
}

// Select is the statement computing the states of the rows of table (the prediction table, or
// a shard's local one): a materialized view's query, or a backfill's.
func (r RollupState) Select(d StateDialect, table string) string {
	q := d.QuoteIdent
	items := make([]string, 0, len(r.Keys)+len(r.Stats))
	for _, k := range r.Keys {
		items = append(items, k.Expr+" AS "+q(stateColumn(k)))
	}
	for _, st := range r.Stats {
		items = append(items, d.State(st.Fn, st.Expr)+" AS "+q("mw_"+st.Column))
	}
	keys := make([]string, len(r.Keys))
	for i, k := range r.Keys {
		keys[i] = q(stateColumn(k))
	}
	model, version := q(store.ColModel), q(store.ColModelVersion)
	where := " WHERE " + model + " IS NOT NULL AND " + version + " IS NOT NULL"
	if r.Where != "" {
		where += " AND " + r.Where
	}
	return "SELECT " + strings.Join(items, ", ") + " FROM " + q(table) + where + " GROUP BY " + strings.Join(keys, ", ")
}

// merged writes the SELECT list merging the states per key into the rollup table's columns.
func (r RollupState) merged(d StateDialect) string {
	q := d.QuoteIdent
	var items []string
	for _, k := range r.Keys {
		if k.Shared {
			items = append(items, q(k.Column))
		} else {
			items = append(items, q(stateColumn(k))+" AS "+q(k.Column))
		}
	}
	for _, st := range r.Stats {
		v := d.Merge(st.Fn, q("mw_"+st.Column))
		if st.Times != "" {
			v += " * " + q(st.Times)
		}
		if st.NullWhen != "" {
			v = "CASE WHEN " + st.NullWhen + " THEN NULL ELSE " + v + " END"
		}
		items = append(items, v+" AS "+q(st.Column))
	}
	return strings.Join(items, ", ")
}

// RollupStates returns the rollup tables a StateDialect engine keeps, as states: Operations,
// Latency, Confusion, Score, ScoreRank, ScoreSums, Measures and ErrorSketch, with the segment
// columns set (WithRollupSegments), computed as RollupRebuild computes them (the same cells,
// sketch buckets and null rules), so that their merged rows are the rollup rows. Features and
// FeatureMoments (an hour's value-or-cell choice needs all its rows) and LabelDelaySketch (no
// labels table) are not kept. Numbers are written into the statements (a view has no bound
// values).
func (s *Store) RollupStates(ctx context.Context, hourStart func(ts string) string) ([]RollupState, error) {
	return s.rollupStates(ctx, hourStart, s.segments)
}

// rollupStates is RollupStates with the segment columns given.
func (s *Store) rollupStates(ctx context.Context, hourStart func(ts string) string, segments []string) ([]RollupState, error) {
	d, ok := s.d.(StateDialect)
	if !ok {
		return nil, fmt.Errorf("%w: %s keeps its rollups as tables, not states", store.ErrQueryFailed, s.d.Name())
	}
	cols, err := s.columns(ctx, RollupColumns...)
	if err != nil {
		return nil, err
	}
	ts, model, version, latency, errCol, actual, predicted := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]
	text := func(c string) string { return "CAST(" + c + " AS " + d.TextType() + ")" }
	double := func(c string) string { return "CAST(" + c + " AS " + d.DoubleType() + ")" }
	shared := []StateColumn{{Column: "hour", Expr: hourStart(ts), Shared: true},
		{Column: "model", Expr: model, Shared: true}, {Column: "model_version", Expr: version, Shared: true}}
	for _, name := range segments {
		if slices.Contains([]string{"hour", store.ColModel, store.ColModelVersion}, name) {
			return nil, fmt.Errorf("%w: a segment column named %q cannot be kept by %s's rollups", store.ErrSchema, name, d.Name())
		}
		shared = append(shared, StateColumn{Column: SegmentColumn(name), Expr: text(s.col(name)), Shared: true})
	}
	keys := func(own ...StateColumn) []StateColumn { return append(slices.Clone(shared), own...) }
	b := &builder{d: s.d, inline: true}
	t := RollupTablesOf(s.table)
	lat := double(latency)
	whenNoLatency := "latency_n = 0"
	sign, key := sketchBucket(b, lat)
	out := []RollupState{
		{Table: t.Operations, Keys: keys(), Stats: []StateStat{
			{Column: "n_rows", Fn: "count"}, {Column: "n_errors", Fn: "count", Expr: errCol}, {Column: "latency_n", Fn: "count", Expr: lat},
			{Column: "latency_sum", Fn: "sum", Expr: lat, NullWhen: whenNoLatency}, {Column: "latency_sumsq", Fn: "sum", Expr: lat + " * " + lat, NullWhen: whenNoLatency},
			{Column: "latency_min", Fn: "min", Expr: lat, NullWhen: whenNoLatency}, {Column: "latency_max", Fn: "max", Expr: lat, NullWhen: whenNoLatency},
			{Column: "last_ts", Fn: "max", Expr: s.d.EpochSeconds(ts)},
		}},
		{Table: t.Latency, Keys: keys(StateColumn{Column: "sketch_sign", Expr: sign}, StateColumn{Column: "sketch_key", Expr: key}),
			Stats: []StateStat{{Column: "n", Fn: "count"}}, Where: sketched(s.d, lat)},
		{Table: t.Confusion, Keys: keys(StateColumn{Column: "actual_label", Expr: text(actual)}, StateColumn{Column: "predicted_label", Expr: text(predicted)}),
			Stats: []StateStat{{Column: "n", Fn: "count"}}},
	}
	scores, err := s.scoreStates(ctx, b, keys)
	if err != nil {
		return nil, err
	}
	out = append(out, scores...)
	measures, err := s.measureStats(ctx)
	if err != nil {
		return nil, err
	}
	out = append(out, RollupState{Table: t.Measures, Keys: keys(), Stats: measures})
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if sch.HasAll(store.ColPredictedValue, store.ColActualValue) {
		value, has, err := s.sketchedValue(ctx, store.SketchedError)
		if err != nil {
			return nil, err
		}
		sign, key := sketchBucketOf(b, value)
		out = append(out, RollupState{Table: t.ErrorSketch, Keys: keys(StateColumn{Column: "sketch_sign", Expr: sign}, StateColumn{Column: "sketch_key", Expr: key}),
			Stats: []StateStat{{Column: "n", Fn: "count"}, {Column: "value_sum", Fn: "sum", Expr: value}, {Column: "value_min", Fn: "min", Expr: value}, {Column: "value_max", Fn: "max", Expr: value}},
			Where: has})
	}
	if len(b.args) > 0 {
		return nil, fmt.Errorf("%w: a rollup state statement binds %d values", store.ErrQueryFailed, len(b.args))
	}
	return out, nil
}

// scoreStates are the Score, ScoreRank and ScoreSums tables as states (scoreRollupInsert's
// rows); none for a table without a score column.
func (s *Store) scoreStates(ctx context.Context, b *builder, keys func(...StateColumn) []StateColumn) ([]RollupState, error) {
	actual, raw, err := s.scoreColumns(ctx)
	if err != nil || raw == "" {
		return nil, err
	}
	score := "CAST(" + raw + " AS " + s.d.DoubleType() + ")"
	label := StateColumn{Column: "actual_label", Expr: "CAST(" + actual + " AS " + s.d.TextType() + ")"}
	scored := raw + " IS NOT NULL AND " + actual + " IS NOT NULL"
	cellStats := func(unscored string) []StateStat {
		return []StateStat{{Column: "score_min", Fn: "min", Expr: score, NullWhen: unscored}, {Column: "score_max", Fn: "max", Expr: score, NullWhen: unscored}, {Column: "n", Fn: "count"}}
	}
	clip := func(p string) string { return "least(greatest(" + p + ", " + logLossEps + "), 1 - " + logLossEps + ")" }
	t := RollupTablesOf(s.table)
	return []RollupState{
		{Table: t.Score, Keys: keys(label, StateColumn{Column: "cell", Expr: "CASE WHEN " + score + " IS NULL THEN NULL ELSE " + s.thresholdCell(b, score) + " END"}),
			Stats: cellStats("cell IS NULL")},
		{Table: t.ScoreRank, Keys: keys(label, StateColumn{Column: "cell", Expr: s.gridCell(b, score, store.ScoreRollupCells)}), Stats: cellStats(""), Where: scored},
		{Table: t.ScoreSums, Keys: keys(label), Where: scored, Stats: []StateStat{{Column: "n", Fn: "count"},
			{Column: "neg_ln_score", Fn: "sum", Expr: "-ln(" + clip(raw) + ")"}, {Column: "neg_ln_complement", Fn: "sum", Expr: "-ln(" + clip("1 - "+raw) + ")"},
			{Column: "sq_error_positive", Fn: "sum", Expr: "(" + raw + " - (1.0)) * (" + raw + " - (1.0))"},
			{Column: "sq_error_negative", Fn: "sum", Expr: "(" + raw + " - (0.0)) * (" + raw + " - (0.0))"}}},
	}, nil
}

// statesAccounted is what a StateDialect's rollups account for: the prediction rows their
// Operations states counted (a materialized view counts each inserted row once), compared with
// the table's rows in rollupState instead of the rows recorded when the rollups were built.
func (s *Store) statesAccounted(d StateDialect) string {
	return "(SELECT " + d.Merge("count", "mw_n_rows") + " FROM " + d.QuoteIdent(d.StatesTable(RollupTablesOf(s.table).Operations)) + ")"
}

// rollupStateOf finds a rollup table's states, with the segment columns they were built with.
func (s *Store) rollupStateOf(ctx context.Context, d StateDialect, table string) (RollupState, error) {
	segments, err := s.RollupSegments(ctx)
	if err != nil {
		return RollupState{}, err
	}
	states, err := s.rollupStates(ctx, func(string) string { return "" }, segments)
	if err != nil {
		return RollupState{}, err
	}
	for _, st := range states {
		if st.Table == table {
			return st, nil
		}
	}
	return RollupState{}, fmt.Errorf("%w: %s keeps no rollup %s", store.ErrQueryFailed, d.Name(), table)
}
