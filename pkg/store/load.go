package store

import (
	"database/sql/driver"
	"fmt"
)

// LoadResult says what a load did.
type LoadResult struct {
	Read     int64 // rows in the input
	Inserted int64 // rows new to the table
	Skipped  int64 // rows whose prediction_id was already stored (idempotent re-load)
	// Written are the models and time ranges of the rows the load added.
	Written []Written
}

// AppendFunc appends one row: the values of the load's columns in order, then the input's line
// number (for error messages).
type AppendFunc func(values []driver.Value) error

// NewColumns returns the input's columns that table lacks (existing are its columns), in the
// input's order; a column whose kind differs from the table's is an error (ErrSchema).
func NewColumns(table string, existing, input []Column) ([]Column, error) {
	kinds := make(map[string]Kind, len(existing)+len(input))
	for _, c := range existing {
		kinds[c.Name] = c.Kind
	}
	var added []Column
	for _, c := range input {
		k, ok := kinds[c.Name]
		if !ok {
			kinds[c.Name] = c.Kind
			added = append(added, c)
			continue
		}
		if k != c.Kind {
			return nil, fmt.Errorf("%w: column %q is %s in table %s but %s in the input", ErrSchema, c.Name, k, table, c.Kind)
		}
	}
	return added, nil
}
