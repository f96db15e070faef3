package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
	rows, err := s.db.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, s.queryErr(ctx, "aggregating", err)
	}
	defer rows.Close()
	var out []store.AggregateRow
	for rows.Next() {
		var (
			micros   int64
			ver, grp sql.NullString
		)
		vals := make([]sql.NullFloat64, len(req.Measures))
		dest := []any{&micros, &ver, &grp}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, s.queryErr(ctx, "reading aggregates", err)
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
	}
	if err := rows.Err(); err != nil {
		return nil, s.queryErr(ctx, "reading aggregates", err)
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
	exprs := make([]string, len(req.Measures))
	for i, m := range req.Measures {
		if exprs[i], err = s.measure(ctx, m); err != nil {
			return nil, err
		}
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.bucket(b, sc, req.Bucket), " AS ", aliasBucket, ", ", sc.version, ", ", sc.group, " AS ", aliasGroup)
	for _, e := range exprs {
		b.write(", ", e)
	}
	if err := s.writeWhere(b, sc); err != nil {
		return nil, err
	}
	groups := []string{sc.version, aliasGroup}
	if req.Bucket > 0 {
		groups = append(groups, aliasBucket)
	}
	b.write(" GROUP BY ", strings.Join(groups, ", "))
	return b, nil
}

// measure returns the SQL of one measure. The expressions contain no bound values, so that
// measures can be combined freely; quantiles are validated numbers written as literals.
func (s *Store) measure(ctx context.Context, m store.Measure) (string, error) {
	need := map[store.MeasureKind][]string{
		store.MeasureErrors:           {store.ColError},
		store.MeasureLabeled:          {store.ColActualLabel, store.ColActualValue},
		store.MeasureLatencyQuantile:  {store.ColLatencyMS},
		store.MeasurePaired:           {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumError:         {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumAbsError:      {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumSqError:       {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumActual:        {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumSqActual:      {store.ColPredictedValue, store.ColActualValue},
		store.MeasureNonZeroActual:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureSumAbsPctError:   {store.ColPredictedValue, store.ColActualValue},
		store.MeasureErrorQuantile:    {store.ColPredictedValue, store.ColActualValue},
		store.MeasureAbsErrorQuantile: {store.ColPredictedValue, store.ColActualValue},
	}
	if m.Kind == store.MeasureRows {
		return "CAST(count(*) AS DOUBLE PRECISION)", nil
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
	count := func(cond string) string { return "CAST(count(CASE WHEN " + cond + " THEN 1 END) AS DOUBLE PRECISION)" }
	if m.Kind == store.MeasureErrors {
		return count(q[0] + " IS NOT NULL"), nil
	}
	if m.Kind == store.MeasureLabeled {
		return count(q[0] + " IS NOT NULL OR " + q[1] + " IS NOT NULL"), nil
	}
	if m.Kind == store.MeasureLatencyQuantile {
		return s.d.Quantile(q[0], m.Q), nil
	}
	pred, act := q[0], q[1]
	paired := pred + " IS NOT NULL AND " + act + " IS NOT NULL"
	errExpr := "(" + pred + " - " + act + ")"
	// Sums over paired rows only: a CASE without ELSE is NULL elsewhere, which sum() skips.
	over := func(e string) string { return "CASE WHEN " + paired + " THEN " + e + " END" }
	switch m.Kind {
	case store.MeasurePaired:
		return count(paired), nil
	case store.MeasureSumError:
		return "sum(" + over(errExpr) + ")", nil
	case store.MeasureSumAbsError:
		return "sum(" + over("abs"+errExpr) + ")", nil
	case store.MeasureSumSqError:
		return "sum(" + over(errExpr+" * "+errExpr) + ")", nil
	case store.MeasureSumActual:
		return "sum(" + over(act) + ")", nil
	case store.MeasureSumSqActual:
		return "sum(" + over(act+" * "+act) + ")", nil
	case store.MeasureNonZeroActual:
		return count(paired + " AND " + act + " <> 0"), nil
	case store.MeasureSumAbsPctError:
		return "sum(CASE WHEN " + paired + " AND " + act + " <> 0 THEN abs(" + errExpr + " / " + act + ") END)", nil
	case store.MeasureErrorQuantile:
		return s.d.Quantile(over(errExpr), m.Q), nil
	case store.MeasureAbsErrorQuantile:
		return s.d.Quantile(over("abs"+errExpr), m.Q), nil
	}
	return "", fmt.Errorf("%w: unknown measure %q", store.ErrSchema, m.Kind)
}
