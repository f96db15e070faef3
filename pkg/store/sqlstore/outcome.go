package sqlstore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// outcomeMeasure is a count of positive outcomes or a sum of outcomes of column col (q is its
// expression, the late value from the labels table where there is one); a text column's
// positive value is bound.
func (s *Store) outcomeMeasure(b *builder, col store.Column, q string, m store.Measure) (string, error) {
	count := func(cond string) string {
		return "CAST(" + countIf(s.d, cond) + " AS " + s.d.DoubleType() + ")"
	}
	switch {
	case m.Kind == store.MeasurePositive && col.Kind == store.KindText:
		if len(m.Values) != 1 {
			return "", fmt.Errorf("%w: the positive outcomes of text column %q need the value that counts as positive", store.ErrSchema, col.Name)
		}
		return count(q + " = " + b.bind(m.Values[0])), nil
	case m.Kind == store.MeasurePositive && col.Kind == store.KindBoolean:
		return count(isTrue(s.d, q)), nil
	case m.Kind == store.MeasurePositive && isNumber(col):
		return count(q + " <> 0"), nil
	case m.Kind == store.MeasureSum && col.Kind == store.KindBoolean:
		return count(isTrue(s.d, q)), nil // the sum of true as 1, false as 0
	case m.Kind == store.MeasureSum && isNumber(col):
		return "sum(CAST(" + q + " AS " + s.d.DoubleType() + "))", nil
	}
	return "", fmt.Errorf("%w: %s of column %q needs a boolean or number column; it is %s", store.ErrSchema, m.Kind, col.Name, col.Kind)
}

func isNumber(c store.Column) bool { return c.Kind == store.KindDouble || c.Kind == store.KindInteger }

// WithOutcomes declares outcome columns (the data source's outcomeColumns): columns logged
// about what happened after the prediction (clicked, purchased). They take the role outcome,
// so they are not model inputs, and with a labels table that has them their late values (the
// latest labeled_at among the rows that have one) win over the prediction table's.
func (s *Store) WithOutcomes(columns []string) error {
	for _, c := range columns {
		if err := store.ValidIdentifier(c); err != nil {
			return fmt.Errorf("outcome column: %w", err)
		}
		if store.RoleOf(c) != store.RoleFeature {
			return fmt.Errorf("%w: outcome column %q is a base column (%s); an outcome is a column of its own, e.g. clicked", store.ErrSchema, c, store.RoleOf(c))
		}
	}
	s.outcomes = slices.Clone(columns)
	return nil
}

// roleOf is a column's role: a declared outcome's, or by its name.
func (s *Store) roleOf(name string) store.Role {
	if slices.Contains(s.outcomes, name) {
		return store.RoleOutcome
	}
	return store.RoleOf(name)
}

// discoverOutcomeLabels finds the declared outcomes the labels table has; one the prediction
// table lacks becomes a column of the schema, typed as the labels table has it.
func (s *Store) discoverOutcomeLabels(cols [][2]string, sch *store.Schema) {
	s.outcomeLabels = map[string]string{}
	for _, c := range cols {
		name, typ := c[0], c[1]
		i := slices.Index(s.outcomes, name)
		if i < 0 {
			continue
		}
		s.outcomeLabels[name] = fmt.Sprintf("o%d", i)
		_, has := sch.Column(name)
		s.predictionHas[name] = has
		if !has {
			sch.Columns = append(sch.Columns, store.Column{Name: name, Kind: s.d.Kind(typ), Role: store.RoleOutcome, EngineType: typ})
		}
	}
}

// lateOutcome is an outcome column's expression: its late value where the labels table has
// one, else the prediction table's.
func (s *Store) lateOutcome(alias, name, q string) string {
	l := alias + "." + s.d.QuoteIdent(name)
	if s.predictionHas[name] {
		return "COALESCE(" + l + ", p." + q + ")"
	}
	return l
}

// outcomeJoins joins, for each declared outcome the labels table has, its latest late value
// per prediction: the row with the latest labeled_at among those with a non-null value (a row
// without labeled_at loses to any with one; ties go to the greatest value), so that a labels
// row carrying only a label, or only another outcome, never hides it.
func (s *Store) outcomeJoins() string {
	var out strings.Builder
	id := s.d.QuoteIdent(store.ColPredictionID)
	for _, name := range s.outcomes {
		alias, ok := s.outcomeLabels[name]
		if !ok {
			continue
		}
		c := s.d.QuoteIdent(name)
		order := c + " DESC NULLS LAST"
		if s.labelCols[store.ColLabeledAt] {
			order = s.d.QuoteIdent(store.ColLabeledAt) + " DESC NULLS LAST, " + order
		}
		out.WriteString(" LEFT JOIN (SELECT " + id + ", " + c + " FROM (SELECT " + id + ", " + c +
			", row_number() OVER (PARTITION BY " + id + " ORDER BY " + order + ") AS outcome_rank FROM " + s.d.QuoteIdent(s.labels) +
			" WHERE " + c + " IS NOT NULL) AS ranked WHERE outcome_rank = 1) AS " + alias +
			" ON " + alias + "." + id + " = p." + s.d.QuoteIdent(s.physicalName(store.ColPredictionID)))
	}
	return out.String()
}
