package store

import "errors"

// Sentinel errors of the store; compare with errors.Is.
var (
	// ErrSchema: the table or a column is missing or misnamed.
	ErrSchema = errors.New("prediction table schema")
	// ErrUnavailable: the store cannot be opened or reached.
	ErrUnavailable = errors.New("prediction store unavailable")
	// ErrNotFound: a model, version or class named by the query does not exist.
	ErrNotFound = errors.New("not found")
	// ErrStoreIO: the store failed to read its data (disk, lock, memory): not the plugin's fault.
	ErrStoreIO = errors.New("prediction store I/O")
	// ErrTooManyValues: a distribution has more distinct values than the request allows.
	ErrTooManyValues = errors.New("too many distinct values")
)
