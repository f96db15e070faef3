package store

import (
	"database/sql/driver"
	"errors"
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

// TableChange is what a writer must do to a table for an input's columns: create it (it has no
// columns yet) with the base columns and Added, or add Added to it.
type TableChange struct {
	Create bool
	Added  []Column
}

// PlanTable is the change table needs for the input's columns, given its existing columns (none:
// it does not exist); a column whose kind differs from the table's is an error (ErrSchema).
func PlanTable(table string, existing, input []Column) (TableChange, error) {
	create := existing == nil
	if create {
		existing = BaseColumns
	}
	added, err := NewColumns(table, existing, input)
	return TableChange{Create: create, Added: added}, err
}

// ErrDuplicateID is an input holding one prediction_id twice: the input's fault.
var ErrDuplicateID = errors.New("duplicate prediction_id")

// duplicateID is an ErrDuplicateID with its own message.
type duplicateID string

func (e duplicateID) Error() string        { return string(e) }
func (e duplicateID) Is(target error) bool { return target == ErrDuplicateID }

// DuplicateID is ErrDuplicateID naming the id and, when they are known (first > 0), the input
// lines of its first and last rows.
func DuplicateID(id string, first, last int64) error {
	if first > 0 {
		return duplicateID(fmt.Sprintf("prediction_id %q appears more than once in the input (lines %d and %d): ids must be unique", id, first, last))
	}
	return duplicateID(fmt.Sprintf("prediction_id %q appears more than once in the input: ids must be unique", id))
}

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

// ColumnRows are the rows of a dialect's columns query (name, engine type), from database/sql or
// pgx alike.
type ColumnRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadColumns reads a columns query's rows into columns, each of the kind its engine type maps
// to (kind) and the role its name gives; none for a table that does not exist. It does not close
// rows.
func ReadColumns(rows ColumnRows, kind func(engineType string) Kind) ([]Column, error) {
	var cols []Column
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		cols = append(cols, Column{Name: name, Kind: kind(typ), Role: RoleOf(name), EngineType: typ})
	}
	return cols, rows.Err()
}
