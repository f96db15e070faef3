package settings

import (
	"fmt"
	"slices"

	"github.com/mlops/modelwatch/pkg/store"
)

// MaxOutcomeColumns bounds the outcomeColumns setting: a model logs a few outcomes, and each
// one with late values in the labels table is one more join of every query.
const MaxOutcomeColumns = 20

// validateOutcomeColumns checks the declared outcome columns: plain names, not base columns,
// each once, at most MaxOutcomeColumns.
func validateOutcomeColumns(columns []string) error {
	if len(columns) > MaxOutcomeColumns {
		return fmt.Errorf("%w: outcomeColumns lists %d columns (at most %d): declare only the columns logged about what happened after the prediction",
			ErrSettings, len(columns), MaxOutcomeColumns)
	}
	for i, c := range columns {
		if err := store.ValidIdentifier(c); err != nil {
			return fmt.Errorf("%w: outcomeColumns[%d]: %v", ErrSettings, i, err)
		}
		if role := store.RoleOf(c); role != store.RoleFeature {
			return fmt.Errorf("%w: outcomeColumns[%d]: %q is a base column (%s); an outcome is a column of its own, e.g. clicked", ErrSettings, i, c, role)
		}
		if slices.Contains(columns[:i], c) {
			return fmt.Errorf("%w: outcomeColumns lists %q twice", ErrSettings, c)
		}
	}
	return nil
}
