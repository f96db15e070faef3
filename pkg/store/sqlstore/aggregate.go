package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// Aggregates computes the requested measures per bucket, version and group in one scan.
func (s *Store) Aggregates(ctx context.Context, req store.AggregateRequest) ([]store.AggregateRow, error) {
	b, err := s.aggregateStatement(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []store.AggregateRow
	err = s.each(ctx, "aggregating", b, func(scan func(...any) error) (bool, error) {
		var (
			micros   int64
			ver, grp sql.NullString
		)
		vals := make([]sql.NullFloat64, len(req.Measures))
		dest := []any{&micros, &ver, &grp}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := scan(dest...); err != nil {
			return false, err
		}
		r := store.AggregateRow{Version: ver.String, Group: grp.String, Values: make([]*float64, len(vals))}
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		for i, v := range vals {
			if v.Valid {
				r.Values[i] = &v.Float64
			}
		}
		out = append(out, r)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) aggregateStatement(ctx context.Context, req store.AggregateRequest) (*builder, error) {
	if len(req.Measures) == 0 {
		return nil, fmt.Errorf("%w: no measures requested", store.ErrSchema)
	}
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	var measureErr error
	err = s.grouped(b, sc, req.Bucket, func() {
		for _, m := range req.Measures {
			e, err := s.measure(ctx, b, sc, m)
			if err != nil && measureErr == nil {
				measureErr = err
			}
			b.write(", ", e)
		}
	}, "", nil, 0)
	if measureErr != nil {
		return nil, measureErr
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// measure returns the SQL of one measure, binding its values in the order they appear;
// quantiles are validated numbers written as literals (engines require constants there).
func (s *Store) measure(ctx context.Context, b *builder, sc scoped, m store.Measure) (string, error) {
	if m.Column != "" {
		return s.featureMeasure(b, sc, m)
	}
	need := map[store.MeasureKind][]string{
		store.MeasureErrors:           {store.ColError},
		store.MeasureLatencyQuantile:  {store.ColLatencyMS},
		store.MeasureLatencyMean:      {store.ColLatencyMS},
		store.MeasureLatencyMin:       {store.ColLatencyMS},
		store.MeasureLatencyMax:       {store.ColLatencyMS},
		store.MeasurePaired:           {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumError:         {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumAbsError:      {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumSqError:       {store.ColPredictedValue, store.ColActualValue},
		store.MeasureVarPopActual:     {store.ColPredictedValue, store.ColActualValue},
		store.MeasureVarSampError:     {store.ColPredictedValue, store.ColActualValue},
		store.MeasureVarSampAbsError:  {store.ColPredictedValue, store.ColActualValue},
		store.MeasureVarSampSqError:   {store.ColPredictedValue, store.ColActualValue},
		store.MeasureNonZeroActual:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumAbsPctError:   {store.ColPredictedValue, store.ColActualValue},
		store.MeasureErrorQuantile:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureMaxAbsError:      {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumSqLogError:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureLogInvalid:       {store.ColPredictedValue, store.ColActualValue},
		store.MeasureAbsErrorQuantile: {store.ColPredictedValue, store.ColActualValue},
		store.MeasurePairedWeight:     {store.ColPredictedValue, store.ColActualValue},
		store.MeasureNonZeroWeight:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureShiftedActual:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureShiftedSqActual:  {store.ColPredictedValue, store.ColActualValue},
		store.MeasureShiftedError:     {store.ColPredictedValue, store.ColActualValue},
		store.MeasureShiftedSqError:   {store.ColPredictedValue, store.ColActualValue},
		store.MeasureUnlabeled:        {store.ColActualLabel},
		store.MeasureUnpredictedLabel: {store.ColActualLabel, store.ColPredictedLabel},
		store.MeasureUnscored:         {store.ColActualLabel, store.ColScore},
	}
	switch m.Kind {
	case store.MeasureScoredLabeled, store.MeasureLogLossSum, store.MeasureBrierSum:
		return s.probabilityMeasure(ctx, b, sc, m)
	case store.MeasureClassScoredLabeled, store.MeasureClassLogLossSum, store.MeasureClassBrierSum:
		return s.classProbabilityMeasure(ctx, b, sc, m)
	case store.MeasureLabelDelayMean, store.MeasureLabelDelayQuantile:
		return s.labelDelay(ctx, m)
	case store.MeasureLabeled:
		return s.labeled(ctx)
	case store.MeasureLastTS:
		ts, err := s.columns(ctx, store.ColTS)
		if err != nil {
			return "", err
		}
		// The greatest ts first, then its epoch: the engine reads a column's maximum from its
		// block statistics where it can.
		return s.d.EpochSeconds("max(" + ts[0] + ")"), nil
	}
	if m.Kind == store.MeasureRows {
		return "CAST(count(*) AS " + s.d.DoubleType() + ")", nil
	}
	cols, ok := need[m.Kind]
	if !ok {
		return "", fmt.Errorf("%w: unknown measure %q", store.ErrSchema, m.Kind)
	}
	q, err := s.columns(ctx, cols...)
	if err != nil {
		return "", err
	}
	if (m.Kind == store.MeasureLatencyQuantile || m.Kind == store.MeasureErrorQuantile || m.Kind == store.MeasureAbsErrorQuantile) && !(m.Q >= 0 && m.Q <= 1) {
		return "", fmt.Errorf("%w: quantile %v is outside [0, 1]", store.ErrSchema, m.Q)
	}
	count := func(cond string) string {
		return "CAST(" + countIf(s.d, cond) + " AS " + s.d.DoubleType() + ")"
	}
	if m.Kind == store.MeasureErrors {
		return count(q[0] + " IS NOT NULL"), nil
	}
	switch m.Kind {
	case store.MeasureLatencyQuantile:
		return s.d.Quantile(q[0], m.Q), nil
	case store.MeasureLatencyMean:
		return "avg(" + q[0] + ")", nil
	case store.MeasureLatencyMin:
		return "min(" + q[0] + ")", nil
	case store.MeasureLatencyMax:
		return "max(" + q[0] + ")", nil
	}
	switch m.Kind {
	case store.MeasureUnlabeled:
		return count(q[0] + " IS NULL"), nil
	case store.MeasureUnpredictedLabel, store.MeasureUnscored:
		return count(q[0] + " IS NOT NULL AND " + q[1] + " IS NULL"), nil
	}
	pred, act := q[0], q[1]
	paired := pred + " IS NOT NULL AND " + act + " IS NOT NULL"
	errExpr := "(" + pred + " - " + act + ")"
	// Sums over paired rows only: a CASE without ELSE is NULL elsewhere, which sum() skips.
	over := func(e string) string { return "CASE WHEN " + paired + " THEN " + e + " END" }
	weighted := sc.weighted
	weight := sc.weight
	if weight == "" {
		weight = "1.0"
	}
	shifted := func(x string) string { return "(" + x + " - " + b.bind(m.Lo) + ")" }
	switch m.Kind {
	case store.MeasurePaired:
		return count(paired), nil
	case store.MeasurePairedWeight:
		return "sum(" + over(weight) + ")", nil
	case store.MeasureNonZeroWeight:
		return "sum(CASE WHEN " + paired + " AND " + act + " <> 0 THEN " + weight + " END)", nil
	case store.MeasureShiftedActual, store.MeasureShiftedError:
		x := act
		if m.Kind == store.MeasureShiftedError {
			x = errExpr
		}
		return "sum(" + over(weight+" * "+shifted(x)) + ")", nil
	case store.MeasureShiftedSqActual, store.MeasureShiftedSqError:
		x := act
		if m.Kind == store.MeasureShiftedSqError {
			x = errExpr
		}
		d := shifted(x)
		return "sum(" + over(weight+" * "+d+" * "+d) + ")", nil
	case store.MeasureSumError:
		return "sum(" + over(weighted(errExpr)) + ")", nil
	case store.MeasureSumAbsError:
		return "sum(" + over(weighted("abs"+errExpr)) + ")", nil
	case store.MeasureSumSqError:
		return "sum(" + over(weighted(errExpr+" * "+errExpr)) + ")", nil
	case store.MeasureVarPopActual:
		// The engine's own variance aggregate is computed stably (not as sum of squares minus
		// squared sum), which R2 needs when actuals are large compared with their spread.
		return s.spread("var_pop", paired, act, errExpr, act), nil
	case store.MeasureVarSampError:
		return s.spread("var_samp", paired, act, errExpr, errExpr), nil
	case store.MeasureVarSampAbsError:
		return s.spread("var_samp", paired, act, errExpr, "abs"+errExpr), nil
	case store.MeasureVarSampSqError:
		return s.spread("var_samp", paired, act, errExpr, errExpr+" * "+errExpr), nil
	case store.MeasureNonZeroActual:
		return count(paired + " AND " + act + " <> 0"), nil
	case store.MeasureSumAbsPctError:
		return "sum(CASE WHEN " + paired + " AND " + act + " <> 0 THEN " + weighted("abs("+errExpr+" / "+act+")") + " END)", nil
	case store.MeasureErrorQuantile:
		return s.d.Quantile(over(errExpr), m.Q), nil
	case store.MeasureAbsErrorQuantile:
		return s.d.Quantile(over("abs"+errExpr), m.Q), nil
	case store.MeasureMaxAbsError:
		return "max(" + over("abs"+errExpr) + ")", nil
	case store.MeasureSumSqLogError:
		logErr := "(ln(1 + " + act + ") - ln(1 + " + pred + "))"
		return "sum(CASE WHEN " + paired + " AND " + act + " > -1 AND " + pred + " > -1 THEN " + weighted(logErr+" * "+logErr) + " END)", nil
	case store.MeasureLogInvalid:
		return count(paired + " AND (" + act + " <= -1 OR " + pred + " <= -1)"), nil
	}
	return "", fmt.Errorf("%w: unknown measure %q", store.ErrSchema, m.Kind)
}

// featureMeasure is a measure of one feature column, checked against the schema.
func (s *Store) featureMeasure(b *builder, sc scoped, m store.Measure) (string, error) {
	col, ok := sc.sch.Column(m.Column)
	if !ok {
		return "", sc.sch.Require(m.Column)
	}
	q := s.col(col.Name)
	if m.Kind == store.MeasurePositive || m.Kind == store.MeasureSum {
		return s.outcomeMeasure(b, col, q, m)
	}
	numeric := col.Kind == store.KindDouble || col.Kind == store.KindInteger
	count := func(cond string) string {
		return "CAST(" + countIf(s.d, cond) + " AS " + s.d.DoubleType() + ")"
	}
	asDouble := "CAST(" + q + " AS " + s.d.DoubleType() + ")"
	switch m.Kind {
	case store.MeasureNonNull:
		return count(q + " IS NOT NULL"), nil
	case store.MeasureNotIn:
		text := "CAST(" + q + " AS " + s.d.TextType() + ")"
		if len(m.Values) == 0 {
			return count(q + " IS NOT NULL"), nil
		}
		return count(q + " IS NOT NULL AND NOT " + b.in(text, m.Values)), nil
	}
	if !numeric {
		return "", fmt.Errorf("%w: %s of column %q needs a number column; it is %s", store.ErrSchema, m.Kind, col.Name, col.Kind)
	}
	switch m.Kind {
	case store.MeasureMean:
		return "avg(" + asDouble + ")", nil
	case store.MeasureStd:
		// As spread: values beyond store.MeasureScale make the deviation undefined (NaN), not a
		// failed statement; fewer than two values make it NULL.
		inScale := "abs(" + asDouble + ") <= " + measureScale
		values := "CASE WHEN " + inScale + " THEN " + asDouble + " END"
		return "CASE WHEN " + countIf(s.d, q+" IS NOT NULL AND NOT ("+inScale+")") + " > 0 THEN " + s.d.NaN() +
			" WHEN count(" + values + ") < 2 THEN NULL ELSE stddev_samp(" + values + ") END", nil
	case store.MeasureMin:
		return "min(" + asDouble + ")", nil
	case store.MeasureMax:
		return "max(" + asDouble + ")", nil
	case store.MeasureQuantile:
		if !(m.Q >= 0 && m.Q <= 1) {
			return "", fmt.Errorf("%w: quantile %v is outside [0, 1]", store.ErrSchema, m.Q)
		}
		return s.d.Quantile(asDouble, m.Q), nil
	case store.MeasureDistinct:
		return "CAST(count(DISTINCT " + asDouble + ") AS " + s.d.DoubleType() + ")", nil
	case store.MeasureApproxDistinct:
		if e, ok := s.d.(ApproxDistinctDialect); ok {
			return "CAST(" + e.ApproxDistinct(asDouble) + " AS " + s.d.DoubleType() + ")", nil
		}
		return "CAST(count(DISTINCT " + asDouble + ") AS " + s.d.DoubleType() + ")", nil
	case store.MeasureOutside:
		return count(q + " < " + b.bind(m.Lo) + " OR " + q + " > " + b.bind(m.Hi)), nil
	}
	return "", fmt.Errorf("%w: unknown measure %q for column %q", store.ErrSchema, m.Kind, col.Name)
}

// Distinct lists up to limit distinct non-null values of a column over a scope, as text.
func (s *Store) Distinct(ctx context.Context, req store.Scope, column string, limit int) ([]string, error) {
	sc, err := s.scope(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := sc.sch.Require(column); err != nil {
		return nil, err
	}
	text := "CAST(" + s.col(column) + " AS " + s.d.TextType() + ")"
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT ", text, " AS mw_value")
	if err := s.writeWhere(b, sc); err != nil {
		return nil, err
	}
	b.write(" AND ", s.col(column), " IS NOT NULL ORDER BY mw_value LIMIT ", b.bind(int64(limit)))
	return s.strings(ctx, "listing values of "+column, b)
}

// logLossEps is scikit-learn's clipping of probabilities for log loss (float64 epsilon).
const logLossEps = "2.220446049250313e-16"

// probabilityMeasure is a sum over rows with a score and ground truth; the positive class is
// bound where it appears.
func (s *Store) probabilityMeasure(ctx context.Context, b *builder, sc scoped, m store.Measure) (string, error) {
	if len(m.Values) != 1 {
		return "", fmt.Errorf("%w: %s needs the positive class", store.ErrSchema, m.Kind)
	}
	q, err := s.columns(ctx, store.ColScore, store.ColActualLabel)
	if err != nil {
		return "", err
	}
	score, actual := q[0], q[1]
	scored := score + " IS NOT NULL AND " + actual + " IS NOT NULL"
	switch m.Kind {
	case store.MeasureScoredLabeled:
		return sc.weightedCount(s.d, scored), nil
	case store.MeasureBrierSum:
		y := "CASE WHEN " + actual + " = " + b.bind(m.Values[0]) + " THEN 1.0 ELSE 0.0 END"
		return "sum(CASE WHEN " + scored + " THEN " + sc.weighted("("+score+" - ("+y+")) * ("+score+" - ("+y+"))") + " END)", nil
	}
	p := "CASE WHEN " + actual + " = " + b.bind(m.Values[0]) + " THEN " + score + " ELSE 1 - " + score + " END"
	clipped := "least(greatest(" + p + ", " + logLossEps + "), 1 - " + logLossEps + ")"
	return "sum(CASE WHEN " + scored + " THEN " + sc.weighted("-ln("+clipped+")") + " END)", nil
}

// classProbabilityMeasure is a multiclass probability measure over m.Values, the classes, each
// bound where it is written.
func (s *Store) classProbabilityMeasure(ctx context.Context, b *builder, sc scoped, m store.Measure) (string, error) {
	if len(m.Values) < 2 || len(m.Values) > store.MaxScoreClasses {
		return "", fmt.Errorf("%w: %s needs 2 to %d classes, not %d", store.ErrSchema, m.Kind, store.MaxScoreClasses, len(m.Values))
	}
	names := []string{store.ColActualLabel}
	for _, class := range m.Values {
		name, err := store.ClassScoreColumn(class)
		if err != nil {
			return "", err
		}
		if err := s.classScoreColumn(ctx, name); err != nil {
			return "", err
		}
		names = append(names, name)
	}
	q, err := s.columns(ctx, names...)
	if err != nil {
		return "", err
	}
	actual, scores := q[0], q[1:]
	double := func(col string) string { return "CAST(" + col + " AS " + s.d.DoubleType() + ")" }
	conds := []string{actual + " IS NOT NULL", b.in(actual, m.Values)}
	for _, col := range scores {
		conds = append(conds, col+" IS NOT NULL")
	}
	scored := strings.Join(conds, " AND ")
	switch m.Kind {
	case store.MeasureClassScoredLabeled:
		return sc.weightedCount(s.d, scored), nil
	case store.MeasureClassBrierSum:
		terms := make([]string, len(scores))
		for i, col := range scores {
			y := "CASE WHEN " + actual + " = " + b.bind(m.Values[i]) + " THEN 1.0 ELSE 0.0 END"
			terms[i] = "(" + double(col) + " - (" + y + ")) * (" + double(col) + " - (" + y + "))"
		}
		return "sum(CASE WHEN " + scored + " THEN " + sc.weighted(strings.Join(terms, " + ")) + " END)", nil
	}
	var p strings.Builder
	p.WriteString("CASE")
	for i, col := range scores {
		p.WriteString(" WHEN " + actual + " = " + b.bind(m.Values[i]) + " THEN " + double(col))
	}
	p.WriteString(" END")
	clipped := "least(greatest(" + p.String() + ", " + logLossEps + "), 1 - " + logLossEps + ")"
	return "sum(CASE WHEN " + scored + " THEN " + sc.weighted("-ln("+clipped+")") + " END)", nil
}

// labelDelay is the mean or a quantile of labeled_at − ts in seconds, over rows with a label
// arrival time; it needs a labels table with labeled_at.
func (s *Store) labelDelay(ctx context.Context, m store.Measure) (string, error) {
	if s.labels == "" {
		return "", fmt.Errorf("%w: label delay needs a labels table with labeled_at: set the data source's labels table", store.ErrSchema)
	}
	q, err := s.columns(ctx, store.ColTS, store.ColLabeledAt)
	if err != nil {
		return "", err
	}
	delay := "CASE WHEN " + q[1] + " IS NOT NULL THEN " + s.d.EpochSeconds(q[1]) + " - " + s.d.EpochSeconds(q[0]) + " END"
	if m.Kind == store.MeasureLabelDelayMean {
		return "avg(" + delay + ")", nil
	}
	if !(m.Q >= 0 && m.Q <= 1) {
		return "", fmt.Errorf("%w: quantile %v is outside [0, 1]", store.ErrSchema, m.Q)
	}
	return s.d.Quantile(delay, m.Q), nil
}

// labeled counts rows with ground truth in whichever of actual_label and actual_value exist (a
// classification table may have no actual_value column, a regression one no actual_label).
func (s *Store) labeled(ctx context.Context) (string, error) {
	cond, err := s.labeledCondition(ctx)
	if err != nil {
		return "", err
	}
	return "CAST(" + countIf(s.d, cond) + " AS " + s.d.DoubleType() + ")", nil
}

// labeledCondition holds for a row with ground truth: an actual_label or an actual_value.
func (s *Store) labeledCondition(ctx context.Context) (string, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return "", err
	}
	var conds []string
	for _, name := range []string{store.ColActualLabel, store.ColActualValue} {
		if _, ok := sch.Column(name); ok {
			conds = append(conds, s.col(name)+" IS NOT NULL")
		}
	}
	if len(conds) == 0 {
		return "", sch.Require(store.ColActualLabel)
	}
	return "(" + strings.Join(conds, " OR ") + ")", nil
}

// measureScale is store.MeasureScale as SQL.
var measureScale = strconv.FormatFloat(store.MeasureScale, 'g', -1, 64)

// spread is a variance aggregate (fn: var_pop or var_samp) of e over the paired rows whose actual
// and error are within store.MeasureScale, and NaN when a paired row is beyond it (or NaN): the
// engine's variance refuses a result that is not finite with an error, and the spread of such
// values is undefined. The measures rollup keeps the same rule, so both paths agree. Too few
// values (none for var_pop, one for var_samp) give NULL, as SQL's aggregates do, written out
// because ClickHouse gives NaN.
func (s *Store) spread(fn, paired, act, errExpr, e string) string {
	inScale := "abs(" + act + ") <= " + measureScale + " AND abs" + errExpr + " <= " + measureScale
	values := "CASE WHEN " + paired + " AND " + inScale + " THEN " + e + " END"
	least := "1"
	if fn == "var_samp" {
		least = "2"
	}
	return "CASE WHEN " + countIf(s.d, paired+" AND NOT ("+inScale+")") + " > 0 THEN " + s.d.NaN() +
		" WHEN count(" + values + ") < " + least + " THEN NULL ELSE " + fn + "(" + values + ") END"
}
