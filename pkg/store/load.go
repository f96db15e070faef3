package store

import "database/sql/driver"

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
